/*
 * The permanent kmap pool: counts, reuse without a PTE write, the flush at
 * wraparound (and only of count-1 slots), sleeping when the pool is full,
 * and every misuse panics by name.
 */
#include <asm/layout.h>
#include <asm/irq.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#include <hilo/highmem-internal.h>
#include <hilo/ktest.h>
#include <hilo/kthread.h>
#include <hilo/preempt.h>
#include <hilo/sched.h>
#include <hilo/timer.h>
#include <hilo/vmalloc.h>
#include "highmem_test_util.h"

KTEST(kmap, lowmem_page_is_its_direct_map_address)
{
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned long maps = kmap_stats.maps;

	ASSERT_NOT_NULL(t, page);
	EXPECT_PTR_EQ(t, kmap(page), lowmem_page_address(page));
	kunmap(page);
	EXPECT_EQ(t, kmap_stats.maps, maps);
	__free_page(page);
}

/* Mapped twice: one address, count 3; the PTE outlives the kunmaps. */
KTEST(kmap, remapping_reuses_slot_without_pte_write)
{
	struct page *page = alloc_highmem_page(t);
	unsigned long maps, reuses, nr;
	u32 *a, *b, *c;
	pte_t pte;

	if (!page)
		return;
	fill_pattern(page);
	a = kmap(page);
	b = kmap(page);
	EXPECT_PTR_EQ(t, a, b);
	nr = PKMAP_NR((unsigned long)a);
	ASSERT_LT(t, nr, LAST_PKMAP);
	EXPECT_EQ(t, pkmap_count[nr], 3);
	EXPECT_PTR_EQ(t, page_address(page), a);
	pte = ptep_get(&pkmap_page_table[nr]);
	EXPECT_EQ(t, pte_pfn(pte), page_to_pfn(page));
	EXPECT_EQ(t, pattern_errors(a, page), 0);

	kunmap(page);
	kunmap(page);
	EXPECT_EQ(t, pkmap_count[nr], 1);
	EXPECT_EQ(t, pte_val(ptep_get(&pkmap_page_table[nr])), pte_val(pte));

	maps = kmap_stats.maps;
	reuses = kmap_stats.reuses;
	c = kmap(page);
	EXPECT_PTR_EQ(t, c, a);
	EXPECT_EQ(t, kmap_stats.maps, maps);		/* no new PTE */
	EXPECT_EQ(t, kmap_stats.reuses, reuses + 1);
	EXPECT_EQ(t, pkmap_count[nr], 2);
	kunmap(page);
	__free_page(page);
}

/*
 * Map and unmap more distinct pages than the pool holds, with one slot
 * held throughout.  The first flush marks a known cursor (slot 0 is then
 * the newest mapping); from there every wrap flushes exactly once, clears
 * only the count-1 slots (the held one survives), and every reused slot
 * shows its new page's bytes, never a stale translation's.
 */
#define WRAPS 3

KTEST(kmap, wraparound_flushes_once_and_spares_busy_slots)
{
	unsigned int n = (LAST_PKMAP - 1) * WRAPS + LAST_PKMAP + 1, stale = 0;
	struct page **pages = vmalloc(n * sizeof(*pages), GFP_KERNEL);
	struct page *held = alloc_highmem_page(t);
	unsigned long flushes, held_nr, all;
	unsigned int i, got = 0;
	void *held_va;

	if (!held || !pages)
		goto out;
	for (got = 0; got < n; got++) {
		pages[got] = alloc_page(GFP_HIGHUSER);
		if (!pages[got] || !PageHighMem(pages[got])) {
			ktest_skip(t, "not enough highmem for three wraps of the pool");
			goto out;
		}
		fill_pattern(pages[got]);
	}

	/* Map until a wrap flush happens: the cursor is then at slot 0. */
	flushes = kmap_stats.flushes;
	for (i = 0; i < LAST_PKMAP + 1 && kmap_stats.flushes == flushes; i++) {
		kmap(pages[i]);
		kunmap(pages[i]);
	}
	ASSERT_EQ(t, kmap_stats.flushes, flushes + 1);
	ASSERT_EQ(t, last_pkmap_nr, 0);

	/* Slot 1 stays busy across every wrap. */
	held_va = kmap(held);
	held_nr = PKMAP_NR((unsigned long)held_va);
	EXPECT_EQ(t, held_nr, 1);
	flushes = kmap_stats.flushes;
	all = tlb_stats[smp_processor_id()].all;
	for (unsigned int w = 0; w < WRAPS * (LAST_PKMAP - 2); w++, i++) {
		u32 *va = kmap(pages[i]);

		stale += pattern_errors(va, pages[i]) != 0;
		kunmap(pages[i]);
	}
	/* Each wrap offers LAST_PKMAP - 2 free slots: 0 and held_nr are not. */
	EXPECT_EQ(t, kmap_stats.flushes, flushes + WRAPS - 1);
	EXPECT_GE(t, tlb_stats[smp_processor_id()].all, all + WRAPS - 1);
	EXPECT_EQ(t, stale, 0);
	EXPECT_EQ(t, pkmap_count[held_nr], 2);
	EXPECT_EQ(t, pte_pfn(ptep_get(&pkmap_page_table[held_nr])), page_to_pfn(held));
	EXPECT_PTR_EQ(t, page_address(held), held_va);
	EXPECT_EQ(t, pattern_errors(held_va, held), 0);
	kunmap(held);
out:
	while (got--)
		if (pages[got])
			__free_page(pages[got]);
	if (held)
		__free_page(held);
	vfree(pages);
}

