/*
 * Highmem mappings (DESIGN.md section 3): the permanent kmap pool, the
 * per-task kmap_local stacks in the fixmap, and kmap_atomic on top of
 * them.  The names and the semantics are Linux's (mm/highmem.c); where
 * hilo is stricter it says so.
 *
 * The pool: LAST_PKMAP slots at PKMAP_BASE, one page table, guarded by
 * kmap_lock.  pkmap_count[i] means
 *     0   free, and no TLB can hold the slot's old translation;
 *     1   free, but some TLB may still hold its old translation;
 *     n   in use by n - 1 kmap() callers.
 * A slot goes 1 -> 0 only in flush_all_zero_pkmaps(), which runs when the
 * search cursor wraps to 0 and flushes the pool's range once for all of
 * them.  kunmap() leaves the PTE in place, so a page mapped again before
 * the next wrap gets its old address back without a PTE write.
 *
 * The local slots: KM_MAX_IDX per CPU at FIX_KMAP_BEGIN + KM_MAX_IDX * cpu.
 * A task pushes and pops them in strict stack order; current->kmap_ctrl
 * remembers each live slot's PTE so the scheduler can clear them when the
 * task is switched out and rewrite them when it is switched in.
 */
#include <asm/layout.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#include <hilo/highmem.h>
#include <hilo/mm.h>
#include <hilo/panic.h>
#include <hilo/preempt.h>
#include <hilo/printk.h>
#include <hilo/sched.h>
#include <hilo/spinlock.h>
#include <hilo/string.h>
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
		break;
	}
	spin_unlock(&kmap_lock);
	if (need_wakeup) {
		kmap_stats.wakeups++;
		wake_up(&pkmap_map_wait);
	}
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

/* ---- kmap_local: per-task stacks of CPU-local fixmap slots ---- */

static int kmap_local_idx(void)
{
	return current->kmap_ctrl.idx - 1;
}

/*
 * Push a slot.  hilo allows exactly KM_MAX_NESTING (16) live maps: the
 * 17th is a panic (Linux's check lets only 15 through).
 */
static int kmap_local_idx_push(void)
{
	if (in_interrupt() && !irqs_disabled())
		panic("kmap_local: mapping in an interrupt with interrupts enabled");
	current->kmap_ctrl.idx += KM_INCR;
	if (current->kmap_ctrl.idx > KM_MAX_IDX)
		panic("kmap_local: more than %d nested local maps in task %s",
		      KM_MAX_NESTING, current->comm);
	return current->kmap_ctrl.idx - 1;
}

static void kmap_local_idx_pop(void)
{
	current->kmap_ctrl.idx -= KM_INCR;
	if (current->kmap_ctrl.idx < 0)
		panic("kunmap_local: the local map stack of task %s underflowed",
		      current->comm);
}

/* The fixmap slot of stack index idx on this CPU. */
static int kmap_local_slot(int idx)
{
	return idx + KM_MAX_IDX * (int)smp_processor_id();
}

static unsigned long kmap_local_slot_addr(int slot)
{
	return __fix_to_virt(FIX_KMAP_BEGIN + slot);
}

#ifdef CONFIG_DEBUG_KMAP_LOCAL
/*
 * Debug: every slot of this CPU that holds no live map of the current
 * stack (the guard slots between live maps, and everything above the
 * top) must have an empty PTE.  top is the stack index after the push.
 */
static void kmap_local_check_unused(int top)
{
	for (int i = 0; i < KM_MAX_IDX; i++) {
		int slot = kmap_local_slot(i);
		bool live = i < top && pte_present(current->kmap_ctrl.pteval[i]);

		if (!live && !pte_none(ptep_get(kmap_slot_pte(slot))))
			panic("kmap_local: unused slot %d (%#lx) has PTE %#llx",
			      slot, kmap_local_slot_addr(slot),
			      pte_val(ptep_get(kmap_slot_pte(slot))));
	}
}
#else
static void kmap_local_check_unused(int top) { (void)top; }
#endif

/**
 * __kmap_local_pfn_prot - map a frame in the next local slot.  Migration
 * stays disabled until the matching kunmap_local().  Any context (an
 * interrupt handler maps above the interrupted task's slots).
 */
