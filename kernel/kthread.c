/*
 * Kernel threads: create, start, exit, wait (see hilo/kthread.h).
 *
 * A thread's task_struct comes from a fixed pool (there is no general
 * allocator, and a fault report must be able to read every task without
 * one); its stack is THREAD_SIZE bytes of vmalloc, so the unmapped guard
 * page below it turns an overflow into a fault that names the thread.
 *
 * A new thread's stack holds only a switch_frame whose return address is
 * ret_from_fork: the first switch to it "returns" there, finishes the
 * switch (schedule_tail) and calls kthread_entry(), which runs fn(arg)
 * and exits with its value.
 *
 * Exit: kthread_exit() marks the task TASK_DEAD and switches away for
 * good; the switch's second half (on the next task's stack, where the
 * dead stack is no longer in use) calls kthread_task_dead(), which wakes
 * the waiters; kthread_wait() then frees the stack and the task.
 */
#include <asm/layout.h>
#include <asm/ptrace.h>
#include <asm/switch_to.h>
#include <hilo/highmem.h>
#include <hilo/kthread.h>
#include <hilo/list.h>
#include <hilo/panic.h>
#include <hilo/preempt.h>
#include <hilo/printk.h>
#include <hilo/sched.h>
#include <hilo/spinlock.h>
#include <hilo/string.h>
#include <hilo/vmalloc.h>
#include <hilo/wait.h>

#include "sched.h"

static struct task_struct task_pool[NR_TASKS_MAX];
static bool task_pool_used[NR_TASKS_MAX];	/* under tasklist_lock */
static int next_pid = 1;			/* under tasklist_lock */

/* Tasks that exited; kthread_wait() and wait4 sleep here. */
DECLARE_WAIT_QUEUE_HEAD(task_exit_wq);

/* task_alloc - see kernel/sched.h. */
struct task_struct *task_alloc(void)
{
	struct task_struct *task = NULL;
	unsigned long flags;

