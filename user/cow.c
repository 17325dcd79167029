/*
 * cow: copy-on-write after fork, seen through hilo_pageinfo and
 * hilo_vmstat.  Proves that
 *   - fork shares a written page read-only: same frame, refcount 2;
 *   - the child's first write copies it (exactly one cow_copies): a new
 *     frame, writable, refcount 1, and the parent's data is unchanged;
 *   - once the child has exited, the parent's page is unshared but still
 *     read-only, and its first write reuses it (one cow_reuses, no copy);
 *   - the kernel's own writes into a shared page (hilo_vmstat's result)
 *     copy it too, and leave the parent's page alone;
 *   - parent and child writing the shared page at once each get their own;
 *   - the page tables are in highmem when the kernel says highpte (and
 *     there is highmem), never in highmem otherwise.
 * Prints the child's frames, then "cow: ok".
 */
#include "ulib.h"

#define PI_RW (HILO_PI_PRESENT | HILO_PI_WRITABLE | HILO_PI_USER)

/* The page under test: .bss, so a page of its own that fork shares. */
static volatile unsigned char page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
/* The page the kernel writes into from the child. */
static unsigned char kpage[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static struct hilo_pageinfo info(const volatile void *addr)
{
	struct hilo_pageinfo pi;
	long r = sys_hilo_pageinfo((unsigned long)addr, &pi);

	CHECK(r == 0, "hilo_pageinfo(%p) returned %ld", addr, r);
	CHECK(pi.flags & HILO_PI_PRESENT, "page %p not present (flags 0x%x)", addr, pi.flags);
	return pi;
}

static void vmstat(struct hilo_vmstat *vs)
{
	long r = sys_hilo_vmstat(vs);

	CHECK(r == 0, "hilo_vmstat returned %ld", r);
}

/* Inline, and so are the callers' measurements: no stack writes of their own. */
static inline __attribute__((always_inline)) void fill(unsigned char c)
{
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		page[i] = c;
}

/* The first of the n bytes at p that is not c, or -1. */
static long find_other(const volatile unsigned char *p, unsigned long n, unsigned char c)
{
	for (unsigned long i = 0; i < n; i++)
		if (p[i] != c)
			return i;
	return -1;
}

/*
 * The counters just before and just after one fill of the page, which
 * must be the only fault in between: the two results are written first
 * (a stack page still shared since fork would fault when the kernel
 * writes them), and both reads call the same functions from the same
 * frame, so they touch the same stack.
 */
static inline __attribute__((always_inline)) void
measured_fill(unsigned char c, struct hilo_vmstat *before, struct hilo_vmstat *after)
{
	memset(before, 0, sizeof(*before));
	memset(after, 0, sizeof(*after));
	vmstat(before);
	fill(c);
	vmstat(after);
}

static void check_pt_zone(const char *who, const struct hilo_pageinfo *pi,
			  const struct hilo_vmstat *vs)
{
	CHECK(pi->flags & HILO_PI_PT, "%s: no page table (flags 0x%x)", who, pi->flags);
	if (vs->highpte && vs->has_highmem)
		CHECK(pi->pt_zone == HILO_ZONE_HIGHMEM,
		      "%s: highpte, but the page table is in zone %u", who, pi->pt_zone);
	else if (!vs->highpte)
		CHECK(pi->pt_zone != HILO_ZONE_HIGHMEM,
		      "%s: no highpte, but the page table is in highmem", who);
}

static void wait_ok(long pid, const char *what)
{
	int status = -1;
	long r = sys_wait4(pid, &status, 0, NULL);

	CHECK(r == pid, "%s: wait4(%ld) returned %ld", what, pid, r);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "%s: the child's status is 0x%x, want exit 0", what, status);
}

/* Round 1, the child: the shared page, then its own copy. */
static void __noreturn child_copies(unsigned long long p0)
{
	struct hilo_vmstat before, after;
	struct hilo_pageinfo pi = info(page);
	long off;

	CHECK(pi.pfn == p0, "child: pfn 0x%llx, the parent's 0x%llx", pi.pfn, p0);
	CHECK(!(pi.flags & HILO_PI_WRITABLE), "child: shared page writable (flags 0x%x)", pi.flags);
	CHECK(pi.refcount == 2, "child: shared page refcount %u", pi.refcount);
	off = find_other(page, PAGE_SIZE, 'P');
	CHECK(off < 0, "child: byte %ld is 0x%x, want 'P'", off, page[off]);

	measured_fill('C', &before, &after);
	CHECK(after.cow_copies == before.cow_copies + 1,
	      "child: one write made %llu copies (%llu reuses)",
	      after.cow_copies - before.cow_copies, after.cow_reuses - before.cow_reuses);

	pi = info(page);
	CHECK(pi.pfn != p0, "child: still the parent's frame 0x%llx after writing", p0);
	CHECK((pi.flags & PI_RW) == PI_RW, "child: copy's flags 0x%x", pi.flags);
	CHECK(pi.refcount == 1, "child: copy's refcount %u", pi.refcount);
	off = find_other(page, PAGE_SIZE, 'C');
	CHECK(off < 0, "child: byte %ld is 0x%x, want 'C'", off, page[off]);
	check_pt_zone("child", &pi, &after);
	printf("cow: child pfn 0x%llx pt_pfn 0x%llx pt_zone %u\n", pi.pfn, pi.pt_pfn, pi.pt_zone);
	sys_exit(0);
}