void *__kmap_local_pfn_prot(unsigned long pfn, pgprot_t prot)
{
	unsigned long vaddr;
	pte_t pteval, *ptep;
	int idx, slot;

	migrate_disable();
	preempt_disable();
	idx = kmap_local_idx_push();
	slot = kmap_local_slot(idx);
	vaddr = kmap_local_slot_addr(slot);
	ptep = kmap_slot_pte(slot);
	if (!pte_none(ptep_get(ptep)))
		panic("kmap_local: slot %d (%#lx) is already mapped (PTE %#llx)",
		      slot, vaddr, pte_val(ptep_get(ptep)));
	kmap_local_check_unused(idx + 1);
	pteval = pfn_pte(pfn, prot);
	set_pte(ptep, pteval);		/* a slot is flushed when unmapped */
	current->kmap_ctrl.pteval[kmap_local_idx()] = pteval;
	kmap_stats.local_maps++;
	preempt_enable();
	return (void *)vaddr;
}

void *kmap_local_pfn(unsigned long pfn)
{
	if (pfn < max_low_pfn && !IS_ENABLED_FORCE_MAP)
		return __va(pfn << PAGE_SHIFT);
	return __kmap_local_pfn_prot(pfn, PAGE_KERNEL);
}

void *kmap_local_page(struct page *page)
{
	if (!PageHighMem(page) && !IS_ENABLED_FORCE_MAP)
		return page_address(page);
	return __kmap_local_pfn_prot(page_to_pfn(page), PAGE_KERNEL);
}

static bool is_kmap_local_addr(unsigned long addr)
{
	return addr >= __fix_to_virt(FIX_KMAP_END) &&
	       addr <= __fix_to_virt(FIX_KMAP_BEGIN);
}

/**
 * kunmap_local - undo the newest kmap_local mapping; vaddr may point
 * anywhere inside its page.  A direct-map (lowmem) address is a no-op.
 * Unmapping anything but the top of the stack is a panic naming both
 * addresses (Linux only warns).  The PTE is cleared and flushed before
 * the slot is popped, so an interrupt in between cannot reuse a slot
 * whose translation some TLB still holds.
 */
void kunmap_local(const void *vaddr)
{
	unsigned long addr = (unsigned long)vaddr & PAGE_MASK, top;
	int idx, slot;

	if (!is_kmap_local_addr(addr)) {
		if (addr >= PAGE_OFFSET && addr < (unsigned long)high_memory)
			return;
		panic("kunmap_local: %p is not a kmap_local address", vaddr);
	}
	preempt_disable();
	idx = kmap_local_idx();
	slot = kmap_local_slot(idx);
	top = kmap_local_slot_addr(slot);
	if (idx < 0 || addr != top)
		panic("kunmap_local: %p is not the top of the local map stack of task %s (top: %#lx, depth %d)",
		      vaddr, current->comm, idx < 0 ? 0UL : top,
		      current->kmap_ctrl.idx / KM_INCR);
	pte_clear(kmap_slot_pte(slot));
	flush_tlb_one(addr);
	current->kmap_ctrl.pteval[idx] = __pte(0);
	kmap_local_idx_pop();
	preempt_enable();
	migrate_enable();
}

/**
 * kmap_local_sched_out - the outgoing task's live slots are cleared and
 * flushed (its pteval[] and idx stay).  Scheduler, interrupts off.
 */
void kmap_local_sched_out(struct task_struct *prev)
{
	for (int i = 0; i < prev->kmap_ctrl.idx; i++) {
		int slot = kmap_local_slot(i);

		if (!pte_present(prev->kmap_ctrl.pteval[i]))
			continue;	/* a guard slot */
		pte_clear(kmap_slot_pte(slot));
		flush_tlb_one(kmap_local_slot_addr(slot));
	}
}

/**
 * kmap_local_sched_in - the incoming task's live slots are written back
 * from its pteval[].  Scheduler, interrupts off.
 */
void kmap_local_sched_in(struct task_struct *next)
{
	for (int i = 0; i < next->kmap_ctrl.idx; i++)
		if (pte_present(next->kmap_ctrl.pteval[i]))
			set_pte(kmap_slot_pte(kmap_local_slot(i)), next->kmap_ctrl.pteval[i]);
}