	spin_lock_irqsave(&tasklist_lock, flags);
	for (unsigned int i = 0; i < NR_TASKS_MAX; i++) {
		if (task_pool_used[i])
			continue;
		task_pool_used[i] = true;
		task = &task_pool[i];
		memset(task, 0, sizeof(*task));
		task->pid = next_pid++;
		task->state = TASK_NEW;
		INIT_LIST_HEAD(&task->run_list);
		INIT_LIST_HEAD(&task->children);
		INIT_LIST_HEAD(&task->sibling);
		list_add_tail(&task->tasks, &task_list);
		break;
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return task;
}

/* task_free - see kernel/sched.h: off the task list, back to the pool, poisoned. */
void task_free(struct task_struct *task)
{
	unsigned long flags;

	spin_lock_irqsave(&tasklist_lock, flags);
	list_del_init(&task->tasks);
	task->flags = 0;		/* a stale pointer is "not a kernel thread" */
	task->state = TASK_DEAD;
	task_pool_used[task - task_pool] = false;
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

/*
 * kthread_initial_sp - build the frame the first switch to task pops:
 * zeroed registers (ebp 0 ends backtraces) and ret_from_fork.  It sits
 * below the room of the user frame (task_pt_regs), which a thread that
 * becomes a process (execve) fills, at a 16-byte boundary: ret_from_fork
 * starts on an aligned stack.
 */
static unsigned long kthread_initial_sp(struct task_struct *task)
{
	struct switch_frame *frame =
		(struct switch_frame *)((unsigned long)task_pt_regs(task) & ~15UL) - 1;

	*frame = (struct switch_frame){ .ret = (unsigned long)ret_from_fork };
	return (unsigned long)frame;
}

/* kthread_create - see hilo/kthread.h. */
struct task_struct *kthread_create(int (*fn)(void *), void *arg, const char *namefmt, ...)
{
	struct task_struct *task;
	va_list ap;

	if (in_interrupt())
		panic("kthread_create: called in interrupt context (preempt_count %#x)",
		      preempt_count());
	task = task_alloc();
	if (!task)
		return NULL;
	task->stack = vmalloc(THREAD_SIZE, GFP_KERNEL);
	if (!task->stack) {
		task_free(task);
		return NULL;
	}
	va_start(ap, namefmt);
	vsnprintf(task->comm, sizeof(task->comm), namefmt, ap);
	va_end(ap);
	task->stack_size = THREAD_SIZE;
	task->fn = fn;
	task->arg = arg;
	task->flags = PF_KTHREAD;
	task->cpu = smp_processor_id();
	task->cpus_allowed = CPU_MASK_ALL;
	task->sp = kthread_initial_sp(task);
	return task;
}

/* kthread_bind - see hilo/kthread.h. */
void kthread_bind(struct task_struct *task, unsigned int cpu)
{
	if (task->state != TASK_NEW)
		panic("kthread_bind: task %s (pid %d) is %s, not new",
		      task->comm, task->pid, task_state_name(task->state));
	if (!cpu_online(cpu))
		panic("kthread_bind: CPU %u is not online (task %s, pid %d)",
		      cpu, task->comm, task->pid);
	task->cpu = cpu;
	task->cpus_allowed = 1u << cpu;
}

/* kthread_start - see hilo/kthread.h. */
void kthread_start(struct task_struct *task)
{
	if (!wake_up_new_task(task))
		panic("kthread_start: task %s (pid %d) is %s, not new",
		      task->comm, task->pid, task_state_name(task->state));
}

/* kthread_entry - see asm/switch_to.h: a thread's first C frame. */
void kthread_entry(void)
{
	struct task_struct *self = current;

	kthread_exit(self->fn(self->arg));
}

/* is_kthread - made by kthread_create, and not an idle task. */
static bool is_kthread(const struct task_struct *task)
{
	return (task->flags & (PF_KTHREAD | PF_IDLE)) == PF_KTHREAD;
}

/* kthread_exit - see hilo/kthread.h. */
void kthread_exit(int code)
{
	struct task_struct *self = current;

	if (!is_kthread(self))
		panic("kthread_exit: task %s (pid %d) is not a kernel thread",
		      self->comm, self->pid);
	might_sleep();
	if (self->mm)
		panic("kthread_exit: task %s (pid %d) exits with an address space: unuse_mm() first",
		      self->comm, self->pid);
	kmap_local_task_exit(self);	/* warns and clears leftover local maps */
	if (!list_empty(&self->children)) {	/* processes it started: to the reaper */
		unsigned long flags;

		spin_lock_irqsave(&tasklist_lock, flags);
		forget_children(self);
		spin_unlock_irqrestore(&tasklist_lock, flags);
		wake_up_all(&task_exit_wq);
	}
	self->exit_code = code;
	do_task_dead();
}

/* kthread_task_dead - see kernel/sched.h. */
void kthread_task_dead(struct task_struct *dead)
{
	__atomic_store_n(&dead->stack_released, true, __ATOMIC_RELEASE);
	wake_up_all(&task_exit_wq);
}

/* kthread_claim - make the caller task's one waiter, or panic saying why not. */
static void kthread_claim(struct task_struct *task)
{
	unsigned long flags;
	bool taken;

	if (!is_kthread(task))
		panic("kthread_wait: task %p (%s, pid %d) is not a kernel thread",
		      task, task->comm, task->pid);
	if (task == current)
		panic("kthread_wait: task %s (pid %d) would wait for itself",
		      task->comm, task->pid);
	if (task->state == TASK_NEW)
		panic("kthread_wait: task %s (pid %d) was never started: it would never exit",
		      task->comm, task->pid);
	spin_lock_irqsave(&tasklist_lock, flags);
	taken = task->waited;
	task->waited = true;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (taken)
		panic("kthread_wait: task %s (pid %d) already has a waiter",
		      task->comm, task->pid);
}

/* kthread_wait - see hilo/kthread.h. */
int kthread_wait(struct task_struct *task)
{
	int code;

	might_sleep();
	kthread_claim(task);
	wait_event(task_exit_wq,
		   __atomic_load_n(&task->stack_released, __ATOMIC_ACQUIRE));
	code = task->exit_code;
	vfree(task->stack);
	task_free(task);
	return code;
}

/* task_stack_holds - addr is in task's stack or the guard page below it. */
static bool task_stack_holds(const struct task_struct *task, unsigned long addr)
{
	unsigned long base = (unsigned long)task->stack;

	return task->stack && addr >= base - PAGE_SIZE &&
	       addr < base + task->stack_size;
}

/* task_of_stack - see hilo/sched.h.  Walks the pool, not the list: no lock. */
struct task_struct *task_of_stack(unsigned long addr)
{
	if (task_stack_holds(&init_task, addr))
		return &init_task;
	for (unsigned int i = 0; i < NR_TASKS_MAX; i++)
		if (READ_ONCE(task_pool_used[i]) && task_stack_holds(&task_pool[i], addr))
			return &task_pool[i];
	return NULL;
}
