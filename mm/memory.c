/*
 * User page tables and page faults (hilo/mm_user.h).
 *
 * Every PTE page is reached through pte_offset_map() (a kmap_local), so
 * the code below is the same whether the page sits in lowmem or above
 * 4 GiB.  A user page's reference count is the number of PTEs that map
 * it (fork shares, exit and munmap drop); a write fault on a read-only
 * PTE of a writable mapping is copy-on-write: a page only this mm maps
 * (count 1) is made writable in place, a shared one is copied.
 *
 * The fault path, from a user access or a uaccess routine (arch/x86/fault.c):
 *
 *   handle_mm_fault(mm, addr, err)        mmap_lock
 *     find_vma, check the access          FAULT_NO_VMA, FAULT_BAD_ACCESS
 *     pmd empty? pte_alloc()              a zeroed PTE page (highmem)
 *     pte = pte_offset_map(pmd, addr)     kmap_local #1
 *       not present: do_anonymous_page    clear_user_highpage: kmap_local #2
 *       read-only:   do_wp_page           copy_user_highpage: #2 and #3
 *     pte_unmap(pte)
 *
 * so a fault taken inside a kmap_local section stacks its maps on top of
 * the faulting code's, on the same CPU (the task is pinned while it holds
 * any), and may be preempted between any two steps.
 *
 * TLB: an mm is loaded on one CPU at most, the one running its only task
 * (switch_mm() reloads CR3 at every switch to another mm or to a kernel
 * thread; there is no lazy TLB).  So a PTE this task changes is flushed
 * with a local invlpg, and no other CPU can hold it.
 */
#include <asm/processor.h>
#include <asm/tlbflush.h>
#include <asm/traps.h>
#include <hilo/highmem.h>
#include <hilo/mm_user.h>
#include <hilo/mutex.h>
#include <hilo/panic.h>
#include <hilo/preempt.h>
#include <hilo/sched.h>
#include <hilo/vmstat.h>
#include <uapi/hilo/abi.h>
#include <uapi/hilo/errno.h>

#include "mm_internal.h"

bool highpte = true;
bool pt_above_4g;
void (*mm_fault_hook)(unsigned long addr);

/* flush_tlb_user - see mm/mm_internal.h. */
void flush_tlb_user(void)
{
	preempt_disable();
	write_cr3(read_cr3());
	preempt_enable();
}

/*
 * alloc_pt_page - a page for a PTE page: lowmem with `nohighpte`; else
 * highmem: above 4 GiB first when the CPU walks tables there
 * (pt_above_4g; the memory below 4 GiB is the scarcer kind), only below
 * 4 GiB when it does not.  Lowmem when highmem runs out.
 */
static struct page *alloc_pt_page(void)
{
	struct page *page;

	if (!highpte)
		return alloc_page(GFP_KERNEL);
	if (!pt_above_4g)
		return alloc_pages_range(GFP_HIGHUSER, 0, 0, PFN_4G);
	page = alloc_pages_range(GFP_HIGHUSER, 0, PFN_4G, ~0UL);
	return page ? page : alloc_page(GFP_HIGHUSER);
}

/*
 * pte_alloc - give *pmd a zeroed PTE page (alloc_pt_page; a highmem one
 * is cleared through kmap_local: it has no other address).  -ENOMEM when
 * none is left.  mmap_lock held.
 */
static int pte_alloc(struct mm_struct *mm, pmd_t *pmd)
{
	struct page *page = alloc_pt_page();

	if (!page)
		return -ENOMEM;
	clear_highpage(page);
	account_pt_page(mm, page, 1);
	set_pmd(pmd, page_to_phys(page) | _PAGE_USER_TABLE);
	return 0;
}

/* set_user_pte - write a new entry for addr and drop this CPU's old translation. */
static void set_user_pte(pte_t *pte, pte_t val, unsigned long addr)
{
	pte_clear(pte);
	set_pte(pte, val);
	flush_tlb_one(addr);
}

/*
 * do_anonymous_page - the first touch of addr: a zeroed page from highmem
 * (cleared through kmap_local, on top of the PTE page's map).
 */
