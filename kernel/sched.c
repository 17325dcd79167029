/*
 * The scheduler: round robin over one run queue per CPU, preemptive on
 * the timer tick (see hilo/sched.h for the states, hilo/preempt.h for the
 * preempt count).  This file holds the run queues, the switch, waking and
 * the tick; struct rq is in kernel/sched.h, the idle loop in kernel/idle.c,
 * the balancer and affinity in kernel/sched_balance.c, the task list printout and the
 * switch-hook trace in kernel/sched_debug.c, might_sleep() and
 * pagefault_disable() in kernel/preempt.c, kernel threads in
 * kernel/kthread.c.
 *
 * One path switches tasks, __schedule():
 *
 *   schedule()               the task gives up the CPU (sleep, yield, exit)
 *   preempt_schedule()       preempt_enable() brought the count to 0
 *   preempt_schedule_irq()   on the way out of an interrupt (entry.asm)
 *        |
 *   __schedule(preempt)      rq lock, interrupts off: requeue or dequeue prev,
 *        |                   pick the queue's head (or the idle task)
 *   context_switch()         sched_switch_out(prev): trace, kmap_local_sched_out
 *        |                   switch_mm(next->mm), TSS esp0 = next's stack top
 *        |                   switch_stack()  ... another task runs ...
 *   finish_task_switch()     sched_switch_in(current): kmap_local_sched_in, trace;
 *                            unlock, reap the dead (kthread_task_dead)
 *
 * A new task's first switch_stack() returns into ret_from_fork, which
 * calls schedule_tail(): the same finish_task_switch(), then the count's
 * release that schedule() would have done.
 *
 * Locking: each run queue's lock guards its queue and the scheduling
 * fields of the tasks whose ->cpu it is (state, on_rq, time_slice, the
 * counters).  It is taken with interrupts off (the tick takes it), after
 * a wait queue's or the timer base's lock, never before.  Two run queues
 * are locked together only by kernel/sched_balance.c, lower CPU number
 * first.  task->cpu changes only with the old and the new queue locked,
 * while the task does not run, so task_rq_lock() (lock ->cpu's queue,
 * re-check ->cpu) finds the right lock.  __schedule() holds the lock from
 * picking until finish_task_switch() in the next task: a task switching
 * out cannot be moved, woken elsewhere or run by another CPU meanwhile.
 *
 * Several CPUs (kernel/sched_balance.c): kthread_start() places a task
 * on the least loaded allowed CPU, wake-ups queue on ->cpu, idle CPUs pull
 * queued tasks, set_cpus_allowed() moves tasks; none moves a task with
 * migration disabled.  A running task that must leave its CPU is switched
 * away into no queue (rq->push_task) and finish_task_switch() moves it.
 */
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/switch_to.h>
#include <hilo/compiler.h>
#include <hilo/highmem.h>
#include <hilo/kthread.h>
#include <hilo/list.h>
#include <hilo/mm_user.h>
#include <hilo/panic.h>
#include <hilo/percpu.h>
#include <hilo/preempt.h>
#include <hilo/printk.h>
#include <hilo/sched.h>
#include <hilo/spinlock.h>
#include <hilo/timer.h>

#include "sched.h"

struct rq runqueues[NR_CPUS];

struct task_struct init_task = {
	.state = TASK_RUNNING,
	.pid = 0,
	.comm = "boot",
	.on_rq = true,
	.cpus_allowed = 1u << 0,	/* start_kernel and the tests stay on CPU 0 */
	.run_list = LIST_HEAD_INIT(init_task.run_list),
	.children = LIST_HEAD_INIT(init_task.children),
	.sibling = LIST_HEAD_INIT(init_task.sibling),
	.stack = boot_stack,
	.stack_size = BOOT_STACK_SIZE,
	.tasks = LIST_HEAD_INIT(task_list),
};

/* The boot task is on the list from the start, so a panic can show it. */
struct list_head task_list = { &init_task.tasks, &init_task.tasks };
DEFINE_SPINLOCK(tasklist_lock);

