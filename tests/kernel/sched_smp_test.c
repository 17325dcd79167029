/*
 * Tests of the scheduler on several CPUs: threads spread over every
 * online CPU, a kmap_local holder stays on its CPU however overloaded it
 * is and moves once it has unmapped, a sleeper bound to one CPU is woken
 * from another by a reschedule IPI, set_cpus_allowed() moves queued and
 * running tasks, migrate_enable() moves a task whose CPU was taken from
 * it.  Every case needs two online CPUs and is skipped with fewer.
 *
 * The cases run in the boot task, which stays on CPU 0 (its
 * cpus_allowed); every wait is bounded.
 */
#include <asm/apic.h>
#include <hilo/ktest.h>
#include <hilo/kthread.h>
#include <hilo/preempt.h>
#include <hilo/sched.h>
#include <hilo/smp.h>
#include <hilo/timer.h>
#include "highmem_test_util.h"

/* need_two_cpus - false, with the case skipped, on one CPU. */
static bool need_two_cpus(struct ktest *t)
{
	if (num_online_cpus() >= 2)
		return true;
	ktest_skip(t, "needs 2 online CPUs");
	return false;
}

/* wait_until - sleep in steps of 1 ms until cond or ms have passed. */
#define wait_until(cond, ms) ({                                               \
	unsigned long __end = jiffies + msecs_to_jiffies(ms);                 \
	while (!(cond) && time_before(jiffies, __end))                        \
		msleep(1);                                                    \
	(cond); })

/* ---- threads spread over every CPU ---- */

struct spread {
	volatile bool stop;
	cpumask_t ran;			/* CPUs any spinner ran on (atomic) */
};

static int spread_fn(void *arg)
{
	struct spread *s = arg;

	while (!READ_ONCE(s->stop))
		__atomic_or_fetch(&s->ran, 1u << smp_processor_id(), __ATOMIC_RELAXED);
	return 0;
}

KTEST(sched_smp, busy_threads_run_and_tick_on_every_cpu)
{
	static struct spread s;
	struct task_struct *task[NR_CPUS];
	unsigned long ticks[NR_CPUS];
	unsigned int n = num_online_cpus(), cpu, ticked = 0;
	cpumask_t online = READ_ONCE(cpu_online_mask);

	if (!need_two_cpus(t))
		return;
	s = (struct spread){ 0 };
	for_each_online_cpu(cpu)
		ticks[cpu] = system_vector_count(cpu, LOCAL_TIMER_VECTOR);
	for (unsigned int i = 0; i < n; i++)
		task[i] = kthread_run(spread_fn, &s, "spread/%u", i);
	wait_until(__atomic_load_n(&s.ran, __ATOMIC_RELAXED) == online, 10000);
	msleep(20);			/* a few ticks everywhere */
	WRITE_ONCE(s.stop, true);
	for (unsigned int i = 0; i < n; i++)
		if (task[i])
			EXPECT_EQ(t, kthread_wait(task[i]), 0);
		else
			KTEST_FAIL(t, "kthread_run failed for spinner %u", i);
	EXPECT_EQ(t, s.ran, online);
	for_each_online_cpu(cpu) {
		unsigned long grew = system_vector_count(cpu, LOCAL_TIMER_VECTOR) - ticks[cpu];

		if (grew == 0)
			KTEST_FAIL(t, "CPU %u took no timer tick", cpu);
		ticked += grew > 0;
	}
	ktest_log(t, "%u CPUs ran spinners and ticked, %lu migrations so far",
		  ticked, sched_nr_migrations());
}

/* ---- a kmap_local holder stays on its CPU ---- */

#define HOLDER_PREEMPTIONS 100

struct holder {
	struct page *page;
	volatile bool mapped, go, done;
	unsigned int cpu, new_cpu;
	unsigned long checks, errors, moved_while_mapped;
	unsigned long preemptions, migrations_mapped, migrations_after;
	unsigned long ticks_to_move;
};

