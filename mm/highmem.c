/*
 * Highmem mappings.  For now: the page tables behind the pkmap pool and
 * the fixmap's kmap slots (created empty at boot), and page_address().
 */
#include <asm/layout.h>
#include <asm/pgtable.h>
#include <hilo/highmem.h>
#include <hilo/mm.h>

pte_t *pkmap_page_table;
pte_t *kmap_pte;

/** kmap_init - create the empty pkmap and fixmap page tables.  Boot only. */
void kmap_init(void)
{
	pkmap_page_table = populate_kernel_pte(PKMAP_BASE);
	populate_kernel_pte(FIXADDR_START);
	kmap_pte = populate_kernel_pte(__fix_to_virt(FIX_KMAP_BEGIN));
}

/*
 * page_address - lowmem: the direct-map address.  Highmem: NULL, since
 * nothing maps a highmem page for longer than a bracket yet.
 */
void *page_address(const struct page *page)
{
	return PageHighMem(page) ? NULL : lowmem_page_address(page);
}

/*
 * clear_highpage - zero a page.  A highmem page needs a temporary mapping,
 * which hilo does not have yet: refuse loudly rather than skip the zeroing.
 */
void clear_highpage(struct page *page)
{
	if (PageHighMem(page))
		panic("clear_highpage: highmem page %p (pfn %#lx) cannot be zeroed before kmap_local exists",
		      page, page_to_pfn(page));
	__builtin_memset(lowmem_page_address(page), 0, PAGE_SIZE);
}
