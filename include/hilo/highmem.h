/*
 * Highmem: pages above the direct map, reachable only through a mapping
 * (DESIGN.md section 3).
 */
#ifndef HILO_HIGHMEM_H
#define HILO_HIGHMEM_H

#include <asm/pgtable.h>
#include <hilo/mm.h>

/*
 * Each task's stack of kmap_local mappings: idx counts pushed slots (in
 * steps of KM_INCR), pteval[] remembers each slot's PTE so the scheduler
 * can tear the mappings down when the task is switched out and rewrite
 * them when it comes back.  A new task starts with idx == 0.
 */
struct kmap_ctrl {
	int idx;
	pte_t pteval[KM_MAX_IDX];
};

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
