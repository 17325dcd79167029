/*
 * The process scenario of the GDB test (gdbscenario_process_test.c): its
 * constants (where the address spaces map what, the patterns' XORs), the
 * scenario's struct GDB reads, and the helpers of
 * gdbscenario_process_mm.c that build the address spaces and write and
 * check the patterns.
 */
#ifndef TESTS_GDBSCENARIO_PROCESS_H
#define TESTS_GDBSCENARIO_PROCESS_H

#include <hilo/list.h>
#include <hilo/mm.h>
#include <hilo/sched.h>
#include <hilo/types.h>
#include <hilo/wait.h>

#define GDBP_PARENT_XOR 0xa5a5a5a5u
#define GDBP_FORKED_XOR 0x3c3c3c3cu
#define GDBP_CHILD_XOR  0x5c5c5c5cu

#define GDBP_CODE       0x08048000UL	/* 2 pages, read + exec: both read */
#define GDBP_CODE_PAGES 2
#define GDBP_HEAP       (GDBP_CODE + GDBP_CODE_PAGES * PAGE_SIZE)	/* brk: 2 pages */
#define GDBP_HEAP_PAGES 2
#define GDBP_DATA       0x401fc000UL	/* 8 pages, 4 each side of 0x40200000 */
#define GDBP_DATA_PAGES 8
#define GDBP_STACK      (USER_STACK_TOP - USER_STACK_SIZE)

/* The data pages the parent writes (bit i: page i of GDBP_DATA). */
#define GDBP_PARENT_DATA 0x5bu		/* pages 0, 1, 3, 4, 6 */
#define GDBP_FORKED_PAGE 1		/* written again after the fork: copied */
#define GDBP_CHILD_PAGE  7		/* installed in the child only */

/* What each mm maps once the scenario is set up. */
#define GDBP_PARENT_RSS (GDBP_CODE_PAGES + 1 + 5 + 2)	/* code, heap 0, data, stack */
#define GDBP_CHILD_RSS  (GDBP_PARENT_RSS + 1)		/* + data page 7 */
#define GDBP_PTE_PAGES  4	/* code+heap, data (2), stack */
#define GDBP_ZOMBIE_STATUS (3 << 8)

struct gdbp_scenario {
	struct task_struct *parent, *child, *zombie;
	struct mm_struct *mm[2];		/* the parent's, the child's */
	unsigned long data, heap, stack_top;	/* for GDB: where the patterns are */
	u32 parent_xor, forked_xor, child_xor;
	struct wait_queue_head wq;
	bool child_ready, done;
	/* Results, checked by the test task. */
	int parent_err;				/* the line of the first failure */
	const char *parent_what;		/* and its condition */
	unsigned long rss[2], pt_pages[2];	/* each mm's totals at the stop */
	unsigned long hold_pages;		/* highmem held below 4 GiB */
	u64 child_pt_pfn, child_pfn, copy_pfn;	/* from above 4 GiB when held */
	int zombie_status;
	bool zombie_seen;
};


/* Highmem blocks held below 4 GiB, by order; the pages they hold. */
struct gdbp_hold {
	struct list_head below[NR_PAGE_ORDERS];
	unsigned long pages;
};

/* Record the first failed condition of the parent's (checked by the test task). */
#define GDBP_CHECK(s, who, cond)                                               \
	do {                                                                   \
		if (!(s)->who##_err && !(cond)) {                              \
			(s)->who##_err = __LINE__;                             \
			(s)->who##_what = #cond;                               \
		}                                                              \
	} while (0)

void gdbp_hold_highmem_below_4g(struct gdbp_hold *h);
void gdbp_release_highmem(struct gdbp_hold *h);
int gdbp_write_pattern(unsigned long va, u32 xor);
bool gdbp_pattern_ok(unsigned long va, u32 xor);
void gdbp_build(struct gdbp_scenario *s, struct mm_struct *mm);
void gdbp_fork(struct gdbp_scenario *s, struct mm_struct *mm);
void gdbp_check_pages(struct gdbp_scenario *s);

#endif
