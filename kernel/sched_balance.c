/*
 * Tasks between CPUs: placement, moving, the idle balancer, affinity
 * (docs/design.md, "Scheduling on several CPUs").  The run queues and
 * the switch are in kernel/sched.c; the locking rules are at its top.
 *
 * A task's ->cpu names the one rq it may be queued on.  It changes only
 * with that rq and the destination rq both locked (double_rq_lock, in CPU
 * number order), and only while the task is not running: queued, asleep,
 * or in transit (switched away by __schedule() to be moved, see
 * rq->push_task).  A task with migration disabled is never moved.
 */
#include <hilo/compiler.h>
#include <hilo/list.h>
#include <hilo/panic.h>
#include <hilo/percpu.h>
#include <hilo/preempt.h>
#include <hilo/sched.h>
#include <hilo/smp.h>
#include <hilo/spinlock.h>
#include <hilo/timer.h>

#include "sched.h"

#define BALANCE_INTERVAL_MS 10	/* an idle CPU looks for work at most this often */

static unsigned long nr_migrations_total;	/* atomic */

/* sched_nr_migrations - see hilo/sched.h. */
unsigned long sched_nr_migrations(void)
{
	return __atomic_load_n(&nr_migrations_total, __ATOMIC_RELAXED);
}

/*
 * double_rq_lock - lock a and b (the same rq once), lower CPU first so
 * two CPUs locking the same pair cannot deadlock.  Interrupts off.
 */
static void double_rq_lock(struct rq *a, struct rq *b)
{
	if (a == b) {
		arch_spin_lock(&a->lock);
	} else if (a->cpu < b->cpu) {
		arch_spin_lock(&a->lock);
		arch_spin_lock(&b->lock);
	} else {
		arch_spin_lock(&b->lock);
		arch_spin_lock(&a->lock);
	}
}

static void double_rq_unlock(struct rq *a, struct rq *b)
{
	arch_spin_unlock(&a->lock);
	if (a != b)
		arch_spin_unlock(&b->lock);
}

/*
 * set_task_cpu - give a task that is not running a new ->cpu, counting
 * the migration.  Both rq locks held.
 */
static void set_task_cpu(struct task_struct *task, unsigned int cpu)
{
	if (task->cpu == cpu)
		return;
	task->cpu = cpu;
	task->nr_migrations++;
	__atomic_add_fetch(&nr_migrations_total, 1, __ATOMIC_RELAXED);
}

/* select_task_cpu - see kernel/sched.h. */
unsigned int select_task_cpu(cpumask_t mask, unsigned int prefer)
{
	unsigned int cpu, best = NO_CPU, best_load = ~0u;

	mask &= READ_ONCE(cpu_online_mask);
	if (prefer < NR_CPUS && (mask & (1u << prefer))) {
		best = prefer;
		best_load = rq_load(cpu_rq(prefer));
	}
	for_each_cpu_in(cpu, mask) {
		unsigned int load = rq_load(cpu_rq(cpu));

		if (load < best_load) {
			best = cpu;
			best_load = load;
		}
	}
	return best;
}

/*
 * __move_task_off - one attempt of move_task_off() towards dst (NO_CPU:
 * none was found), both rqs locked.  Returns false when the mask changed
 * so that dst is no longer allowed: pick again.
 */
static bool __move_task_off(struct task_struct *task, struct rq *src_rq,
			    struct rq *dst_rq, unsigned int dst)
{
	bool in_transit;

	if (task->cpu != src_rq->cpu || task_running(src_rq, task))
		return true;		/* moved by someone else, or running */
	in_transit = task->on_rq && list_empty(&task->run_list);
	if (!task_must_move(task, src_rq->cpu)) {
		if (in_transit)		/* allowed here again after all */
			enqueue_task(src_rq, task);
		return true;
	}
	if (dst == NO_CPU || !(task->cpus_allowed & (1u << dst)))
		return false;
	if (task->on_rq && !in_transit)
		dequeue_task(src_rq, task);
	set_task_cpu(task, dst);
	if (task->on_rq)
		enqueue_task(dst_rq, task);
	return true;
}

/* move_task_off - see kernel/sched.h. */
void move_task_off(struct task_struct *task, unsigned int src)
{
	struct rq *src_rq = cpu_rq(src);
	bool done;

	do {
		unsigned int dst = select_task_cpu(READ_ONCE(task->cpus_allowed), NO_CPU);
		struct rq *dst_rq = cpu_rq(dst == NO_CPU ? src : dst);

		double_rq_lock(src_rq, dst_rq);
		done = __move_task_off(task, src_rq, dst_rq, dst);
		double_rq_unlock(src_rq, dst_rq);
	} while (!done);
}

