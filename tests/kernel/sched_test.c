/*
 * Tests of tasks and the scheduler: kernel threads live and die on their
 * own guarded stacks, the timer preempts a task that never yields,
 * preempt_disable() holds a preemption back until preempt_enable(),
 * msleep() sleeps long enough, the switch hooks run once per switch in
 * order, the contexts are what they claim, and (expected panics) sleeping
 * in atomic or interrupt context and a thread's stack overflow end in
 * reports that name the culprit.
 *
 * Each case runs in the boot task and leaves no thread behind.  Cases
 * that change the tick rate put it back.  The boot task stays on CPU 0
 * (its cpus_allowed); cases about an interleaving on one CPU bind their
 * threads to it (kthread_run_on_cpu), since with several CPUs a thread
 * would otherwise run beside the test task instead of between its slices.
 */
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/irq.h>
#include <asm/layout.h>
#include <hilo/ktest.h>
#include <hilo/kthread.h>
#include <hilo/preempt.h>
#include <hilo/sched.h>
#include <hilo/timer.h>
#include <hilo/vmalloc.h>

#include "logbuf.h"

/* ---- kernel threads ---- */

struct probe {
	unsigned long stack_addr;	/* the address of a local of the thread */
	struct task_struct *self;
};

static int probe_fn(void *arg)
{
	struct probe *p = arg;
	volatile int local = 0;

	p->stack_addr = (unsigned long)&local;
	p->self = current;
	return 42 + local;
}

static __noinline void exit_deep(int code)
{
	kthread_exit(code);
}

static int exit_fn(void *arg)
{
	exit_deep(7);
	return 0;		/* not reached */
}

KTEST(sched, kthread_runs_on_own_guarded_stack_and_returns_code)
{
	struct probe p = { 0 };
	struct task_struct *task = kthread_create(probe_fn, &p, "probe/%d", 1);
	unsigned long base;

	ASSERT_NOT_NULL(t, task);
	EXPECT_STREQ(t, task->comm, "probe/1");
	EXPECT_EQ(t, task->state, TASK_NEW);
	EXPECT_EQ(t, task->stack_size, THREAD_SIZE);
	base = (unsigned long)task->stack;
	EXPECT_NOT_NULL(t, find_vm_area(task->stack));
	EXPECT_NULL(t, find_vm_area((void *)(base - 1)));	/* the guard page */
	EXPECT_PTR_EQ(t, task_of_stack(base - PAGE_SIZE), task);
	EXPECT_PTR_EQ(t, task_of_stack(base + THREAD_SIZE - 1), task);

	kthread_start(task);
	EXPECT_EQ(t, kthread_wait(task), 42);
	EXPECT_PTR_EQ(t, p.self, task);
	EXPECT_GE(t, p.stack_addr, base);
	EXPECT_LT(t, p.stack_addr, base + THREAD_SIZE);
	EXPECT_NULL(t, task_of_stack(p.stack_addr));	/* reaped: stack gone */
}

KTEST(sched, kthread_exit_from_nested_call_gives_status)
{
	struct task_struct *task = kthread_run(exit_fn, NULL, "exiter");

	ASSERT_NOT_NULL(t, task);
	EXPECT_EQ(t, kthread_wait(task), 7);
}

KTEST(sched, boot_task_is_task_zero_on_boot_stack)
{
	unsigned long here = read_ebp();

	EXPECT_PTR_EQ(t, current, &init_task);
	EXPECT_EQ(t, current->pid, 0);
	EXPECT_STREQ(t, current->comm, "boot");
	EXPECT_PTR_EQ(t, task_of_stack(here), &init_task);
	EXPECT_EQ(t, preempt_count(), 0);
	EXPECT_FALSE(t, irqs_disabled());
}

/* ---- preemption ---- */

struct spinner {
	volatile bool stop;
	volatile unsigned long spins;
};

/* Never sleeps, never yields: only the timer can take the CPU from it. */
static int spin_fn(void *arg)
{
	struct spinner *s = arg;

	while (!s->stop)
		s->spins++;
	return 0;
}

