/*
 * fork(): a new process that is a copy of the calling one.
 *
 * The child gets its own task and kernel stack, a copy of the parent's
 * address space in which every page is shared copy-on-write (dup_mm,
 * mm/mm_struct.c), and at the top of its stack a copy of the parent's
 * user frame with eax = 0: its first switch_stack() returns into
 * ret_from_fork_user (arch/x86/entry.asm), which finishes the switch and
 * irets to the instruction after the parent's int $0x80.
 *
 *   child stack top:  struct pt_regs   the parent's, eax = 0
 *                     switch_frame     ret = ret_from_fork_user  <- child->sp
 */
#include <asm/ptrace.h>
#include <asm/switch_to.h>
#include <hilo/mm_user.h>
#include <hilo/panic.h>
#include <hilo/process.h>
#include <hilo/sched.h>
#include <hilo/smp.h>
#include <hilo/spinlock.h>
#include <hilo/string.h>
#include <hilo/vmalloc.h>
#include <uapi/hilo/errno.h>

#include "sched.h"

/*
 * copy_process - the child task of the current process, not started:
 * stack, address space, user frame, family links.  NULL with *err set
 * when the task pool (-EAGAIN) or memory (-ENOMEM) runs out.
 */
static struct task_struct *copy_process(struct pt_regs *regs, int *err)
{
	struct task_struct *parent = current, *child = task_alloc();
	struct switch_frame *frame;
	struct pt_regs *child_regs;
	unsigned long flags;

	*err = -EAGAIN;
	if (!child)
		return NULL;
	*err = -ENOMEM;
	child->stack = vmalloc(THREAD_SIZE, GFP_KERNEL);
	if (!child->stack)
		goto free_task;
	child->stack_size = THREAD_SIZE;
	child->mm = dup_mm(parent->mm);
	if (!child->mm)
		goto free_stack;

	memcpy(child->comm, parent->comm, sizeof(child->comm));
	child->cpu = smp_processor_id();
	child->cpus_allowed = parent->cpus_allowed;
	child->output = parent->output;
	if (child->output)
		__atomic_fetch_add(&child->output->users, 1, __ATOMIC_RELAXED);
	child_regs = task_pt_regs(child);
	*child_regs = *regs;
	child_regs->eax = 0;		/* fork() returns 0 in the child */
	frame = (struct switch_frame *)child_regs - 1;
	*frame = (struct switch_frame){ .ret = (unsigned long)ret_from_fork_user };
	child->sp = (unsigned long)frame;

	spin_lock_irqsave(&tasklist_lock, flags);
	child->parent = parent;
	list_add_tail(&child->sibling, &parent->children);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return child;

free_stack:
	vfree(child->stack);
free_task:
	task_free(child);
	return NULL;
}

/*
 * sys_fork - fork(): the child's pid in the parent, 0 in the child;
 * -EAGAIN when the task pool is full, -ENOMEM when memory is out.
 */
long sys_fork(struct pt_regs *regs)
{
	struct task_struct *child;
	int err, pid;

	child = copy_process(regs, &err);
	if (!child)
		return err;
	pid = child->pid;	/* the child may have exited by the time start returns */
	if (!wake_up_new_task(child))
		panic("sys_fork: child %s (pid %d) is not new", child->comm, pid);
	return pid;
}