static enum fault_result do_anonymous_page(struct mm_struct *mm, struct vm_area_struct *vma,
					   pte_t *pte, unsigned long addr)
{
	struct page *page = alloc_page(GFP_HIGHUSER);

	if (!page)
		return FAULT_OOM;
	clear_highpage(page);
	account_user_page(mm, page, 1);
	count_vm_event(&vm_counters.zero_fills);
	set_user_pte(pte, pfn_pte(page_to_pfn(page),
				  vm_page_prot(vma->vm_flags, vma->vm_flags & VM_WRITE)), addr);
	return FAULT_OK;
}

/*
 * do_wp_page - a write to a read-only entry of a writable mapping: the
 * page is shared since a fork.  The last sharer writes in place; the
 * others copy (through two kmap_local maps) and drop their reference.
 * Two mms that copy at once on two CPUs both see a count above 1 and both
 * copy: one copy too many, never a page written while shared.
 */
static enum fault_result do_wp_page(struct mm_struct *mm, struct vm_area_struct *vma,
				    pte_t *pte, pte_t old, unsigned long addr)
{
	struct page *page = pfn_to_page(pte_pfn(old)), *copy;
	u64 prot = vm_page_prot(vma->vm_flags, true);

	if (__atomic_load_n(&page->_refcount, __ATOMIC_ACQUIRE) == 1) {
		count_vm_event(&vm_counters.cow_reuses);
		set_user_pte(pte, pfn_pte(page_to_pfn(page), prot), addr);
		return FAULT_OK;
	}
	copy = alloc_page(GFP_HIGHUSER);
	if (!copy)
		return FAULT_OOM;
	copy_highpage(copy, page);
	count_vm_event(&vm_counters.cow_copies);
	account_user_page(mm, copy, 1);
	set_user_pte(pte, pfn_pte(page_to_pfn(copy), prot), addr);
	account_user_page(mm, page, -1);
	put_page(page);
	return FAULT_OK;
}

/*
 * access_allowed - may a fault with error code err touch vma?  A page the
 * CPU can map is readable, so any mapping but PROT_NONE may be read (as
 * on x86 Linux: PROT_WRITE and PROT_EXEC imply PROT_READ).
 */
static bool access_allowed(const struct vm_area_struct *vma, u32 err)
{
	if (err & X86_PF_WRITE)
		return vma->vm_flags & VM_WRITE;
	if (err & X86_PF_INSTR)
		return vma->vm_flags & VM_EXEC;
	return vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC);
}

/* __handle_mm_fault - handle_mm_fault with mmap_lock held. */
static enum fault_result __handle_mm_fault(struct mm_struct *mm, unsigned long addr, u32 err)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	enum fault_result ret = FAULT_OK;
	pmd_t *pmd;
	pte_t *pte, old;

	if (!vma)
		return FAULT_NO_VMA;
	if (!access_allowed(vma, err))
		return FAULT_BAD_ACCESS;
	pmd = pmd_offset(mm, addr);
	if (!pmd_present(*pmd) && pte_alloc(mm, pmd))
		return FAULT_OOM;

	pte = pte_offset_map(pmd, addr);
	if (mm_fault_hook)
		mm_fault_hook(addr);
	old = ptep_get(pte);
	if (!pte_present(old))
		ret = do_anonymous_page(mm, vma, pte, addr);
	else if ((err & X86_PF_WRITE) && !pte_write(old))
		ret = do_wp_page(mm, vma, pte, old, addr);
	else
		flush_tlb_one(addr);	/* a stale translation of this CPU's */
	pte_unmap(pte);
	return ret;
}

/* handle_mm_fault - see hilo/mm_user.h. */
enum fault_result handle_mm_fault(struct mm_struct *mm, unsigned long addr, u32 err)
{
	enum fault_result ret;

	count_vm_event(&vm_counters.faults);
	mutex_lock(&mm->mmap_lock);
	ret = __handle_mm_fault(mm, addr, err);
	mutex_unlock(&mm->mmap_lock);
	return ret;
}

