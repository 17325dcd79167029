/*
 * Counters of user memory (mm/vmstat.c): events since boot and the pages
 * user space holds now, by zone.  Atomic: every CPU counts into the same
 * words (these are not on any mapping fast path).
 */
#ifndef HILO_VMSTAT_H
#define HILO_VMSTAT_H

#include <hilo/mm.h>
#include <hilo/types.h>

struct vm_counters {
	unsigned long faults;		/* user-address faults handled */
	unsigned long zero_fills;	/* demand-zero pages */
	unsigned long cow_copies;	/* copy-on-write faults that copied */
	unsigned long cow_reuses;	/* ... that found the page unshared */
	long user_pages[MAX_NR_ZONES];	/* user pages mapped now (each mm's count) */
	long pt_pages[MAX_NR_ZONES];	/* user page tables now */
};
extern struct vm_counters vm_counters;

static inline void count_vm_event(unsigned long *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

static inline void mod_vm_pages(long *counter, long delta)
{
	__atomic_fetch_add(counter, delta, __ATOMIC_RELAXED);
}

/* read_vm_counters - a copy of the counters (each word read once). */
void read_vm_counters(struct vm_counters *out);

/*
 * show_user_mem - the memory report's user lines: user pages and page
 * tables by zone, and the fault counters.  Any context but interrupts.
 */
void show_user_mem(void);

#endif
