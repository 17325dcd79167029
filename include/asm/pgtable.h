/*
 * PAE page tables: three levels of 64-bit entries.
 *
 *   CR3 -> PDPT (4 x pgd_t) -> page directory (512 x pmd_t)
 *                           -> page table (512 x pte_t) -> 4 KiB page
 *          a pmd_t with _PAGE_PSE maps a 2 MiB page directly.
 *
 * Entries are plain 64-bit values handled with the masks below, never C
 * bitfields.  A 32-bit CPU writes them in two halves, so set_pte() writes
 * the high half (frame bits 32+, NX) first and the low half (present) last,
 * and pte_clear() clears the low half first: the CPU never sees a present
 * entry with a stale frame.
 */
#ifndef ASM_PGTABLE_H
#define ASM_PGTABLE_H

#include <asm/layout.h>
#include <asm/pgtable_types.h>
#include <hilo/compiler.h>
#include <hilo/types.h>

#define PTRS_PER_PGD 4
#define PTRS_PER_PMD 512
#define PTRS_PER_PTE 512

#define _PAGE_PRESENT  (1ULL << 0)
#define _PAGE_RW       (1ULL << 1)
#define _PAGE_USER     (1ULL << 2)
#define _PAGE_PWT      (1ULL << 3)
#define _PAGE_PCD      (1ULL << 4)
#define _PAGE_ACCESSED (1ULL << 5)
#define _PAGE_DIRTY    (1ULL << 6)
#define _PAGE_PSE      (1ULL << 7)	/* in a pmd: 2 MiB page */
#define _PAGE_GLOBAL   (1ULL << 8)
#define _PAGE_NX       (1ULL << 63)

/* Physical frame bits 12..51 (PAE allows up to 52-bit addresses). */
#define PTE_PFN_MASK   0x000FFFFFFFFFF000ULL
#define PTE_FLAGS_MASK (~PTE_PFN_MASK)
/* A 2 MiB page's frame: bits 21..51. */
#define PMD_PAGE_MASK  0x000FFFFFFFE00000ULL

/*
 * Bits the CPU accepts: _PAGE_NX only with EFER.NXE, _PAGE_GLOBAL only
 * with CR4.PGE (set at boot from CPUID).  Every entry built by pfn_pte()
 * and friends is masked with it, so a missing feature never becomes a
 * reserved-bit fault.
 */
extern u64 __supported_pte_mask;

#define __PAGE_KERNEL_RO  (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL | _PAGE_NX)
#define __PAGE_KERNEL     (__PAGE_KERNEL_RO | _PAGE_RW | _PAGE_DIRTY)
#define PAGE_KERNEL       __PAGE_KERNEL			/* data: rw, no exec */
#define PAGE_KERNEL_RO    __PAGE_KERNEL_RO		/* rodata */
#define PAGE_KERNEL_EXEC  (__PAGE_KERNEL_RO & ~_PAGE_NX) /* text: ro, exec */
#define PAGE_KERNEL_LARGE (__PAGE_KERNEL | _PAGE_PSE)
#define PAGE_KERNEL_NOCACHE (__PAGE_KERNEL | _PAGE_PCD | _PAGE_PWT) /* device registers */
#define _PAGE_TABLE       (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
/*
 * User pages: never global (a CR3 reload must drop them), no-exec unless
 * the mapping says PROT_EXEC (only with NX; without it every readable
 * page is executable).  A page table of user space carries _PAGE_USER
 * too: the CPU ANDs the bits of every level.
 */
#define PAGE_USER_RO      (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define PAGE_USER_RW      (PAGE_USER_RO | _PAGE_RW | _PAGE_DIRTY)
#define _PAGE_USER_TABLE  (_PAGE_TABLE | _PAGE_USER)

static inline unsigned int pgd_index(unsigned long va) { return va >> PGDIR_SHIFT; }
static inline unsigned int pmd_index(unsigned long va) { return (va >> PMD_SHIFT) & (PTRS_PER_PMD - 1); }
static inline unsigned int pte_index(unsigned long va) { return (va >> PAGE_SHIFT) & (PTRS_PER_PTE - 1); }

