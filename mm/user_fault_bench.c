/*
 * Benchmarks of user page faults (mm/memory.c; hilo/bench.h for the
 * runner).  Fork and exit are measured in mm/user_fork_bench.c;
 * mm/user_bench.h has what both share.
 *
 *   fault.demand_zero  the first touch of a page of a fresh anonymous
 *                      mapping: a zeroed highmem page, cleared through a
 *                      kmap_local, and every 512th fault a PTE page too
 *   fault.cow          a write to a page shared with a child since dup_mm:
 *                      the fault copies it (copy_highpage, two kmap_locals)
 *   fault.cow_reuse    a write to a page a child shared until it exited:
 *                      the page is this mm's alone, the fault only makes
 *                      its PTE writable
 *
 * The boot task works in an address space of its own (use_mm), as a
 * process does in a system call: every fault is taken by a put_user of
 * one word per page, through the exception table and handle_mm_fault().
 * Every fault also maps its PTE page with pte_offset_map(): a kmap_local
 * slot with HIGHPTE, the direct map with `nohighpte` (tools/bench boots
 * these cases both ways).
 *
 * A case works on a region of REGION_PAGES (4 MiB: two PTE pages, so that
 * demand-zero faults allocate them at the rate a large mapping does), a
 * window of FAULT_ITERS pages per run: runs of about a millisecond under
 * TCG, which a preemption of QEMU by the host seldom hits (a run over the
 * whole region would be hit nearly every time on a busy host, and its
 * median with it).  When the region's last window has been touched, what
 * the runs used up is made again, untimed (->prepare): a new mm and
 * mapping for demand-zero faults, a new child sharing every page for
 * copy-on-write.  The page allocations of the faults themselves stay in
 * the measured cost.
 *
 * Sanity, on every run: the fault counters (vm_counters) move by exactly
 * one fault of the measured kind per page and none of the others, so a
 * fault that did not happen, or happened twice, fails the case.  After
 * the runs, the last run's pages hold what it wrote, over the zeroes of a
 * demand-zero page or the copied bytes of the page it shared, the child's
 * copy untouched, in the zones the configuration says; the pages a
 * demand-zero fault hands out were dirty in their last life.
 */
#include <asm/uaccess.h>
#include <hilo/highmem.h>
#include <hilo/printk.h>
#include <hilo/string.h>
#include <hilo/vmstat.h>
#include <uapi/hilo/abi.h>
#include "user_bench.h"

#define REGION_PAGES 1024	/* a case's mapping: 4 MiB, two PTE pages */
#define FAULT_ITERS  256	/* faults per run: a window of the region */
#define PAGE_WORDS   (PAGE_SIZE / sizeof(u32))

_Static_assert(REGION_PAGES % FAULT_ITERS == 0, "a case's runs cover its region in whole windows");

/* A case's ->arg: what prepare makes of the pages. */
enum fault_kind { DEMAND_ZERO, COW_COPY, COW_REUSE };

struct user_bench ub;

/* The other words of page i, as setup fills them for the copy-on-write cases. */
static u32 filled_word(unsigned int i, unsigned int w)
{
	return 0xC0B00000u ^ (i << 10) ^ w;
}

/* ---- address spaces ---- */

/* new_space - see mm/user_bench.h. */
const char *new_space(unsigned int pages)
{
	long addr;

	ub.mm = mm_alloc();
	if (!ub.mm)
		return "no memory for an mm";
	use_mm(ub.mm);
	addr = do_mmap(ub.mm, 0, pages * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS);
	if (addr < 0 || ((unsigned long)addr & ~PMD_MASK))
		return "do_mmap failed or did not map at a 2 MiB boundary";
	ub.base = (unsigned long)addr;
	return NULL;
}

/* drop_spaces - see mm/user_bench.h. */
void drop_spaces(const struct bench_case *c)
{
	if (ub.child)
		mm_free(ub.child);
	ub.child = NULL;
	if (ub.mm)
		mm_free(unuse_mm());
	ub.mm = NULL;
	ub.ready = false;
}

/*
 * next_window - the next run's pages: the region's next ->iters pages
 * (true), or its first ones again when it is used up or not made yet
 * (false: the caller makes it anew and sets ub.ready).
 */
static bool next_window(const struct bench_case *c)
{
	ub.round++;
	if (ub.ready && ub.first + 2 * c->iters <= REGION_PAGES) {
		ub.first += c->iters;
		return true;
	}
	ub.first = 0;
	ub.ready = false;
	return false;
}

/* touch - see mm/user_bench.h. */
unsigned int touch(unsigned int first, unsigned int n, unsigned int round)
{
	unsigned int i;

	for (i = first; i < first + n; i++)
		if (put_user(written_word(round, i), (u32 *)(ub.base + i * PAGE_SIZE)))
			break;
	return i - first;
}

