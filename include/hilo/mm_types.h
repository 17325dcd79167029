/*
 * A process's address space: struct mm_struct and its mappings (VMAs).
 * The code is in mm/mm_struct.c (create, copy, free, switch),
 * mm/memory.c (page tables, faults) and mm/mmap.c (mmap, munmap, brk);
 * the interface in hilo/mm_user.h.
 *
 *   CR3 -> mm->pdpt[0..2] -> user page directories (lowmem, made with the mm)
 *                              -> PTE pages (highmem, made on the first fault
 *                                 in their 2 MiB; `nohighpte`: lowmem)
 *          mm->pdpt[3]    -> kernel_pmd, the same in every mm
 *
 * PAE loads the four PDPT entries into the CPU when CR3 is written, so
 * they never change while the mm lives: that is why all three user page
 * directories are made up front.
 */
#ifndef HILO_MM_TYPES_H
#define HILO_MM_TYPES_H

#include <asm/pgtable_types.h>
#include <hilo/compiler.h>
#include <hilo/mm.h>
#include <hilo/mutex.h>
#include <hilo/types.h>

/* vm_flags */
#define VM_READ   0x1u
#define VM_WRITE  0x2u
#define VM_EXEC   0x4u
#define VM_STACK  0x100u		/* the stack mapping */
#define VM_HEAP   0x200u		/* the brk mapping */

/* One mapping: [vm_start, vm_end), page aligned, anonymous and private. */
struct vm_area_struct {
	unsigned long vm_start, vm_end;
	unsigned int vm_flags;
};

#define MM_MAX_VMAS 32

struct mm_struct {
	/*
	 * The PDPT, CR3's target: 32-byte aligned and below 4 GiB (the mm
	 * itself is one lowmem page).  Entries 0..2 point at the user page
	 * directories, entry 3 at kernel_pmd.
	 */
	pgd_t pdpt[PTRS_PER_PGD] __aligned(32);

	/*
	 * Guards the VMAs and the page tables.  An mm has one task, and only
	 * it changes them (faults, mmap, munmap, brk, fork's copy, exit); the
	 * lock orders that against readers on other CPUs (hilo_pageinfo of a
	 * child, the tests).  A sleeping lock: the fault path takes it.
	 */
	struct mutex mmap_lock;

	/* The mappings, sorted by address, never overlapping. */
	unsigned int nr_vmas;
	struct vm_area_struct vmas[MM_MAX_VMAS];

	unsigned long start_code, end_code;	/* the program's lowest and highest */
	unsigned long start_brk, brk;		/* the heap: [start_brk, brk) */
	unsigned long start_stack;		/* the initial stack pointer */

	/*
	 * What the mm holds now, by zone: user pages mapped (a page shared
	 * after fork counts in each mm that maps it) and page-table pages
	 * (the three page directories and the PTE pages).
	 */
	unsigned long rss[MAX_NR_ZONES];
	unsigned long pt_pages[MAX_NR_ZONES];
};

_Static_assert(sizeof(struct mm_struct) <= PAGE_SIZE, "an mm is one page");

#endif