struct percpu percpu[NR_CPUS] = {
	[0] = { .current_task = &init_task, .cpu = 0 },
};

/* The switch hooks: see the diagram above and hilo/sched.h. */
static void sched_switch_out(struct task_struct *prev)
{
	sched_hook_record(SCHED_HOOK_OUT, prev);
	kmap_local_sched_out(prev);
}

static void sched_switch_in(struct task_struct *next)
{
	kmap_local_sched_in(next);
	sched_hook_record(SCHED_HOOK_IN, next);
}

/* ---- the run queue ---- */

/* resched_curr - see kernel/sched.h: another CPU is told by IPI. */
void resched_curr(struct rq *rq)
{
	WRITE_ONCE(per_cpu(rq->cpu)->need_resched, true);
	if (rq->cpu != smp_processor_id())
		smp_send_reschedule(rq->cpu);
}

/* queue_add, queue_del - the queue and its count.  rq lock held. */
static void queue_add(struct rq *rq, struct task_struct *task)
{
	list_add_tail(&task->run_list, &rq->queue);
	WRITE_ONCE(rq->nr_queued, rq->nr_queued + 1);
}

static void queue_del(struct rq *rq, struct task_struct *task)
{
	list_del_init(&task->run_list);
	WRITE_ONCE(rq->nr_queued, rq->nr_queued - 1);
}

/* enqueue_task - see kernel/sched.h. */
void enqueue_task(struct rq *rq, struct task_struct *task)
{
	task->on_rq = true;
	queue_add(rq, task);
	if (task_running(rq, rq->idle))
		resched_curr(rq);
}

/* dequeue_task - see kernel/sched.h. */
void dequeue_task(struct rq *rq, struct task_struct *task)
{
	queue_del(rq, task);
}

static unsigned int sched_slice_ms = SCHED_SLICE_MS;

/* sched_set_slice_ms - see hilo/sched.h. */
void sched_set_slice_ms(unsigned int ms)
{
	WRITE_ONCE(sched_slice_ms, ms);
}

/* The slice in ticks: sched_slice_ms rounded up, at least one tick. */
static unsigned long slice_ticks(void)
{
	unsigned long ticks = msecs_to_jiffies(READ_ONCE(sched_slice_ms));

	return ticks ? ticks : 1;
}

/* pick_next_task - the queue's head with a fresh slice, else idle.  rq lock held. */
static struct task_struct *pick_next_task(struct rq *rq)
{
	struct task_struct *next;

	if (list_empty(&rq->queue))
		return rq->idle;
	next = list_first_entry(&rq->queue, struct task_struct, run_list);
	queue_del(rq, next);
	next->time_slice = slice_ticks();
	return next;
}

/* ---- switching ---- */

/*
 * finish_task_switch - the second half of every switch, on the incoming
 * task's stack: the switch-in hook, then the rq lock that __schedule()
 * took; now that prev's stack is out of use, prev is moved when it may not
 * stay on this CPU (rq->push_task); then interrupts go on and a task that
 * just exited is reaped.
 */
static void finish_task_switch(struct task_struct *prev)
{
	struct rq *rq = this_rq();
	bool prev_dead = prev->state == TASK_DEAD;
	struct task_struct *push = rq->push_task;

	rq->push_task = NULL;
	sched_switch_in(current);
	arch_spin_unlock(&rq->lock);
	if (push)
		move_task_off(push, rq->cpu);
	local_irq_enable();
	if (prev_dead)
		kthread_task_dead(prev);
}

/*
 * switch_address_space - next's page tables (the kernel's for a kernel
 * thread: no lazy TLB, so a process's user translations live only in the
 * TLB of the CPU running it, see mm/memory.c) and its stack for traps from
 * ring 3.
 */
static void switch_address_space(struct rq *rq, struct task_struct *next)
{
	switch_mm(next->mm);
	load_sp0(rq->cpu, (unsigned long)next->stack + next->stack_size);
}

