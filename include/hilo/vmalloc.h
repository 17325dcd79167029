/*
 * The vmalloc area: virtually contiguous kernel mappings of pages that
 * need not be physically contiguous (docs/design.md section 3).  Every area is
 * followed by an unmapped guard page, and the area below the first one
 * is unmapped too, so running off either end of an area faults: task
 * stacks live here for that reason.
 */
#ifndef HILO_VMALLOC_H
#define HILO_VMALLOC_H

#include <hilo/mm.h>
#include <hilo/types.h>

struct vm_struct {
	unsigned long addr;		/* start of the mapping */
	unsigned long size;		/* mapped bytes, without the guard page */
	bool owns_pages;		/* vmalloc: vfree frees the pages too */
	struct vm_struct *next;		/* sorted by address */
};

/*
 * vmap - map the n pages at consecutive virtual addresses in the vmalloc
 * area.  The pages may be lowmem or highmem, in any order.  The mapping is
 * kernel-global: unlike a kmap_local mapping it may be handed to another
 * task.  Returns the address, or NULL when the area has no room.  May not
 * be called from interrupt context (it may allocate page tables).
 */
void *vmap(struct page **pages, unsigned int n);

/*
 * vunmap - remove a mapping made by vmap(): clear its PTEs and flush its
 * range from the TLB.  The pages themselves are not freed.  Panics when
 * addr is not the start of a vmap area.
 */
void vunmap(const void *addr);

/* vmalloc - size bytes (rounded up to pages) of fresh pages, mapped. */
void *vmalloc(unsigned long size, gfp_t gfp);
/* vfree - unmap and free what vmalloc() returned. */
void vfree(const void *addr);

/* The area that contains addr, or NULL (fault reports, GDB). */
const struct vm_struct *find_vm_area(const void *addr);

#endif
