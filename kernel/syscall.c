/*
 * System calls: the int $0x80 gate's C side and the table.
 *
 * Linux's i386 convention: the number in eax, up to six arguments in
 * ebx, ecx, edx, esi, edi, ebp, the result in eax (-4095..-1: -errno).
 * Every handler takes the user frame and reads its own arguments, so
 * fork and execve, which need the frame, look like the rest.  The frame
 * of a system call is always the top of the task's stack
 * (task_pt_regs): checked, since a wrong TSS esp0 would corrupt it.
 */
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/traps.h>
#include <hilo/panic.h>
#include <hilo/preempt.h>
#include <hilo/process.h>
#include <hilo/sched.h>
#include <hilo/syscalls.h>
#include <uapi/hilo/errno.h>
#include <uapi/hilo/unistd.h>

typedef long (*syscall_fn)(struct pt_regs *regs);

static const syscall_fn sys_call_table[NR_syscalls] = {
	[__NR_exit]          = sys_exit,
	[__NR_fork]          = sys_fork,
	[__NR_write]         = sys_write,
	[__NR_execve]        = sys_execve,
	[__NR_getpid]        = sys_getpid,
	[__NR_brk]           = sys_brk,
	[__NR_munmap]        = sys_munmap,
	[__NR_wait4]         = sys_wait4,
	[__NR_sched_yield]   = sys_sched_yield,
	[__NR_nanosleep]     = sys_nanosleep,
	[__NR_mmap2]         = sys_mmap2,
	[__NR_exit_group]    = sys_exit,
	[__NR_hilo_pageinfo] = sys_hilo_pageinfo,
	[__NR_hilo_vmstat]   = sys_hilo_vmstat,
};

/*
 * check_return_to_user - what must hold whenever the kernel returns to
 * ring 3: nothing held that belongs to kernel code (a preempt count, a
 * kmap_local map, a disabled migration or page fault).  A system call that
 * leaks one is a kernel bug named here, not in some later task.
 */
static void check_return_to_user(u32 nr)
{
	struct task_struct *task = current;

	if (preempt_count() || task->kmap_ctrl.idx || task->migration_disabled ||
	    task->pagefault_disabled)
		panic("do_syscall: system call %u of %s (pid %d) returns to user mode holding preempt_count %#x, %d kmap_local slots, migrate_disable %d, pagefault_disable %d",
		      nr, task->comm, task->pid, preempt_count(),
		      task->kmap_ctrl.idx, task->migration_disabled, task->pagefault_disabled);
}

/* do_syscall - see asm/traps.h. */
void do_syscall(struct pt_regs *regs)
{
	struct task_struct *task = current;
	u32 nr = regs->eax;
	long ret = -ENOSYS;

	if (!user_mode(regs))
		panic("do_syscall: int $0x80 from kernel mode at %08x", regs->eip);
	if (regs != task_pt_regs(task))
		panic("do_syscall: frame %p of %s (pid %d) is not at its stack top (%p): TSS esp0 is wrong",
		      regs, task->comm, task->pid, task_pt_regs(task));
	local_irq_enable();
	if (nr < NR_syscalls && sys_call_table[nr])
		ret = sys_call_table[nr](regs);
	regs->eax = (u32)ret;
	check_return_to_user(nr);
	local_irq_disable();
}
