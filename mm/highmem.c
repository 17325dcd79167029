/*
 * The permanent kmap pool (docs/design.md section 3): kmap()/kunmap() and
 * kmap_high()/kunmap_high(), and page_address(), which finds a highmem
 * page's pool address in a small hash.  The names and the semantics are
 * Linux's (mm/highmem.c); where hilo is stricter it says so.  The local
 * slots and kmap_atomic are in mm/kmap_local.c; the one-line helpers
 * (memcpy_to_page, ...) are inlines in hilo/highmem.h.
 *
 * The pool: LAST_PKMAP slots at PKMAP_BASE, one page table, guarded by
 * kmap_lock.  pkmap_count[i] means
 *     0   free, and no TLB can hold the slot's old translation;
 *     1   free, but some TLB may still hold its old translation;
 *     n   in use by n - 1 kmap() callers.
 * kmap() takes a 0 slot to 2 (or a mapped page's slot from n to n + 1);
 * kunmap() takes it from n down to 1, and a 1 -> 0 drop (no mapping left
 * to drop) is a panic.  A slot goes 1 -> 0 only in flush_all_zero_pkmaps(),
 * which runs when the search cursor wraps to 0 and flushes the pool's
 * range once for all of them.  kunmap() leaves the PTE in place, so a page
 * mapped again before the next wrap gets its old address back without a
 * PTE write.
 */
#include <asm/layout.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#include <hilo/highmem-internal.h>
#include <hilo/mm.h>
#include <hilo/panic.h>
#include <hilo/preempt.h>
#include <hilo/printk.h>
#include <hilo/sched.h>
#include <hilo/spinlock.h>
#include <hilo/wait.h>

pte_t *pkmap_page_table;
pte_t *kmap_pte;

/* ---- page_address(): a small hash of the highmem pages in the pool ---- */

#define PA_HASH_BITS 7

struct page_address_map {
	struct page *page;
	void *virtual;
	struct list_head list;
};

/* One preallocated entry per pool slot: mapping never allocates. */
static struct page_address_map page_address_maps[LAST_PKMAP];
static struct list_head page_address_htable[1 << PA_HASH_BITS];
static DEFINE_SPINLOCK(page_address_lock);

static struct list_head *page_slot(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	return &page_address_htable[(pfn ^ (pfn >> PA_HASH_BITS)) &
				    ((1 << PA_HASH_BITS) - 1)];
}

static void page_address_init(void)
{
	for (int i = 0; i < (1 << PA_HASH_BITS); i++)
		INIT_LIST_HEAD(&page_address_htable[i]);
	for (int i = 0; i < LAST_PKMAP; i++)
		INIT_LIST_HEAD(&page_address_maps[i].list);
}

/**
 * page_address - the kernel virtual address of a page: the direct map for
 * lowmem; for highmem its pool address while kmap()ed, else NULL.  Any
 * context.
 */
void *page_address(const struct page *page)
{
	struct page_address_map *pam;
	unsigned long flags;
	void *ret = NULL;

	if (!PageHighMem(page))
		return lowmem_page_address(page);
	spin_lock_irqsave(&page_address_lock, flags);
	list_for_each_entry(pam, page_slot(page), list) {
		if (pam->page == page) {
			ret = pam->virtual;
			break;
		}
	}
	spin_unlock_irqrestore(&page_address_lock, flags);
	return ret;
}

/* Record (virtual != NULL) or forget the pool address of a highmem page. */
static void set_page_address(struct page *page, void *virtual)
{
	struct page_address_map *pam;
	unsigned long flags;

	spin_lock_irqsave(&page_address_lock, flags);
	if (virtual) {
		pam = &page_address_maps[PKMAP_NR((unsigned long)virtual)];
		pam->page = page;
		pam->virtual = virtual;
		list_add_tail(&pam->list, page_slot(page));
	} else {
		list_for_each_entry(pam, page_slot(page), list) {
			if (pam->page == page) {
				list_del_init(&pam->list);
				break;
			}
		}
	}
	spin_unlock_irqrestore(&page_address_lock, flags);
}

/**
 * kmap_init - create the empty page tables of the pkmap pool and of the
 * fixmap (the kmap_local slots), and the page_address hash.  Boot only.
 */
void kmap_init(void)
{
	pkmap_page_table = populate_kernel_pte(PKMAP_BASE);
	kmap_pte = populate_kernel_pte(__fix_to_virt(FIX_KMAP_BEGIN));	/* the fixmap's */
	page_address_init();
}

/* ---- kmap(): the permanent pool ---- */

int pkmap_count[LAST_PKMAP];
unsigned int last_pkmap_nr;
struct kmap_stats kmap_stats;
static DEFINE_SPINLOCK(kmap_lock);
static DECLARE_WAIT_QUEUE_HEAD(pkmap_map_wait);

/*
 * flush_all_zero_pkmaps - the cursor wrapped: every count-1 slot (free but
 * maybe cached) loses its PTE and its page's address, and the pool's range
 * is flushed once.  A global flush when the PTEs are global, so no CPU
 * keeps a stale translation.  kmap_lock held.
 */
