/*
 * Host unit tests of execve's ELF parser (kernel/elf.c): images built by
 * spec (an ELF header, program headers and their file parts, any field
 * overridable), the valid layouts and every rejection with its reason.
 * Every parse is also checked against the properties of elf_check.h and,
 * when tests/host/elf32_run.c runs here, against the same file built by
 * the kernel's compiler for i686, where unsigned long has 32 bits: both
 * builds must give the same result, so an overflow guard that holds only
 * with the host's 64-bit unsigned long fails here.
 */
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hilo/compiler.h>

#include "elf_check.h"
#include "host_test.h"

#define PT_NULL      0
#define PT_LOAD      1
#define PT_NOTE      4
#define PT_GNU_STACK 0x6474E551U
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define ET_DYN    3
#define EM_X86_64 62

#define MAX_PH    12
#define IMAGE_MAX 0x4000

/* One program header, in file order. */
struct ph {
	u32 type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

/* What build() writes; start from two_segments() or three_segments(). */
struct spec {
	u8 ident[16];
	u16 type, machine, phentsize;
	u32 version, entry, phoff;
	int phnum;			/* e_phnum; -1: nr */
	unsigned int nr;		/* program headers written at phoff */
	struct ph ph[MAX_PH];
	long size;			/* the image's size; -1: up to the last thing written */
};

#define LOAD(off, va, fsz, msz, fl) \
	((struct ph){ PT_LOAD, (off), (va), (va), (fsz), (msz), (fl), 0x1000 })

static struct spec base(void)
{
	return (struct spec){
		.ident = { 0x7F, 'E', 'L', 'F', 1, 1, 1 },
		.type = 2, .machine = 3, .phentsize = 32, .version = 1,
		.phoff = 52, .phnum = -1, .size = -1,
	};
}

/*
 * A small static program as ld lays one out: text (R+X) from offset 0,
 * headers included, and data with bss (R+W) on the next page.
 */
static struct spec two_segments(void)
{
	struct spec s = base();

	s.nr = 2;
	s.ph[0] = LOAD(0, 0x10000, 0x100, 0x100, PF_R | PF_X);
	s.ph[1] = LOAD(0x100, 0x11100, 0x20, 0x1000, PF_R | PF_W);
	s.entry = 0x10074;
	return s;
}

/* Text (R+X), rodata (R), data and bss (R+W, memsz > filesz): one page each. */
static struct spec three_segments(void)
{
	struct spec s = base();

