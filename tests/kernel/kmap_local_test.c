/*
 * kmap_local: the slot arithmetic, the per-task stack in pteval[], the
 * nesting limit, strict stack order, teardown and restore on every
 * context switch, interrupt handlers mapping on top, and the debug
 * options.  Mappings are proved through memory and the live PTEs.
 */
#include <asm/layout.h>
#include <asm/pgtable.h>
#include <hilo/highmem-internal.h>
#include <hilo/ktest.h>
#include <hilo/kthread.h>
#include <hilo/preempt.h>
#include <hilo/printk.h>
#include <hilo/sched.h>
#include <hilo/string.h>
#include <hilo/timer.h>
#include "highmem_test_util.h"
#include "logbuf.h"

/* The fixmap slot, address and PTE of stack position pos (0-based) on this CPU. */
static int slot_of(int pos)
{
	return kmap_local_slot(pos, smp_processor_id());
}

static unsigned long slot_addr(int pos)
{
	return kmap_local_slot_addr(slot_of(pos));
}

static pte_t slot_pte(int pos)
{
	return ptep_get(kmap_slot_pte(slot_of(pos)));
}

KTEST(kmap_local, address_pte_and_pteval_follow_the_stack)
{
	struct page *page = alloc_slot_page(t);
	int idx0 = current->kmap_ctrl.idx, pos;
	u32 *va;

	if (!page)
		return;
	fill_pattern(page);
	va = kmap_local_page(page);
	pos = current->kmap_ctrl.idx - 1;
	EXPECT_EQ(t, current->kmap_ctrl.idx, idx0 + KM_INCR);
	EXPECT_EQ(t, (unsigned long)va, slot_addr(pos));
	EXPECT_EQ(t, pte_val(current->kmap_ctrl.pteval[pos]), pte_val(slot_pte(pos)));
	EXPECT_EQ(t, pte_pfn(slot_pte(pos)), page_to_pfn(page));
	EXPECT_EQ(t, pattern_errors(va, page), 0);
	kunmap_local(va);
	EXPECT_EQ(t, current->kmap_ctrl.idx, idx0);
	EXPECT_TRUE(t, pte_none(slot_pte(pos)));
	EXPECT_EQ(t, pte_val(current->kmap_ctrl.pteval[pos]), 0);
	__free_page(page);
}

/* Exactly KM_MAX_NESTING nested maps work, each its own page. */
KTEST(kmap_local, sixteen_nested_maps_work)
{
	struct page *pages[KM_MAX_NESTING];
	u32 *va[KM_MAX_NESTING];
	unsigned int bad = 0;

	for (int i = 0; i < KM_MAX_NESTING; i++) {
		pages[i] = alloc_slot_page(t);
		if (!pages[i])
			return;
		fill_pattern(pages[i]);
	}
	for (int i = 0; i < KM_MAX_NESTING; i++)
		va[i] = kmap_local_page(pages[i]);
	for (int i = 0; i < KM_MAX_NESTING; i++)
		bad += pattern_errors(va[i], pages[i]);
	EXPECT_EQ(t, bad, 0);
	EXPECT_EQ(t, current->kmap_ctrl.idx, KM_MAX_NESTING * KM_INCR);
	for (int i = KM_MAX_NESTING - 1; i >= 0; i--)
		kunmap_local(va[i]);
	EXPECT_EQ(t, current->kmap_ctrl.idx, 0);
	for (int i = 0; i < KM_MAX_NESTING; i++)
		__free_page(pages[i]);
}

KTEST_EXPECT_PANIC(kmap_local, seventeenth_nested_map_panics,
		   "kmap_local: more than 16 nested local maps")
{
	struct page *page = alloc_page(GFP_HIGHUSER);

	for (int i = 0; i <= KM_MAX_NESTING; i++)
		kmap_local_page(page);
}

KTEST(kmap_local, unmap_accepts_any_address_in_the_page)
{
	struct page *page = alloc_slot_page(t);
	char *va;
	int idx;

	if (!page)
		return;
	va = kmap_local_page(page);
	idx = current->kmap_ctrl.idx;
	kunmap_local(va + 123);
	EXPECT_EQ(t, current->kmap_ctrl.idx, idx - KM_INCR);
	__free_page(page);
}

