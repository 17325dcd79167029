/*
 * What the highmem benchmarks share (mm/highmem_bench.c, the ways to map
 * a page; mm/kmap_switch_bench.c, context switches with live local maps):
 * the pages the case being measured holds, the direct-map reads every
 * iteration adds, and the invlpg counter.
 */
#ifndef MM_HIGHMEM_BENCH_H
#define MM_HIGHMEM_BENCH_H

#include <asm/tlbflush.h>
#include <hilo/bench.h>
#include <hilo/highmem.h>
#include <hilo/mm.h>
#include <hilo/smp.h>

/* kmap.wrap's pages, more than the pool's slots: the most a case holds. */
#define WRAP_PAGES (LAST_PKMAP + LAST_PKMAP / 4)

enum page_kind { HIGHMEM, LOWMEM };

/*
 * The pages of the case a CPU is measuring (one case at a time), each
 * filled with its pattern (hilo/page_pattern.h).  One set per CPU: when a
 * case runs on every CPU at once (hilo/bench.h, BENCH_SMP), each CPU maps
 * its own distinct pages.  A benchmark's task never changes CPU (the
 * runner's threads are bound; an unbound task stays where it started).
 */
struct bench_pages {
	struct page *pages[WRAP_PAGES];
	u32 first[WRAP_PAGES];		/* each page's pattern word 0 */
	unsigned int n;			/* pages held */
	unsigned int cursor;		/* the next page a map loop maps */
	unsigned long bad_reads;	/* reads through a map that missed the pattern */
};
extern struct bench_pages bench_pages[NR_CPUS];

/* this_pages - the pages of the case this CPU is measuring. */
static inline struct bench_pages *this_pages(void)
{
	return &bench_pages[smp_processor_id()];
}

/*
 * get_pages - n pages of the kind into this CPU's set, filled with their
 * pattern; NULL, or why not.
 */
const char *get_pages(enum page_kind kind, unsigned int n);
/* put_pages - free the pages this CPU's case holds (a case's teardown). */
void put_pages(const struct bench_case *c);
/*
 * check_pages - NULL when every read of the runs saw its page's pattern
 * and every page still holds it whole, else what went wrong (a case's
 * check: a mapping that showed another frame, on this CPU or after another
 * CPU's flush, is a wrong result, not a slow one).
 */
const char *check_pages(const struct bench_case *c);

/*
 * touch_direct_map - read lowmem at 1/8 and 7/8 of the direct map: part of
 * a mapping's cost is what its TLB flush does to the kernel's other
 * translations (mm/highmem_bench.c explains why it takes two reads).
 */
static __always_inline void touch_direct_map(void)
{
	unsigned long lowmem = max_low_pfn << PAGE_SHIFT;

	(void)READ_ONCE(*(const u32 *)__va((lowmem / 8) & PMD_MASK));
	(void)READ_ONCE(*(const u32 *)__va((lowmem / 8 * 7) & PMD_MASK));
}

/* read_invlpg - this CPU's count of single-page TLB flushes. */
static inline unsigned long read_invlpg(const struct bench_case *c)
{
	(void)c;
	return tlb_stats[smp_processor_id()].one;
}

#endif