static int nap_fn(void *arg)
{
	for (int i = 0; i < 3; i++)
		msleep(20);
	return 3;
}

/* busy_wait_ticks - spin in the current task until n ticks have passed. */
static void busy_wait_ticks(unsigned long n)
{
	unsigned long end = jiffies + n;

	while (time_before(jiffies, end))
		cpu_relax();
}

KTEST(sched, busy_thread_does_not_starve_others)
{
	struct spinner s[2] = { 0 };
	struct task_struct *hog[2], *napper;
	unsigned long boot_preempted = current->nivcsw;

	/* All on this CPU: the point is sharing one CPU by preemption. */
	hog[0] = kthread_run_on_cpu(spin_fn, &s[0], smp_processor_id(), "hog/0");
	hog[1] = kthread_run_on_cpu(spin_fn, &s[1], smp_processor_id(), "hog/1");
	napper = kthread_run_on_cpu(nap_fn, NULL, smp_processor_id(), "napper");
	ASSERT_NOT_NULL(t, hog[0]);
	ASSERT_NOT_NULL(t, hog[1]);
	ASSERT_NOT_NULL(t, napper);

	/* The boot task spins too: it runs again only if the hogs are preempted. */
	busy_wait_ticks(msecs_to_jiffies(100));
	EXPECT_GT(t, s[0].spins, 0ul);
	EXPECT_GT(t, s[1].spins, 0ul);
	EXPECT_GT(t, current->nivcsw, boot_preempted);
	/* A sleeper's wake-ups get the CPU between the hogs' slices. */
	EXPECT_EQ(t, kthread_wait(napper), 3);

	for (int i = 0; i < 2; i++) {
		EXPECT_GT(t, hog[i]->nivcsw, 0ul);	/* preempted ... */
		EXPECT_EQ(t, hog[i]->nvcsw, 0ul);	/* ... never gave up the CPU */
		EXPECT_GT(t, hog[i]->ticks, 0ul);
		s[i].stop = true;
	}
	for (int i = 0; i < 2; i++)
		EXPECT_EQ(t, kthread_wait(hog[i]), 0);
}

KTEST(sched, preempt_disable_defers_preemption_to_enable)
{
	struct spinner s = { 0 };
	/* On this CPU: it may run only when the test task is preempted. */
	struct task_struct *hog = kthread_run_on_cpu(spin_fn, &s, smp_processor_id(), "hog");
	unsigned long preempted;

	ASSERT_NOT_NULL(t, hog);
	preempt_disable();
	preempted = current->nivcsw;
	busy_wait_ticks(3 * msecs_to_jiffies(SCHED_SLICE_MS));
	EXPECT_EQ(t, s.spins, 0ul);		/* never ran meanwhile */
	EXPECT_EQ(t, current->nivcsw, preempted);
	EXPECT_TRUE(t, need_resched());		/* the slice ended long ago */
	preempt_enable();			/* switches right here */
	EXPECT_GT(t, current->nivcsw, preempted);
	EXPECT_GT(t, s.spins, 0ul);
	s.stop = true;
	EXPECT_EQ(t, kthread_wait(hog), 0);
}

/* ---- time ---- */

/*
 * expect_msleep_at_least - msleep(ms) lasts at least the ticks that make
 * ms, and ends within half a second more (it is woken, not forgotten).
 * `start` was read somewhere inside a tick period, so only need + 1 tick
 * edges guarantee need whole periods: the jiffies must advance by that.
 */
static void expect_msleep_at_least(struct ktest *t, unsigned int ms)
{
	unsigned long need = msecs_to_jiffies(ms) + 1, start = jiffies, slept;

	msleep(ms);
	slept = jiffies - start;
	if (slept < need || slept > need + timer_hz() / 2)
		KTEST_FAIL(t, "msleep(%u) at %u Hz slept %lu ticks, needs %lu to %lu",
			   ms, timer_hz(), slept, need, need + timer_hz() / 2);
}

