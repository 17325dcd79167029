/*
 * Scheduler introspection: the task list printed by sched_show_tasks()
 * and the panic report, the switch counters, the state names, and the
 * switch-hook trace the tests read (see hilo/sched.h).  The run queues
 * themselves are in kernel/sched.c.
 */
#include <asm/processor.h>
#include <hilo/compiler.h>
#include <hilo/list.h>
#include <hilo/percpu.h>
#include <hilo/printk.h>
#include <hilo/sched.h>
#include <hilo/spinlock.h>

#include "sched.h"

/* The switch-hook trace for tests (hilo/sched.h). */
struct sched_hook_trace {
	struct sched_hook_event *log;
	unsigned int size, count;
	bool on;
};

static struct sched_hook_trace hook_traces[NR_CPUS];

/* sched_hook_record - see kernel/sched.h. */
void sched_hook_record(enum sched_hook hook, struct task_struct *task)
{
	struct sched_hook_trace *tr = &hook_traces[smp_processor_id()];

	if (!tr->on)
		return;
	if (tr->count < tr->size)
		tr->log[tr->count] = (struct sched_hook_event){
			hook, task, task->state, (unsigned long)__builtin_frame_address(0),
		};
	tr->count++;
}

/* sched_hook_trace_start - see hilo/sched.h. */
void sched_hook_trace_start(struct sched_hook_event *log, unsigned int size)
{
	struct sched_hook_trace *tr = &hook_traces[smp_processor_id()];
	unsigned long flags = arch_local_irq_save();

	*tr = (struct sched_hook_trace){ .log = log, .size = size, .on = true };
	arch_local_irq_restore(flags);
}

/* sched_hook_trace_stop - see hilo/sched.h. */
unsigned int sched_hook_trace_stop(void)
{
	struct sched_hook_trace *tr = &hook_traces[smp_processor_id()];
	unsigned long flags = arch_local_irq_save();
	unsigned int count = tr->count;

	tr->on = false;
	arch_local_irq_restore(flags);
	return count;
}

/* nr_context_switches - see hilo/sched.h. */
unsigned long nr_context_switches(void)
{
	unsigned long sum = 0;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		sum += READ_ONCE(cpu_rq(cpu)->nr_switches);
	return sum;
}

/* nr_context_switches_cpu - see hilo/sched.h. */
unsigned long nr_context_switches_cpu(unsigned int cpu)
{
	return READ_ONCE(cpu_rq(cpu)->nr_switches);
}

/* task_state_name - see hilo/sched.h. */
const char *task_state_name(unsigned int state)
{
	switch (state) {
	case TASK_RUNNING:
		return "running";
	case TASK_UNINTERRUPTIBLE:
		return "sleeping";
	case TASK_NEW:
		return "new";
	case TASK_DEAD:
		return "dead";
	default:
		return "?";
	}
}

/* show_task - one line of the task list; '*' marks a CPU's running task. */
static void show_task(const struct task_struct *task)
{
	unsigned long base = (unsigned long)task->stack;

	printk(KERN_EMERG "%c%4d %-15s %-8s %3u %8lu %8lu %10lu  %08lx-%08lx\n",
	       per_cpu(task->cpu)->current_task == task ? '*' : ' ',
	       task->pid, task->comm, task_state_name(task->state), task->cpu,
	       task->nvcsw, task->nivcsw, task->ticks, base, base + task->stack_size);
}

/* show_tasks - the task list, header first.  The caller handles locking. */
static void show_tasks(void)
{
	const struct task_struct *task;

	printk(KERN_EMERG "  PID NAME            STATE    CPU  VOLSWCH INVOLSWCH     TICKS  STACK\n");
	list_for_each_entry(task, &task_list, tasks)
		show_task(task);
}

/* sched_show_tasks - see hilo/sched.h. */
void sched_show_tasks(void)
{
	unsigned long flags;

	spin_lock_irqsave(&tasklist_lock, flags);
	show_tasks();
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

/*
 * panic_show_tasks - the panic report's task list (overrides the weak
 * hook in kernel/panic.c).  No lock: the panicking code may hold it.
 */
void panic_show_tasks(void)
{
	show_tasks();
}
