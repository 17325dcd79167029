/*
 * The internals of the kmap pool (mm/highmem.c) and of the kmap_local
 * slots (mm/kmap_local.c).  For mm/, the in-kernel tests and the GDB
 * scripts (tools/gdb/, which read these symbols by name) only: the rest
 * of the kernel uses hilo/highmem.h.
 */
#ifndef HILO_HIGHMEM_INTERNAL_H
#define HILO_HIGHMEM_INTERNAL_H

#include <asm/layout.h>
#include <asm/pgtable.h>
#include <hilo/highmem.h>

/* The pool's page table, and the PTE of the first kmap_local slot. */
extern pte_t *pkmap_page_table;
extern pte_t *kmap_pte;

/*
 * The pool's state: the meaning of a count is stated in mm/highmem.c and
 * docs/design.md section 3.
 */
extern int pkmap_count[LAST_PKMAP];
extern unsigned int last_pkmap_nr;

/*
 * kmap_slot_pte - the PTE of fixmap slot idx (FIX_KMAP_BEGIN + idx).  The
 * fixmap counts down from FIXADDR_TOP, so the slots' PTEs form one linear
 * array that runs downward from kmap_pte.
 */
static inline pte_t *kmap_slot_pte(unsigned int idx)
{
	return kmap_pte - idx;
}

/*
 * kmap_local_slot - the fixmap slot (counted from FIX_KMAP_BEGIN) of local
 * stack index idx on cpu: each CPU has KM_MAX_IDX of them.
 */
static inline int kmap_local_slot(int idx, unsigned int cpu)
{
	return idx + KM_MAX_IDX * (int)cpu;
}

/* kmap_local_slot_addr - the virtual address of fixmap slot kmap_local_slot(). */
static inline unsigned long kmap_local_slot_addr(int slot)
{
	return __fix_to_virt(FIX_KMAP_BEGIN + slot);
}

#endif