KTEST(sched, msleep_sleeps_at_least_as_long_as_asked)
{
	static const unsigned int rates[] = { 100, 1000 }, delays[] = { 0, 1, 7, 15, 50 };
	unsigned int old_hz = timer_hz();

	for (size_t r = 0; r < ARRAY_SIZE(rates); r++) {
		u64 second;

		timer_set_hz(rates[r]);
		/* The fewest ticks of the PIT's real period that last a second. */
		second = msecs_to_jiffies(1000);
		EXPECT_GE(t, second * tick_nsec(), 1000000000ull);
		EXPECT_LT(t, (second - 1) * tick_nsec(), 1000000000ull);
		EXPECT_LE(t, second, rates[r] + 1ull);
		for (size_t d = 0; d < ARRAY_SIZE(delays); d++)
			expect_msleep_at_least(t, delays[d]);
	}
	timer_set_hz(old_hz);
}

/* ---- the switch hooks ---- */

#define HOOK_LOG_SIZE 512

static int yield_twice_fn(void *arg)
{
	yield();
	yield();
	return 5;
}

/*
 * check_hook_log - the trace is OUT, IN pairs, one per switch; each OUT
 * names the task the previous IN brought in; the first OUT is the boot
 * task's, the last IN brings it back.  Each hook ran on its own task's
 * stack: OUT before the register switch, IN after it.  Returns the pairs
 * seen for thread: its first hook is an IN (first run) and its last an
 * OUT in TASK_DEAD.
 */
/* The name of the task whose stack holds sp, for a failure message. */
static const char *stack_owner(unsigned long sp)
{
	const struct task_struct *task = task_of_stack(sp);

	return task ? task->comm : "no task";
}

static unsigned int check_hook_log(struct ktest *t, const struct sched_hook_event *log,
				   unsigned int n, const struct task_struct *thread)
{
	const struct task_struct *running = &init_task;
	int first = -1, last = -1;
	unsigned int thread_ins = 0;

	for (unsigned int i = 0; i + 1 < n; i += 2) {
		const struct sched_hook_event *out = &log[i], *in = &log[i + 1];

		if (task_of_stack(out->sp) != out->task ||
		    task_of_stack(in->sp) != in->task) {
			KTEST_FAIL(t, "switch %u: out(%s) ran on %s's stack, in(%s) on %s's",
				   i / 2, out->task->comm, stack_owner(out->sp),
				   in->task->comm, stack_owner(in->sp));
			return 0;
		}
		if (out->hook != SCHED_HOOK_OUT || in->hook != SCHED_HOOK_IN ||
		    out->task != running || in->task == out->task) {
			KTEST_FAIL(t, "switch %u: %s(%s), %s(%s) after %s ran", i / 2,
				   out->hook == SCHED_HOOK_OUT ? "out" : "in", out->task->comm,
				   in->hook == SCHED_HOOK_OUT ? "out" : "in", in->task->comm,
				   running->comm);
			return 0;
		}
		running = in->task;
		if (in->task == thread && first < 0)
			first = (int)i + 1;
		if (out->task == thread)
			last = (int)i;
		thread_ins += in->task == thread;
	}
	EXPECT_PTR_EQ(t, running, &init_task);
	EXPECT_GE(t, first, 0);
	EXPECT_LT(t, first, last);
	if (last >= 0)
		EXPECT_EQ(t, log[last].state, TASK_DEAD);
	return thread_ins;
}

KTEST(sched, switch_hooks_run_once_per_switch_in_order)
{
	static struct sched_hook_event log[HOOK_LOG_SIZE];
	struct task_struct *thread = kthread_create(yield_twice_fn, NULL, "hooked");
	unsigned long switches;
	unsigned int n;

	ASSERT_NOT_NULL(t, thread);
	/* On this CPU, whose switches the trace records. */
	kthread_bind(thread, smp_processor_id());
	switches = nr_context_switches_cpu(smp_processor_id());
	sched_hook_trace_start(log, HOOK_LOG_SIZE);
	kthread_start(thread);
	/* Stay runnable (no sleep), so every switch goes to or from thread. */
	while (!__atomic_load_n(&thread->stack_released, __ATOMIC_ACQUIRE))
		yield();
	n = sched_hook_trace_stop();
	switches = nr_context_switches_cpu(smp_processor_id()) - switches;

	ASSERT_LE(t, n, HOOK_LOG_SIZE);
	EXPECT_EQ(t, n, 2 * switches);
	/* First run, two yields, exit: at least three times in. */
	EXPECT_GE(t, check_hook_log(t, log, n, thread), 3u);
	EXPECT_EQ(t, kthread_wait(thread), 5);
}

