/*
 * Traps: the CPU's exceptions and how hilo reports them.
 *
 * Every vector enters through one stub in arch/x86/entry.asm, which saves
 * a struct pt_regs and calls do_trap().  Exceptions are fatal and end in
 * panic_regs() with a report named as Linux names them ("divide error",
 * "page fault", ...), except #BP (logged, then the run goes on) and NMI
 * (logged).  The double fault is not a normal trap: vector 8 is a task
 * gate, so it runs on its own stack even when the kernel stack is gone
 * (arch/x86/doublefault.c).  Hardware interrupts: asm/irq.h.
 */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <asm/desc.h>
#include <asm/irq.h>
#include <hilo/types.h>

struct pt_regs;

/* Exception vectors, with the mnemonics of the Intel SDM. */
enum x86_trap {
	X86_TRAP_DE = 0,	/* divide error */
	X86_TRAP_DB = 1,	/* debug */
	X86_TRAP_NMI = 2,	/* non-maskable interrupt */
	X86_TRAP_BP = 3,	/* breakpoint (int3) */
	X86_TRAP_OF = 4,	/* overflow (into) */
	X86_TRAP_BR = 5,	/* bound range exceeded */
	X86_TRAP_UD = 6,	/* invalid opcode */
	X86_TRAP_NM = 7,	/* device not available */
	X86_TRAP_DF = 8,	/* double fault */
	X86_TRAP_OLD_MF = 9,	/* coprocessor segment overrun */
	X86_TRAP_TS = 10,	/* invalid TSS */
	X86_TRAP_NP = 11,	/* segment not present */
	X86_TRAP_SS = 12,	/* stack segment fault */
	X86_TRAP_GP = 13,	/* general protection fault */
	X86_TRAP_PF = 14,	/* page fault */
	X86_TRAP_SPURIOUS = 15,	/* reserved */
	X86_TRAP_MF = 16,	/* x87 floating point error */
	X86_TRAP_AC = 17,	/* alignment check */
	X86_TRAP_MC = 18,	/* machine check */
	X86_TRAP_XF = 19,	/* SIMD floating point exception */
	X86_TRAP_VE = 20,	/* virtualization exception */
	X86_TRAP_CP = 21,	/* control protection exception */
	X86_TRAP_VC = 29,	/* VMM communication exception (AMD) */
	X86_TRAP_SX = 30,	/* security exception (AMD) */
};

/* The page fault error code (SDM vol. 3, 4.7). */
#define X86_PF_PROT  (1u << 0)	/* 0: not present, 1: protection */
#define X86_PF_WRITE (1u << 1)
#define X86_PF_USER  (1u << 2)
#define X86_PF_RSVD  (1u << 3)	/* a reserved bit was set in an entry */
#define X86_PF_INSTR (1u << 4)	/* instruction fetch (needs NX) */
#define X86_PF_PK    (1u << 5)

/*
 * trap_init - install the GDT (with the TSSes), the IDT and the PIC
 * (every IRQ line masked) on the boot CPU.  Called once by start_kernel()
 * after the console is up, so a fault from here on is reported instead of
 * resetting the machine.  Leaves interrupts disabled.
 */
void trap_init(void);

/*
 * do_trap - the C side of every interrupt and exception entry
 * (arch/x86/entry.asm): route regs->vector to its exception handler or
 * IRQ line.  Interrupts are disabled (interrupt gates).
 */
void do_trap(struct pt_regs *regs);

/*
 * do_user_addr_fault - the page fault path for user addresses
 * (arch/x86/fault.c): true when the fault was resolved or fixed up and
 * the trapped code may resume; a user-mode fault it cannot resolve kills
 * the process and does not return; false leaves it to the oops report.
 * Called with interrupts off, returns with them off.
 */
bool do_user_addr_fault(struct pt_regs *regs, unsigned long addr);

/*
 * do_syscall - int $0x80 (kernel/syscall.c): eax = number, arguments in
 * ebx, ecx, edx, esi, edi, ebp; the result goes back in eax.
 */
void do_syscall(struct pt_regs *regs);

/*
 * The entry stubs (entry.asm): one per vector below IDT_STUB_VECTORS (the
 * exceptions and the PIC IRQs) and per system vector of the APIC
 * (FIRST_SYSTEM_VECTOR and up, asm/apic.h); 0 for the vectors between.
 */
#define IDT_STUB_VECTORS (IRQ0_VECTOR + NR_IRQS)
extern const unsigned long trap_stubs[IDT_ENTRIES];

/*
 * int3_set_hook - have every #BP call hook(regs) (after the log line),
 * for debuggers and tests; NULL removes it.  The hook may change regs:
 * the trapped code resumes with them.  Returns the previous hook.
 */
typedef void (*trap_hook_t)(struct pt_regs *regs);
trap_hook_t int3_set_hook(trap_hook_t hook);

/*
 * layout_region - the name of the region of the kernel's virtual layout
 * that addr lies in ("kernel text", "boot stack guard page",
 * "lowmem direct map", ...; "unmapped" when none), for fault reports.
 * Any context.
 */
const char *layout_region(unsigned long addr);

/*
 * layout_region_hint - the usual cause of a fault at addr ("the boot
 * identity map is gone..." below PAGE_OFFSET), or NULL.  Any context.
 */
const char *layout_region_hint(unsigned long addr);

/*
 * stack_guard_near - true when addr lies in a kernel stack's guard page
 * or in the page just above it: a fault there is a stack overflow.
 * Any context.
 */
bool stack_guard_near(unsigned long addr);

/*
 * on_kernel_stack - true when [addr, addr + size) lies within one kernel
 * stack (a task's: the boot stack or a thread's): safe to read while
 * walking frames.  Any context.
 */
bool on_kernel_stack(unsigned long addr, unsigned long size);

#endif
