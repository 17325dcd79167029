/*
 * TLB maintenance on the local CPU.  Each flush is counted per CPU so the
 * tests can prove a flush happened (or did not).
 *
 *   flush_tlb_one(va)  invlpg: drops va's entry, global or not
 *   flush_tlb_all()    toggle CR4.PGE: drops everything, global too
 */
#ifndef ASM_TLBFLUSH_H
#define ASM_TLBFLUSH_H

#include <hilo/threads.h>
#include <hilo/types.h>

struct tlb_stats {
	unsigned long one;	/* invlpg */
	unsigned long all;	/* global flushes */
	unsigned long range;	/* flush_tlb_kernel_range calls */
};
extern struct tlb_stats tlb_stats[NR_CPUS];

void flush_tlb_one(unsigned long va);
void flush_tlb_all(void);
/*
 * flush_tlb_kernel_range - drop [start, end) from the TLB, global entries
 * included: invlpg per page for short ranges, a global flush otherwise.
 */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);

#endif