static void flush_all_zero_pkmaps(void)
{
	bool need_flush = false;

	for (int i = 0; i < LAST_PKMAP; i++) {
		struct page *page;

		if (pkmap_count[i] != 1)
			continue;
		pkmap_count[i] = 0;
		page = pfn_to_page((unsigned long)pte_pfn(ptep_get(&pkmap_page_table[i])));
		pte_clear(&pkmap_page_table[i]);
		set_page_address(page, NULL);
		need_flush = true;
	}
	if (need_flush) {
		flush_tlb_kernel_range(PKMAP_ADDR(0), PKMAP_ADDR(LAST_PKMAP));
		kmap_stats.flushes++;
	}
}

/* Sleep until a kunmap() frees a slot.  kmap_lock held; dropped meanwhile. */
static void wait_for_pkmap_slot(void)
{
	DEFINE_WAIT(wait);

	kmap_stats.sleeps++;
	prepare_to_wait(&pkmap_map_wait, &wait, TASK_UNINTERRUPTIBLE);
	spin_unlock(&kmap_lock);
	schedule();
	finish_wait(&pkmap_map_wait, &wait);
	spin_lock(&kmap_lock);
}

/* Find a free slot for page and map it there.  kmap_lock held. */
static unsigned long map_new_virtual(struct page *page)
{
	unsigned long vaddr;
	int count;

start:
	count = LAST_PKMAP;
	for (;;) {
		last_pkmap_nr = (last_pkmap_nr + 1) & (LAST_PKMAP - 1);
		if (!last_pkmap_nr) {
			flush_all_zero_pkmaps();
			count = LAST_PKMAP;
		}
		if (!pkmap_count[last_pkmap_nr])
			break;
		if (--count)
			continue;

		wait_for_pkmap_slot();
		/* Somebody else may have mapped the page while we slept. */
		vaddr = (unsigned long)page_address(page);
		if (vaddr)
			return vaddr;
		goto start;
	}
	vaddr = PKMAP_ADDR(last_pkmap_nr);
	set_pte(&pkmap_page_table[last_pkmap_nr], pfn_pte(page_to_pfn(page), PAGE_KERNEL));
	pkmap_count[last_pkmap_nr] = 1;
	set_page_address(page, (void *)vaddr);
	kmap_stats.maps++;
	return vaddr;
}

/**
 * kmap_high - map a highmem page into the pool, or take another reference
 * to its existing mapping.  May sleep when every slot is in use.
 */
void *kmap_high(struct page *page)
{
	unsigned long vaddr;

	spin_lock(&kmap_lock);
	vaddr = (unsigned long)page_address(page);
	if (vaddr)
		kmap_stats.reuses++;
	else
		vaddr = map_new_virtual(page);
	if (++pkmap_count[PKMAP_NR(vaddr)] < 2)
		panic("kmap_high: slot %lu of page %p has count %d after a map",
		      PKMAP_NR(vaddr), page, pkmap_count[PKMAP_NR(vaddr)]);
	spin_unlock(&kmap_lock);
	return (void *)vaddr;
}

/** kunmap_high - drop a pool reference; the last one wakes a waiter. */
void kunmap_high(struct page *page)
{
	unsigned long vaddr, nr;
	bool need_wakeup = false;

	spin_lock(&kmap_lock);
	vaddr = (unsigned long)page_address(page);
	if (!vaddr)
		panic("kunmap: page %p (pfn %#lx) is not kmap()ed", page, page_to_pfn(page));
	nr = PKMAP_NR(vaddr);
	switch (--pkmap_count[nr]) {
	case 0:
		panic("kunmap: pool slot %lu (page %p) count reached 0: unbalanced kunmap",
		      nr, page);
	case 1:
		need_wakeup = wq_has_sleeper(&pkmap_map_wait);
		kmap_stats.wakeups += need_wakeup;	/* under the lock: exact */
		break;
	}
	spin_unlock(&kmap_lock);
	if (need_wakeup)
		wake_up(&pkmap_map_wait);
}

/* kmap and kunmap may sleep: from interrupt or atomic context, a panic. */
static void kmap_check_context(const char *fn, const struct page *page)
{
	if (in_interrupt())
		panic("%s: called from interrupt context (page %p)", fn, page);
	if (in_atomic() || irqs_disabled())
		panic("%s: called from atomic context (preempt_count %#x, irqs %s; page %p)",
		      fn, preempt_count(), irqs_disabled() ? "off" : "on", page);
}

void *kmap(struct page *page)
{
	kmap_check_context("kmap", page);
	if (!PageHighMem(page))
		return page_address(page);
	return kmap_high(page);
}

void kunmap(struct page *page)
{
	kmap_check_context("kunmap", page);
	if (!PageHighMem(page))
		return;
	kunmap_high(page);
}

/** show_kmap_stats - the pool's and the local maps' counters. */
void show_kmap_stats(void)
{
	unsigned int used = 0;

	for (int i = 0; i < LAST_PKMAP; i++)
		used += pkmap_count[i] > 1;
	pr_info("kmap: pool %u/%d slots in use, %lu new mappings, %lu reuses, %lu wraparound flushes, %lu sleeps, %lu wake-ups; %lu local maps\n",
		used, LAST_PKMAP, kmap_stats.maps, kmap_stats.reuses,
		kmap_stats.flushes, kmap_stats.sleeps, kmap_stats.wakeups,
		kmap_local_count());
}
