/*
 * The end of a process: do_exit(), wait4(), and the reaper.
 *
 * do_exit() frees the address space at once (its pages may be wanted by
 * the next process), hands the children to the reaper, records the
 * status and leaves the task a zombie; its last switch (do_task_dead)
 * releases the stack and wakes task_exit_wq.  The parent's wait4() then
 * copies the status out and frees the stack and the task.  A status that
 * cannot be written (a bad pointer) is -EFAULT and the zombie stays, to
 * be collected by a later wait4.
 *
 * The reaper is a kernel thread started with the first process: it is the
 * parent of every orphan and collects them as they exit, as init does.
 */
#include <asm/ptrace.h>
#include <asm/uaccess.h>
#include <hilo/highmem.h>
#include <hilo/kthread.h>
#include <hilo/list.h>
#include <hilo/mm_user.h>
#include <hilo/mutex.h>
#include <hilo/panic.h>
#include <hilo/preempt.h>
#include <hilo/printk.h>
#include <hilo/process.h>
#include <hilo/sched.h>
#include <hilo/spinlock.h>
#include <hilo/vmalloc.h>
#include <hilo/wait.h>
#include <uapi/hilo/abi.h>
#include <uapi/hilo/errno.h>

#include "sched.h"

static struct task_struct *reaper;
static DEFINE_MUTEX(reaper_lock);

/*
 * exit_notify - children to the reaper, the status recorded, the task a
 * zombie, the parent told.
 */
static void exit_notify(struct task_struct *task, int status)
{
	struct task_struct *child, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&tasklist_lock, flags);
	list_for_each_entry_safe(child, tmp, &task->children, sibling) {
		child->parent = reaper;
		list_move_tail(&child->sibling, &reaper->children);
	}
	task->exit_code = status;
	task->zombie = true;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	wake_up_all(&task_exit_wq);
}

/* do_exit - see hilo/process.h. */
void do_exit(int status)
{
	struct task_struct *task = current;
	struct mm_struct *mm = task->mm;

	if (task->flags & (PF_KTHREAD | PF_IDLE) || !task->parent)
		panic("do_exit: task %s (pid %d) is not a process", task->comm, task->pid);
	if (task->flags & PF_EXITING)
		panic("do_exit: task %s (pid %d) is exiting already", task->comm, task->pid);
	might_sleep();
	task->flags |= PF_EXITING;
	kmap_local_task_exit(task);	/* warns and clears leftover local maps */
	if (mm) {
		unuse_mm();
		mm_free(mm);
	}
	if (task->output)	/* its last write is done: one holder fewer */
		__atomic_fetch_sub(&task->output->users, 1, __ATOMIC_RELEASE);
	exit_notify(task, status);
	do_task_dead();
}

/* user_output_wait - see hilo/process.h.  exit_notify() wakes task_exit_wq. */
void user_output_wait(struct user_output *out)
{
	wait_event(task_exit_wq, !__atomic_load_n(&out->users, __ATOMIC_ACQUIRE));
}

/*
 * pick_child - under tasklist_lock, a child of the current task that
 * matches pid (-1: any) and may be collected: a zombie whose stack is
 * released.  Returns 1 with *found set, 0 when matching children exist but
 * none is ready, -ECHILD when none matches.
 */
static int pick_child(int pid, struct task_struct **found)
{
	struct task_struct *child;
	unsigned long flags;
	int ret = -ECHILD;

	spin_lock_irqsave(&tasklist_lock, flags);
	list_for_each_entry(child, &current->children, sibling) {
		if (pid > 0 && child->pid != pid)
			continue;
		ret = 0;
		if (child->zombie &&
		    __atomic_load_n(&child->stack_released, __ATOMIC_ACQUIRE)) {
			*found = child;
			ret = 1;
			break;
		}
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

/* release_task - a collected zombie: off the family, its stack and task freed. */
static void release_task(struct task_struct *child)
{
	unsigned long flags;

	spin_lock_irqsave(&tasklist_lock, flags);
	list_del_init(&child->sibling);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	vfree(child->stack);
	task_free(child);
}

/*
 * do_wait4 - wait for a child as wait4(pid, status, options) does; report
 * writes the status where the caller wants it (0 or -EFAULT, in which case
 * the child is not collected).
 */
static int do_wait4(int pid, int options, int (*report)(int status, void *arg), void *arg)
{
	struct task_struct *child = NULL;
	int ret, cpid;

	might_sleep();
	if (pid == 0 || pid < -1 || (options & ~WNOHANG))
		return -EINVAL;
	if (options & WNOHANG)
		ret = pick_child(pid, &child);
	else
		wait_event(task_exit_wq, (ret = pick_child(pid, &child)) != 0);
	if (ret <= 0)
		return ret;
	ret = report(child->exit_code, arg);
	if (ret)
		return ret;
	cpid = child->pid;
	release_task(child);
	return cpid;
}

static int report_kernel(int status, void *arg)
{
	if (arg)
		*(int *)arg = status;
	return 0;
}

/* kernel_wait4 - see hilo/process.h. */
int kernel_wait4(int pid, int *status, int options)
{
	return do_wait4(pid, options, report_kernel, status);
}

static int report_user(int status, void *arg)
{
	return arg ? put_user(status, (int *)arg) : 0;
}

/*
 * sys_wait4 - wait4(pid, status, options, rusage): pid > 0 or -1, WNOHANG;
 * rusage is not filled in.  The status word as Linux's (hilo/abi.h).
 */
long sys_wait4(struct pt_regs *regs)
{
	return do_wait4((int)regs->ebx, (int)regs->edx, report_user, (void *)regs->ecx);
}

/* reaper_fn - collect every orphan as it exits. */
static int reaper_fn(void *unused)
{
	for (;;) {
		if (kernel_wait4(-1, NULL, 0) == -ECHILD)
			wait_event(task_exit_wq, !list_empty(&current->children));
	}
	return 0;
}

/*
 * start_reaper - start the reaper once, before the first process: an
 * exiting process must always have somewhere to send its children.
 * 0 or -EAGAIN.
 */
int start_reaper(void)
{
	int err = 0;

	mutex_lock(&reaper_lock);
	if (!reaper) {
		struct task_struct *task = kthread_create(reaper_fn, NULL, "reaper");

		if (task) {
			kthread_start(task);
			reaper = task;
		} else {
			err = -EAGAIN;
		}
	}
	mutex_unlock(&reaper_lock);
	return err;
}