/* run_touch - the fault cases' measured loop: one write, one fault, per page of the window. */
static unsigned int run_touch(const struct bench_case *c, unsigned int iters)
{
	return touch(ub.first, iters, ub.round);
}

/* user_page - the page mapped at addr in mm, or NULL. */
static struct page *user_page(struct mm_struct *mm, unsigned long addr)
{
	u64 pt_pfn;

	return follow_page(mm, addr, &pt_pfn);
}

/* page_differs - see mm/user_bench.h. */
const char *page_differs(struct mm_struct *mm, unsigned int i, u32 word0, bool filled)
{
	struct page *page = user_page(mm, ub.base + i * PAGE_SIZE);
	unsigned int w = 0;
	u32 *view, want = word0;

	if (!page) {
		snprintf(ub.why, sizeof(ub.why), "page %u of %s is not mapped",
			 i, mm == ub.mm ? "the mm" : "the child");
		return ub.why;
	}
	view = kmap_local_page(page);
	for (; w < PAGE_WORDS && view[w] == want; w++)
		want = filled ? filled_word(i, w + 1) : 0;
	if (w < PAGE_WORDS)
		snprintf(ub.why, sizeof(ub.why), "page %u of %s: word %u is %#x, not %#x",
			 i, mm == ub.mm ? "the mm" : "the child", w, view[w], want);
	kunmap_local(view);
	return w < PAGE_WORDS ? ub.why : NULL;
}

/* zones_differ - see mm/user_bench.h. */
const char *zones_differ(const struct mm_struct *mm, unsigned long pages,
			 unsigned long pte_pages)
{
	unsigned long want_pt = highpte ? pte_pages : 0;

	if (!zones[ZONE_HIGHMEM].managed_pages ||
	    (mm->rss[ZONE_HIGHMEM] == pages && mm->pt_pages[ZONE_HIGHMEM] == want_pt))
		return NULL;
	snprintf(ub.why, sizeof(ub.why),
		 "%lu of %lu user pages and %lu PTE pages in highmem, expected %lu (%s)",
		 mm->rss[ZONE_HIGHMEM], pages, mm->pt_pages[ZONE_HIGHMEM], want_pt,
		 highpte ? "highpte" : "nohighpte");
	return ub.why;
}

/* ---- fault.demand_zero ---- */

static const char *setup_zero(const struct bench_case *c)
{
	memset(&ub, 0, sizeof(ub));
	return NULL;
}

/*
 * prepare_zero - the next window of the region, or a fresh mm and
 * mapping when it is used up.  The old region's pages go back to the
 * allocator dirty (their last word written), and the new one's faults
 * mostly get the same pages: a fault that did not clear its page shows in
 * check_zero.
 */
static const char *prepare_zero(const struct bench_case *c)
{
	const char *why;

	if (next_window(c))
		return NULL;
	for (unsigned int i = 0; ub.mm && i < REGION_PAGES; i++)
		if (put_user(~0u, (u32 *)(ub.base + (i + 1) * PAGE_SIZE) - 1))
			return "the last region's pages are not there to dirty";
	drop_spaces(c);
	why = new_space(REGION_PAGES);
	ub.ready = !why;
	return why;
}

/*
 * check_zero - the last run's pages hold its word over zeroes; the region
 * so far, its pages and PTE pages, in the zones it should be.
 */
static const char *check_zero(const struct bench_case *c)
{
	unsigned int end = ub.first + c->iters;
	const char *why = NULL;

	if (!ub.mm)
		return "no mm after the runs";
	for (unsigned int i = ub.first; i < end && !why; i++)
		why = page_differs(ub.mm, i, written_word(ub.round, i), false);
	return why ? why : zones_differ(ub.mm, end, (end + PTRS_PER_PTE - 1) / PTRS_PER_PTE);
}

/* ---- fault.cow, fault.cow_reuse ---- */

/* setup_cow - the mm's pages, each faulted in and filled whole. */
static const char *setup_cow(const struct bench_case *c)
{
	static u32 buf[PAGE_WORDS];
	const char *why;

	memset(&ub, 0, sizeof(ub));
	why = new_space(REGION_PAGES);
	for (unsigned int i = 0; i < REGION_PAGES && !why; i++) {
		buf[0] = written_word(0, i);
		for (unsigned int w = 1; w < PAGE_WORDS; w++)
			buf[w] = filled_word(i, w);
		if (copy_to_user((void *)(ub.base + i * PAGE_SIZE), buf, PAGE_SIZE))
			why = "copy_to_user could not fill the mapping";
	}
	if (why)
		drop_spaces(c);
	return why;
}

