/*
 * Page faults on user addresses, and the end of a process that faults.
 *
 * do_user_addr_fault() sees every page fault first (arch/x86/traps.c):
 *
 *   user mode, or a uaccess instruction (exception table) in kernel mode,
 *   on a user address of a task with an mm, page faults allowed,
 *   interrupts on where it faulted:
 *       handle_mm_fault (mm/memory.c): demand-zero, copy-on-write
 *       then, if that failed: kernel mode resumes at its fixup (-EFAULT);
 *       user mode: the process is killed, named, the kernel goes on
 *   kernel mode with page faults disabled, in an interrupt, or in a
 *   kernel thread: the fixup if the instruction has one
 *   anything else: not ours; traps.c reports it and panics (an oops)
 *
 * The fault path runs with interrupts on when the faulting code had them
 * on: it takes a sleeping lock and may be preempted like any task code
 * (a kmap_local section that faults stays pinned to its CPU, not atomic).
 */
#include <asm/extable.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/traps.h>
#include <hilo/mm_user.h>
#include <hilo/preempt.h>
#include <hilo/printk.h>
#include <hilo/process.h>
#include <hilo/sched.h>
#include <uapi/hilo/abi.h>

/* pf_access - "read", "write" or "instruction fetch", from the error code. */
static const char *pf_access(u32 err)
{
	return (err & X86_PF_INSTR) ? "instruction fetch" :
	       (err & X86_PF_WRITE) ? "write" : "read";
}

/* user_fault_kill - see hilo/process.h. */
void __noreturn user_fault_kill(const struct pt_regs *regs, int sig, const char *what,
				unsigned long addr, const char *reason)
{
	struct task_struct *task = current;

	pr_err("segfault: pid %d (%s): %s at 0x%08lx (%s), ip 0x%08x sp 0x%08x: killed (signal %d)\n",
	       task->pid, task->comm, what, addr, reason, regs->eip, regs->esp, sig);
	local_irq_enable();
	do_exit(sig & 0x7F);
}

/*
 * fault_allowed - may this kernel-mode fault on a user address run the
 * fault path?  Only a uaccess instruction (one with an exception-table
 * entry) of a task with an mm may page in: a stray kernel pointer into
 * user space, or a kernel jump to a user address, is an oops, not a page
 * of the process quietly read, written or run.  And the path takes a
 * sleeping lock: not with page faults disabled, in atomic context, or
 * where the faulting code had interrupts off.
 */
static bool fault_allowed(const struct pt_regs *regs)
{
	return current->mm && !pagefault_disabled() && !in_atomic() &&
	       (regs->eflags & X86_EFLAGS_IF) && !(regs->error_code & X86_PF_INSTR) &&
	       search_exception_table(regs->eip);
}

/* do_user_addr_fault - see asm/traps.h. */
bool do_user_addr_fault(struct pt_regs *regs, unsigned long addr)
{
	u32 err = regs->error_code;
	enum fault_result r;

	if (addr >= TASK_SIZE) {
		if (user_mode(regs))
			user_fault_kill(regs, SIGSEGV, pf_access(err), addr,
					"kernel address");
		return false;
	}
	if (err & X86_PF_RSVD)
		return false;		/* a broken user page table: an oops */
	if (!user_mode(regs) && !fault_allowed(regs))
		return fixup_exception(regs);

	if (regs->eflags & X86_EFLAGS_IF)
		local_irq_enable();
	r = handle_mm_fault(current->mm, addr, err);
	if (r != FAULT_OK) {
		if (user_mode(regs))
			user_fault_kill(regs, r == FAULT_OOM ? SIGKILL : SIGSEGV,
					pf_access(err), addr, fault_result_name(r));
		if (!fixup_exception(regs)) {
			local_irq_disable();
			return false;
		}
	}
	local_irq_disable();	/* the trap's way out expects them off */
	return true;
}
