/*
 * Highmem: pages above the direct map, reachable only through a mapping
 * (docs/design.md section 3): the kmap pool (mm/highmem.c), the kmap_local
 * slots and kmap_atomic (mm/kmap_local.c), and the helpers on top.  Their
 * internals are in hilo/highmem-internal.h.
 */
#ifndef HILO_HIGHMEM_H
#define HILO_HIGHMEM_H

#include <asm/pgtable.h>
#include <hilo/mm.h>
#include <hilo/panic.h>
#include <hilo/string.h>

#ifdef CONFIG_DEBUG_KMAP_LOCAL_FORCE_MAP
#define IS_ENABLED_FORCE_MAP 1	/* lowmem pages get real local slots too */
#else
#define IS_ENABLED_FORCE_MAP 0
#endif

struct task_struct;

/* The pool's counters, changed under kmap_lock. */
struct kmap_stats {
	unsigned long maps;		/* new pool mappings (PTE written) */
	unsigned long reuses;		/* kmap of a page already in the pool */
	unsigned long flushes;		/* wraparound flushes of the pool */
	unsigned long sleeps;		/* kmap waited for a free slot */
	unsigned long wakeups;		/* kunmap woke a waiter */
};
extern struct kmap_stats kmap_stats;

/*
 * kmap_local_count - kmap_local slot mappings made since boot on every
 * CPU: each CPU counts its own (struct percpu), so the count costs the
 * mapping path nothing shared.
 */
unsigned long kmap_local_count(void);

/* Create the (empty) page tables of the pkmap pool and the fixmap. */
void kmap_init(void);
/* Print the pool's and the local maps' counters (end of a boot). */
void show_kmap_stats(void);

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

/*
 * Helpers on kmap_local_page, as Linux's: each checks that offset + len
 * stays inside the page (a panic naming the helper, else).
 */
static inline void highmem_check_range(const char *fn, size_t offset, size_t len)
{
	if (offset > PAGE_SIZE || len > PAGE_SIZE - offset)
		panic("%s: offset %zu + length %zu is beyond the page (%lu bytes)",
		      fn, offset, len, PAGE_SIZE);
}

static inline void memcpy_from_page(char *to, struct page *page, size_t offset, size_t len)
{
	char *from;

	highmem_check_range("memcpy_from_page", offset, len);
	from = kmap_local_page(page);
	memcpy(to, from + offset, len);
	kunmap_local(from);
}

static inline void memcpy_to_page(struct page *page, size_t offset, const char *from,
				  size_t len)
{
	char *to;

	highmem_check_range("memcpy_to_page", offset, len);
	to = kmap_local_page(page);
	memcpy(to + offset, from, len);
	kunmap_local(to);
}

static inline void memset_page(struct page *page, size_t offset, int val, size_t len)
{
	char *addr;

	highmem_check_range("memset_page", offset, len);
	addr = kmap_local_page(page);
	memset(addr + offset, val, len);
	kunmap_local(addr);
}

static inline void memzero_page(struct page *page, size_t offset, size_t len)
{
	memset_page(page, offset, 0, len);
}

static inline void memcpy_page(struct page *dst, size_t dst_off, struct page *src,
			       size_t src_off, size_t len)
{
	char *d, *s;

	highmem_check_range("memcpy_page", dst_off, len);
	highmem_check_range("memcpy_page", src_off, len);
	d = kmap_local_page(dst);
	s = kmap_local_page(src);
	memcpy(d + dst_off, s + src_off, len);
	kunmap_local(s);
	kunmap_local(d);
}

static inline void copy_highpage(struct page *to, struct page *from)
{
	memcpy_page(to, 0, from, 0, PAGE_SIZE);
}

static inline void clear_highpage(struct page *page)
{
	memzero_page(page, 0, PAGE_SIZE);
}

/* zero_user_segments - zero [start1, end1) and [start2, end2) of a page, through one local map. */
static inline void zero_user_segments(struct page *page, size_t start1, size_t end1,
				      size_t start2, size_t end2)
{
	char *addr;

	if (end1 < start1 || end2 < start2)
		panic("zero_user_segments: reversed segment [%zu, %zu) or [%zu, %zu)",
		      start1, end1, start2, end2);
	highmem_check_range("zero_user_segments", start1, end1 - start1);
	highmem_check_range("zero_user_segments", start2, end2 - start2);
	addr = kmap_local_page(page);
	memset(addr + start1, 0, end1 - start1);
	memset(addr + start2, 0, end2 - start2);
	kunmap_local(addr);
}

#endif
