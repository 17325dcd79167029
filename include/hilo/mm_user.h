/*
 * User address spaces (docs/design.md section 7): struct mm_struct
 * (hilo/mm_types.h), the page tables of user space, page faults, mmap,
 * munmap and brk.
 *
 * Page tables in highmem: with HIGHPTE (the default; `nohighpte` on the
 * command line turns it off) a user PTE page comes from ZONE_HIGHMEM and
 * has no kernel address.  Every access goes through pte_offset_map(),
 * which maps it with kmap_local_page(), and ends with pte_unmap(): the
 * walk pins the task to its CPU for as long as it holds the map, and may
 * be preempted.  The page directories above them stay in lowmem (the
 * PDPT entries are loaded with CR3 and name them by physical address;
 * Linux keeps them in lowmem too).
 */
#ifndef HILO_MM_USER_H
#define HILO_MM_USER_H

#include <asm/layout.h>
#include <asm/pgtable.h>
#include <hilo/highmem.h>
#include <hilo/mm_types.h>
#include <uapi/hilo/abi.h>

struct task_struct;
struct hilo_pageinfo;

/* highpte - PTE pages come from highmem (not `nohighpte`).  Set at boot. */
extern bool highpte;

/*
 * pt_above_4g - a page table may sit above 4 GiB: the CPU walks it
 * (arch/x86/walk_probe.c).  When false, PTE pages come from highmem below
 * 4 GiB.  Set at boot.
 */
extern bool pt_above_4g;

/* user_mm_init - read `nohighpte` and say where page tables come from.  Boot. */
void user_mm_init(void);