KTEST_EXPECT_PANIC(kmap_local, out_of_order_unmap_panics,
		   "is not the top of the local map stack")
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	void *a = kmap_local_page(page), *b = kmap_local_page(page);

	(void)b;
	kunmap_local(a);
}

KTEST_EXPECT_PANIC(kmap_local, map_into_dirty_slot_panics, "is already mapped")
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	int next = current->kmap_ctrl.idx + KM_INCR - 1;

	set_pte(kmap_slot_pte(slot_of(next)),
		pfn_pte(page_to_pfn(page), PAGE_KERNEL));
	kmap_local_page(page);
}

/* CONFIG_DEBUG_KMAP_LOCAL_FORCE_MAP: lowmem pages get real slots too. */
KTEST(kmap_local, lowmem_is_direct_unless_force_map)
{
	struct page *page = alloc_page(GFP_KERNEL);
	u32 *va = kmap_local_page(page);

	if (IS_ENABLED_FORCE_MAP) {
		EXPECT_EQ(t, (unsigned long)va, slot_addr(current->kmap_ctrl.idx - 1));
		*va = 0x1234abcd;
		EXPECT_EQ(t, *(u32 *)page_address(page), 0x1234abcd);
	} else {
		EXPECT_PTR_EQ(t, va, page_address(page));
		EXPECT_EQ(t, current->kmap_ctrl.idx, 0);
	}
	kunmap_local(va);
	EXPECT_EQ(t, current->kmap_ctrl.idx, 0);
	__free_page(page);
}

/*
 * CONFIG_DEBUG_KMAP_LOCAL: an unmapped guard slot between live slots, so
 * running one page past a mapping faults instead of landing in the
 * previous mapping (which, without the option, it does).
 */
KTEST(kmap_local, guard_slots_separate_live_maps_in_debug)
{
	struct page *a = alloc_slot_page(t), *b = alloc_slot_page(t);
	enum pg_level level;
	char *va, *vb;
	pte_t *past_b;

	if (!a || !b)
		return;
	va = kmap_local_page(a);
	vb = kmap_local_page(b);
	past_b = lookup_address((unsigned long)vb + PAGE_SIZE, &level);
	ASSERT_NOT_NULL(t, past_b);
#ifdef CONFIG_DEBUG_KMAP_LOCAL
	EXPECT_TRUE(t, pte_none(*past_b));
	EXPECT_PTR_EQ(t, vb + 2 * PAGE_SIZE, va);
#else
	EXPECT_PTR_EQ(t, vb + PAGE_SIZE, va);
	EXPECT_EQ(t, pte_pfn(*past_b), page_to_pfn(a));
#endif
	kunmap_local(vb);
	kunmap_local(va);
	__free_page(a);
	__free_page(b);
}

#ifdef CONFIG_DEBUG_KMAP_LOCAL
KTEST_EXPECT_PANIC(kmap_local, overrun_into_guard_slot_faults, "(fixmap): not-present write")
{
	struct page *a = alloc_page(GFP_HIGHUSER), *b = alloc_page(GFP_HIGHUSER);
	char *va = kmap_local_page(a), *vb = kmap_local_page(b);

	(void)va;
	vb[PAGE_SIZE] = 1;		/* one byte past b's page */
}

KTEST_EXPECT_PANIC(kmap_local, stray_pte_in_unused_slot_panics, "has PTE")
{
	struct page *page = alloc_page(GFP_HIGHUSER);

	/* Dirty a slot far above the stack top; the next map checks them all. */
	set_pte(kmap_slot_pte(slot_of(KM_MAX_IDX - 1)),
		pfn_pte(page_to_pfn(page), PAGE_KERNEL));
	kmap_local_page(page);
}
#endif

/* ---- switching: each task keeps its own page at the same slot index ---- */

#define SWITCHES_MIN       2000	/* preemptions of the two checkers */
#define SWITCH_WAIT_MS_MAX 20000

struct switcher {
	struct page *page;
	volatile bool *stop;
	unsigned long checks, errors, pte_mismatch;
	unsigned long switches;
};

