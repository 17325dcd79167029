/*
 * Preemption and the context a piece of code runs in, as in Linux.
 *
 * Each CPU has one preempt_count (hilo/percpu.h).  Its fields:
 *
 *   bits  0..7   preemption disabled: preempt_disable() nesting (spinlocks)
 *   bits 16..19  hard interrupt nesting: irq_enter() .. irq_exit()
 *   bits 20..23  NMI nesting
 *
 * A task may be preempted, on return from an interrupt or at the
 * preempt_enable() that brings the count to 0, only when the whole count
 * is 0 and interrupts are enabled.  Every task switch happens with the
 * count at exactly 1 (schedule() holds it), which is why the count can be
 * per CPU rather than per task: the switched-in task finds the value it
 * left.
 *
 * Sleeping (schedule() with a non-running state: wait_event, msleep,
 * mutex_lock, kthread_wait) is allowed only in task context with the
 * count at 0 and interrupts enabled; might_sleep() at the top of every
 * function that can sleep panics otherwise, naming the caller.
 */
#ifndef HILO_PREEMPT_H
#define HILO_PREEMPT_H

#include <asm/processor.h>
#include <hilo/compiler.h>
#include <hilo/percpu.h>

#define PREEMPT_OFFSET  0x00000001
#define PREEMPT_MASK    0x000000ff
#define HARDIRQ_OFFSET  0x00010000
#define HARDIRQ_MASK    0x000f0000
#define NMI_OFFSET      0x00100000
#define NMI_MASK        0x00f00000

/* preempt_count - this CPU's count.  Any context. */
static inline int preempt_count(void)
{
	return this_cpu_read(preempt_count);
}

/* Out of line (kernel/preempt.c): the count would go below 0.  Panics. */
void __noreturn preempt_count_underflow(int count, int val);

/*
 * The count is changed in one instruction (this_cpu_add), so a task that
 * is preempted and migrated right before preempt_disable() increments the
 * new CPU's count, never a stale one.  preempt_count_sub() reads, checks
 * and subtracts in three steps: safe, since the count is at least val
 * throughout, so the task cannot be switched away in between.
 */
static inline void preempt_count_add(int val)
{
	this_cpu_add(preempt_count, val);
	barrier();
}

static inline void preempt_count_sub(int val)
{
	int count;

	barrier();
	count = this_cpu_read(preempt_count);
	if (unlikely(count < val))
		preempt_count_underflow(count, val);
	this_cpu_add(preempt_count, -val);
}

/* need_resched - the scheduler asked this CPU to switch tasks. */
static inline bool need_resched(void)
{
	return this_cpu_read(need_resched);
}

/* irqs_disabled - interrupts are disabled on this CPU (EFLAGS.IF clear). */
static inline bool irqs_disabled(void)
{
	return !(read_eflags() & X86_EFLAGS_IF);
}

#define in_nmi()        (preempt_count() & NMI_MASK)
#define in_hardirq()    (preempt_count() & HARDIRQ_MASK)
/* in_interrupt - running an interrupt handler (hard IRQ or NMI). */
#define in_interrupt()  (preempt_count() & (HARDIRQ_MASK | NMI_MASK))
/* in_atomic - anything that forbids sleeping is counted: not preemptible. */
#define in_atomic()     (preempt_count() != 0)
/* preemptible - the scheduler may switch away from the caller right now. */
#define preemptible()   (preempt_count() == 0 && !irqs_disabled())

/*
 * preempt_schedule - switch tasks if the caller is preemptible; called by
 * preempt_enable() when the count reaches 0 with need_resched set.
 */
void preempt_schedule(void);

/* preempt_disable - the scheduler will not switch away until the matching enable. */
static inline void preempt_disable(void)
{
	preempt_count_add(PREEMPT_OFFSET);
}

/* preempt_enable_no_resched - re-enable without acting on need_resched. */
static inline void preempt_enable_no_resched(void)
{
	preempt_count_sub(PREEMPT_OFFSET);
}

/*
 * preempt_enable - undo one preempt_disable(); at 0, switch tasks now if
 * the scheduler asked for it meanwhile.  Unbalanced is a panic.
 */
static inline void preempt_enable(void)
{
	preempt_count_sub(PREEMPT_OFFSET);
	if (unlikely(preempt_count() == 0 && need_resched()))
		preempt_schedule();
}

/*
 * irq_enter / irq_exit - bracket a hardware interrupt handler (do_irq),
 * so that in_interrupt() is true inside it.  Interrupts disabled.
 */
static inline void irq_enter(void)
{
	preempt_count_add(HARDIRQ_OFFSET);
}

static inline void irq_exit(void)
{
	preempt_count_sub(HARDIRQ_OFFSET);
}

/*
 * nmi_enter / nmi_exit - bracket an NMI handler: in_nmi() and
 * in_interrupt() are true inside it, and its return never switches tasks.
 */
static inline void nmi_enter(void)
{
	preempt_count_add(NMI_OFFSET);
}

static inline void nmi_exit(void)
{
	preempt_count_sub(NMI_OFFSET);
}

/*
 * might_sleep - state that the calling function may sleep.  In interrupt
 * context, with preemption disabled or with interrupts disabled it
 * panics: "might_sleep: <function> would sleep in interrupt context (at
 * file:line, called from <caller>+off/size): ...", with the count, the
 * interrupt flag and the task.
 */
#define might_sleep() \
	__might_sleep(__FILE__, __LINE__, __func__, \
		      (unsigned long)__builtin_return_address(0))
void __might_sleep(const char *file, int line, const char *func,
		   unsigned long caller);

/*
 * pagefault_disable / pagefault_enable - per-task nesting count of regions
 * in which a page fault must not be handled (kmap_atomic); the page-fault
 * report shows it.  They do not disable preemption.  Unbalanced enable is
 * a panic.  Any context.
 */
void pagefault_disable(void);
void pagefault_enable(void);
/* pagefault_disabled - the current task's pagefault_disable() depth. */
int pagefault_disabled(void);

#endif