static int holder_fn(void *arg)
{
	struct holder *h = arg;
	volatile u32 *va = kmap_local_page(h->page);	/* migration off */
	unsigned long nivcsw, migrations = current->nr_migrations, end, unmapped;

	h->cpu = smp_processor_id();
	WRITE_ONCE(h->mapped, true);
	while (!READ_ONCE(h->go))
		cpu_relax();
	nivcsw = current->nivcsw;
	/*
	 * 100 preemptions take 0.1 s at 1000 Hz; the bound is for a host so
	 * loaded that this vCPU gets few of its ticks, not a figure to meet.
	 */
	end = jiffies + 60 * timer_hz();
	while (current->nivcsw - nivcsw < HOLDER_PREEMPTIONS && time_before(jiffies, end)) {
		h->errors += pattern_errors(va, h->page);
		h->checks++;
		h->moved_while_mapped += smp_processor_id() != h->cpu ||
					 READ_ONCE(current->cpu) != h->cpu;
	}
	h->preemptions = current->nivcsw - nivcsw;
	h->migrations_mapped = current->nr_migrations - migrations;
	kunmap_local((void *)va);			/* migration on again */

	unmapped = jiffies;
	while (READ_ONCE(current->cpu) == h->cpu &&
	       time_before(jiffies, unmapped + 10 * timer_hz()))
		cpu_relax();
	h->ticks_to_move = jiffies - unmapped;
	h->new_cpu = smp_processor_id();
	h->migrations_after = current->nr_migrations - migrations;
	WRITE_ONCE(h->done, true);
	return 0;
}

KTEST(sched_smp, kmap_local_holder_stays_on_its_cpu_until_unmapped)
{
	static struct holder h;
	static struct spread rival_spin;
	struct task_struct *holder, *rival = NULL;
	unsigned int hz = timer_hz();
	unsigned long migrations = sched_nr_migrations();

	if (!need_two_cpus(t))
		return;
	h = (struct holder){ .page = alloc_slot_page(t) };
	if (!h.page)
		return;
	rival_spin = (struct spread){ 0 };
	fill_pattern(h.page);
	timer_set_hz(1000);
	sched_set_slice_ms(0);			/* a switch on every tick */
	holder = kthread_run(holder_fn, &h, "kmap-holder");	/* any CPU */
	if (!holder) {
		KTEST_FAIL(t, "kthread_run failed");
		goto out;
	}
	/*
	 * A rival bound to the holder's CPU: that CPU is overloaded (two
	 * tasks) while others idle, so the idle balancer looks there for a
	 * task to pull, and only the holder could move.
	 */
	if (wait_until(READ_ONCE(h.mapped), 2000))
		rival = kthread_run_on_cpu(spread_fn, &rival_spin, h.cpu, "kmap-rival");
	else
		KTEST_FAIL(t, "the holder never ran");
	EXPECT_NOT_NULL(t, rival);
	WRITE_ONCE(h.go, true);
	EXPECT_EQ(t, kthread_wait(holder), 0);
	WRITE_ONCE(rival_spin.stop, true);
	if (rival)
		EXPECT_EQ(t, kthread_wait(rival), 0);

	ktest_log(t, "holder on CPU %u: %lu checks, %lu preemptions; moved to CPU %u %lu ticks after unmapping; %lu migrations in all",
		  h.cpu, h.checks, h.preemptions, h.new_cpu, h.ticks_to_move,
		  sched_nr_migrations() - migrations);
	EXPECT_GE(t, h.preemptions, (unsigned long)HOLDER_PREEMPTIONS);
	EXPECT_GT(t, h.checks, 0ul);
	EXPECT_EQ(t, h.errors, 0ul);
	EXPECT_EQ(t, h.moved_while_mapped, 0ul);
	EXPECT_EQ(t, h.migrations_mapped, 0ul);
	/* Unmapped, it is pulled to an idle CPU within 10 s (one tick, normally). */
	EXPECT_NE(t, h.new_cpu, h.cpu);
	EXPECT_GE(t, h.migrations_after, 1ul);
	EXPECT_GT(t, sched_nr_migrations(), migrations);
out:
	sched_set_slice_ms(SCHED_SLICE_MS);
	timer_set_hz(hz);
	__free_page(h.page);
}

