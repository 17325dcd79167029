/*
 * TLB flushes, counted per CPU (see asm/tlbflush.h).
 *
 * A kernel mapping is shared by every CPU, so a kernel-range flush is a
 * shootdown: this CPU flushes, and every other online CPU is sent a
 * call-function IPI that flushes the same range there, and the caller
 * waits for each to finish (on_each_cpu).  Only then may the old frames
 * or slots be reused.  Hence flush_tlb_kernel_range() needs interrupts
 * on when other CPUs are online (kernel/smp.c explains why), which is one
 * reason kmap() may not be called from interrupt or atomic context.
 */
#include <asm/processor.h>
#include <asm/tlbflush.h>
#include <asm/layout.h>
#include <hilo/cmdline.h>
#include <hilo/smp.h>
#include <hilo/spinlock.h>

struct tlb_stats tlb_stats[NR_CPUS];

#define TLB_RANGE_MAX_INVLPG 32	/* beyond this, one global flush is cheaper */

void flush_tlb_one(unsigned long va)
{
	__asm__ __volatile__("invlpg (%0)" :: "r"(va) : "memory");
	tlb_stats[smp_processor_id()].one++;
}

/* Toggling CR4.PGE drops global entries too (SDM 4.10.4.1). */
void flush_tlb_all(void)
{
	unsigned long flags = arch_local_irq_save();
	unsigned long cr4 = read_cr4();

	if (cr4 & X86_CR4_PGE) {
		write_cr4(cr4 & ~X86_CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
	tlb_stats[smp_processor_id()].all++;
	arch_local_irq_restore(flags);
}

struct flush_range {
	unsigned long start, end;
	unsigned int sender;
};

/* The range on this CPU: invlpg per page when short, else everything. */
static void do_kernel_range_flush(void *info)
{
	const struct flush_range *r = info;

	if (smp_processor_id() != r->sender)
		tlb_stats[smp_processor_id()].shootdowns_received++;
	if ((r->end - r->start) >> PAGE_SHIFT > TLB_RANGE_MAX_INVLPG) {
		flush_tlb_all();
		return;
	}
	for (unsigned long va = r->start & PAGE_MASK; va < r->end; va += PAGE_SIZE)
		flush_tlb_one(va);
}

#ifdef CONFIG_DEBUG_SMP
/*
 * Debug: `noshootdown` on the command line makes kernel-range flushes
 * local only, as a kernel that forgot the IPI would be.  The test build
 * has it so that the runner's self-check can prove the shootdown test
 * catches exactly that bug.
 */
static bool shootdown_off(void)
{
	return cmdline_has("noshootdown");
}
#else
static bool shootdown_off(void)
{
	return false;
}
#endif

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	struct flush_range r = { start, end, 0 };
	unsigned int others;

	preempt_disable();
	r.sender = smp_processor_id();
	tlb_stats[r.sender].range++;
	others = num_online_cpus() - 1;
	preempt_enable();
	if (others && !shootdown_off()) {
		tlb_stats[r.sender].shootdowns++;
		on_each_cpu(do_kernel_range_flush, &r, true);
		return;
	}
	preempt_disable();
	do_kernel_range_flush(&r);
	preempt_enable();
}
