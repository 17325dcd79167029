/*
 * Highmem: pages above the direct map, reachable only through a mapping
 * (DESIGN.md section 3).
 */
#ifndef HILO_HIGHMEM_H
#define HILO_HIGHMEM_H

#include <asm/pgtable.h>
#include <hilo/mm.h>

/* The pool's page table, and the PTE of the first kmap_local slot. */
extern pte_t *pkmap_page_table;
extern pte_t *kmap_pte;

/* Create the (empty) page tables of the pkmap pool and the fixmap. */
void kmap_init(void);

/*
 * kmap_slot_pte - the PTE of fixmap slot idx (FIX_KMAP_BEGIN + idx).  The
 * fixmap counts down from FIXADDR_TOP, so the slots' PTEs form one linear
 * array that runs downward from kmap_pte.
 */
static inline pte_t *kmap_slot_pte(unsigned int idx)
{
	return kmap_pte - idx;
}

#endif
