/*
 * Highmem: pages above the direct map, reachable only through a mapping
 * (DESIGN.md section 3).
 */
#ifndef HILO_HIGHMEM_H
#define HILO_HIGHMEM_H

#include <asm/pgtable.h>
#include <hilo/mm.h>

#ifdef CONFIG_DEBUG_KMAP_LOCAL_FORCE_MAP
#define IS_ENABLED_FORCE_MAP 1	/* lowmem pages get real local slots too */
#else
#define IS_ENABLED_FORCE_MAP 0
#endif

struct task_struct;

/* The pool's page table, and the PTE of the first kmap_local slot. */
extern pte_t *pkmap_page_table;
extern pte_t *kmap_pte;

/* The pool's state (DESIGN.md 3: the meaning of a count). */
extern int pkmap_count[LAST_PKMAP];
extern unsigned int last_pkmap_nr;

struct kmap_stats {
	unsigned long maps;		/* new pool mappings (PTE written) */
	unsigned long reuses;		/* kmap of a page already in the pool */
	unsigned long flushes;		/* wraparound flushes of the pool */
	unsigned long sleeps;		/* kmap waited for a free slot */
	unsigned long wakeups;		/* kunmap woke a waiter */
	unsigned long local_maps;	/* kmap_local slot mappings */
};
extern struct kmap_stats kmap_stats;

/* Create the (empty) page tables of the pkmap pool and the fixmap. */
void kmap_init(void);
/* Print the pool's and the local maps' counters (end of a boot). */
void show_kmap_stats(void);

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
 * kmap - a mapping of page that lasts until kunmap and may be used by any
 * task: the direct map for lowmem, a pool slot for highmem.  May sleep
 * (when every slot is taken); interrupt or atomic context is a panic.
 * Deprecated, as upstream: use kmap_local_page, or vmap to hand a mapping
 * to another task.
 */
void *kmap(struct page *page);
void kunmap(struct page *page);
void *kmap_high(struct page *page);
void kunmap_high(struct page *page);

/*
 * kmap_local_page - a short-lived mapping private to the calling task,
 * valid on this CPU until kunmap_local; nest them in strict stack order,
 * at most 16 deep.  Never sleeps; any context, interrupts included.
 * Lowmem pages come back as their direct-map address (unless the debug
 * option CONFIG_DEBUG_KMAP_LOCAL_FORCE_MAP is on).
 */
void *kmap_local_page(struct page *page);
void *kmap_local_pfn(unsigned long pfn);
void *__kmap_local_pfn_prot(unsigned long pfn, pgprot_t prot);
void kunmap_local(const void *vaddr);

/* Deprecated: a local map with preemption and page faults disabled. */
void *kmap_atomic(struct page *page);
void kunmap_atomic(const void *addr);

/* The scheduler's hooks: around the register switch, and at task exit. */
void kmap_local_sched_out(struct task_struct *prev);
void kmap_local_sched_in(struct task_struct *next);
void kmap_local_task_exit(struct task_struct *tsk);

/* Helpers on kmap_local_page: each checks offset + len <= PAGE_SIZE. */
void memcpy_from_page(char *to, struct page *page, size_t offset, size_t len);
void memcpy_to_page(struct page *page, size_t offset, const char *from, size_t len);
void memset_page(struct page *page, size_t offset, int val, size_t len);
void memzero_page(struct page *page, size_t offset, size_t len);
void memcpy_page(struct page *dst, size_t dst_off, struct page *src,
		 size_t src_off, size_t len);
void copy_highpage(struct page *to, struct page *from);
void clear_highpage(struct page *page);
void zero_user_segments(struct page *page, size_t start1, size_t end1,
			size_t start2, size_t end2);

#endif
