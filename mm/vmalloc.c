/*
 * The vmalloc area: a first-fit range allocator over [VMALLOC_START,
 * VMALLOC_END) and the page-table work of vmap/vunmap.  Areas are kept in
 * a list sorted by address; each one is followed by an unmapped guard
 * page, and the first starts VMALLOC_OFFSET above the direct map, so no
 * area ever touches another mapping.
 *
 * Area descriptors come from a fixed pool: the kernel has no general
 * allocator, and a mapping must never depend on one.
 */
#include <asm/layout.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#include <hilo/mm.h>
#include <hilo/printk.h>
#include <hilo/spinlock.h>
#include <hilo/vmalloc.h>

#define VM_AREAS_MAX 256

static struct vm_struct area_pool[VM_AREAS_MAX];
static struct vm_struct *free_areas;	/* unused descriptors */
static struct vm_struct *vmlist;	/* live areas, sorted by address */
static bool pool_ready;
static DEFINE_SPINLOCK(vmap_lock);

static void pool_init(void)
{
	for (int i = 0; i < VM_AREAS_MAX; i++) {
		area_pool[i].next = free_areas;
		free_areas = &area_pool[i];
	}
	pool_ready = true;
}

/* End of an area including its guard page. */
static unsigned long area_end(const struct vm_struct *a)
{
	return a->addr + a->size + PAGE_SIZE;
}

/* Reserve size bytes (+ guard) of address space; NULL when full. */
static struct vm_struct *get_vm_area(unsigned long size)
{
	struct vm_struct **link, *a = NULL;
	unsigned long start = VMALLOC_START, flags;

	spin_lock_irqsave(&vmap_lock, flags);
	if (!pool_ready)
		pool_init();
	for (link = &vmlist; *link; link = &(*link)->next) {
		if ((*link)->addr >= start + size + PAGE_SIZE)
			break;
		start = area_end(*link);
	}
	if (free_areas && start + size + PAGE_SIZE <= VMALLOC_END &&
	    start + size > start) {
		a = free_areas;
		free_areas = a->next;
		*a = (struct vm_struct){ .addr = start, .size = size, .next = *link };
		*link = a;
	}
	spin_unlock_irqrestore(&vmap_lock, flags);
	return a;
}

/* The area that starts at addr, or NULL.  Its range stays reserved. */
static struct vm_struct *lookup_vm_area(unsigned long addr)
{
	struct vm_struct *a;
	unsigned long flags;

	spin_lock_irqsave(&vmap_lock, flags);
	for (a = vmlist; a && a->addr != addr; a = a->next)
		;
	spin_unlock_irqrestore(&vmap_lock, flags);
	return a;
}

/*
 * Unlink an area and recycle its descriptor.  Only after its PTEs are
 * cleared and flushed: until then its range must stay reserved, or a
 * vmap() in between could be handed the same addresses.
 */
static void free_vm_area(struct vm_struct *a)
{
	struct vm_struct **link;
	unsigned long flags;

	spin_lock_irqsave(&vmap_lock, flags);
	for (link = &vmlist; *link != a; link = &(*link)->next)
		;
	*link = a->next;
	a->next = free_areas;
	free_areas = a;
	spin_unlock_irqrestore(&vmap_lock, flags);
}

const struct vm_struct *find_vm_area(const void *addr)
{
	unsigned long va = (unsigned long)addr, flags;
	const struct vm_struct *a;

	spin_lock_irqsave(&vmap_lock, flags);
	for (a = vmlist; a && !(va >= a->addr && va < a->addr + a->size); a = a->next)
		;
	spin_unlock_irqrestore(&vmap_lock, flags);
	return a;
}

void *vmap(struct page **pages, unsigned int n)
{
	struct vm_struct *a;

	if (!n || n > (VMALLOC_END - VMALLOC_START) >> PAGE_SHIFT)
		return NULL;			/* also: n << PAGE_SHIFT would wrap */
	a = get_vm_area((unsigned long)n << PAGE_SHIFT);
	if (!a)
		return NULL;
	for (unsigned int i = 0; i < n; i++)
		map_kernel_page(a->addr + (i << PAGE_SHIFT), page_to_pfn(pages[i]),
				PAGE_KERNEL);
	return (void *)a->addr;
}

/*
 * Unmap the area and flush it from every CPU's TLB; only then free its
 * pages (free_pages), so that no CPU can still write to a page through a
 * stale translation once it has a new owner.  Until the flush each PTE
 * keeps its frame with the present bit cleared (the CPU ignores the rest
 * of a non-present entry), which is where the second pass finds the
 * page.  The descriptor stays the caller's.  Task context, interrupts on
 * (the flush is an IPI).
 */
static void unmap_area(struct vm_struct *a, bool free_pages)
{
	unsigned long va;

	for (va = a->addr; va < a->addr + a->size; va += PAGE_SIZE) {
		pte_t *pte = kernel_pte(va);

		set_pte(pte, __pte(pte_val(ptep_get(pte)) & ~_PAGE_PRESENT));
	}
	flush_tlb_kernel_range(a->addr, a->addr + a->size);
	for (va = a->addr; va < a->addr + a->size; va += PAGE_SIZE) {
		pte_t *pte = kernel_pte(va);
		u64 old = pte_val(ptep_get(pte));

		pte_clear(pte);
		if (free_pages && old)
			__free_page(pfn_to_page((unsigned long)pte_pfn(__pte(old))));
	}
}

void vunmap(const void *addr)
{
	struct vm_struct *a = lookup_vm_area((unsigned long)addr);

	if (!a)
		panic("vunmap: %p is not the start of a vmap area", addr);
	if (a->owns_pages)
		panic("vunmap: %p came from vmalloc(): use vfree()", addr);
	unmap_area(a, false);
	free_vm_area(a);
}

void *vmalloc(unsigned long size, gfp_t gfp)
{
	struct vm_struct *a;

	size = ALIGN_UP(size, PAGE_SIZE);
	if (!size || !(a = get_vm_area(size)))
		return NULL;
	a->owns_pages = true;
	for (unsigned long va = a->addr; va < a->addr + size; va += PAGE_SIZE) {
		struct page *p = alloc_page(gfp);

		if (!p) {			/* give back what we got */
			a->size = va - a->addr;
			vfree((void *)a->addr);
			return NULL;
		}
		map_kernel_page(va, page_to_pfn(p), PAGE_KERNEL);
	}
	return (void *)a->addr;
}

void vfree(const void *addr)
{
	struct vm_struct *a;

	if (!addr)
		return;
	a = lookup_vm_area((unsigned long)addr);
	if (!a)
		panic("vfree: %p is not the start of a vmalloc area", addr);
	if (!a->owns_pages)
		panic("vfree: %p came from vmap(): use vunmap()", addr);
	unmap_area(a, true);
	free_vm_area(a);
}