/* context_switch - switch from prev to next.  rq lock held, interrupts off. */
static void context_switch(struct rq *rq, struct task_struct *prev,
			   struct task_struct *next)
{
	sched_switch_out(prev);
	switch_address_space(rq, next);
	rq->nr_switches++;
	this_cpu()->current_task = next;
	prev = switch_stack(&prev->sp, next->sp, prev);
	finish_task_switch(prev);
}

/*
 * __schedule - the one switching path.  preempt: the task did not choose
 * to stop (an interrupt or preempt_enable() took the CPU), so it stays
 * runnable whatever its state says.  The preempt count is exactly 1 (the
 * caller's).  Returns, when the task runs again, with interrupts on.
 */
static void __schedule(bool preempt)
{
	struct rq *rq = this_rq();
	struct task_struct *prev = current, *next;

	local_irq_disable();
	arch_spin_lock(&rq->lock);
	if (unlikely(preempt_count() != PREEMPT_OFFSET))
		panic("__schedule: preempt_count %#x in task %s (pid %d), expected %#x",
		      preempt_count(), prev->comm, prev->pid, PREEMPT_OFFSET);
	WRITE_ONCE(this_cpu()->need_resched, false);

	/*
	 * A task that may not stay here (set_cpus_allowed, migrate_enable)
	 * is not requeued: finish_task_switch() moves it once its stack is
	 * out of use, so no other CPU can run it before.  Until then it is
	 * in transit: ->on_rq, on no queue, ->cpu still this CPU.
	 */
	if (prev != rq->idle && task_must_move(prev, rq->cpu))
		rq->push_task = prev;
	if (!preempt && prev->state != TASK_RUNNING)
		prev->on_rq = false;		/* it sleeps (or is dead) */
	else if (prev != rq->idle && rq->push_task != prev)
		queue_add(rq, prev);

	next = pick_next_task(rq);
	if (next == prev) {
		arch_spin_unlock(&rq->lock);
		local_irq_enable();
		return;
	}
	if (preempt)
		prev->nivcsw++;
	else
		prev->nvcsw++;
	context_switch(rq, prev, next);
}

/* schedule_tail - a new task's first code: finish the switch that started it. */
void schedule_tail(struct task_struct *prev)
{
	finish_task_switch(prev);
	preempt_enable();
}

/*
 * schedule_loop - switch away (preempt: involuntarily) until no switch is
 * asked for any more.  Called with the count at 0; __schedule() runs with
 * it at 1.
 */
static void schedule_loop(bool preempt)
{
	do {
		preempt_disable();
		__schedule(preempt);
		preempt_enable_no_resched();
	} while (need_resched());
}

/* schedule - see hilo/sched.h. */
void schedule(void)
{
	struct task_struct *task = current;

	if (unlikely(preempt_count() || irqs_disabled()))
		panic("schedule: scheduling while atomic: preempt_count %#x, interrupts %s, task %s (pid %d)",
		      preempt_count(), irqs_disabled() ? "off" : "on", task->comm, task->pid);
	schedule_loop(false);
}

/* yield - see hilo/sched.h. */
void yield(void)
{
	might_sleep();
	set_current_state(TASK_RUNNING);
	schedule();
}

/* preempt_schedule - see hilo/preempt.h. */
void preempt_schedule(void)
{
	if (!preemptible())
		return;
	schedule_loop(true);
}

/* preempt_schedule_irq - see hilo/sched.h. */
void preempt_schedule_irq(void)
{
	if (preempt_count() || !irqs_disabled())
		panic("preempt_schedule_irq: preempt_count %#x, interrupts %s: not from an interrupt return",
		      preempt_count(), irqs_disabled() ? "off" : "on");
	do {
		preempt_disable();
		__schedule(true);
		local_irq_disable();
		preempt_enable_no_resched();
	} while (need_resched());
}