static int switch_checker(void *arg)
{
	struct switcher *s = arg;
	volatile u32 *va = kmap_local_page(s->page);
	int pos = current->kmap_ctrl.idx - 1;

	while (!*s->stop) {
		unsigned long flags = arch_local_irq_save();

		/* Interrupts off: nobody can switch us between the reads. */
		s->pte_mismatch += pte_val(slot_pte(pos)) !=
				   pte_val(current->kmap_ctrl.pteval[pos]);
		arch_local_irq_restore(flags);
		s->errors += pattern_errors(va, s->page);
		s->checks++;
	}
	s->switches = current->nivcsw + current->nvcsw;
	kunmap_local((void *)va);
	return 0;
}

KTEST(kmap_local, switch_restores_each_tasks_page)
{
	struct switcher s[2] = { 0 };
	struct task_struct *task[2];
	volatile bool stop = false;
	unsigned int hz = timer_hz();

	for (int i = 0; i < 2; i++) {
		s[i].page = alloc_slot_page(t);
		if (!s[i].page)
			return;
		fill_pattern(s[i].page);
		s[i].stop = &stop;
	}
	timer_set_hz(1000);
	sched_set_slice_ms(0);			/* a switch on every tick */
	/*
	 * Both on this CPU (the boot task stays on CPU 0, and sleeps here):
	 * they take turns on one CPU's slot of the same index.
	 */
	for (int i = 0; i < 2; i++)
		task[i] = kthread_run_on_cpu(switch_checker, &s[i], smp_processor_id(),
					     "kmap-switch/%d", i);
	for (int ms = 0; ms < SWITCH_WAIT_MS_MAX &&
	     task[0]->nivcsw + task[1]->nivcsw < SWITCHES_MIN; ms += 50)
		msleep(50);
	stop = true;
	for (int i = 0; i < 2; i++)
		EXPECT_EQ(t, kthread_wait(task[i]), 0);
	sched_set_slice_ms(SCHED_SLICE_MS);
	timer_set_hz(hz);
	for (int i = 0; i < 2; i++) {
		ktest_log(t, "task %d: %lu checks, %lu switches", i, s[i].checks, s[i].switches);
		EXPECT_EQ(t, s[i].errors, 0);
		EXPECT_EQ(t, s[i].pte_mismatch, 0);
		EXPECT_GE(t, s[i].switches, SWITCHES_MIN / 2 - 1);
		__free_page(s[i].page);
	}
}

/* ---- interrupts map on top of the interrupted task's stack ---- */

struct irq_mapper {
	struct timer_list timer;
	struct page *page;
	volatile unsigned long runs;
	unsigned long errors, idx_changed;
	int depth;			/* maps per run, nested (0: one) */
	volatile bool stop;
};

static struct irq_mapper irq_mapper;

/* Every tick: map a page above whatever the task holds, check, unmap. */
static void map_in_interrupt(struct timer_list *timer)
{
	struct irq_mapper *m = container_of(timer, struct irq_mapper, timer);
	int idx = current->kmap_ctrl.idx, n = m->depth ? m->depth : 1;
	u32 *va[KM_MAX_IRQ_NESTING + 1];

	for (int i = 0; i < n && i < (int)ARRAY_SIZE(va); i++)
		va[i] = kmap_local_page(m->page);
	for (int i = 0; i < n && i < (int)ARRAY_SIZE(va); i++)
		m->errors += pattern_errors(va[i], m->page);
	for (int i = n - 1; i >= 0; i--)
		kunmap_local(va[i]);
	m->idx_changed += current->kmap_ctrl.idx != idx;
	m->runs++;
	if (!m->stop) {
		m->timer.expires = jiffies + 1;
		add_timer(&m->timer);
	}
}

