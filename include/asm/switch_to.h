/*
 * The register switch between two tasks (arch/x86/switch_to.asm).
 *
 * A switched-out task's stack holds, from its saved sp upward: edi, esi,
 * ebx, ebp (the registers the C ABI says a callee preserves) and the
 * address to resume at.  Everything else was saved by the C code that
 * called switch_stack(), or does not matter across a call.
 */
#ifndef ASM_SWITCH_TO_H
#define ASM_SWITCH_TO_H

#include <hilo/compiler.h>
#include <hilo/types.h>

struct task_struct;

/*
 * switch_stack - save the callee-saved registers on the current stack,
 * store its sp in *prev_sp, load next_sp and resume the task it belongs
 * to.  Returns (in the resumed task) the task it was switched from: prev
 * as passed by whichever task switched to this one.  Interrupts disabled.
 */
struct task_struct *switch_stack(unsigned long *prev_sp, unsigned long next_sp,
				 struct task_struct *prev);

/*
 * ret_from_fork - where a new task's first switch_stack() returns to:
 * calls schedule_tail(prev), then kthread_entry().  Never returns.
 */
void ret_from_fork(void);

/*
 * ret_from_fork_user - where a forked child's first switch_stack()
 * returns to: schedule_tail(prev), then back to user mode through the
 * pt_regs right above (kernel/fork.c).
 */
void ret_from_fork_user(void);

struct pt_regs;
/*
 * ret_to_user - leave the kernel through regs (task_pt_regs(current)),
 * dropping everything below it on the stack: execve's way into a new
 * program (kernel/exec.c).
 */
void __noreturn ret_to_user(struct pt_regs *regs);

/* The C functions ret_from_fork calls (kernel/sched.c, kernel/kthread.c). */
void schedule_tail(struct task_struct *prev);
void __noreturn kthread_entry(void);

/* The words switch_stack() pops from a task's stack: edi esi ebx ebp eip. */
struct switch_frame {
	unsigned long edi, esi, ebx, ebp;
	unsigned long ret;
};

#endif