/* ---- contexts ---- */

#define TEST_IRQ 5u	/* nothing on it under QEMU (see traps_test.c) */

static struct {
	int preempt_count;
	bool in_interrupt, in_atomic, irqs_disabled;
} irq_seen;

static void context_probe_handler(unsigned int irq, struct pt_regs *regs)
{
	irq_seen.preempt_count = preempt_count();
	irq_seen.in_interrupt = in_interrupt();
	irq_seen.in_atomic = in_atomic();
	irq_seen.irqs_disabled = irqs_disabled();
}

/* Every interrupt cpu took (the PIC's lines are counted for all CPUs). */
static unsigned long interrupts_taken(unsigned int cpu)
{
	unsigned long n = 0;

	for (unsigned int irq = 0; irq < NR_IRQS; irq++)
		n += irq_count(irq);
	for (unsigned int v = FIRST_SYSTEM_VECTOR; v < IDT_ENTRIES; v++)
		n += system_vector_count(cpu, v);
	return n;
}

/* A hog that notes, when armed, how many interrupts its CPU had taken. */
struct nmi_hog {
	volatile bool stop, armed;
	volatile unsigned long irqs_seen;
	unsigned int cpu;
};

static int nmi_hog_fn(void *arg)
{
	struct nmi_hog *h = arg;

	while (!h->stop) {
		if (h->armed) {
			h->irqs_seen = interrupts_taken(h->cpu);
			h->armed = false;
		}
		cpu_relax();
	}
	return 0;
}

/*
 * An NMI (here `int $2`, which takes the same path) that interrupts code
 * that looks preemptible (interrupts on: `sti` holds off interrupts for
 * one instruction, so the int comes first; count 0; need_resched set)
 * must return without switching.  A hog on this CPU tells a switch at the
 * NMI's return (it runs before any other interrupt) from a legitimate one
 * by an interrupt taken after the iret.
 */
KTEST(sched, nmi_return_never_preempts)
{
	struct nmi_hog h = { .cpu = smp_processor_id() };
	struct task_struct *hog;
	unsigned int at_nmi = 0;

	migrate_disable();
	hog = kthread_run_on_cpu(nmi_hog_fn, &h, h.cpu, "nmi-hog");
	ASSERT_NOT_NULL(t, hog);
	for (int i = 0; i < 5; i++) {
		unsigned long flags = arch_local_irq_save();
		unsigned long irqs = interrupts_taken(h.cpu);

		h.irqs_seen = 0;
		h.armed = true;
		this_cpu_write(need_resched, true);
		__asm__ __volatile__("sti; int $2; cli" ::: "memory");
		h.armed = false;
		at_nmi += h.irqs_seen == irqs;
		arch_local_irq_restore(flags);
	}
	migrate_enable();
	EXPECT_EQ(t, at_nmi, 0u);
	h.stop = true;
	EXPECT_EQ(t, kthread_wait(hog), 0);
}

KTEST(sched, in_interrupt_holds_in_irq_handler_only)
{
	EXPECT_FALSE(t, in_interrupt());
	EXPECT_FALSE(t, in_atomic());
	irq_register(TEST_IRQ, context_probe_handler);
	__asm__ __volatile__("int %0" :: "i"(IRQ0_VECTOR + TEST_IRQ) : "memory");
	irq_unregister(TEST_IRQ);
	EXPECT_EQ(t, irq_seen.preempt_count, HARDIRQ_OFFSET);
	EXPECT_TRUE(t, irq_seen.in_interrupt);
	EXPECT_TRUE(t, irq_seen.in_atomic);
	EXPECT_TRUE(t, irq_seen.irqs_disabled);
	EXPECT_EQ(t, preempt_count(), 0);	/* irq_exit balanced it */
}

