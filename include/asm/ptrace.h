/*
 * The register frame every trap and interrupt entry saves
 * (arch/x86/entry.asm), lowest address first.  The CPU pushes eip, cs,
 * eflags (and an error code for some exceptions; the entry stubs push a
 * dummy 0 for the others); the common entry pushes the rest.  Traps come
 * only from ring 0, so the CPU pushes no esp/ss: the interrupted stack
 * pointer is the address just above this frame (pt_regs_sp()).
 */
#ifndef ASM_PTRACE_H
#define ASM_PTRACE_H

#include <hilo/types.h>

struct pt_regs {
	u32 gs, fs, es, ds;
	u32 edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax;	/* pusha */
	u32 vector, error_code;
	u32 eip, cs, eflags;					/* by the CPU */
};

/*
 * The stack pointer of the interrupted code (ring 0: no esp in frame):
 * just above eflags.  Computed from the esp pushad saved (which pointed
 * at vector), not from the frame's own address, so that it is also right
 * for a frame built elsewhere (the double fault's, from the TSS).
 */
#define PT_REGS_SP_OFFSET (sizeof(struct pt_regs) - offsetof(struct pt_regs, vector))

static inline unsigned long pt_regs_sp(const struct pt_regs *regs)
{
	return regs->esp_at_pusha + PT_REGS_SP_OFFSET;
}

/* Print the registers of a frame (arch/x86/traps.c). */
void show_regs(const struct pt_regs *regs);

#endif