/* fault_result_name - see hilo/mm_user.h. */
const char *fault_result_name(enum fault_result r)
{
	switch (r) {
	case FAULT_OK:         return "handled";
	case FAULT_NO_VMA:     return "no mapping";
	case FAULT_BAD_ACCESS: return "access not allowed by the mapping";
	case FAULT_OOM:        return "out of memory";
	}
	return "?";
}

/* install_user_page - see hilo/mm_user.h. */
int install_user_page(struct mm_struct *mm, unsigned long addr, struct page *page, u64 prot)
{
	pmd_t *pmd = pmd_offset(mm, addr);
	pte_t *pte;
	int ret = 0;

	if (!pmd_present(*pmd) && pte_alloc(mm, pmd))
		return -ENOMEM;
	pte = pte_offset_map(pmd, addr);
	if (pte_present(ptep_get(pte))) {
		ret = -EBUSY;
	} else {
		account_user_page(mm, page, 1);
		set_pte(pte, pfn_pte(page_to_pfn(page), prot));
	}
	pte_unmap(pte);
	return ret;
}

/*
 * zap_pte_range - drop the pages of [addr, end) inside one PTE page;
 * flush each from this CPU's TLB when flush is set.
 */
static void zap_pte_range(struct mm_struct *mm, pmd_t *pmd, unsigned long addr,
			  unsigned long end, bool flush)
{
	pte_t *start = pte_offset_map(pmd, addr), *pte = start;

	for (; addr < end; addr += PAGE_SIZE, pte++) {
		pte_t old = ptep_get(pte);
		struct page *page;

		if (!pte_present(old))
			continue;
		page = pfn_to_page(pte_pfn(old));
		pte_clear(pte);
		if (flush)
			flush_tlb_one(addr);
		account_user_page(mm, page, -1);
		put_page(page);
	}
	pte_unmap(start);
}

/* pmd_end - the end of addr's 2 MiB, or end if sooner. */
static unsigned long pmd_end(unsigned long addr, unsigned long end)
{
	unsigned long next = (addr + PMD_SIZE) & PMD_MASK;

	return next - 1 < end - 1 ? next : end;
}

/* zap_page_range - see hilo/mm_user.h. */
void zap_page_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	bool loaded;

	preempt_disable();
	loaded = read_cr3() == __pa(mm->pdpt);
	preempt_enable();
	for (unsigned long addr = start; addr < end; addr = pmd_end(addr, end)) {
		pmd_t *pmd = pmd_offset(mm, addr);

		if (pmd_present(*pmd))
			zap_pte_range(mm, pmd, addr, pmd_end(addr, end), loaded);
	}
}

/*
 * copy_pte_range - fork, one PTE page: every present entry of src in
 * [addr, end) shared with dst, write-protected in both for a writable
 * mapping.  Two kmap_local maps at once, src's and dst's PTE page.
 */
static void copy_pte_range(struct mm_struct *dst, pmd_t *dst_pmd, struct mm_struct *src,
			   pmd_t *src_pmd, unsigned long addr, unsigned long end)
{
	pte_t *src_start = pte_offset_map(src_pmd, addr), *src_pte = src_start;
	pte_t *dst_start = pte_offset_map(dst_pmd, addr), *dst_pte = dst_start;

	for (; addr < end; addr += PAGE_SIZE, src_pte++, dst_pte++) {
		pte_t old = ptep_get(src_pte);
		struct page *page;

		if (!pte_present(old))
			continue;
		page = pfn_to_page(pte_pfn(old));
		if (pte_write(old)) {
			old = __pte(pte_val(old) & ~(u64)_PAGE_RW);
			pte_clear(src_pte);
			set_pte(src_pte, old);	/* flushed by the caller's CR3 reload */
		}
		get_page(page);
		account_user_page(dst, page, 1);
		set_pte(dst_pte, old);
	}
	pte_unmap(dst_start);
	pte_unmap(src_start);
}

