/*
 * mem: the program's data, brk, mmap2 and munmap.  Proves that
 *   - the loader copied .data and zero-filled .bss, even the part of .bss
 *     that shares a page with .data (the file holds other bytes there);
 *   - brk(0) returns the break (past the program's .bss); raising it by
 *     1 MiB returns the new break and gives zeroed memory that keeps
 *     what is written; lowering it back returns the old break and takes
 *     the pages away (a child writing there is killed); an impossible
 *     break (0xC0000000) fails the Linux way, returning the current one;
 *   - munmap of the middle page of three leaves the other two with their
 *     data and the middle one gone: a child writing it gets SIGSEGV;
 *   - a PROT_READ mapping reads zero, and a child writing it gets SIGSEGV.
 * Prints "mem: ok".
 */
#include "ulib.h"

#define MiB (1UL << 20)

extern char _end[];	/* user/user.ld: the end of .bss */

/* .data (the only data of any program), then .bss on the same page. */
static volatile uint32_t data_word = 0x600dda7a;
static volatile uint32_t bss_words[256];

static uint32_t pattern(unsigned long addr)
{
	return (uint32_t)addr ^ 0xb7e15163u;
}

/* Fork a child that writes addr: the kernel must kill it with SIGSEGV. */
static void write_kills(unsigned long addr, const char *what)
{
	int status = -1;
	long pid = sys_fork(), r;

	CHECK(pid >= 0, "fork returned %ld", pid);
	if (pid == 0) {
		*(volatile uint32_t *)opaque_ptr(addr) = 0x5e9f;
		sys_exit(0);
	}
	r = sys_wait4(pid, &status, 0, NULL);
	CHECK(r == pid, "wait4(%ld) returned %ld", pid, r);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	      "%s: the child that wrote 0x%lx has status 0x%x, want SIGSEGV",
	      what, addr, status);
}

/* Fill [start, end) with the pattern, word by word; both 4-byte aligned. */
static void fill(unsigned long start, unsigned long end)
{
	for (unsigned long a = start; a < end; a += 4)
		*(volatile uint32_t *)a = pattern(a);
}

/* Is the pattern still in [start, end)? */
static void verify(unsigned long start, unsigned long end, const char *what)
{
	for (unsigned long a = start; a < end; a += 4) {
		uint32_t got = *(volatile uint32_t *)a;

		CHECK(got == pattern(a), "%s: 0x%lx holds 0x%x, want 0x%x",
		      what, a, got, pattern(a));
	}
}

static void check_data(void)
{
	CHECK(data_word == 0x600dda7a, ".data word at %p is 0x%x", (void *)&data_word, data_word);
	data_word = ~data_word;
	CHECK(data_word == ~0x600dda7au, ".data word at %p is 0x%x after writing",
	      (void *)&data_word, data_word);
	for (unsigned int i = 0; i < ARRAY_SIZE(bss_words); i++)
		CHECK(bss_words[i] == 0, ".bss word at %p is 0x%x", (void *)&bss_words[i], bss_words[i]);
}

static void check_brk(void)
{
	unsigned long b0, top, r;

	b0 = (unsigned long)sys_brk(0);
	CHECK(b0 >= (unsigned long)_end && b0 < 0xC0000000,
	      "brk(0) returned 0x%lx, the program ends at %p", b0, (void *)_end);
	top = b0 + MiB;
	r = (unsigned long)sys_brk(top);
	CHECK(r == top, "brk(0x%lx) returned 0x%lx (break 0x%lx)", top, r, b0);
	for (unsigned long a = b0; a < top; a++) {
		unsigned char c = *(volatile unsigned char *)a;

		CHECK(c == 0, "new brk memory at 0x%lx holds 0x%x", a, c);
	}
	fill((b0 + 3) & ~3UL, top & ~3UL);
	verify((b0 + 3) & ~3UL, top & ~3UL, "brk memory");

	r = (unsigned long)sys_brk(b0);
	CHECK(r == b0, "brk(0x%lx) back down returned 0x%lx", b0, r);
	write_kills((b0 + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), "brk lowered");
	r = (unsigned long)sys_brk(0xC0000000);
	CHECK(r == b0, "brk(0xc0000000) returned 0x%lx, want the break 0x%lx", r, b0);
	r = (unsigned long)sys_brk(0);
	CHECK(r == b0, "brk(0) returned 0x%lx at the end, want 0x%lx", r, b0);
}

static void check_mmap(void)
{
	struct hilo_pageinfo pi;
	unsigned long base, ro;
	long r;

	r = sys_mmap2(0, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(!sys_failed(r) && r % PAGE_SIZE == 0, "mmap2 of 3 pages returned %ld", r);
	base = (unsigned long)r;
	fill(base, base + 3 * PAGE_SIZE);

	r = sys_munmap(base + PAGE_SIZE, PAGE_SIZE);
	CHECK(r == 0, "munmap of the middle page returned %ld", r);
	verify(base, base + PAGE_SIZE, "first page");
	verify(base + 2 * PAGE_SIZE, base + 3 * PAGE_SIZE, "third page");
	r = sys_hilo_pageinfo(base + PAGE_SIZE, &pi);
	CHECK(r == 0, "hilo_pageinfo(0x%lx) returned %ld", base + PAGE_SIZE, r);
	CHECK(!(pi.flags & (HILO_PI_PRESENT | HILO_PI_VMA)),
	      "munmapped page: flags 0x%x", pi.flags);
	write_kills(base + PAGE_SIZE, "munmapped middle page");

	r = sys_mmap2(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(!sys_failed(r) && r % PAGE_SIZE == 0, "mmap2 PROT_READ returned %ld", r);
	ro = (unsigned long)r;
	for (unsigned long a = ro; a < ro + PAGE_SIZE; a += 4) {
		uint32_t w = *(volatile uint32_t *)a;

		CHECK(w == 0, "PROT_READ page at 0x%lx holds 0x%x", a, w);
	}
	r = sys_hilo_pageinfo(ro, &pi);
	CHECK(r == 0, "hilo_pageinfo(0x%lx) returned %ld", ro, r);
	CHECK((pi.flags & HILO_PI_VMA) && !(pi.flags & HILO_PI_VMA_WRITE),
	      "PROT_READ page: flags 0x%x", pi.flags);
	write_kills(ro, "PROT_READ page");

	/* The first page and the third are still there, the hole between. */
	r = sys_munmap(base, 3 * PAGE_SIZE);
	CHECK(r == 0, "munmap of the 3 pages (with a hole) returned %ld", r);
	r = sys_munmap(ro, PAGE_SIZE);
	CHECK(r == 0, "munmap of the PROT_READ page returned %ld", r);
}

int main(int argc, char **argv)
{
	check_data();
	check_brk();
	check_mmap();
	printf("mem: ok\n");
	return 0;
}