/* ---- exhaustion: a full pool puts kmap() to sleep until a kunmap() ---- */

#define FREED_SLOT (LAST_PKMAP / 2)	/* the one kunmap that wakes sleepers */

/*
 * hold_every_slot - kmap LAST_PKMAP distinct highmem pages and keep them
 * mapped.  Returns how many it holds: all of them, or fewer with the case
 * skipped when highmem runs short.
 */
static unsigned int hold_every_slot(struct ktest *t, struct page **held)
{
	unsigned int n;

	for (n = 0; n < LAST_PKMAP; n++) {
		held[n] = alloc_page(GFP_HIGHUSER);
		if (!held[n] || !PageHighMem(held[n])) {
			if (held[n])
				__free_page(held[n]);
			ktest_skip(t, "not enough highmem to fill the pool");
			break;
		}
		fill_pattern(held[n]);
		kmap(held[n]);
	}
	return n;
}

/* Unmap and free what hold_every_slot took, but for held[freed]'s kunmap. */
static void release_slots(struct page **held, unsigned int n, unsigned int freed)
{
	for (unsigned int i = 0; i < n; i++) {
		if (i != freed)
			kunmap(held[i]);
		__free_page(held[i]);
	}
}

/* Give sleepers up to two seconds to reach kmap_stats.sleeps == target. */
static void wait_for_sleeps(unsigned long target)
{
	for (int i = 0; i < 200 && kmap_stats.sleeps < target; i++)
		msleep(10);
}

/* Nothing lost or double-mapped: every held slot but the freed one kept its page. */
static unsigned int held_slots_wrong(struct page **held, unsigned int n)
{
	unsigned int wrong = 0;

	for (unsigned int i = 0; i < n; i++) {
		void *va = page_address(held[i]);

		if (i == FREED_SLOT)
			continue;
		wrong += !va || pattern_errors(va, held[i]) ||
			 pkmap_count[PKMAP_NR((unsigned long)va)] != 2;
	}
	return wrong;
}

struct sleeper {
	struct page *page;
	void *volatile va;
	unsigned int errors;
	volatile bool release;		/* kunmap and exit */
};

/* kmap (sleeping: every slot is held), check, hold until released. */
static int kmap_sleeper(void *arg)
{
	struct sleeper *s = arg;

	s->va = kmap(s->page);
	s->errors = pattern_errors(s->va, s->page);
	while (!s->release)
		msleep(1);
	kunmap(s->page);
	return 0;
}