/* copy_page_range - see mm/mm_internal.h. */
int copy_page_range(struct mm_struct *dst, struct mm_struct *src)
{
	for (unsigned int i = 0; i < src->nr_vmas; i++) {
		const struct vm_area_struct *vma = &src->vmas[i];

		for (unsigned long addr = vma->vm_start; addr < vma->vm_end;
		     addr = pmd_end(addr, vma->vm_end)) {
			pmd_t *src_pmd = pmd_offset(src, addr), *dst_pmd = pmd_offset(dst, addr);

			if (!pmd_present(*src_pmd))
				continue;
			if (!pmd_present(*dst_pmd) && pte_alloc(dst, dst_pmd))
				return -ENOMEM;
			copy_pte_range(dst, dst_pmd, src, src_pmd, addr, pmd_end(addr, vma->vm_end));
		}
	}
	return 0;
}

/* free_pgtables - see mm/mm_internal.h. */
void free_pgtables(struct mm_struct *mm)
{
	for (unsigned int i = 0; i < pgd_index(TASK_SIZE); i++) {
		pmd_t *pmds = __va((unsigned long)pgd_phys(mm->pdpt[i]));

		if (!pgd_present(mm->pdpt[i]))
			continue;
		for (unsigned int j = 0; j < PTRS_PER_PMD; j++) {
			unsigned long addr = ((unsigned long)i << PGDIR_SHIFT) |
					     ((unsigned long)j << PMD_SHIFT);
			struct page *pt;

			if (!pmd_present(pmds[j]))
				continue;
			zap_pte_range(mm, &pmds[j], addr, addr + PMD_SIZE, false);
			pt = pfn_to_page(pmd_pfn(pmds[j]));
			pmds[j].pmd = 0;
			account_pt_page(mm, pt, -1);
			__free_page(pt);
		}
	}
}

/* follow_pte - see hilo/mm_user.h. */
pte_t follow_pte(struct mm_struct *mm, unsigned long addr, u64 *pt_pfn)
{
	pmd_t *pmd = pmd_offset(mm, addr);
	pte_t *pte, val;

	if (!pmd_present(*pmd))
		return __pte(0);
	*pt_pfn = pmd_pfn(*pmd);
	pte = pte_offset_map(pmd, addr);
	val = ptep_get(pte);
	pte_unmap(pte);
	return val;
}

/* follow_page - see hilo/mm_user.h. */
struct page *follow_page(struct mm_struct *mm, unsigned long addr, u64 *pt_pfn)
{
	pte_t pte;

	*pt_pfn = 0;
	mutex_lock(&mm->mmap_lock);
	pte = follow_pte(mm, addr, pt_pfn);
	mutex_unlock(&mm->mmap_lock);
	return pte_present(pte) ? pfn_to_page(pte_pfn(pte)) : NULL;
}

/* mm_pageinfo - see hilo/mm_user.h. */
void mm_pageinfo(struct mm_struct *mm, unsigned long addr, struct hilo_pageinfo *info)
{
	struct vm_area_struct *vma;
	u64 pt_pfn = 0;
	pte_t pte;

	*info = (struct hilo_pageinfo){ 0 };
	mutex_lock(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	if (vma)
		info->flags |= HILO_PI_VMA | ((vma->vm_flags & VM_WRITE) ? HILO_PI_VMA_WRITE : 0);
	pte = follow_pte(mm, addr, &pt_pfn);
	if (pt_pfn) {
		info->flags |= HILO_PI_PT;
		info->pt_pfn = pt_pfn;
		info->pt_zone = page_zonenum(pfn_to_page(pt_pfn));
	}
	if (pte_present(pte)) {
		struct page *page = pfn_to_page(pte_pfn(pte));
		u64 v = pte_val(pte);

		info->flags |= HILO_PI_PRESENT |
			       ((v & _PAGE_RW) ? HILO_PI_WRITABLE : 0) |
			       ((v & _PAGE_USER) ? HILO_PI_USER : 0) |
			       ((v & _PAGE_DIRTY) ? HILO_PI_DIRTY : 0) |
			       ((v & _PAGE_ACCESSED) ? HILO_PI_ACCESSED : 0);
		info->pfn = pte_pfn(pte);
		info->zone = page_zonenum(page);
		info->refcount = (unsigned int)page_count(page);
	}
	mutex_unlock(&mm->mmap_lock);
}