/*
 * prepare_cow - the next window of the region, or, when it is used up,
 * every page shared again: the old child goes (with the pages the writes
 * copied away from) and dup_mm makes a new one.  fault.cow_reuse lets the
 * new child exit at once: the pages are this mm's alone again, but their
 * PTEs stay read-only.
 */
static const char *prepare_cow(const struct bench_case *c)
{
	if (next_window(c))
		return NULL;
	if (ub.child)
		mm_free(ub.child);
	ub.child = dup_mm(ub.mm);
	if (!ub.child)
		return "dup_mm failed";
	if (c->arg == COW_REUSE) {
		mm_free(ub.child);
		ub.child = NULL;
	}
	ub.ready = true;
	return NULL;
}

/*
 * check_cow - the last run's pages hold its word over the filling (a copy
 * copied the whole page); fault.cow's child still holds what they held
 * when it was made, the word of the run one region earlier (or setup's),
 * on pages of its own.
 */
static const char *check_cow(const struct bench_case *c)
{
	unsigned int runs = REGION_PAGES / c->iters;
	unsigned int before = ub.round > runs ? ub.round - runs : 0;
	const char *why = NULL;

	for (unsigned int i = ub.first; i < ub.first + c->iters && !why; i++) {
		unsigned long addr = ub.base + i * PAGE_SIZE;

		why = page_differs(ub.mm, i, written_word(ub.round, i), true);
		if (why || c->arg != COW_COPY)
			continue;
		why = page_differs(ub.child, i, written_word(before, i), true);
		if (!why && user_page(ub.child, addr) == user_page(ub.mm, addr))
			why = "a written page is still the child's";
	}
	return why ? why : zones_differ(ub.mm, REGION_PAGES, REGION_PAGES / PTRS_PER_PTE);
}

/* ---- the counters ---- */

#define READ_VM_EVENT(field)                                                  \
	static unsigned long read_##field(const struct bench_case *c)         \
	{                                                                     \
		return __atomic_load_n(&vm_counters.field, __ATOMIC_RELAXED); \
	}
READ_VM_EVENT(faults)
READ_VM_EVENT(zero_fills)
READ_VM_EVENT(cow_copies)
READ_VM_EVENT(cow_reuses)

/* read_vm_pages - the sum over the zones of one of vm_counters' page gauges. */
static unsigned long read_vm_pages(const long *gauge)
{
	unsigned long sum = 0;

	for (unsigned int z = 0; z < MAX_NR_ZONES; z++)
		sum += (unsigned long)__atomic_load_n(&gauge[z], __ATOMIC_RELAXED);
	return sum;
}

/* read_user_pages, read_pt_pages - see mm/user_bench.h. */
unsigned long read_user_pages(const struct bench_case *c)
{
	return read_vm_pages(vm_counters.user_pages);
}

unsigned long read_pt_pages(const struct bench_case *c)
{
	return read_vm_pages(vm_counters.pt_pages);
}

/* ---- the cases ---- */

BENCH(fault_demand_zero, .name = "fault.demand_zero",
      .what = "first write to a page of a fresh mapping: demand-zero fault (put_user)",
      .iters = FAULT_ITERS, .arg = DEMAND_ZERO, .setup = setup_zero,
      .prepare = prepare_zero, .run = run_touch, .check = check_zero,
      .teardown = drop_spaces,
      .expect = { { "vm_counters.faults", read_faults, 1, 1, false },
		  { "vm_counters.zero_fills", read_zero_fills, 1, 1, false },
		  { "vm_counters.cow_copies", read_cow_copies, 0, 1, false },
		  { "vm_counters.user_pages", read_user_pages, 1, 1, false } });

#define COW_BENCH(id, name_, what_, kind, copies, reuses)                     \
	BENCH(id, .name = name_, .what = what_, .iters = FAULT_ITERS,         \
	      .arg = kind, .setup = setup_cow, .prepare = prepare_cow,        \
	      .run = run_touch, .check = check_cow, .teardown = drop_spaces,  \
	      .expect = { { "vm_counters.faults", read_faults, 1, 1, false }, \
			  { "vm_counters.cow_copies", read_cow_copies, copies, 1, false }, \
			  { "vm_counters.cow_reuses", read_cow_reuses, reuses, 1, false }, \
			  { "vm_counters.zero_fills", read_zero_fills, 0, 1, false } })

COW_BENCH(fault_cow, "fault.cow",
	  "write to a page shared since dup_mm: copy-on-write fault, 4 KiB copy", COW_COPY, 1, 0);
COW_BENCH(fault_cow_reuse, "fault.cow_reuse",
	  "write to a read-only page no longer shared: write-protect fault, no copy",
	  COW_REUSE, 0, 1);