KTEST(kmap, blocks_when_pool_full_and_kunmap_wakes)
{
	struct page **held = vmalloc(LAST_PKMAP * sizeof(*held), GFP_KERNEL);
	struct sleeper s = { .page = alloc_highmem_page(t), .release = true };
	unsigned long sleeps = kmap_stats.sleeps, wakeups = kmap_stats.wakeups;
	struct task_struct *task;
	unsigned int n = 0;

	if (!s.page || !held || (n = hold_every_slot(t, held)) < LAST_PKMAP)
		goto out;
	fill_pattern(s.page);
	task = kthread_run(kmap_sleeper, &s, "kmap-sleeper");
	ASSERT_NOT_NULL(t, task);
	wait_for_sleeps(sleeps + 1);
	EXPECT_EQ(t, kmap_stats.sleeps, sleeps + 1);
	EXPECT_EQ(t, task->state, TASK_UNINTERRUPTIBLE);
	EXPECT_NULL(t, s.va);

	kunmap(held[FREED_SLOT]);		/* one slot frees: wakes it */
	EXPECT_EQ(t, kthread_wait(task), 0);
	EXPECT_EQ(t, kmap_stats.wakeups, wakeups + 1);
	EXPECT_NOT_NULL(t, s.va);
	EXPECT_EQ(t, s.errors, 0);
	EXPECT_EQ(t, held_slots_wrong(held, n), 0);
out:
	release_slots(held, n, n == LAST_PKMAP ? FREED_SLOT : n);
	if (s.page)
		__free_page(s.page);
	vfree(held);
}

/*
 * Two tasks sleep for the same page; one kunmap wakes both.  The first
 * maps it; the second must find it through page_address() after its
 * wake-up and share the slot (count 3), not sleep again for another.
 */
KTEST(kmap, sleepers_for_one_page_share_its_slot)
{
	struct page **held = vmalloc(LAST_PKMAP * sizeof(*held), GFP_KERNEL);
	struct page *page = alloc_highmem_page(t);
	struct sleeper s[2] = { { .page = page }, { .page = page } };
	unsigned long sleeps = kmap_stats.sleeps;
	struct task_struct *task[2];
	unsigned int n = 0;

	if (!page || !held || (n = hold_every_slot(t, held)) < LAST_PKMAP)
		goto out;
	fill_pattern(page);
	for (int i = 0; i < 2; i++) {
		task[i] = kthread_run(kmap_sleeper, &s[i], "kmap-sharer/%d", i);
		ASSERT_NOT_NULL(t, task[i]);
	}
	wait_for_sleeps(sleeps + 2);
	EXPECT_EQ(t, kmap_stats.sleeps, sleeps + 2);

	kunmap(held[FREED_SLOT]);		/* wakes both */
	for (int i = 0; i < 200 && !(s[0].va && s[1].va); i++)
		msleep(10);
	EXPECT_NOT_NULL(t, s[0].va);
	EXPECT_PTR_EQ(t, s[0].va, s[1].va);
	if (s[0].va) {
		int shared_count = pkmap_count[PKMAP_NR((unsigned long)s[0].va)];

		EXPECT_EQ(t, shared_count, 3);
	}
	EXPECT_EQ(t, s[0].errors + s[1].errors, 0);
	EXPECT_EQ(t, held_slots_wrong(held, n), 0);
	for (int i = 0; i < 2; i++) {
		s[i].release = true;
		EXPECT_EQ(t, kthread_wait(task[i]), 0);
	}
out:
	release_slots(held, n, n == LAST_PKMAP ? FREED_SLOT : n);
	if (page)
		__free_page(page);
	vfree(held);
}

/* ---- misuse ---- */

static struct page *misuse_page;

static void kmap_from_irq(unsigned int irq, struct pt_regs *regs)
{
	kmap(misuse_page);
}

KTEST_EXPECT_PANIC(kmap, from_interrupt_panics, "kmap: called from interrupt context")
{
	misuse_page = alloc_page(GFP_HIGHUSER);
	irq_register(5, kmap_from_irq);
	__asm__ __volatile__("int $0x25");	/* IRQ 5's vector */
}

KTEST_EXPECT_PANIC(kmap, in_atomic_context_panics, "kmap: called from atomic context")
{
	struct page *page = alloc_page(GFP_HIGHUSER);

	preempt_disable();
	kmap(page);
}

KTEST_EXPECT_PANIC(kmap, kunmap_of_unmapped_page_panics, "is not kmap()ed")
{
	struct page *page = alloc_highmem_page(t);

	if (page)
		kunmap(page);
}

KTEST_EXPECT_PANIC(kmap, double_kunmap_panics, "count reached 0: unbalanced kunmap")
{
	struct page *page = alloc_highmem_page(t);

	if (!page)
		return;
	kmap(page);
	kunmap(page);
	kunmap(page);
}
