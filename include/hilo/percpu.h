/*
 * Per-CPU data: one struct percpu per CPU, in an array indexed by CPU
 * number (docs/design.md section 4), so SMP needs no rewrite: only
 * smp_processor_id() changes.  Subsystems with more state keep their own
 * arrays indexed the same way (the run queues, struct rq in
 * kernel/sched.h, the timer bases in kernel/timer.c).
 *
 * A task may move to another CPU whenever it can be preempted, so a
 * pointer from this_cpu() is only stable while preemption (or interrupts)
 * are disabled.  With one CPU that is always true; code that reads its
 * own CPU's fields is written as if it were not.
 */
#ifndef HILO_PERCPU_H
#define HILO_PERCPU_H

#include <hilo/compiler.h>
#include <hilo/smp.h>
#include <hilo/types.h>

struct task_struct;

struct percpu {
	struct task_struct *current_task;	/* the task running on this CPU */
	int preempt_count;			/* see hilo/preempt.h */
	bool need_resched;			/* reschedule at the next chance */
	unsigned int cpu;			/* this entry's CPU number */
};

extern struct percpu percpu[NR_CPUS];

/* per_cpu - the per-CPU data of CPU cpu.  Any context. */
static inline struct percpu *per_cpu(unsigned int cpu)
{
	return &percpu[cpu];
}

/* this_cpu - the per-CPU data of the CPU running the caller. */
static inline struct percpu *this_cpu(void)
{
	return per_cpu(smp_processor_id());
}

/*
 * current - the task running on this CPU.  Set from the first instruction
 * of start_kernel (the boot task, kernel/sched.c), so never NULL.
 */
#define current (this_cpu()->current_task)

#endif
