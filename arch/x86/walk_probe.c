/*
 * Can this CPU walk a page table that sits above 4 GiB?
 *
 * PAE entries hold 36 or more address bits at every level, so on real
 * hardware a page directory entry may name a page table anywhere in RAM.
 * QEMU's i386 emulator (qemu-system-i386, TCG, 7.2 at least) computes
 * the address of the next table in a 32-bit variable outside long mode:
 * a page table above 4 GiB is read at its address modulo 4 GiB, some other
 * page, and the mapping it should hold faults as not present (the
 * x86_64 emulator, running the same guest, walks it correctly).  Rather
 * than trust the name of the machine, hilo asks the CPU once at boot: it
 * hangs a scratch page table above 4 GiB under an unused 2 MiB of kernel
 * space, reads through it with a fault-safe load, and takes it down.
 */
#include <asm/layout.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#include <asm/uaccess.h>
#include <hilo/highmem.h>
#include <hilo/mm.h>
#include <hilo/printk.h>
#include <hilo/walk_probe.h>

#define PROBE_MAGIC 0x7ab1e5u

/* probe_va - a 2 MiB of kernel space no page table covers yet, or 0. */
static unsigned long probe_va(void)
{
	unsigned long va = (VMALLOC_END & PMD_MASK) - PMD_SIZE;

	return pmd_present(kernel_pmd[pmd_index(va)]) ? 0 : va;
}

/* walk_probe - see hilo/walk_probe.h. */
enum walk_probe_result walk_probe(void)
{
	struct page *table = alloc_pages_range(GFP_HIGHUSER, 0, PFN_4G, ~0UL);
	unsigned long target = get_zeroed_page(GFP_KERNEL), va = probe_va();
	enum walk_probe_result ret = WALK_PROBE_NO_RAM_ABOVE_4G;
	pmd_t *pmd = &kernel_pmd[pmd_index(va)];
	u32 seen = 0;
	pte_t *pt;

	if (!table || !target || !va) {
		if (table && (!target || !va))
			ret = WALK_PROBE_NOT_RUN;
		goto out;
	}
	*(u32 *)target = PROBE_MAGIC;
	clear_highpage(table);
	pt = kmap_local_page(table);
	set_pte(pt, pfn_pte(__pa(target) >> PAGE_SHIFT, PAGE_KERNEL));
	kunmap_local(pt);

	set_pmd(pmd, page_to_phys(table) | _PAGE_TABLE);
	flush_tlb_one(va);
	ret = get_kernel_nofault_u32(&seen, (const void *)va) || seen != PROBE_MAGIC ?
	      WALK_PROBE_TRUNCATES : WALK_PROBE_OK;
	pte_clear((pte_t *)pmd);
	flush_tlb_one(va);
out:
	if (table)
		__free_page(table);
	if (target)
		free_page(target);
	return ret;
}
