/*
 * The scheduler's private header, shared by kernel/sched.c (the run
 * queues, switching, waking, the tick), kernel/sched_debug.c (the task
 * list, the switch counters, the switch-hook trace) and kernel/kthread.c.
 * Everything else uses hilo/sched.h and hilo/kthread.h.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <hilo/compiler.h>
#include <hilo/list.h>
#include <hilo/sched.h>
#include <hilo/smp.h>
#include <hilo/spinlock.h>

/*
 * A CPU's run queue.  Its lock guards the queue and the scheduling fields
 * of the tasks on it (see the locking note in kernel/sched.c).
 */
struct rq {
	spinlock_t lock;
	unsigned int cpu;
	struct list_head queue;		/* runnable tasks but the running one */
	unsigned int nr_queued;		/* the tasks on queue */
	struct task_struct *idle;	/* runs when the queue is empty */
	struct task_struct *push_task;	/* the task __schedule() switches away
					 * from to move it elsewhere: moved by
					 * finish_task_switch() (kernel/sched.c) */
	unsigned long nr_switches;
	unsigned long next_balance;	/* jiffies: idle_balance() waits till then */
} ____cacheline_aligned;

extern struct rq runqueues[NR_CPUS];

/* cpu_rq - CPU cpu's run queue.  Any context. */
static inline struct rq *cpu_rq(unsigned int cpu)
{
	return &runqueues[cpu];
}

/* this_rq - the run queue of the CPU running the caller. */
static inline struct rq *this_rq(void)
{
	return cpu_rq(smp_processor_id());
}

/* task_running - task is rq's CPU's current task.  rq lock held. */
static inline bool task_running(struct rq *rq, const struct task_struct *task)
{
	return per_cpu(rq->cpu)->current_task == task;
}

/*
 * rq_load - the runnable tasks of rq: queued, plus the running one unless
 * it is the idle task.  A racy estimate without the rq lock, exact with it.
 */
static inline unsigned int rq_load(struct rq *rq)
{
	return READ_ONCE(rq->nr_queued) +
	       (READ_ONCE(per_cpu(rq->cpu)->current_task) != rq->idle);
}

/* ---- between kernel/sched.c and kernel/sched_balance.c ---- */

#define NO_CPU NR_CPUS

/*
 * enqueue_task - queue a runnable task at the back of rq (->on_rq); an
 * idle CPU is told to switch to it.  dequeue_task - take a queued task
 * off rq (->on_rq stays set: the caller queues it elsewhere).  rq lock
 * held.
 */
void enqueue_task(struct rq *rq, struct task_struct *task);
void dequeue_task(struct rq *rq, struct task_struct *task);

/* resched_curr - make rq's CPU switch at its next chance.  rq lock held. */
void resched_curr(struct rq *rq);

/*
 * task_must_move - task may not stay on cpu (not in its cpus_allowed) and
 * may be moved (migration enabled, not an idle or dead task).  Its rq
 * lock held, or the task is current.
 */
static inline bool task_must_move(const struct task_struct *task, unsigned int cpu)
{
	return !(READ_ONCE(task->cpus_allowed) & (1u << cpu)) &&
	       !task->migration_disabled && !(task->flags & PF_IDLE) &&
	       task->state != TASK_DEAD;
}

/*
 * select_task_cpu - the least loaded online CPU of mask, prefer on a tie
 * (NO_CPU: the lowest numbered); NO_CPU when mask has no online CPU.
 * Racy loads: a placement hint.  Any context.
 */
unsigned int select_task_cpu(cpumask_t mask, unsigned int prefer);

/*
 * move_task_off - move task, which is not running, off CPU src to an
 * allowed CPU when it may not stay there: a queued task to the other
 * queue, a sleeping one by its ->cpu, a task in transit (->on_rq but on
 * no queue: see push_task) onto the new queue.  Takes both rq locks
 * itself and re-checks everything under them.  Interrupts off, no rq
 * lock held.
 */
void move_task_off(struct task_struct *task, unsigned int src);

/*
 * task_rq_lock - lock the rq of task->cpu, re-checking ->cpu under the
 * lock (it changes only with both rqs locked).  Interrupts off.
 */
struct rq *task_rq_lock(struct task_struct *task);

/*
 * idle_balance - called by an idle CPU: pull queued tasks from the
 * busiest other rq.  Returns true when it pulled some (need_resched is
 * set).  Interrupts on or off.
 */
bool idle_balance(void);

/* ---- between kernel/sched.c and kernel/kthread.c ---- */

/*
 * wake_up_new_task - make a TASK_NEW task runnable and queue it, under
 * its rq lock.  Returns false, changing nothing, when the task is not
 * new.  Any context.
 */
bool wake_up_new_task(struct task_struct *task);

/* do_task_dead - switch away from the current task for good (kthread_exit). */
void __noreturn do_task_dead(void);

/*
 * kthread_task_dead - called by the switch that left a dead thread, on
 * the next task's stack: the thread's stack is free, kthread_wait() (or
 * for a process, wait4) may reap it.  Preemption disabled.
 */
void kthread_task_dead(struct task_struct *dead);

/* ---- between kernel/kthread.c, kernel/fork.c and kernel/exit.c ---- */

/*
 * task_alloc - a zeroed TASK_NEW task from the pool with the next pid, on
 * the task list; NULL when the pool is exhausted.  task_free puts it back.
 * Not in interrupts.
 */
struct task_struct *task_alloc(void);
void task_free(struct task_struct *task);

/* Woken when a task has left its stack for good (kthread_task_dead). */
extern struct wait_queue_head task_exit_wq;

/*
 * forget_children - hand task's children (processes it spawned or
 * forked) to the reaper, which collects them as they exit; task is
 * exiting.  tasklist_lock held; wake task_exit_wq after (kernel/exit.c).
 */
void forget_children(struct task_struct *task);

/* ---- between kernel/sched.c and kernel/sched_debug.c ---- */

/*
 * sched_hook_record - append one switch-hook call to this CPU's trace
 * while a trace is on (sched_hook_trace_start, hilo/sched.h).  Called by
 * the switch hooks, interrupts off.
 */
void sched_hook_record(enum sched_hook hook, struct task_struct *task);

#endif
