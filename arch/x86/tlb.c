/* TLB flushes on the local CPU, counted (see asm/tlbflush.h). */
#include <asm/processor.h>
#include <asm/tlbflush.h>
#include <asm/layout.h>
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

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	tlb_stats[smp_processor_id()].range++;
	if ((end - start) >> PAGE_SHIFT > TLB_RANGE_MAX_INVLPG) {
		flush_tlb_all();
		return;
	}
	for (unsigned long va = start & PAGE_MASK; va < end; va += PAGE_SIZE)
		flush_tlb_one(va);
}
