/*
 * Per-CPU data: one struct percpu per CPU, in an array indexed by CPU
 * number, reached by the running CPU through %fs (asm/percpu.h explains
 * why that is safe without disabling anything).  Subsystems with more
 * state keep their own arrays indexed the same way (the run queues,
 * struct rq in kernel/sched.h, the timer bases in kernel/timer.c).
 *
 * A task may move to another CPU whenever it can be preempted and its
 * migrate_disable() depth is 0, so a pointer from this_cpu() is only
 * stable while preemption (or interrupts, or migration) is disabled.  The
 * single-instruction accessors (current, smp_processor_id(), the preempt
 * count) are correct in any context.
 */
#ifndef HILO_PERCPU_H
#define HILO_PERCPU_H

#include <asm/percpu.h>
#include <hilo/compiler.h>
#include <hilo/threads.h>
#include <hilo/types.h>

struct task_struct;

struct percpu {
	struct percpu *self;			/* &percpu[cpu]: this_cpu() */
	struct task_struct *current_task;	/* the task running on this CPU */
	int preempt_count;			/* see hilo/preempt.h; this CPU only */
	unsigned int cpu;			/* this entry's CPU number */
	bool need_resched;			/* reschedule at the next chance;
						 * other CPUs set it (IPI) */
	unsigned long kmap_local_maps;		/* kmap_local mappings made here
						 * (mm/kmap_local.c) */
	unsigned int kmap_irq_maps;		/* live kmap_local maps of hard- */
	unsigned int kmap_nmi_maps;		/* interrupt and NMI context */
} ____cacheline_aligned;

extern struct percpu percpu[NR_CPUS];

/* per_cpu - the per-CPU data of CPU cpu.  Any context. */
static inline struct percpu *per_cpu(unsigned int cpu)
{
	return &percpu[cpu];
}

/* this_cpu - the per-CPU data of the CPU running the caller (see above). */
static inline struct percpu *this_cpu(void)
{
	return this_cpu_read(self);
}

/*
 * current - the task running on this CPU.  Set from the first instruction
 * of start_kernel (the boot task) and start_secondary (an AP's idle task),
 * so never NULL.
 */
#define current (this_cpu_read(current_task))

#endif