static inline pte_t __pte(u64 v) { return (pte_t){ v }; }
static inline u64 pte_val(pte_t p) { return p.pte; }
static inline u64 pmd_val(pmd_t p) { return p.pmd; }
static inline u64 pgd_val(pgd_t p) { return p.pgd; }

static inline pte_t pfn_pte(u64 pfn, pgprot_t prot)
{
	return __pte(((pfn << PAGE_SHIFT) & PTE_PFN_MASK) | (prot & __supported_pte_mask));
}

static inline u64 pte_pfn(pte_t p)   { return (p.pte & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline bool pte_present(pte_t p) { return p.pte & _PAGE_PRESENT; }
static inline bool pte_none(pte_t p) { return p.pte == 0; }
static inline bool pmd_present(pmd_t p) { return p.pmd & _PAGE_PRESENT; }
static inline bool pmd_large(pmd_t p) { return p.pmd & _PAGE_PSE; }
static inline bool pgd_present(pgd_t p) { return p.pgd & _PAGE_PRESENT; }
static inline phys_addr_t pmd_phys(pmd_t p) { return p.pmd & PTE_PFN_MASK; }
static inline u64 pmd_pfn(pmd_t p) { return (p.pmd & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline bool pte_write(pte_t p) { return p.pte & _PAGE_RW; }
static inline phys_addr_t pgd_phys(pgd_t p) { return p.pgd & PTE_PFN_MASK; }

/* Write order for a 64-bit entry on a 32-bit CPU: see the top of the file. */
static inline void set_pte(pte_t *ptep, pte_t v)
{
	volatile u32 *half = (volatile u32 *)ptep;

	half[1] = (u32)(v.pte >> 32);
	barrier();
	half[0] = (u32)v.pte;
}

static inline void pte_clear(pte_t *ptep)
{
	volatile u32 *half = (volatile u32 *)ptep;

	half[0] = 0;
	barrier();
	half[1] = 0;
}

static inline void set_pmd(pmd_t *pmdp, u64 v)
{
	set_pte((pte_t *)pmdp, __pte(v));
}

/*
 * A 64-bit read that never returns half an update: read low, high, and
 * low again.  hilo never rewrites a present entry in place: it is cleared
 * (low half first) before it is set again (high half first, low half
 * last), so the low half changes at both ends of every update and a
 * stable low half means the pair belongs together.
 */
static inline pte_t ptep_get(const pte_t *ptep)
{
	const volatile u32 *half = (const volatile u32 *)ptep;
	u32 lo, hi;

	do {
		lo = half[0];
		hi = half[1];
	} while (lo != half[0]);
	return __pte(((u64)hi << 32) | lo);
}

/* The kernel's page tables (mm/pgtable.c). */
extern pgd_t swapper_pg_dir[PTRS_PER_PGD];
extern pmd_t *kernel_pmd;		/* the page directory behind PDPT[3] */

enum pg_level { PG_LEVEL_NONE, PG_LEVEL_4K, PG_LEVEL_2M };

/*
 * lookup_address - walk the kernel's tables for va.  Returns the entry
 * that maps it (a pte_t *, or for a 2 MiB page the pmd_t cast to pte_t *)
 * and sets *level, or NULL with *level = PG_LEVEL_NONE when no page table
 * covers va.  The entry may be non-present.  Any context.
 */
pte_t *lookup_address(unsigned long va, enum pg_level *level);

/* The PTE slot for va in an existing page table (pkmap, fixmap, vmalloc). */
pte_t *kernel_pte(unsigned long va);

/* Translate va through the tables; returns false when unmapped. */
bool virt_to_phys_walk(unsigned long va, phys_addr_t *phys);

/*
 * map_kernel_page - map one 4 KiB page at va to pfn with prot, creating
 * the page table when missing.  Boot and process context.
 */
void map_kernel_page(unsigned long va, u64 pfn, pgprot_t prot);

/* Make sure va's page table exists (for the pkmap and fixmap areas). */
pte_t *populate_kernel_pte(unsigned long va);
/*
 * Kernel page tables taken from the buddy allocator since boot: they stay
 * for good (like Linux's), so a count of free pages before and after some
 * work that made new vmalloc mappings differs by them.
 */
extern unsigned long kernel_pt_pages;

#endif