KTEST(kmap_local, interrupt_maps_leave_task_maps_intact)
{
	struct irq_mapper *m = &irq_mapper;
	struct page *mine[3];
	u32 *va[3];
	unsigned long bad = 0, loops = 0;
	int idx;

	*m = (struct irq_mapper){ .page = alloc_slot_page(t) };
	if (!m->page)
		return;
	fill_pattern(m->page);
	for (int i = 0; i < 3; i++) {
		mine[i] = alloc_slot_page(t);
		ASSERT_NOT_NULL(t, mine[i]);
		fill_pattern(mine[i]);
		va[i] = kmap_local_page(mine[i]);
	}
	idx = current->kmap_ctrl.idx;
	timer_setup(&m->timer, map_in_interrupt);
	m->timer.expires = jiffies + 1;
	add_timer(&m->timer);
	while (m->runs < 200) {
		for (int i = 0; i < 3; i++)
			bad += pattern_errors(va[i], mine[i]);
		loops++;
	}
	m->stop = true;
	del_timer(&m->timer);
	EXPECT_EQ(t, m->errors, 0);
	EXPECT_EQ(t, m->idx_changed, 0);
	EXPECT_EQ(t, bad, 0);
	EXPECT_EQ(t, current->kmap_ctrl.idx, idx);
	for (int i = 2; i >= 0; i--) {
		EXPECT_EQ(t, pte_pfn(slot_pte(current->kmap_ctrl.idx - 1)), page_to_pfn(mine[i]));
		kunmap_local(va[i]);
		__free_page(mine[i]);
	}
	__free_page(m->page);
	ktest_log(t, "%lu interrupt maps during %lu task checks", m->runs, loops);
}

/*
 * A task holding all KM_MAX_NESTING maps is interrupted by a timer that
 * maps KM_MAX_IRQ_NESTING more: interrupts have headroom of their own.
 */
KTEST(kmap_local, interrupt_maps_on_top_of_a_task_at_full_depth)
{
	struct irq_mapper *m = &irq_mapper;
	struct page *mine[KM_MAX_NESTING];
	u32 *va[KM_MAX_NESTING];
	unsigned long bad = 0, end;
	int idx;

	*m = (struct irq_mapper){ .page = alloc_slot_page(t), .depth = KM_MAX_IRQ_NESTING };
	if (!m->page)
		return;
	fill_pattern(m->page);
	for (int i = 0; i < KM_MAX_NESTING; i++) {
		mine[i] = alloc_slot_page(t);
		ASSERT_NOT_NULL(t, mine[i]);
		fill_pattern(mine[i]);
	}
	for (int i = 0; i < KM_MAX_NESTING; i++)
		va[i] = kmap_local_page(mine[i]);
	idx = current->kmap_ctrl.idx;
	EXPECT_EQ(t, idx, KM_MAX_NESTING * KM_INCR);
	timer_setup(&m->timer, map_in_interrupt);
	m->timer.expires = jiffies + 1;
	add_timer(&m->timer);
	end = jiffies + msecs_to_jiffies(10000);
	while (m->runs < 20 && time_before(jiffies, end))
		for (int i = 0; i < KM_MAX_NESTING; i++)
			bad += pattern_errors(va[i], mine[i]);
	m->stop = true;
	del_timer(&m->timer);
	EXPECT_GE(t, m->runs, 20ul);
	EXPECT_EQ(t, m->errors, 0);
	EXPECT_EQ(t, m->idx_changed, 0);
	EXPECT_EQ(t, bad, 0);
	EXPECT_EQ(t, current->kmap_ctrl.idx, idx);
	EXPECT_EQ(t, this_cpu_read(kmap_irq_maps), 0u);
	for (int i = KM_MAX_NESTING - 1; i >= 0; i--) {
		kunmap_local(va[i]);
		__free_page(mine[i]);
	}
	__free_page(m->page);
}

/* One map more than its headroom in a timer callback: the panic names interrupt context. */
KTEST_EXPECT_PANIC(kmap_local, interrupt_beyond_its_headroom_panics,
		   "kmap_local: more than 4 nested local maps in interrupt context on CPU")
{
	struct irq_mapper *m = &irq_mapper;
	unsigned long end;

	_Static_assert(KM_MAX_IRQ_NESTING == 4, "the expected message names 4");
	*m = (struct irq_mapper){ .page = alloc_page(GFP_HIGHUSER),
				  .depth = KM_MAX_IRQ_NESTING + 1 };
	ASSERT_NOT_NULL(t, m->page);
	timer_setup(&m->timer, map_in_interrupt);
	m->timer.expires = jiffies + 1;
	add_timer(&m->timer);
	end = jiffies + msecs_to_jiffies(5000);
	while (!m->runs && time_before(jiffies, end))
		cpu_relax();
	m->stop = true;
	del_timer(&m->timer);
}

/* ---- task life cycle ---- */

static int report_start_depth(void *arg)
{
	*(int *)arg = current->kmap_ctrl.idx;
	return 0;
}