	s.nr = 3;
	s.ph[0] = LOAD(0, 0x08048000, 0x1A0, 0x1A0, PF_R | PF_X);
	s.ph[1] = LOAD(0x1A0, 0x080491A0, 0x40, 0x40, PF_R);
	s.ph[2] = LOAD(0x1E0, 0x0804A1E0, 0x24, 0x2000, PF_R | PF_W);
	s.entry = 0x08048094;
	return s;
}

static u8 image[IMAGE_MAX];
static size_t image_size;

static void put16(u8 *p, u16 v) { p[0] = (u8)v; p[1] = (u8)(v >> 8); }
static void put32(u8 *p, u32 v) { put16(p, (u16)v); put16(p + 2, (u16)(v >> 16)); }

/* build - the image of s in image[0, image_size): file parts first, headers over them. */
static void build(const struct spec *s)
{
	u64 end = 52;

	memset(image, 0, sizeof(image));
	for (unsigned int i = 0; i < s->nr; i++) {
		u64 from = s->ph[i].offset, to = from + s->ph[i].filesz;

		if (s->ph[i].type != PT_LOAD || to > IMAGE_MAX)
			continue;
		for (u64 at = from; at < to; at++)
			image[at] = (u8)(0x90 ^ at);
		end = to > end ? to : end;
	}
	memcpy(image, s->ident, 16);
	put16(image + 16, s->type);
	put16(image + 18, s->machine);
	put32(image + 20, s->version);
	put32(image + 24, s->entry);
	put32(image + 28, s->phoff);
	put16(image + 40, 52);
	put16(image + 42, s->phentsize);
	put16(image + 44, (u16)(s->phnum < 0 ? (int)s->nr : s->phnum));
	for (unsigned int i = 0; i < s->nr; i++) {
		u64 at = (u64)s->phoff + i * 32;
		const struct ph *p = &s->ph[i];
		const u32 f[8] = { p->type, p->offset, p->vaddr, p->paddr,
				   p->filesz, p->memsz, p->flags, p->align };

		if (at + 32 > IMAGE_MAX)
			continue;
		for (unsigned int j = 0; j < 8; j++)
			put32(image + at + 4 * j, f[j]);
		end = at + 32 > end ? at + 32 : end;
	}
	image_size = s->size >= 0 ? (size_t)s->size : (size_t)end;
}

/* ---- the i686 build (tests/host/elf32_run.c) ---- */

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

/* i686_start - run path as a coprocess, and check that it answers. */
static void i686_start(const char *path)
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

static void i686_stop(void)
{
	if (i686.pid > 0) {
		close(i686.to);
		close(i686.from);
		waitpid(i686.pid, NULL, 0);
	}
}

/* ---- parsing and checking ---- */

static struct elf_info info;
static const char *why;
static int ret;

/* same - whether the i686 result r is the host's (ret, why, info). */
static bool same(const struct result *r)
{
	if (r->ret != ret)
		return false;
	if (ret)
		return why && strcmp(r->why, why) == 0;
	if (r->info.entry != info.entry || r->info.end != info.end ||
	    r->info.nr_segments != info.nr_segments)
		return false;
	for (unsigned int i = 0; i < info.nr_segments; i++) {
		const struct elf_segment *a = &r->info.seg[i], *b = &info.seg[i];

		if (a->vaddr != b->vaddr || a->memsz != b->memsz || a->offset != b->offset ||
		    a->filesz != b->filesz || a->prot != b->prot)
			return false;
	}
	return true;
}

/*
 * parse_raw - elf_parse img[0, size) from a heap block of exactly its size
 * at misalign bytes past an aligned address; then the properties, and the
 * i686 build's answer.  False, with a report, when either is wrong.
 */
static bool parse_raw(const u8 *img, size_t size, unsigned long min_addr,
		      unsigned long max_addr, unsigned int misalign)
{
	u8 *block = malloc(size + misalign + 1);
	const char *bad;
	struct result r;

	memcpy(block + misalign, img, size);
	memset(&info, 0xA5, sizeof(info));
	why = NULL;
	ret = elf_parse(block + misalign, size, min_addr, max_addr, &info, &why);
	bad = elf_check(block + misalign, size, min_addr, max_addr, ret, &info, why);
	free(block);
	if (bad) {
		printf("  returned %d (%s): %s\n", ret, why ? why : "", bad);
		return false;
	}
	if (max_addr <= 0xFFFFFFFFUL && i686_parse(img, size, min_addr, max_addr, &r) &&
	    !same(&r)) {
		printf("  the i686 build disagrees: host %d (%s), i686 %d (%s), "
		       "nr_segments %u and %u\n", ret, ret ? why : "", r.ret, r.why,
		       ret ? 0 : info.nr_segments, r.ret ? 0 : r.info.nr_segments);
		return false;
	}
	return true;
}

static bool parse_at(const struct spec *s, unsigned long min_addr, unsigned long max_addr)
{
	build(s);
	return parse_raw(image, image_size, min_addr, max_addr, 0);
}

/* accepts_at / accepts - s parses with these bounds / with execve's. */
static bool accepts_at(const struct spec *s, unsigned long min_addr, unsigned long max_addr)
{
	if (!parse_at(s, min_addr, max_addr))
		return false;
	if (ret)
		printf("  rejected: %s\n", why);
	return ret == 0;
}

static bool accepts(const struct spec *s)
{
	return accepts_at(s, ELF_USER_MIN, ELF_USER_MAX);
}

/* rejects_at / rejects - s is refused for exactly this reason. */
static bool rejects_at(const struct spec *s, unsigned long min_addr, unsigned long max_addr,
		       const char *reason)
{
	if (!parse_at(s, min_addr, max_addr))
		return false;
	if (ret != -ENOEXEC || strcmp(why, reason) != 0) {
		printf("  returned %d (%s), not -ENOEXEC (%s)\n", ret, ret ? why : "", reason);
		return false;
	}
	return true;
}

static bool rejects(const struct spec *s, const char *reason)
{
	return rejects_at(s, ELF_USER_MIN, ELF_USER_MAX, reason);
}

static bool seg_is(unsigned int i, unsigned long vaddr, unsigned long memsz,
		   unsigned long offset, unsigned long filesz, unsigned int prot)
{
	const struct elf_segment *s = &info.seg[i];

	return i < info.nr_segments && s->vaddr == vaddr && s->memsz == memsz &&
	       s->offset == offset && s->filesz == filesz && s->prot == prot;
}

#define R_X (PROT_READ | PROT_EXEC)
#define R_W (PROT_READ | PROT_WRITE)

static const char *const HEADER = "not 32-bit little-endian ELF version 1";
static const char *const PHDRS = "the program headers lie outside the file";
static const char *const SEGMENT = "a segment is empty or its file part exceeds its memory";
static const char *const FILE_PART = "a segment's file part lies outside the file";
static const char *const USER = "a segment lies outside user space";
static const char *const ORDER = "segments overlap, share a page or are out of order";
static const char *const ENTRY = "the entry point is not in an executable segment";

/* ---- the cases ---- */

static void two_segments_text_and_data_with_bss(void)
{
	struct spec s = two_segments();

	CHECK(accepts(&s));
	CHECK(info.nr_segments == 2 && info.entry == 0x10074 && info.end == 0x12100);
	CHECK(seg_is(0, 0x10000, 0x100, 0, 0x100, R_X));
	CHECK(seg_is(1, 0x11100, 0x1000, 0x100, 0x20, R_W));
}

static void three_segments_text_rodata_and_data_with_bss(void)
{
	struct spec s = three_segments();

	CHECK(accepts(&s));
	CHECK(info.nr_segments == 3 && info.entry == 0x08048094 && info.end == 0x0804C1E0);
	CHECK(seg_is(0, 0x08048000, 0x1A0, 0, 0x1A0, R_X));
	CHECK(seg_is(1, 0x080491A0, 0x40, 0x1A0, 0x40, PROT_READ));
	CHECK(seg_is(2, 0x0804A1E0, 0x2000, 0x1E0, 0x24, R_W));
}

static void prot_follows_each_flag(void)
{
	struct spec s = three_segments();

	s.ph[1].flags = 0;
	s.ph[2].flags = PF_W;
	s.ph[0].flags = PF_X | PF_W | PF_R | 0xF0000000;	/* PF_MASKPROC bits ignored */
	CHECK(accepts(&s));
	CHECK(info.seg[0].prot == (PROT_READ | PROT_WRITE | PROT_EXEC));
	CHECK(info.seg[1].prot == PROT_NONE && info.seg[2].prot == PROT_WRITE);
	s.ph[0].flags = PF_X;
	CHECK(accepts(&s));
	CHECK(info.seg[0].prot == PROT_EXEC);
}

static void other_program_headers_are_skipped(void)
{
	struct spec s = two_segments();

	/* PT_NOTE and PT_GNU_STACK with fields that no PT_LOAD could have. */
	s.nr = 5;
	s.ph[2] = s.ph[1];
	s.ph[1] = (struct ph){ PT_GNU_STACK, 0, 0, 0, 0, 0, PF_R | PF_W, 16 };
	s.ph[3] = (struct ph){ PT_NOTE, 0xFFFFFFF0, 0xFFFFF000, 0, 0x100, 0, PF_R, 4 };
	s.ph[4] = (struct ph){ PT_NULL, 0, 0, 0, 0, 0, 0, 0 };
	s.ph[0].filesz = s.ph[0].memsz = 0x100;	/* still covers the 5 headers (212 bytes) */
	CHECK(accepts(&s));
	CHECK(info.nr_segments == 2 && info.end == 0x12100);
	CHECK(seg_is(1, 0x11100, 0x1000, 0x100, 0x20, R_W));
}

static void an_unaligned_image_parses_the_same(void)
{
	struct spec s = three_segments();

	build(&s);
	for (unsigned int misalign = 1; misalign < 4; misalign++) {
		CHECK(parse_raw(image, image_size, ELF_USER_MIN, ELF_USER_MAX, misalign));
		CHECK(ret == 0 && info.nr_segments == 3 && info.end == 0x0804C1E0);
	}
}

static void too_short_for_a_header(void)
{
	struct spec s = two_segments();

	s.size = 51;
	CHECK(rejects(&s, "shorter than an ELF header"));
	s.size = 0;
	CHECK(rejects(&s, "shorter than an ELF header"));
}

static void bad_magic(void)
{
	struct spec s = two_segments();

	for (unsigned int i = 0; i < 4; i++) {
		s = two_segments();
		s.ident[i] ^= 0x20;
		CHECK(rejects(&s, "no ELF magic"));
	}
}

static void a_64_bit_big_endian_or_unknown_version_file(void)
{
	struct spec s = two_segments();

	s.ident[4] = 2;		/* ELFCLASS64 */
	CHECK(rejects(&s, HEADER));
	s = two_segments();
	s.ident[5] = 2;		/* ELFDATA2MSB */
	CHECK(rejects(&s, HEADER));
	s = two_segments();
	s.ident[6] = 0;		/* EV_NONE */
	CHECK(rejects(&s, HEADER));
}

static void not_an_executable(void)
{
	struct spec s = two_segments();

	s.type = ET_DYN;
	CHECK(rejects(&s, "not an executable (ET_EXEC)"));
	s.type = 1;		/* ET_REL */
	CHECK(rejects(&s, "not an executable (ET_EXEC)"));
}

static void not_an_i386_program(void)
{
	struct spec s = two_segments();

	s.machine = EM_X86_64;
	CHECK(rejects(&s, "not an i386 program"));
}

static void program_header_size_not_32(void)
{
	struct spec s = two_segments();

	s.phentsize = 56;	/* Elf64_Phdr */
	CHECK(rejects(&s, "program header size is not 32"));
	s.phentsize = 0;
	CHECK(rejects(&s, "program header size is not 32"));
}

static void program_headers_past_the_end(void)
{
	struct spec s = two_segments();

	s.size = 52 + 2 * 32 - 1;	/* the table's last byte missing */
	CHECK(rejects(&s, PHDRS));
	s.size = 0x120;			/* the file as two_segments() has it */
	s.phoff = 0x120 - 2 * 32 + 1;	/* the table one byte past the end */
	CHECK(rejects(&s, PHDRS));
	s.phoff = 0x121;		/* past the end */
	CHECK(rejects(&s, PHDRS));
	s = two_segments();
	s.phnum = 8;			/* more than the file's 0x120 bytes hold */
	CHECK(rejects(&s, PHDRS));
	s.phnum = 0xFFFF;
	CHECK(rejects(&s, PHDRS));
	s.phnum = 0;
	CHECK(rejects(&s, PHDRS));
	/* phoff + phnum * 32 is 2^32 + 0x20: 0x20 in 32 bits, inside the file. */
	s.phoff = 0xFFFFFFE0;
	s.phnum = 2;
	CHECK(rejects(&s, PHDRS));
	s.phoff = 0xFFFFFF00;
	s.phnum = 8;			/* 2^32 exactly: 0 in 32 bits */
	CHECK(rejects(&s, PHDRS));
}

static void no_pt_load(void)
{
	struct spec s = two_segments();

	s.ph[0].type = PT_NOTE;
	s.ph[1].type = PT_GNU_STACK;
	s.size = 0x120;
	CHECK(rejects(&s, "no PT_LOAD segment"));
}

static void at_most_elf_max_segments(void)
{
	struct spec s = base();

	s.nr = ELF_MAX_SEGMENTS + 1;
	s.phoff = 0x40;
	for (unsigned int i = 0; i < s.nr; i++) {
		u32 off = 0x200 + i * 0x10;

		s.ph[i] = LOAD(off, 0x10000 + i * 0x1000 + off, 0x10, 0x10, PF_R);
	}
	s.ph[0].flags = PF_R | PF_X;
	s.entry = s.ph[0].vaddr;
	CHECK(rejects(&s, "too many PT_LOAD segments"));
	s.ph[ELF_MAX_SEGMENTS].type = PT_GNU_STACK;
	CHECK(accepts(&s));
	CHECK(info.nr_segments == ELF_MAX_SEGMENTS);
	CHECK(seg_is(ELF_MAX_SEGMENTS - 1, 0x17270, 0x10, 0x270, 0x10, PROT_READ));
}

static void an_empty_segment(void)
{
	struct spec s = two_segments();

	s.ph[1].memsz = 0;
	s.ph[1].filesz = 0;
	CHECK(rejects(&s, SEGMENT));
}

static void filesz_beyond_memsz(void)
{
	struct spec s = two_segments();

	s.ph[1].memsz = 0x1F;
	CHECK(rejects(&s, SEGMENT));
	s.ph[1].memsz = 0x20;		/* equal is fine: no bss */
	CHECK(accepts(&s));
}

static void file_part_past_the_end(void)
{
	struct spec s = two_segments();

	s.size = 0x11F;
	CHECK(rejects(&s, FILE_PART));
	s.size = 0x120;
	CHECK(accepts(&s));
	s.ph[1].offset = 0x1100;	/* an offset past the end, even with nothing to read */
	s.ph[1].filesz = 0;
	CHECK(rejects(&s, FILE_PART));
	/* offset + filesz is 2^32 + 0x100: 0x100 in 32 bits, inside the file. */
	s.ph[1] = LOAD(0xFFFFF100, 0x11100, 0x1000, 0x1000, PF_R | PF_W);
	CHECK(rejects(&s, FILE_PART));
	s.ph[1] = LOAD(0x100, 0x11100, 0xFFFFFF00, 0xFFFFFF00, PF_R | PF_W);
	CHECK(rejects(&s, FILE_PART));
}

static void a_segment_below_min_addr(void)
{
	struct spec s = two_segments();

	s.ph[0].vaddr = 0xF000;
	s.entry = 0xF074;
	CHECK(rejects(&s, USER));
	s.ph[0].vaddr = 0;
	s.entry = 0x74;
	CHECK(rejects(&s, USER));
	s.ph[0].vaddr = 0x10000;	/* exactly min_addr */
	s.entry = 0x10074;
	CHECK(accepts(&s));
}

static void a_segment_past_max_addr(void)
{
	struct spec s = two_segments();

	s.ph[1].memsz = ELF_USER_MAX - 0x11100 + 1;
	CHECK(rejects(&s, USER));
	s.ph[1].memsz = ELF_USER_MAX - 0x11100;		/* ends at max_addr */
	CHECK(accepts(&s));
	CHECK(info.end == ELF_USER_MAX);
	s.ph[1] = LOAD(0x100, ELF_USER_MAX + 0x100, 0x20, 0x20, PF_R | PF_W);
	CHECK(rejects(&s, USER));
	s.ph[1].vaddr = 0xC0000100;			/* kernel space */
	CHECK(rejects(&s, USER));
	s.ph[1].vaddr = 0xFFFFF100;
	CHECK(rejects(&s, USER));
}

static void a_segment_wrapping_past_4_gib(void)
{
	struct spec s = two_segments();

	/* vaddr + memsz is 2^32 + 0x10100: 0x10100 in 32 bits, below max_addr. */
	s.ph[1].memsz = 0xFFFFF000;
	CHECK(rejects(&s, USER));
	CHECK(rejects_at(&s, 0x10000, 0xFFFFFFFF, USER));
	s.ph[1] = LOAD(0x100, 0xFFFFF100, 0x20, 0x1000, PF_R | PF_W);
	CHECK(rejects_at(&s, 0x10000, 0xFFFFFFFF, USER));
	s.ph[1].memsz = 0xEFF;				/* ends at 0xFFFFFFFF */
	CHECK(accepts_at(&s, 0x10000, 0xFFFFFFFF));
	CHECK(info.end == 0xFFFFFFFF);
}

static void vaddr_and_offset_differ_within_a_page(void)
{
	struct spec s = two_segments();

	s.ph[1].vaddr = 0x11000;
	CHECK(rejects(&s, "a segment's address and file offset differ within a page"));
	s.ph[1].vaddr = 0x11104;
	CHECK(rejects(&s, "a segment's address and file offset differ within a page"));
}

static void overlapping_segments(void)
{
	struct spec s = three_segments();

	s.ph[1].vaddr = 0x08048100;		/* inside the text */
	s.ph[1].offset = 0x100;
	CHECK(rejects(&s, ORDER));
	s = three_segments();
	s.ph[2].vaddr = 0x080491E0;		/* the same page as rodata */
	CHECK(rejects(&s, ORDER));
	s = three_segments();
	s.ph[1] = s.ph[0];			/* the same segment twice */
	CHECK(rejects(&s, ORDER));
}

static void two_segments_sharing_a_page(void)
{
	struct spec s = two_segments();

	s.ph[1].vaddr = 0x10100;		/* right after the text, no byte shared */
	CHECK(rejects(&s, ORDER));
	s = two_segments();
	s.ph[0].memsz = 0x1001;			/* the text's last byte is on data's page */
	CHECK(rejects(&s, ORDER));
	s.ph[0].memsz = 0x1000;			/* ends on the page boundary */
	CHECK(accepts(&s));
}

static void out_of_order_segments(void)
{
	struct spec s = three_segments();
	struct ph text = s.ph[0];

	s.ph[0] = s.ph[1];
	s.ph[1] = text;
	CHECK(rejects(&s, ORDER));
	s = three_segments();
	text = s.ph[2];
	s.ph[2] = s.ph[1];
	s.ph[1] = text;
	CHECK(rejects(&s, ORDER));
}

/*
 * A segment that ends in the last page below 4 GiB: rounding its end up
 * to a page wraps to 0 where unsigned long has 32 bits.  Any segment after
 * it must still be refused (with max_addr 0xFFFFFFFF; execve's bounds
 * never come near).  Run by the i686 build too.
 */
static void order_is_checked_up_to_the_last_page(void)
{
	struct spec s = two_segments();

	s.ph[0] = LOAD(0, 0xFFFFE000, 0x100, 0x1800, PF_R | PF_X);
	s.entry = 0xFFFFE074;
	s.ph[1] = LOAD(0x100, 0x10100, 0x20, 0x20, PF_R | PF_W);	/* below: out of order */
	CHECK(rejects_at(&s, 0x10000, 0xFFFFFFFF, ORDER));
	s.ph[1].vaddr = 0xFFFFE100;					/* overlapping */
	CHECK(rejects_at(&s, 0x10000, 0xFFFFFFFF, ORDER));
	s.ph[1].vaddr = 0xFFFFF100;					/* sharing a page */
	CHECK(rejects_at(&s, 0x10000, 0xFFFFFFFF, ORDER));
	s.ph[0].memsz = 0x1000;						/* ends at 0xFFFFF000 */
	CHECK(accepts_at(&s, 0x10000, 0xFFFFFFFF));
	CHECK(info.nr_segments == 2 && info.end == 0xFFFFF120);
	if (i686.off)
		printf("  not run by the i686 build: %s\n", i686.off);
}

static void entry_outside_every_executable_segment(void)
{
	struct spec s = three_segments();

	s.entry = 0;
	CHECK(rejects(&s, ENTRY));
	s.entry = 0x080481A0;			/* one past the text */
	CHECK(rejects(&s, ENTRY));
	s.entry = 0x080491A0;			/* rodata */
	CHECK(rejects(&s, ENTRY));
	s.entry = 0x0804B000;			/* bss */
	CHECK(rejects(&s, ENTRY));
	s.entry = 0x08048000;			/* the first byte of the text */
	CHECK(accepts(&s));
	s.entry = 0x0804819F;			/* its last */
	CHECK(accepts(&s));
	s.ph[0].flags = PF_R;			/* no executable segment at all */
	CHECK(rejects(&s, ENTRY));
	s = three_segments();
	s.ph[2].flags = PF_R | PF_W | PF_X;	/* the entry in an executable data segment */
	s.entry = 0x0804A1E0;
	CHECK(accepts(&s));
}

/* xorshift32: the same mutations every run. */
static u32 rnd_state = 0x2545F491;

static u32 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/*
 * Mutated images: bytes and 32-bit fields of valid images overwritten at
 * random (fixed seed, half of them in the headers) with values near the
 * edges, parsed with three pairs of bounds: every result has the
 * properties, and the i686 build agrees.
 */
static void mutated_images_keep_the_properties(void)
{
	static const u32 edges[] = {
		0, 1, 0x20, 0xFFF, 0x1000, 0x1001, 0x10000, 0xFFFF, 0xBFF00000, 0xBFEFF000,
		0xC0000000, 0x7FFFFFFF, 0x80000000, 0xFFFFE000, 0xFFFFF000, 0xFFFFF800,
		0xFFFFFF00, 0xFFFFFFE0, 0xFFFFFFFF,
	};
	static const unsigned long bounds[][2] = {
		{ ELF_USER_MIN, ELF_USER_MAX }, { 0, 0xFFFFFFFF }, { 0x1000, 0xFFFFF000 },
	};
	struct spec specs[2] = { two_segments(), three_segments() };
	unsigned int accepted = 0, runs = 30000;
	u8 copy[IMAGE_MAX];

	for (unsigned int n = 0; n < runs; n++) {
		const unsigned long *b = bounds[n % ARRAY_SIZE(bounds)];
		unsigned int edits = 1 + rnd() % 4;
		size_t size;

		build(&specs[n / 3 % 2]);
		size = image_size;
		memcpy(copy, image, size);
		while (edits--) {
			u32 r = rnd(), at = rnd() % (r & 0x80000000 ? (u32)size : 0xA0);

			if (r & 1) {
				copy[at] = (u8)(r >> 8);
			} else {
				at = (at & ~3U) < size - 4 ? at & ~3U : (u32)size - 4;
				put32(copy + at, edges[(r >> 1) % ARRAY_SIZE(edges)] +
						 (u32)((r >> 8) % 3) - 1);
			}
		}
		if (rnd() % 8 == 0)
			size = rnd() % (size + 1);
		CHECKF(parse_raw(copy, size, b[0], b[1], 0), "mutation %u", n);
		accepted += ret == 0;
	}
	CHECKF(accepted > runs / 50 && accepted < runs, "%u of %u accepted", accepted, runs);
}

static char user_glob[4096];

/* The user programs of this build, $(BUILD)/user/NAME.elf, when there are any. */
static void the_user_programs_parse(void)
{
	glob_t g;

	if (glob(user_glob, 0, NULL, &g) != 0) {
		printf("  skipped: no %s\n", user_glob);
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "rb");
		static u8 file[1 << 22];
		size_t n = f ? fread(file, 1, sizeof(file), f) : 0;

		if (f)
			fclose(f);
		CHECKF(n > 0 && n < sizeof(file), "%s: unreadable or too large", g.gl_pathv[i]);
		CHECKF(parse_raw(file, n, ELF_USER_MIN, ELF_USER_MAX, 0) && ret == 0,
		       "%s: %s", g.gl_pathv[i], ret ? why : "");
	}
	globfree(&g);
}

