/*
 * TLB maintenance.  Each flush is counted per CPU so the tests can prove
 * a flush happened (or did not), here or by shootdown on another CPU.
 *
 *   flush_tlb_one(va)  invlpg: drops va's entry, global or not
 *   flush_tlb_all()    toggle CR4.PGE: drops everything, global too
 */
#ifndef ASM_TLBFLUSH_H
#define ASM_TLBFLUSH_H

#include <hilo/compiler.h>
#include <hilo/threads.h>
#include <hilo/types.h>

struct tlb_stats {
	unsigned long one;	/* invlpg */
	unsigned long all;	/* global flushes */
	unsigned long range;	/* flush_tlb_kernel_range calls */
	unsigned long shootdowns;		/* ... of them sent to other CPUs */
	unsigned long shootdowns_received;	/* another CPU's range flushed here */
} ____cacheline_aligned;
extern struct tlb_stats tlb_stats[NR_CPUS];

void flush_tlb_one(unsigned long va);
void flush_tlb_all(void);
/*
 * flush_tlb_kernel_range - drop [start, end) from every online CPU's TLB,
 * global entries included: invlpg per page for short ranges, a global
 * flush otherwise; returns when every CPU has done it.  Task context;
 * interrupts on while other CPUs are online (an IPI, arch/x86/tlb.c).
 */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);

#endif