/**
 * kmap_local_fork / exit - a new task starts with an empty stack; a task
 * that exits with live maps gets a warning naming it and the count, and
 * its slots are cleared.
 */
void kmap_local_task_exit(struct task_struct *tsk)
{
	int live = 0;

	for (int i = 0; i < tsk->kmap_ctrl.idx; i++)
		if (pte_present(tsk->kmap_ctrl.pteval[i]))
			live++;
	if (!live)
		return;
	pr_warn("kmap_local: task %s exits with %d live local map%s: clearing them\n",
		tsk->comm, live, live == 1 ? "" : "s");
	/*
	 * As at a switch-out, and with preemption off: a switch back in
	 * between would rewrite the slots already cleared from pteval[].
	 */
	preempt_disable();
	kmap_local_sched_out(tsk);
	memset(&tsk->kmap_ctrl, 0, sizeof(tsk->kmap_ctrl));
	preempt_enable();
}

/* ---- kmap_atomic: deprecated, a local map with preemption and faults off ---- */

void *kmap_atomic(struct page *page)
{
	preempt_disable();
	pagefault_disable();
	return kmap_local_page(page);
}

void kunmap_atomic(const void *addr)
{
	kunmap_local(addr);
	pagefault_enable();
	preempt_enable();
}

/* ---- helpers: strictly nested local maps, bounds-checked ---- */

static void check_page_range(const char *fn, size_t offset, size_t len)
{
	if (offset > PAGE_SIZE || len > PAGE_SIZE - offset)
		panic("%s: offset %zu + length %zu is beyond the page (%lu bytes)",
		      fn, offset, len, PAGE_SIZE);
}

void memcpy_from_page(char *to, struct page *page, size_t offset, size_t len)
{
	char *from;

	check_page_range("memcpy_from_page", offset, len);
	from = kmap_local_page(page);
	memcpy(to, from + offset, len);
	kunmap_local(from);
}

void memcpy_to_page(struct page *page, size_t offset, const char *from, size_t len)
{
	char *to;

	check_page_range("memcpy_to_page", offset, len);
	to = kmap_local_page(page);
	memcpy(to + offset, from, len);
	kunmap_local(to);
}

void memset_page(struct page *page, size_t offset, int val, size_t len)
{
	char *addr;

	check_page_range("memset_page", offset, len);
	addr = kmap_local_page(page);
	memset(addr + offset, val, len);
	kunmap_local(addr);
}

void memzero_page(struct page *page, size_t offset, size_t len)
{
	memset_page(page, offset, 0, len);
}

void memcpy_page(struct page *dst, size_t dst_off, struct page *src,
		 size_t src_off, size_t len)
{
	char *d, *s;

	check_page_range("memcpy_page", dst_off, len);
	check_page_range("memcpy_page", src_off, len);
	d = kmap_local_page(dst);
	s = kmap_local_page(src);
	memcpy(d + dst_off, s + src_off, len);
	kunmap_local(s);
	kunmap_local(d);
}

void copy_highpage(struct page *to, struct page *from)
{
	memcpy_page(to, 0, from, 0, PAGE_SIZE);
}

void clear_highpage(struct page *page)
{
	memzero_page(page, 0, PAGE_SIZE);
}

/*
 * zero_user_segments - zero [start1, end1) and [start2, end2) of a page,
 * through one local map.
 */
void zero_user_segments(struct page *page, size_t start1, size_t end1,
			size_t start2, size_t end2)
{
	char *addr;

	if (end1 < start1 || end2 < start2)
		panic("zero_user_segments: reversed segment [%zu, %zu) or [%zu, %zu)",
		      start1, end1, start2, end2);
	check_page_range("zero_user_segments", start1, end1 - start1);
	check_page_range("zero_user_segments", start2, end2 - start2);
	addr = kmap_local_page(page);
	memset(addr + start1, 0, end1 - start1);
	memset(addr + start2, 0, end2 - start2);
	kunmap_local(addr);
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
		kmap_stats.local_maps);
}