KTEST(sched, preempt_and_pagefault_counts_nest)
{
	preempt_disable();
	preempt_disable();
	EXPECT_EQ(t, preempt_count(), 2);
	EXPECT_TRUE(t, in_atomic());
	EXPECT_FALSE(t, in_interrupt());
	EXPECT_FALSE(t, preemptible());
	preempt_enable();
	preempt_enable();
	EXPECT_TRUE(t, preemptible());

	pagefault_disable();
	pagefault_disable();
	EXPECT_EQ(t, pagefault_disabled(), 2);
	EXPECT_EQ(t, preempt_count(), 0);	/* it does not disable preemption */
	pagefault_enable();
	pagefault_enable();
	EXPECT_EQ(t, pagefault_disabled(), 0);
}

/* ---- introspection ---- */

KTEST(sched, task_list_shows_every_task)
{
	struct task_struct *task = kthread_create(probe_fn, &(struct probe){ 0 }, "listed");
	u32 since = log_head;

	ASSERT_NOT_NULL(t, task);
	sched_show_tasks();
	EXPECT_TRUE(t, log_contains_since(since, "TICKS"));
	EXPECT_TRUE(t, log_contains_since(since, "*   0 boot            running"));
	EXPECT_TRUE(t, log_contains_since(since, " idle/0 "));
	EXPECT_TRUE(t, log_contains_since(since, " listed          new "));
	kthread_start(task);
	EXPECT_EQ(t, kthread_wait(task), 42);
}

/* ---- expected panics ---- */

KTEST_EXPECT_PANIC(sched, sleep_with_preemption_disabled_panics,
		   "might_sleep: msleep would sleep with preemption disabled")
{
	preempt_disable();
	msleep(1);
	preempt_enable();
}

static void sleepy_handler(unsigned int irq, struct pt_regs *regs)
{
	msleep(1);
}

KTEST_EXPECT_PANIC(sched, sleep_in_interrupt_handler_panics,
		   "might_sleep: msleep would sleep in interrupt context")
{
	irq_register(TEST_IRQ, sleepy_handler);
	__asm__ __volatile__("int %0" :: "i"(IRQ0_VECTOR + TEST_IRQ) : "memory");
	irq_unregister(TEST_IRQ);
}

/*
 * Push until the stack runs out: the push into the guard page faults, the
 * CPU cannot push the page fault's frame there either, and the
 * double-fault task reports.
 */
static int stack_hog_fn(void *arg)
{
	for (;;)
		__asm__ __volatile__("push %%eax" ::: "memory");
	return 0;
}

/* run_doomed_thread - run fn as a thread called name, which must panic. */
static void run_doomed_thread(struct ktest *t, int (*fn)(void *), const char *name)
{
	struct task_struct *task = kthread_run(fn, NULL, "%s", name);

	if (!task) {
		KTEST_FAIL(t, "kthread_run(%s) failed", name);
		return;
	}
	ktest_log(t, "%s returned %d", name, kthread_wait(task));
}

KTEST_EXPECT_PANIC(sched, thread_stack_overflow_names_task,
		   "kernel stack overflow in task stack_hog")
{
	run_doomed_thread(t, stack_hog_fn, "stack_hog");
}

/* A write just below the stack, with page faults disabled, from a sane esp. */
static int guard_poker_fn(void *arg)
{
	pagefault_disable();
	((volatile char *)current->stack)[-4] = 1;
	pagefault_enable();
	return 0;
}

/*
 * The page-fault report names the overflow, the task and its
 * pagefault_disable() depth.  Alone in its boot, the thread is pid 2
 * (after the boot task and idle/0).
 */
KTEST_EXPECT_PANIC(sched, guard_page_fault_names_task_and_pagefault_depth,
		   "(kernel stack overflow); task guard_poker (pid 2), pagefault_disable() depth 1")
{
	run_doomed_thread(t, guard_poker_fn, "guard_poker");
}
