/*
 * The i686 build of kernel/elf.c (tests/host/elf32_run.c) as a coprocess
 * of the ELF parser's host unit test (elf32_compare.h): the requests and
 * answers of its pipe protocol, and the comparison of its result with the
 * host's.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uapi/hilo/errno.h>

#include "elf32_compare.h"

static struct {
	pid_t pid;
	int to, from;
	const char *off;		/* why it does not run, or NULL */
} i686 = { .off = "not started" };

struct result {
	int ret;
	struct elf_info info;
	char why[128];
};

static bool write_all(int fd, const void *buf, size_t n)
{
	const u8 *p = buf;

	while (n) {
		ssize_t put = write(fd, p, n);

		if (put <= 0)
			return false;
		p += put;
		n -= (size_t)put;
	}
	return true;
}

static bool read_all(int fd, void *buf, size_t n)
{
	u8 *p = buf;

	while (n) {
		ssize_t got = read(fd, p, n);

		if (got <= 0)
			return false;
		p += got;
		n -= (size_t)got;
	}
	return true;
}

/* i686_parse - elf_parse in the i686 build; false when it cannot answer. */
static bool i686_parse(const u8 *img, size_t size, unsigned long min_addr,
		       unsigned long max_addr, struct result *r)
{
	u32 req[3] = { (u32)size, (u32)min_addr, (u32)max_addr };
	u32 out[4 + ELF_MAX_SEGMENTS * 5 + 1], len;

	if (i686.off)
		return false;
	if (!write_all(i686.to, req, sizeof(req)) || !write_all(i686.to, img, size) ||
	    !read_all(i686.from, out, sizeof(out))) {
		i686.off = "it stopped answering";
		return false;
	}
	memset(r, 0, sizeof(*r));
	r->ret = (int)out[0];
	r->info.entry = out[1];
	r->info.end = out[2];
	r->info.nr_segments = out[3];
	for (unsigned int i = 0; i < ELF_MAX_SEGMENTS; i++) {
		const u32 *o = out + 4 + i * 5;

		r->info.seg[i] = (struct elf_segment){ .vaddr = o[0], .memsz = o[1],
			.offset = o[2], .filesz = o[3], .prot = o[4] };
	}
	len = out[4 + ELF_MAX_SEGMENTS * 5];
	if (len >= sizeof(r->why) || !read_all(i686.from, r->why, len)) {
		i686.off = "it answered nonsense";
		return false;
	}
	r->why[len] = '\0';
	return true;
}

void i686_start(const char *path)
{
	int to[2], from[2];
	struct result r;

	signal(SIGPIPE, SIG_IGN);
	if (access(path, X_OK)) {
		i686.off = "not built";
		return;
	}
	if (pipe(to) || pipe(from)) {
		i686.off = "no pipes";
		return;
	}
	i686.pid = fork();
	if (i686.pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[0]), close(to[1]), close(from[0]), close(from[1]);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	i686.to = to[1];
	i686.from = from[0];
	i686.off = i686.pid < 0 ? "no fork" : NULL;
	if (!i686.off && (!i686_parse((const u8 *)"", 0, 0, 0, &r) || r.ret != -ENOEXEC))
		i686.off = "it does not run here (a host without i386 binaries?)";
}

void i686_stop(void)
{
	if (i686.pid > 0) {
		close(i686.to);
		close(i686.from);
		waitpid(i686.pid, NULL, 0);
	}
}

const char *i686_off(void)
{
	return i686.off;
}

/* same - whether the i686 result r is the host's (ret, why, info). */
static bool same(const struct result *r, int ret, const char *why, const struct elf_info *info)
{
	if (r->ret != ret)
		return false;
	if (ret)
		return why && strcmp(r->why, why) == 0;
	if (r->info.entry != info->entry || r->info.end != info->end ||
	    r->info.nr_segments != info->nr_segments)
		return false;
	for (unsigned int i = 0; i < info->nr_segments; i++) {
		const struct elf_segment *a = &r->info.seg[i], *b = &info->seg[i];

		if (a->vaddr != b->vaddr || a->memsz != b->memsz || a->offset != b->offset ||
		    a->filesz != b->filesz || a->prot != b->prot)
			return false;
	}
	return true;
}

/* Bounds above 4 GiB do not fit the protocol's u32s: not compared. */
bool i686_agrees(const u8 *img, size_t size, unsigned long min_addr, unsigned long max_addr,
		 int ret, const char *why, const struct elf_info *info)
{
	struct result r;

	if (max_addr <= 0xFFFFFFFFUL && i686_parse(img, size, min_addr, max_addr, &r) &&
	    !same(&r, ret, why, info)) {
		printf("  the i686 build disagrees: host %d (%s), i686 %d (%s), "
		       "nr_segments %u and %u\n", ret, ret ? why : "", r.ret, r.why,
		       ret ? 0 : info->nr_segments, r.ret ? 0 : r.info.nr_segments);
		return false;
	}
	return true;
}