/* ---- a cross-CPU wake-up ---- */

#define WAKE_ROUNDS 20

struct sleeper {
	volatile unsigned int kick, done;
	unsigned int wrong_cpu;
	unsigned int cpu;
};

/* Sleep until kicked, WAKE_ROUNDS times, noting where it runs. */
static int sleeper_fn(void *arg)
{
	struct sleeper *s = arg;

	for (unsigned int i = 0; i < WAKE_ROUNDS; i++) {
		for (;;) {
			set_current_state(TASK_UNINTERRUPTIBLE);
			if (READ_ONCE(s->kick) > i)
				break;
			schedule();
		}
		set_current_state(TASK_RUNNING);
		s->wrong_cpu += smp_processor_id() != s->cpu;
		WRITE_ONCE(s->done, i + 1);
	}
	return 0;
}

/* asleep - off every queue in a sleeping state. */
static bool asleep(const struct task_struct *task)
{
	return READ_ONCE(task->state) == TASK_UNINTERRUPTIBLE && !READ_ONCE(task->on_rq);
}

KTEST(sched_smp, sleeper_on_one_cpu_is_woken_from_another)
{
	static struct sleeper s;
	struct task_struct *task;
	unsigned long ipis, longest = 0;
	unsigned int woken = 0;

	if (!need_two_cpus(t))
		return;
	s = (struct sleeper){ .cpu = 1 };	/* the boot task wakes it from CPU 0 */
	ipis = system_vector_count(s.cpu, RESCHEDULE_VECTOR);
	task = kthread_run_on_cpu(sleeper_fn, &s, s.cpu, "sleeper");
	ASSERT_NOT_NULL(t, task);
	for (unsigned int i = 0; i < WAKE_ROUNDS; i++) {
		unsigned long start, end;

		if (!wait_until(asleep(task), 1000))
			break;
		start = jiffies;
		end = start + timer_hz() / 2;
		WRITE_ONCE(s.kick, i + 1);
		woken += wake_up_process(task);
		while (READ_ONCE(s.done) <= i && time_before(jiffies, end))
			cpu_relax();	/* this CPU stays busy: CPU 1 must run it */
		longest = max(longest, jiffies - start);
		if (READ_ONCE(s.done) <= i)
			break;
	}
	WRITE_ONCE(s.kick, WAKE_ROUNDS);
	wake_up_process(task);
	EXPECT_EQ(t, kthread_wait(task), 0);
	ipis = system_vector_count(s.cpu, RESCHEDULE_VECTOR) - ipis;
	ktest_log(t, "%u wake-ups, %lu reschedule IPIs to CPU %u, longest %lu ticks",
		  woken, ipis, s.cpu, longest);
	EXPECT_EQ(t, woken, WAKE_ROUNDS);
	EXPECT_EQ(t, s.done, WAKE_ROUNDS);
	EXPECT_EQ(t, s.wrong_cpu, 0u);
	EXPECT_LT(t, longest, (unsigned long)timer_hz() / 2);
	/* Each wake-up found CPU 1 idle: a reschedule IPI told it. */
	EXPECT_GE(t, ipis, (unsigned long)WAKE_ROUNDS);
}

/* ---- affinity ---- */

struct where {
	volatile bool stop, pinned, unpinned;
	volatile int cpu;		/* where it last ran */
	unsigned int stayed;		/* off its CPU while migration was off */
};

static int where_once_fn(void *arg)
{
	struct where *w = arg;

	WRITE_ONCE(w->cpu, (int)smp_processor_id());
	return 0;
}

static int where_spin_fn(void *arg)
{
	struct where *w = arg;

	while (!READ_ONCE(w->stop))
		WRITE_ONCE(w->cpu, (int)smp_processor_id());
	return 0;
}