KTEST(kmap_local, new_task_starts_with_empty_stack)
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	void *va = kmap_local_page(page);	/* the creator holds one */
	struct task_struct *task;
	int depth = -1;

	task = kthread_run(report_start_depth, &depth, "kmap-fresh");
	ASSERT_NOT_NULL(t, task);
	EXPECT_EQ(t, kthread_wait(task), 0);
	EXPECT_EQ(t, depth, 0);
	kunmap_local(va);
	__free_page(page);
}

static int exit_holding_two(void *arg)
{
	struct page *page = arg;

	kmap_local_page(page);
	kmap_local_page(page);
	return 0;		/* and never unmaps */
}

KTEST(kmap_local, exit_with_live_maps_warns_and_clears)
{
	struct page *page = alloc_slot_page(t);
	u32 head = log_head;
	struct task_struct *task;

	if (!page)
		return;
	task = kthread_run(exit_holding_two, page, "kmap-leaker");
	ASSERT_NOT_NULL(t, task);
	EXPECT_EQ(t, kthread_wait(task), 0);
	EXPECT_TRUE(t, log_contains_since(head, "task kmap-leaker exits with 2 live local maps"));
	for (int pos = 0; pos < KM_MAX_IDX; pos++)
		EXPECT_TRUE(t, pte_none(slot_pte(pos)));
	__free_page(page);
}

/* ---- kmap_atomic: preemption, then page faults, off until the unmap ---- */

static void check_atomic(struct ktest *t, struct page *page)
{
	int pc = preempt_count(), pf = pagefault_disabled();
	void *va = kmap_atomic(page);

	EXPECT_EQ(t, preempt_count(), pc + 1);
	EXPECT_EQ(t, pagefault_disabled(), pf + 1);
	EXPECT_TRUE(t, in_atomic());
	kunmap_atomic(va);
	EXPECT_EQ(t, preempt_count(), pc);
	EXPECT_EQ(t, pagefault_disabled(), pf);
}

KTEST(kmap_local, kmap_atomic_disables_preemption_and_faults)
{
	struct page *low = alloc_page(GFP_KERNEL), *high = alloc_page(GFP_HIGHUSER);

	ASSERT_NOT_NULL(t, low);
	ASSERT_NOT_NULL(t, high);
	check_atomic(t, low);
	check_atomic(t, high);
	__free_page(low);
	__free_page(high);
}

/* ---- a switched-out task's slots are empty, and come back ---- */

struct napper {
	struct page *page;
	volatile int phase;		/* 1: mapped, asleep; 2: checked */
	unsigned int errors;
	unsigned long va;
};

static int map_then_nap(void *arg)
{
	struct napper *n = arg;
	u32 *va = kmap_local_page(n->page);

	n->va = (unsigned long)va;
	n->phase = 1;
	while (n->phase == 1)
		msleep(1);		/* switched out while holding the map */
	n->errors = pattern_errors(va, n->page);
	kunmap_local(va);
	return 0;
}

KTEST(kmap_local, switched_out_task_leaves_its_slot_empty)
{
	struct napper n = { .page = alloc_slot_page(t) };
	struct task_struct *task;
	enum pg_level level;
	pte_t *pte;

	if (!n.page)
		return;
	fill_pattern(n.page);
	/*
	 * On this CPU (the boot task stays on CPU 0): while we run, it is
	 * switched out; on another CPU it could be running right now.
	 */
	task = kthread_run_on_cpu(map_then_nap, &n, smp_processor_id(), "kmap-napper");
	ASSERT_NOT_NULL(t, task);
	while (n.phase != 1)
		msleep(1);
	/* We run, it sleeps: its slot must hold nothing now. */
	pte = lookup_address(n.va, &level);
	ASSERT_NOT_NULL(t, pte);
	EXPECT_TRUE(t, pte_none(ptep_get(pte)));
	EXPECT_EQ(t, task->kmap_ctrl.idx, KM_INCR);
	EXPECT_EQ(t, pte_pfn(task->kmap_ctrl.pteval[KM_INCR - 1]), page_to_pfn(n.page));
	n.phase = 2;
	EXPECT_EQ(t, kthread_wait(task), 0);
	EXPECT_EQ(t, n.errors, 0);
	__free_page(n.page);
}
