/*
 * The kernel's page tables.  One PDPT (swapper_pg_dir) whose entry 3 is
 * the kernel's page directory (kernel_pmd): every address space hilo ever
 * creates shares that directory, so kernel mappings are made once.
 * Entries 0..2 (user space) stay empty.
 */
#include <asm/layout.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <hilo/memblock.h>
#include <hilo/mm.h>
#include <hilo/panic.h>
#include <hilo/spinlock.h>

pgd_t swapper_pg_dir[PTRS_PER_PGD] __aligned(32);
static pmd_t kernel_pmd_page[PTRS_PER_PMD] __aligned(PAGE_SIZE);
pmd_t *kernel_pmd = kernel_pmd_page;

u64 __supported_pte_mask = ~0ULL;

/*
 * Guards the creation of kernel page tables: two tasks mapping into the
 * same empty 2 MiB range (vmap) must not both install a page table.
 */
static DEFINE_SPINLOCK(kernel_pt_lock);

unsigned long kernel_pt_pages;		/* from the buddy, under kernel_pt_lock */

/* A zeroed page for a page table: memblock at boot, the buddy later. */
static void *alloc_pgtable_page(void)
{
	unsigned long page;

	if (!memblock.done)
		return memblock_alloc(PAGE_SIZE, PAGE_SIZE, "page tables");
	page = get_zeroed_page(GFP_KERNEL);
	if (!page)
		panic("alloc_pgtable_page: out of lowmem for a page table");
	kernel_pt_pages++;
	return (void *)page;
}

/**
 * populate_kernel_pte - the PTE slot for kernel address va, creating its
 * page table when the directory entry is empty (under kernel_pt_lock).
 * Panics for a user address or one inside a 2 MiB page.  Any context but
 * interrupts: the page table comes from memblock or the buddy allocator,
 * neither of which sleeps.
 */
pte_t *populate_kernel_pte(unsigned long va)
{
	pmd_t *pmd;
	unsigned long flags;

	if (va < PAGE_OFFSET)
		panic("populate_kernel_pte: %#lx is not a kernel address", va);
	pmd = &kernel_pmd[pmd_index(va)];
	spin_lock_irqsave(&kernel_pt_lock, flags);
	if (!pmd_present(*pmd)) {
		pte_t *pt = alloc_pgtable_page();	/* never sleeps */

		set_pmd(pmd, __pa(pt) | _PAGE_TABLE);
	} else if (pmd_large(*pmd)) {
		panic("populate_kernel_pte: %#lx lies in a 2 MiB page", va);
	}
	spin_unlock_irqrestore(&kernel_pt_lock, flags);
	return (pte_t *)__va((unsigned long)pmd_phys(*pmd)) + pte_index(va);
}

/** map_kernel_page - map va to pfn with prot (see asm/pgtable.h). */
void map_kernel_page(unsigned long va, u64 pfn, pgprot_t prot)
{
	set_pte(populate_kernel_pte(va), pfn_pte(pfn, prot));
}

/*
 * The walk starts from CR3, so it describes the tables the CPU uses right
 * now (the boot tables before mm_init, the kernel's after).  Every table
 * lives in lowmem, where __va() reaches it.
 */
pte_t *lookup_address(unsigned long va, enum pg_level *level)
{
	const pgd_t *pgd = __va(read_cr3() & ~0x1FUL);
	pmd_t *pmd;

	*level = PG_LEVEL_NONE;
	if (!pgd_present(pgd[pgd_index(va)]))
		return NULL;
	pmd = (pmd_t *)__va((unsigned long)pgd_phys(pgd[pgd_index(va)])) + pmd_index(va);
	if (pmd_large(*pmd)) {
		*level = PG_LEVEL_2M;
		return (pte_t *)pmd;
	}
	if (!pmd_present(*pmd))
		return NULL;
	*level = PG_LEVEL_4K;
	return (pte_t *)__va((unsigned long)pmd_phys(*pmd)) + pte_index(va);
}

/** kernel_pte - the PTE slot of va in an existing page table, or panic. */
pte_t *kernel_pte(unsigned long va)
{
	enum pg_level level;
	pte_t *pte = lookup_address(va, &level);

	if (level != PG_LEVEL_4K)
		panic("kernel_pte: no page table maps %#lx (level %d)", va, level);
	return pte;
}

/** virt_to_phys_walk - translate va through the tables; false if unmapped. */
bool virt_to_phys_walk(unsigned long va, phys_addr_t *phys)
{
	enum pg_level level;
	pte_t *pte = lookup_address(va, &level);

	if (!pte || !pte_present(ptep_get(pte)))
		return false;
	if (level == PG_LEVEL_2M)
		*phys = (pte_val(*pte) & PMD_PAGE_MASK) | (va & ~PMD_MASK);
	else
		*phys = (pte_val(ptep_get(pte)) & PTE_PFN_MASK) | (va & ~PAGE_MASK);
	return true;
}