/* Round 3, both sides: write the shared page at once, then re-read it. */
static void race(unsigned char c)
{
	fill(c);
	for (int n = 0; n < 1000; n++) {
		long off = find_other(page, PAGE_SIZE, c);

		CHECK(off < 0, "race: pass %d, byte %ld is 0x%x, want '%c'", n, off, page[off], c);
		if (n % 100 == 0)
			sys_sched_yield();
	}
}

int main(int argc, char **argv)
{
	struct hilo_vmstat vs, before, after;
	struct hilo_pageinfo pi;
	unsigned long long p0, k0;
	long pid, off, r;

	vmstat(&vs);
	fill('P');
	pi = info(page);
	CHECK((pi.flags & PI_RW) == PI_RW, "flags 0x%x after writing", pi.flags);
	CHECK(pi.refcount == 1, "refcount %u before fork", pi.refcount);
	p0 = pi.pfn;
	check_pt_zone("parent", &pi, &vs);

	/* Round 1: the child copies; then the parent's page is its own again. */
	pid = sys_fork();
	CHECK(pid >= 0, "fork returned %ld", pid);
	if (pid == 0)
		child_copies(p0);
	wait_ok(pid, "round 1");
	off = find_other(page, PAGE_SIZE, 'P');
	CHECK(off < 0, "parent: byte %ld is 0x%x after the child wrote, want 'P'", off, page[off]);
	pi = info(page);
	CHECK(pi.pfn == p0, "parent: pfn 0x%llx, was 0x%llx", pi.pfn, p0);
	CHECK(pi.refcount == 1, "parent: refcount %u after the child exited", pi.refcount);
	CHECK(!(pi.flags & HILO_PI_WRITABLE), "parent: writable before any write (flags 0x%x)", pi.flags);
	check_pt_zone("parent", &pi, &vs);

	measured_fill('Q', &before, &after);
	CHECK(after.cow_reuses == before.cow_reuses + 1 && after.cow_copies == before.cow_copies,
	      "parent: one write made %llu reuses and %llu copies, want 1 and 0",
	      after.cow_reuses - before.cow_reuses, after.cow_copies - before.cow_copies);
	pi = info(page);
	CHECK(pi.pfn == p0, "parent: pfn 0x%llx after reuse, was 0x%llx", pi.pfn, p0);
	CHECK((pi.flags & PI_RW) == PI_RW, "parent: flags 0x%x after reuse", pi.flags);

	/* Round 2: the kernel writes into the child's shared page. */
	memset(kpage, 'K', PAGE_SIZE);
	k0 = info(kpage).pfn;
	pid = sys_fork();
	CHECK(pid >= 0, "fork returned %ld", pid);
	if (pid == 0) {
		r = sys_hilo_vmstat((struct hilo_vmstat *)kpage);
		CHECK(r == 0, "child: hilo_vmstat into a shared page returned %ld", r);
		pi = info(kpage);
		CHECK(pi.pfn != k0, "child: the kernel wrote into the shared frame 0x%llx", k0);
		CHECK((pi.flags & PI_RW) == PI_RW, "child: flags 0x%x after the kernel wrote", pi.flags);
		off = find_other(kpage + sizeof(vs), PAGE_SIZE - sizeof(vs), 'K');
		CHECK(off < 0, "child: byte %ld past the result is 0x%x, want 'K'",
		      off, kpage[sizeof(vs) + off]);
		sys_exit(0);
	}
	wait_ok(pid, "round 2");
	off = find_other(kpage, PAGE_SIZE, 'K');
	CHECK(off < 0, "parent: byte %ld is 0x%x after the kernel wrote the child's, want 'K'",
	      off, kpage[off]);

	/* Round 3: both write at once; each must see only its own bytes. */
	pid = sys_fork();
	CHECK(pid >= 0, "fork returned %ld", pid);
	if (pid == 0) {
		race('Y');
		sys_exit(0);
	}
	race('X');
	wait_ok(pid, "round 3");
	off = find_other(page, PAGE_SIZE, 'X');
	CHECK(off < 0, "parent: byte %ld is 0x%x after the race, want 'X'", off, page[off]);
	pi = info(page);
	CHECK((pi.flags & PI_RW) == PI_RW && pi.refcount == 1,
	      "parent: flags 0x%x refcount %u after the race", pi.flags, pi.refcount);

	printf("cow: ok\n");
	return 0;
}