/* ---- the idle balancer ---- */

/* can_migrate - task, queued on another CPU, may move to cpu.  Its rq locked. */
static bool can_migrate(const struct task_struct *task, unsigned int cpu)
{
	return (task->cpus_allowed & (1u << cpu)) && !task->migration_disabled;
}

/*
 * pull_tasks - move up to half the load difference of queued tasks that
 * may run here from busiest to this rq.  Interrupts off.  Returns the
 * number moved.
 */
static unsigned int pull_tasks(struct rq *this_rq, struct rq *busiest)
{
	struct task_struct *task, *n;
	unsigned int load, this_load, moved = 0;

	double_rq_lock(this_rq, busiest);
	load = rq_load(busiest);
	this_load = rq_load(this_rq);
	list_for_each_entry_safe(task, n, &busiest->queue, run_list) {
		if (this_load + 2 > load)
			break;
		if (!can_migrate(task, this_rq->cpu))
			continue;
		dequeue_task(busiest, task);
		set_task_cpu(task, this_rq->cpu);
		enqueue_task(this_rq, task);
		moved++;
		load--;
		this_load++;
	}
	double_rq_unlock(this_rq, busiest);
	return moved;
}

/* idle_balance - see kernel/sched.h. */
bool idle_balance(void)
{
	unsigned int this = smp_processor_id(), cpu;
	struct rq *this_rq = cpu_rq(this);
	cpumask_t tried = 1u << this;
	unsigned long flags;
	bool pulled = false;

	/*
	 * At most once every BALANCE_INTERVAL_MS per CPU: an idle CPU wakes
	 * at every tick, and at a high tick rate seven idle CPUs locking the
	 * busy CPU's run queue a thousand times a second each would starve
	 * that CPU of its own lock (it queues behind them, in ticket order).
	 */
	if (time_before(jiffies, READ_ONCE(this_rq->next_balance)))
		return false;
	WRITE_ONCE(this_rq->next_balance, jiffies + msecs_to_jiffies(BALANCE_INTERVAL_MS));
	flags = arch_local_irq_save();
	while (!pulled) {
		unsigned int busiest = NO_CPU, max = rq_load(this_rq) + 1;

		/* The racy loads only choose; pull_tasks() re-reads them locked. */
		for_each_online_cpu(cpu) {
			struct rq *rq = cpu_rq(cpu);

			if (!(tried & (1u << cpu)) && READ_ONCE(rq->nr_queued) &&
			    rq_load(rq) > max) {
				busiest = cpu;
				max = rq_load(rq);
			}
		}
		if (busiest == NO_CPU)
			break;
		tried |= 1u << busiest;
		pulled = pull_tasks(this_rq, cpu_rq(busiest)) > 0;
	}
	arch_local_irq_restore(flags);
	return pulled;
}

/* ---- affinity ---- */

/* set_cpus_allowed - see hilo/sched.h. */
void set_cpus_allowed(struct task_struct *task, cpumask_t mask)
{
	unsigned long flags;
	struct rq *rq;
	bool move = false;

	if (!(mask & READ_ONCE(cpu_online_mask)))
		panic("set_cpus_allowed: task %s (pid %d): mask %#x has no online CPU (online %#x)",
		      task->comm, task->pid, mask, READ_ONCE(cpu_online_mask));
	preempt_disable();
	flags = arch_local_irq_save();
	rq = task_rq_lock(task);
	WRITE_ONCE(task->cpus_allowed, mask);
	if (task->state == TASK_NEW) {
		if (!(mask & (1u << task->cpu)))	/* kthread_start places it */
			task->cpu = select_task_cpu(mask, NO_CPU);
	} else if (!(mask & (1u << rq->cpu))) {
		if (task_running(rq, task))
			resched_curr(rq);	/* __schedule() moves it */
		else
			move = true;
	}
	arch_spin_unlock(&rq->lock);
	if (move)
		move_task_off(task, rq->cpu);
	arch_local_irq_restore(flags);
	preempt_enable();		/* the current task leaves here */
}

/* migrate_enable_move - see hilo/sched.h: switch away, __schedule() moves it. */
void migrate_enable_move(void)
{
	this_cpu_write(need_resched, true);
	preempt_disable();
	preempt_enable();
}
