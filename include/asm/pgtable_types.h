/*
 * The PAE page-table entry types alone, for headers that embed an entry
 * (struct kmap_ctrl in hilo/sched.h) without the page-table code of
 * asm/pgtable.h.
 */
#ifndef ASM_PGTABLE_TYPES_H
#define ASM_PGTABLE_TYPES_H

#include <hilo/types.h>

typedef struct { u64 pte; } pte_t;	/* page table entry: a 4 KiB page */
typedef struct { u64 pmd; } pmd_t;	/* page directory entry */
typedef struct { u64 pgd; } pgd_t;	/* PDPT entry */
typedef u64 pgprot_t;

_Static_assert(sizeof(pte_t) == 8, "PAE entries are 64 bits");
_Static_assert(sizeof(pmd_t) == 8, "PAE entries are 64 bits");
_Static_assert(sizeof(pgd_t) == 8, "PAE entries are 64 bits");

#endif
