/*
 * The double fault, handled as a task of its own.
 *
 * The usual double fault in a kernel is a stack overflow: a push runs into
 * the guard page, and the CPU cannot push the page fault's frame on the
 * same stack either.  An interrupt gate would need that stack a third time
 * and the machine would reset.  So IDT vector 8 is a task gate: the CPU
 * saves the interrupted state into the CPU's TSS (cpu_tss) and loads the
 * double-fault TSS, whose stack, CR3 and EIP are ours.  doublefault_fn()
 * then reports what it finds in cpu_tss and panics; it never returns (the
 * interrupted task's stack is unusable, there is nothing to go back to).
 */
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/traps.h>
#include <hilo/panic.h>
#include <hilo/printk.h>
#include <hilo/sched.h>

#define DOUBLEFAULT_STACK_SIZE 8192

static u8 doublefault_stack[NR_CPUS][DOUBLEFAULT_STACK_SIZE] __aligned(16);

/* regs_from_tss - the pt_regs a trap at the state saved in tss would have. */
static void regs_from_tss(struct pt_regs *regs, const struct x86_hw_tss *tss)
{
	*regs = (struct pt_regs){
		.gs = tss->gs, .fs = tss->fs, .es = tss->es, .ds = tss->ds,
		.edi = tss->edi, .esi = tss->esi, .ebp = tss->ebp,
		.esp_at_pusha = tss->esp - PT_REGS_SP_OFFSET,
		.ebx = tss->ebx, .edx = tss->edx, .ecx = tss->ecx, .eax = tss->eax,
		.vector = X86_TRAP_DF, .error_code = 0,
		.eip = tss->eip, .cs = tss->cs, .eflags = tss->eflags,
	};
}

/*
 * doublefault_fn - the double-fault task.  Entered by the task switch with
 * interrupts disabled, on doublefault_stack, with the CPU's error code (0)
 * where a return address would be.  The backtrace (dump_stack_from)
 * follows the saved ebp only while it lies on a kernel stack.
 */
static void __noreturn doublefault_fn(void)
{
	const struct x86_hw_tss *tss = &cpu_tss[smp_processor_id()].x86_tss;
	struct pt_regs regs;

	regs_from_tss(&regs, tss);
	if (stack_guard_near(tss->esp)) {
		const struct task_struct *task = task_of_stack(tss->esp);

		panic_regs(&regs, "double fault: kernel stack overflow in task %s (pid %d) (esp %08x, %s)",
			   task->comm, task->pid, tss->esp, layout_region(tss->esp));
	}
	panic_regs(&regs, "double fault (esp %08x, %s)", tss->esp,
		   layout_region(tss->esp));
}

/* doublefault_init_cpu - see asm/desc.h.  Boot context. */
void doublefault_init_cpu(unsigned int cpu)
{
	u32 stack_top = (u32)&doublefault_stack[cpu][DOUBLEFAULT_STACK_SIZE];

	doublefault_tss[cpu].x86_tss = (struct x86_hw_tss){
		.cr3 = read_cr3(),
		.eip = (u32)doublefault_fn,
		.eflags = X86_EFLAGS_FIXED,		/* IF clear */
		.esp = stack_top, .ss0 = __KERNEL_DS, .esp0 = stack_top,
		.cs = __KERNEL_CS,
		.ss = __KERNEL_DS, .ds = __KERNEL_DS, .es = __KERNEL_DS,
		.fs = __KERNEL_PERCPU, .gs = __KERNEL_DS,
		.io_bitmap_base = sizeof(struct x86_hw_tss),
	};
}

/*
 * doublefault_set_cr3 - the double-fault task must see the kernel's page
 * tables: mm_init() calls this after it switches CR3 away from the boot
 * tables.  Boot context.
 */
void doublefault_set_cr3(unsigned int cpu, unsigned long cr3)
{
	doublefault_tss[cpu].x86_tss.cr3 = cr3;
}
