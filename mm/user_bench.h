/*
 * What the user memory benchmarks share (mm/user_fault_bench.c, page
 * faults; mm/user_fork_bench.c, fork and exit): the address space the
 * boot task works in, the writes that touch its pages, the checks of
 * those pages, and the gauges of user memory.
 */
#ifndef MM_USER_BENCH_H
#define MM_USER_BENCH_H

#include <hilo/bench.h>
#include <hilo/mm_user.h>

/* The state of the case being measured (one at a time, on the boot task). */
struct user_bench {
	struct mm_struct *mm;		/* the task's address space (use_mm) */
	struct mm_struct *child;	/* fault.cow: the mm sharing the pages */
	unsigned long base;		/* the mapping, at a 2 MiB boundary */
	bool ready;			/* fault.*: the region is made, its windows follow */
	unsigned int first;		/* fault.*: the first page of the last run's window */
	unsigned int round;		/* fault.*: runs prepared since setup */
	unsigned long child_pages;	/* fork_exit.mmN: user pages every dup_mm copied */
	unsigned long child_tables;	/* ... and page-table pages */
	char why[BENCH_WHY_LEN];	/* what a check found wrong */
};
extern struct user_bench ub;

/* The word a write stores at the start of page i: its round and the page. */
static inline u32 written_word(unsigned int round, unsigned int i)
{
	return 0xFA000000u ^ (round << 12) ^ i;
}

/*
 * new_space - a fresh mm made the boot task's (ub.mm) with an anonymous
 * read-write mapping of pages pages at a 2 MiB boundary (ub.base), so
 * that faults fill whole PTE pages.  NULL, or why not.
 */
const char *new_space(unsigned int pages);

/* drop_spaces - free ub.child and the task's mm, if any (a case's teardown). */
void drop_spaces(const struct bench_case *c);

/* touch - put_user word 0 of n pages from page first; returns the writes that succeeded. */
unsigned int touch(unsigned int first, unsigned int n, unsigned int round);

/*
 * page_differs - NULL when page i of mm holds word0 and, after it, the
 * zeroes of a demand-zero page (filled false) or the filling of the
 * copy-on-write cases; else what it holds instead (in ub.why).
 */
const char *page_differs(struct mm_struct *mm, unsigned int i, u32 word0, bool filled);

/*
 * zones_differ - NULL when pages user pages of mm came from highmem and
 * its pte_pages PTE pages from where `highpte` says (on a machine with
 * highmem at all), else the counts (in ub.why).
 */
const char *zones_differ(const struct mm_struct *mm, unsigned long pages,
			 unsigned long pte_pages);

/* The gauges of vm_counters summed over the zones: user pages, page tables. */
unsigned long read_user_pages(const struct bench_case *c);
unsigned long read_pt_pages(const struct bench_case *c);

#endif