/* irqentry_exit_cond_resched - see hilo/sched.h. */
void irqentry_exit_cond_resched(struct pt_regs *regs)
{
	if (!(regs->eflags & X86_EFLAGS_IF))
		return;			/* the interrupted code had interrupts off */
	if (preempt_count() || !need_resched())
		return;
	preempt_schedule_irq();
}

/*
 * do_task_dead - the current task's last switch: state TASK_DEAD with
 * preemption off, so that no preemption can see the state before this
 * switch does.  finish_task_switch() in the next task reaps it.
 */
void __noreturn do_task_dead(void)
{
	preempt_disable();
	set_current_state(TASK_DEAD);
	__schedule(false);
	panic("do_task_dead: dead task %s (pid %d) ran again", current->comm, current->pid);
}

/* ---- waking, starting, ticking ---- */

/* wake_up_process - see hilo/sched.h. */
bool wake_up_process(struct task_struct *task)
{
	unsigned long flags;
	struct rq *rq;
	bool woken = false;

	/*
	 * A sleeper is woken on its own CPU's queue: while it still switches
	 * out there, that rq's lock is held, so it cannot run before the
	 * switch is over.  A task with a sleeping state that is still on a
	 * queue (->on_rq) only needs its state.
	 */
	preempt_disable();
	flags = arch_local_irq_save();
	rq = task_rq_lock(task);
	if (task->state == TASK_UNINTERRUPTIBLE) {
		WRITE_ONCE(task->state, TASK_RUNNING);
		if (!task->on_rq)
			enqueue_task(rq, task);
		woken = true;
	}
	arch_spin_unlock(&rq->lock);
	arch_local_irq_restore(flags);
	preempt_enable();
	return woken;
}

/* task_rq_lock - see kernel/sched.h. */
struct rq *task_rq_lock(struct task_struct *task)
{
	for (;;) {
		unsigned int cpu = READ_ONCE(task->cpu);
		struct rq *rq = cpu_rq(cpu);

		arch_spin_lock(&rq->lock);
		if (likely(task->cpu == cpu))
			return rq;
		arch_spin_unlock(&rq->lock);	/* it moved: its new rq */
	}
}

/* wake_up_new_task - see kernel/sched.h. */
bool wake_up_new_task(struct task_struct *task)
{
	unsigned int cpu = select_task_cpu(task->cpus_allowed, task->cpu);
	struct rq *rq;
	unsigned long flags;
	bool is_new;

	if (cpu == NO_CPU)
		panic("kthread_start: task %s (pid %d) may run on CPUs %#x, none online",
		      task->comm, task->pid, task->cpus_allowed);
	rq = cpu_rq(cpu);
	spin_lock_irqsave(&rq->lock, flags);
	is_new = task->state == TASK_NEW;
	if (is_new) {
		task->cpu = cpu;	/* not on any queue: nobody else moves it */
		WRITE_ONCE(task->state, TASK_RUNNING);
		enqueue_task(rq, task);
	}
	spin_unlock_irqrestore(&rq->lock, flags);
	return is_new;
}

/* scheduler_tick - see hilo/sched.h. */
void scheduler_tick(void)
{
	struct rq *rq = this_rq();
	struct task_struct *task = current;

	spin_lock(&rq->lock);
	task->ticks++;
	if (list_empty(&rq->queue)) {
		task->time_slice = slice_ticks();
	} else if (task == rq->idle || task->time_slice <= 1) {
		resched_curr(rq);
	} else {
		task->time_slice--;
	}
	spin_unlock(&rq->lock);
	if (task == rq->idle && !need_resched())
		idle_balance();
}

/* ---- boot ---- */

/* sched_init - see hilo/sched.h. */
void sched_init(void)
{
	struct task_struct *idle = sched_init_cpu(0);

	timer_init();
	pr_info("sched: round robin, slices of %lu ticks (%u ms at %u Hz); boot task pid %d, idle task pid %d\n",
		slice_ticks(), sched_slice_ms, timer_hz(),
		init_task.pid, idle->pid);
}
