/*
 * panic, warnings and backtraces.
 *
 * A backtrace follows the saved-EBP chain (the kernel is built with frame
 * pointers): at each frame, [ebp] is the caller's ebp and [ebp + 4] the
 * return address.  Names come from the kernel's own symbol table.
 */
#include <asm/layout.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/qemu.h>
#include <asm/traps.h>
#include <hilo/ksyms.h>
#include <hilo/ktest.h>
#include <hilo/panic.h>
#include <hilo/printk.h>
#include <hilo/smp.h>

#define BACKTRACE_MAX_DEPTH 32

volatile int panic_in_progress;

/*
 * panic_show_tasks - hook for the scheduler to print the task list in a
 * panic report.  Empty until there are tasks.
 */
void __attribute__((weak)) panic_show_tasks(void)
{
}

static void print_symbol(const char *prefix, unsigned long addr)
{
	unsigned long off, size;
	const char *name = ksyms_lookup(addr, &off, &size);

	if (name)
		printk(KERN_EMERG "%s[<%08lx>] %s+0x%lx/0x%lx\n", prefix, addr,
		       name, off, size);
	else
		printk(KERN_EMERG "%s[<%08lx>] ?\n", prefix, addr);
}

/*
 * A frame pointer we may dereference: aligned, with its two words on a
 * kernel stack (a task's or the boot stack), so a corrupt ebp cannot make
 * the report fault half way.
 */
static bool frame_ok(unsigned long ebp)
{
	return IS_ALIGNED(ebp, 4) && on_kernel_stack(ebp, 2 * sizeof(unsigned long));
}

/**
 * dump_stack_from - print a backtrace: eip first, then the return address
 * of every frame on the EBP chain from ebp.  Stops at a zero frame
 * pointer, at one that is not on a kernel stack (saying so), or after
 * BACKTRACE_MAX_DEPTH frames.
 */
void dump_stack_from(unsigned long eip, unsigned long ebp)
{
	printk(KERN_EMERG "Call Trace:\n");
	if (eip)
		print_symbol("  ", eip);
	for (int depth = 0; depth < BACKTRACE_MAX_DEPTH && ebp; depth++) {
		const unsigned long *frame = (const unsigned long *)ebp;
		unsigned long next;

		if (!frame_ok(ebp)) {
			printk(KERN_EMERG "  (frame pointer %08lx is not on a kernel stack: the trace stops)\n",
			       ebp);
			break;
		}
		next = frame[0];
		if (!frame[1])
			break;
		print_symbol("  ", frame[1]);
		if (next && next <= ebp)
			break;			/* the chain must go up the stack */
		ebp = next;
	}
}

/** dump_stack - print a backtrace of the caller.  Any context. */
void __noinline dump_stack(void)
{
	dump_stack_from(0, read_ebp());
}

static void show_panic_regs(void)
{
	printk(KERN_EMERG "CPU: %u EFLAGS: %08lx CR0: %08lx CR2: %08lx CR3: %08lx CR4: %08lx\n",
	       smp_processor_id(), read_eflags(), read_cr0(), read_cr2(),
	       read_cr3(), read_cr4());
}

static char panic_msg[256];
static int panic_cpu = -1;		/* the CPU that reports the panic */

/*
 * Shared by panic() and panic_regs(): everything but the registers.  The
 * first CPU to panic reports it and stops the others (an NMI, which
 * reaches them with interrupts off too: arch/x86/traps.c halts a CPU
 * that takes one during a panic); a second CPU that panics meanwhile
 * halts at once, and a panic inside the report gives up.
 */
static void panic_begin(const char *fmt, va_list ap)
{
	int me, first = -1;

	local_irq_disable();
	me = (int)smp_processor_id();
	if (!__atomic_compare_exchange_n(&panic_cpu, &first, me, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		if (first != me)
			stop_this_cpu();
		printk(KERN_EMERG "Kernel panic while panicking: giving up\n");
		qemu_exit(HILO_EXIT_PANIC);
	}
	WRITE_ONCE(panic_in_progress, 1);
	smp_send_stop();
	vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", panic_msg);
	if (ktest_current)
		printk(KERN_EMERG "while running test %s.%s\n",
		       ktest_current->suite, ktest_current->name);
}

static void __noreturn panic_end(void)
{
	panic_show_tasks();
	ktest_panic_close(panic_msg);	/* complete the KTAP, if a run is open */
	printk(KERN_EMERG "---[ end Kernel panic - not syncing: %s ]---\n", panic_msg);
	qemu_exit(HILO_EXIT_PANIC);
}

/**
 * panic - report a fatal error and end the run with HILO_EXIT_PANIC.
 * Prints the message, the control registers, a backtrace of the caller
 * and the task list.  Any context; never returns.
 */
void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_begin(fmt, ap);
	va_end(ap);
	show_panic_regs();
	dump_stack_from(0, read_ebp());
	panic_end();
}

/**
 * panic_regs - panic from a trap: print the trapped frame's registers and
 * the backtrace of the interrupted code instead of our own.
 */
void panic_regs(struct pt_regs *regs, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_begin(fmt, ap);
	va_end(ap);
	show_regs(regs);
	dump_stack_from(regs->eip, regs->ebp);
	panic_end();
}

/** warn_slowpath - the body of WARN_ON: report and carry on. */
void warn_slowpath(const char *file, int line, const char *func, const char *cond)
{
	printk(KERN_WARNING "WARNING: %s at %s:%d: %s\n", func, file, line, cond);
	dump_stack();
}
