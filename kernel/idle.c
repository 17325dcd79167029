/*
 * Each CPU's idle task: its run queue's set-up at boot (sched_init_cpu),
 * and the idle loop it runs when nothing else can (cpu_idle).  An AP
 * starts in cpu_idle directly, on its idle task's stack
 * (arch/x86/smpboot.c); the boot CPU's idle task is first switched to
 * like any thread.
 */
#include <asm/processor.h>
#include <hilo/kthread.h>
#include <hilo/panic.h>
#include <hilo/preempt.h>
#include <hilo/sched.h>
#include "sched.h"

/*
 * cpu_idle - the idle loop: run whatever is queued, else pull work from
 * the busiest other CPU (idle_balance, kernel/sched_balance.c), else halt
 * until an interrupt (each tick of an idle CPU balances again).
 * need_resched is tested with interrupts off and the halt is "sti; hlt", whose one-instruction interrupt shadow means a wake-up IPI
 * that arrives after the test still ends the halt.
 */
void cpu_idle(void)
{
	for (;;) {
		if (!need_resched())
			idle_balance();
		local_irq_disable();
		if (need_resched()) {
			local_irq_enable();
			schedule();
		} else {
			safe_halt();
		}
	}
}

static int idle_fn(void *unused)
{
	cpu_idle();
}

/* sched_init_cpu - see hilo/sched.h. */
struct task_struct *sched_init_cpu(unsigned int cpu)
{
	struct rq *rq = cpu_rq(cpu);
	struct task_struct *idle;

	spin_lock_init(&rq->lock);
	rq->cpu = cpu;
	INIT_LIST_HEAD(&rq->queue);
	idle = kthread_create(idle_fn, NULL, "idle/%u", cpu);
	if (!idle)
		panic("sched_init_cpu: no memory for CPU %u's idle task", cpu);
	idle->flags |= PF_IDLE;
	idle->state = TASK_RUNNING;
	idle->on_rq = true;
	idle->cpu = cpu;
	idle->cpus_allowed = 1u << cpu;
	rq->idle = idle;
	return idle;
}

