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
	struct task_struct *idle;	/* runs when the queue is empty */
	unsigned long nr_switches;
};

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
 * the next task's stack: the thread's stack is free, kthread_wait() may
 * reap it.  Preemption disabled.
 */
void kthread_task_dead(struct task_struct *dead);

/* ---- between kernel/sched.c and kernel/sched_debug.c ---- */

/*
 * sched_hook_record - append one switch-hook call to this CPU's trace
 * while a trace is on (sched_hook_trace_start, hilo/sched.h).  Called by
 * the switch hooks, interrupts off.
 */
void sched_hook_record(enum sched_hook hook, struct task_struct *task);

#endif
