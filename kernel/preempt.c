/*
 * The out-of-line half of hilo/preempt.h: the preempt count's underflow
 * report, might_sleep()'s check, and the per-task pagefault_disable()
 * depth.  The switching that preempt_enable() can trigger
 * (preempt_schedule) is in kernel/sched.c.
 */
#include <hilo/compiler.h>
#include <hilo/ksyms.h>
#include <hilo/panic.h>
#include <hilo/percpu.h>
#include <hilo/preempt.h>
#include <hilo/sched.h>

/* preempt_count_underflow - see hilo/preempt.h. */
void preempt_count_underflow(int count, int val)
{
	panic("preempt_count_sub: preempt_count %#x minus %#x goes below 0 in task %s (pid %d): unbalanced preempt_enable, spin_unlock or irq_exit",
	      count, val, current->comm, current->pid);
}

/* __might_sleep - see hilo/preempt.h. */
void __might_sleep(const char *file, int line, const char *func, unsigned long caller)
{
	unsigned long off = 0, size = 0;
	const char *context, *caller_name;

	if (in_interrupt())
		context = "in interrupt context";
	else if (preempt_count())
		context = "with preemption disabled";
	else if (irqs_disabled())
		context = "with interrupts disabled";
	else
		return;
	caller_name = ksyms_lookup(caller, &off, &size);
	panic("might_sleep: %s would sleep %s (at %s:%d, called from %s+%#lx/%#lx): preempt_count %#x, interrupts %s, task %s (pid %d)",
	      func, context, file, line, caller_name ? caller_name : "?", off, size,
	      preempt_count(), irqs_disabled() ? "off" : "on", current->comm,
	      current->pid);
}

/* pagefault_disable - see hilo/preempt.h. */
void pagefault_disable(void)
{
	current->pagefault_disabled++;
	barrier();
}

/* pagefault_enable - see hilo/preempt.h. */
void pagefault_enable(void)
{
	struct task_struct *task = current;

	barrier();
	if (task->pagefault_disabled <= 0)
		panic("pagefault_enable: task %s (pid %d) has pagefault_disabled %d: unbalanced",
		      task->comm, task->pid, task->pagefault_disabled);
	task->pagefault_disabled--;
}

/* pagefault_disabled - see hilo/preempt.h. */
int pagefault_disabled(void)
{
	return current->pagefault_disabled;
}