KTEST(sched_smp, set_cpus_allowed_moves_queued_and_running_tasks)
{
	static struct where q, r;
	unsigned int here = smp_processor_id(), n = num_online_cpus();
	unsigned int other = (here + 1) % n, dest = (here + 2) % n;
	struct task_struct *task;
	unsigned long migrations;

	if (!need_two_cpus(t))
		return;

	/* Queued: behind the test task on this CPU, which does not let go. */
	q = (struct where){ .cpu = -1 };
	task = kthread_create(where_once_fn, &q, "queued");
	ASSERT_NOT_NULL(t, task);
	kthread_bind(task, here);
	preempt_disable();
	kthread_start(task);
	EXPECT_TRUE(t, task->on_rq);
	EXPECT_EQ(t, task->cpu, here);
	migrations = task->nr_migrations;
	set_cpus_allowed(task, 1u << other);
	EXPECT_EQ(t, task->cpu, other);		/* moved before it ever ran */
	EXPECT_EQ(t, task->nr_migrations, migrations + 1);
	EXPECT_EQ(t, task->cpus_allowed, 1u << other);
	preempt_enable();
	EXPECT_EQ(t, kthread_wait(task), 0);
	EXPECT_EQ(t, q.cpu, (int)other);

	/* Running: alone on its CPU, spinning, moved by its next switch. */
	r = (struct where){ .cpu = -1 };
	task = kthread_run_on_cpu(where_spin_fn, &r, other, "running");
	ASSERT_NOT_NULL(t, task);
	if (!wait_until(READ_ONCE(r.cpu) == (int)other &&
			READ_ONCE(per_cpu(other)->current_task) == task, 2000))
		KTEST_FAIL(t, "the thread never ran on CPU %u", other);
	migrations = task->nr_migrations;
	set_cpus_allowed(task, 1u << dest);
	EXPECT_TRUE(t, wait_until(READ_ONCE(r.cpu) == (int)dest, 2000));
	EXPECT_EQ(t, READ_ONCE(task->cpu), dest);
	EXPECT_EQ(t, task->nr_migrations, migrations + 1);
	WRITE_ONCE(r.stop, true);
	EXPECT_EQ(t, kthread_wait(task), 0);
	EXPECT_EQ(t, r.cpu, (int)dest);
}

/* Spin with migration off until told, then with it on until told again. */
static int pinned_spin_fn(void *arg)
{
	struct where *w = arg;
	int cpu;

	migrate_disable();
	cpu = (int)smp_processor_id();
	WRITE_ONCE(w->cpu, cpu);
	WRITE_ONCE(w->pinned, true);
	while (!READ_ONCE(w->unpinned))
		w->stayed += (int)smp_processor_id() != cpu;
	migrate_enable();			/* leaves this CPU here */
	while (!READ_ONCE(w->stop))
		WRITE_ONCE(w->cpu, (int)smp_processor_id());
	return 0;
}

KTEST(sched_smp, migrate_enable_moves_task_whose_cpu_was_disallowed)
{
	static struct where w;
	struct task_struct *task;
	unsigned int here = smp_processor_id();
	int cpu;

	if (!need_two_cpus(t))
		return;
	w = (struct where){ .cpu = -1 };
	task = kthread_run(pinned_spin_fn, &w, "pinned");
	ASSERT_NOT_NULL(t, task);
	ASSERT_TRUE(t, wait_until(READ_ONCE(w.pinned), 2000));
	cpu = READ_ONCE(w.cpu);
	/* Away from its CPU: to this one, or to CPU 0 from CPU 1's. */
	set_cpus_allowed(task, cpu == (int)here ? 1u << ((here + 1) % num_online_cpus())
						: 1u << here);
	msleep(50);				/* several ticks: it must stay */
	EXPECT_EQ(t, READ_ONCE(task->cpu), (unsigned int)cpu);
	EXPECT_EQ(t, task->nr_migrations, 0ul);
	WRITE_ONCE(w.unpinned, true);
	EXPECT_TRUE(t, wait_until(READ_ONCE(w.cpu) != cpu, 2000));
	EXPECT_EQ(t, task->nr_migrations, 1ul);
	WRITE_ONCE(w.stop, true);
	EXPECT_EQ(t, kthread_wait(task), 0);
	EXPECT_EQ(t, w.stayed, 0u);
}