static const struct host_case cases[] = {
	HOST_CASE(two_segments_text_and_data_with_bss),
	HOST_CASE(three_segments_text_rodata_and_data_with_bss),
	HOST_CASE(prot_follows_each_flag),
	HOST_CASE(other_program_headers_are_skipped),
	HOST_CASE(an_unaligned_image_parses_the_same),
	HOST_CASE(too_short_for_a_header),
	HOST_CASE(bad_magic),
	HOST_CASE(a_64_bit_big_endian_or_unknown_version_file),
	HOST_CASE(not_an_executable),
	HOST_CASE(not_an_i386_program),
	HOST_CASE(program_header_size_not_32),
	HOST_CASE(program_headers_past_the_end),
	HOST_CASE(no_pt_load),
	HOST_CASE(at_most_elf_max_segments),
	HOST_CASE(an_empty_segment),
	HOST_CASE(filesz_beyond_memsz),
	HOST_CASE(file_part_past_the_end),
	HOST_CASE(a_segment_below_min_addr),
	HOST_CASE(a_segment_past_max_addr),
	HOST_CASE(a_segment_wrapping_past_4_gib),
	HOST_CASE(vaddr_and_offset_differ_within_a_page),
	HOST_CASE(overlapping_segments),
	HOST_CASE(two_segments_sharing_a_page),
	HOST_CASE(out_of_order_segments),
	HOST_CASE(order_is_checked_up_to_the_last_page),
	HOST_CASE(entry_outside_every_executable_segment),
	HOST_CASE(mutated_images_keep_the_properties),
	HOST_CASE(the_user_programs_parse),
};

/* The i686 build and the user programs are found next to this program: $(BUILD)/host/. */
int main(int argc, char **argv)
{
	const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
	int dir = slash ? (int)(slash - argv[0]) : 1;
	const char *base_dir = slash ? argv[0] : ".";
	char path[4096];
	int status;

	snprintf(path, sizeof(path), "%.*s/elf32_run", dir, base_dir);
	snprintf(user_glob, sizeof(user_glob), "%.*s/../user/*.elf", dir, base_dir);
	i686_start(path);
	if (i686.off)
		printf("# %s: %s; the i686 comparisons are skipped\n", path, i686.off);
	status = host_run("elf", cases, ARRAY_SIZE(cases));
	i686_stop();
	return status;
}
