/*
 * What mm/mm_struct.c, mm/memory.c and mm/mmap.c share and nobody else
 * needs: the accounting of user pages and page tables, and the page-table
 * walks of fork and exit.
 */
#ifndef MM_MM_INTERNAL_H
#define MM_MM_INTERNAL_H

#include <hilo/mm_user.h>
#include <hilo/vmstat.h>

/* account_user_page - mm maps one more (delta 1) or one fewer (-1) page. */
static inline void account_user_page(struct mm_struct *mm, const struct page *page, long delta)
{
	mm->rss[page_zonenum(page)] += delta;
	mod_vm_pages(&vm_counters.user_pages[page_zonenum(page)], delta);
}

/* account_pt_page - mm gained (1) or gave back (-1) a page-table page. */
static inline void account_pt_page(struct mm_struct *mm, const struct page *page, long delta)
{
	mm->pt_pages[page_zonenum(page)] += delta;
	mod_vm_pages(&vm_counters.pt_pages[page_zonenum(page)], delta);
}

/* flush_tlb_user - drop every user translation of this CPU (CR3 reload). */
void flush_tlb_user(void);

/*
 * copy_page_range - fork: share every present page of src's mappings
 * with dst, read-only in both when the mapping is writable.  -ENOMEM (dst
 * holds what was copied; mm_free() takes it back).  Both mmap_locks held.
 */
int copy_page_range(struct mm_struct *dst, struct mm_struct *src);

/* free_pgtables - exit: every page, PTE page and page directory of mm. */
void free_pgtables(struct mm_struct *mm);

#endif
