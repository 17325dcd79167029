/*
 * The register frame every trap and interrupt entry saves
 * (arch/x86/entry.asm), lowest address first.  The CPU pushes eip, cs,
 * eflags (and an error code for some exceptions; the entry stubs push a
 * dummy 0 for the others); the common entry pushes the rest.  A trap from
 * user mode (ring 3) also has the user's esp and ss, pushed by the CPU
 * first, on the kernel stack the TSS names (esp0: the top of the task's
 * stack, so a user frame is always task_pt_regs(current)).  A trap from
 * ring 0 has no esp/ss: the last two fields are not part of its frame and
 * the interrupted stack pointer is the address just above eflags
 * (pt_regs_sp()).
 */
#ifndef ASM_PTRACE_H
#define ASM_PTRACE_H

#include <hilo/types.h>

struct pt_regs {
	u32 gs, fs, es, ds;
	u32 edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax;	/* pusha */
	u32 vector, error_code;
	u32 eip, cs, eflags;					/* by the CPU */
	u32 esp, ss;			/* by the CPU, from user mode only */
};

/* user_mode - the frame was saved on the way in from ring 3. */
static inline bool user_mode(const struct pt_regs *regs)
{
	return (regs->cs & 3) == 3;
}

/*
 * The stack pointer of the interrupted code (ring 0: no esp in frame):
 * just above eflags.  Computed from the esp pushad saved (which pointed
 * at vector), not from the frame's own address, so that it is also right
 * for a frame built elsewhere (the double fault's, from the TSS).
 */
#define PT_REGS_SP_OFFSET (offsetof(struct pt_regs, esp) - offsetof(struct pt_regs, vector))

static inline unsigned long pt_regs_sp(const struct pt_regs *regs)
{
	if (user_mode(regs))
		return regs->esp;
	return regs->esp_at_pusha + PT_REGS_SP_OFFSET;
}

/*
 * task_pt_regs - the user frame of a task: the top of its kernel stack,
 * where the CPU starts the frame of every trap from ring 3 (TSS esp0).
 * Every task's stack keeps the room free (kthread_initial_sp).
 */
#define task_pt_regs(task) \
	((struct pt_regs *)((char *)(task)->stack + (task)->stack_size) - 1)

/* Print the registers of a frame (arch/x86/traps.c). */
void show_regs(const struct pt_regs *regs);

#endif