/* vm_flags_from_prot - PROT_* (mmap, an ELF segment) as VM_*. */
static inline unsigned int vm_flags_from_prot(unsigned long prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

/*
 * vm_page_prot - the PTE bits of a page of a mapping with vm_flags:
 * writable only when asked (a copy-on-write page is mapped read-only in a
 * writable mapping), no-exec unless the mapping says VM_EXEC.
 */
static inline u64 vm_page_prot(unsigned int vm_flags, bool writable)
{
	u64 prot = writable ? PAGE_USER_RW : PAGE_USER_RO;

	return (vm_flags & VM_EXEC) ? prot : prot | _PAGE_NX;
}

/* pmd_offset - the page-directory entry of addr in mm (a lowmem page). */
static inline pmd_t *pmd_offset(struct mm_struct *mm, unsigned long addr)
{
	return (pmd_t *)__va((unsigned long)pgd_phys(mm->pdpt[pgd_index(addr)])) +
	       pmd_index(addr);
}

/*
 * pte_offset_map - map the PTE page behind a present *pmd and return the
 * entry of addr; pte_unmap() ends the map.  A kmap_local: nest strictly,
 * never hand the pointer to another task.  Task context.
 */
static inline pte_t *pte_offset_map(const pmd_t *pmd, unsigned long addr)
{
	return (pte_t *)kmap_local_page(pfn_to_page(pmd_pfn(*pmd))) + pte_index(addr);
}

static inline void pte_unmap(pte_t *pte)
{
	kunmap_local(pte);
}

/* ---- mm_struct (mm/mm_struct.c) ---- */

/*
 * mm_alloc - an empty address space: the mm page with its PDPT, three
 * zeroed user page directories, the kernel's quarter shared.  NULL when
 * lowmem is out.  Task context.
 */
struct mm_struct *mm_alloc(void);

/*
 * mm_free - return everything an mm holds to the allocator: user pages
 * (dropping a shared page's reference), PTE pages, page directories, the
 * mm.  The mm must not be loaded on any CPU.  Task context.
 */
void mm_free(struct mm_struct *mm);

/*
 * dup_mm - fork's copy of oldmm (the current task's): the same VMAs, and
 * every present page shared read-only by both (copy-on-write: the first
 * write copies it, mm/memory.c).  The parent's TLB is flushed.  NULL when
 * memory is out (nothing leaks).  Task context.
 */
struct mm_struct *dup_mm(struct mm_struct *oldmm);

/*
 * switch_mm - load next's page tables on this CPU (the kernel's for
 * NULL), unless they are loaded already.  A CR3 write drops every user
 * translation and keeps the global kernel ones.  Interrupts disabled or
 * preemption disabled.
 */
void switch_mm(struct mm_struct *next);

/*
 * replace_mm - make mm (NULL: none) the current task's address space and
 * load it on this CPU; returns the one it had, still allocated (execve
 * frees it).  Task context.
 */
struct mm_struct *replace_mm(struct mm_struct *mm);

/*
 * use_mm, unuse_mm - make mm the current kernel thread's address space
 * and back (kernel threads that work on user memory: tests, benchmarks).
 * unuse_mm returns the mm, still allocated.
 */
void use_mm(struct mm_struct *mm);
struct mm_struct *unuse_mm(void);

/* ---- faults and page tables (mm/memory.c) ---- */

/* What handle_mm_fault() found wrong, for the kill message. */
enum fault_result {
	FAULT_OK,		/* the page is there now: retry the access */
	FAULT_NO_VMA,		/* no mapping covers the address */
	FAULT_BAD_ACCESS,	/* the mapping forbids the access */
	FAULT_OOM,		/* no page for it */
};

/*
 * handle_mm_fault - resolve a fault of the current task at user address
 * addr: a demand-zero page (from highmem, cleared through kmap_local) or
 * a copy-on-write copy.  err is the CPU's error code.  Takes mmap_lock:
 * task context, may sleep, not with page faults disabled.
 */
enum fault_result handle_mm_fault(struct mm_struct *mm, unsigned long addr, u32 err);
const char *fault_result_name(enum fault_result r);

/*
 * The fault path's test hook: when set, called in handle_mm_fault() with
 * the PTE page mapped (inside pte_offset_map), before the new entry is
 * written.  Tests use it to be preempted or to map more pages at that
 * exact point.  NULL in normal runs.
 */
extern void (*mm_fault_hook)(unsigned long addr);

/*
 * install_user_page - map page at addr in mm with prot (PAGE_USER_*),
 * creating the PTE page; the mm takes over the caller's reference.  For
 * execve's loader (mm not loaded yet).  -ENOMEM, or -EBUSY when addr is
 * mapped already.  mmap_lock held.
 */
int install_user_page(struct mm_struct *mm, unsigned long addr, struct page *page, u64 prot);

/*
 * zap_page_range - unmap [start, end) of mm: drop each page's reference,
 * clear its entry, flush this CPU's TLB when mm is loaded here.  PTE pages
 * stay until the mm is freed.  mmap_lock held.
 */
void zap_page_range(struct mm_struct *mm, unsigned long start, unsigned long end);

/*
 * follow_pte - the entry of addr (0 when no page table covers it) and, if
 * one does, its PTE page's pfn in *pt_pfn.  mmap_lock held.
 */
pte_t follow_pte(struct mm_struct *mm, unsigned long addr, u64 *pt_pfn);

/*
 * follow_page - the page mapped at addr in mm, or NULL; *pt_pfn as
 * follow_pte's (0 when no page table covers addr).  Takes mmap_lock: for
 * tests and reports that look at another task's mm.
 */
struct page *follow_page(struct mm_struct *mm, unsigned long addr, u64 *pt_pfn);

/* mm_pageinfo - fill info for addr of mm (sys_hilo_pageinfo).  Takes mmap_lock. */
void mm_pageinfo(struct mm_struct *mm, unsigned long addr, struct hilo_pageinfo *info);

/* ---- mappings (mm/mmap.c) ---- */

/* find_vma - the mapping that contains addr, or NULL.  mmap_lock held. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);

/*
 * insert_vma - add the mapping [start, end) with flags; -EINVAL when it
 * overlaps one or leaves user space, -ENOMEM when the table is full.
 * mmap_lock held.
 */
int insert_vma(struct mm_struct *mm, unsigned long start, unsigned long end,
	       unsigned int flags);

/*
 * do_mmap - map len bytes of anonymous memory with prot (PROT_*) at addr
 * (MAP_FIXED) or wherever there is room from TASK_UNMAPPED_BASE up.
 * Returns the address or a negative errno.  Takes mmap_lock.
 */
long do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
	     unsigned long prot, unsigned long flags);

/* do_munmap - unmap [addr, addr + len): 0 or -EINVAL.  Takes mmap_lock. */
int do_munmap(struct mm_struct *mm, unsigned long addr, unsigned long len);

/*
 * do_brk - move the end of the heap to brk (grow or shrink; never below
 * start_brk, never into another mapping).  Returns the new break, or the
 * old one when the move is refused (Linux's brk).  Takes mmap_lock.
 */
unsigned long do_brk(struct mm_struct *mm, unsigned long brk);

#endif
