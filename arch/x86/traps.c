/*
 * Exceptions: the C side of arch/x86/entry.asm, and the reports.
 *
 * do_trap() routes each vector through trap_descs[], a table of what
 * Linux calls the exception, its SDM mnemonic, its handler and what its
 * error code holds.  An exception in user mode kills the process
 * (user_fault_kill) and the kernel goes on; a page fault on a user
 * address goes to arch/x86/fault.c first.  Any other exception in the
 * kernel is a bug, so the default handler, die(), reports and panics:
 *
 *   divide error (#DE) at c0104a2e traps_divide_error_reports+0xe/0x30
 *   page fault at 0x00001000 (user space, below PAGE_OFFSET): not-present
 *     read, kernel mode (the boot identity map is gone: ...)
 *
 * followed (from panic_regs()) by show_regs() and the backtrace of the
 * trapped code.  #BP logs and returns; NMI logs and returns.
 */
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/extable.h>
#include <asm/irq.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/traps.h>
#include <hilo/compiler.h>
#include <hilo/ksyms.h>
#include <hilo/panic.h>
#include <hilo/preempt.h>
#include <hilo/printk.h>
#include <hilo/process.h>
#include <hilo/sched.h>
#include <uapi/hilo/abi.h>

/* What an exception's error code holds. */
enum trap_error {
	TRAP_ERR_NONE,		/* no error code (the stub pushed 0) */
	TRAP_ERR_CODE,		/* a number */
	TRAP_ERR_SELECTOR,	/* a selector error code (SDM vol. 3, 6.13) */
};

struct trap_desc;
typedef void (*trap_handler_t)(struct pt_regs *regs, const struct trap_desc *desc);

struct trap_desc {
	const char *name;	/* Linux's name: reports and tests use it */
	const char *mnemonic;
	trap_handler_t handler;
	enum trap_error error;
};

static void __noreturn die(struct pt_regs *regs, const struct trap_desc *desc);
static void do_page_fault(struct pt_regs *regs, const struct trap_desc *desc);
static void do_int3(struct pt_regs *regs, const struct trap_desc *desc);
static void do_nmi(struct pt_regs *regs, const struct trap_desc *desc);

/*
 * The error-code column must agree with HAS_ERROR_CODE in entry.asm.
 * #DF reaches die() only if its task gate is missing.
 */
static const struct trap_desc trap_descs[NR_EXCEPTION_VECTORS] = {
	[X86_TRAP_DE]     = { "divide error", "#DE", die, TRAP_ERR_NONE },
	[X86_TRAP_DB]     = { "debug", "#DB", die, TRAP_ERR_NONE },
	[X86_TRAP_NMI]    = { "NMI", "NMI", do_nmi, TRAP_ERR_NONE },
	[X86_TRAP_BP]     = { "int3", "#BP", do_int3, TRAP_ERR_NONE },
	[X86_TRAP_OF]     = { "overflow", "#OF", die, TRAP_ERR_NONE },
	[X86_TRAP_BR]     = { "bounds", "#BR", die, TRAP_ERR_NONE },
	[X86_TRAP_UD]     = { "invalid opcode", "#UD", die, TRAP_ERR_NONE },
	[X86_TRAP_NM]     = { "device not available", "#NM", die, TRAP_ERR_NONE },
	[X86_TRAP_DF]     = { "double fault", "#DF", die, TRAP_ERR_CODE },
	[X86_TRAP_OLD_MF] = { "coprocessor segment overrun", "#MF", die, TRAP_ERR_NONE },
	[X86_TRAP_TS]     = { "invalid TSS", "#TS", die, TRAP_ERR_SELECTOR },
	[X86_TRAP_NP]     = { "segment not present", "#NP", die, TRAP_ERR_SELECTOR },
	[X86_TRAP_SS]     = { "stack segment", "#SS", die, TRAP_ERR_SELECTOR },
	[X86_TRAP_GP]     = { "general protection fault", "#GP", die, TRAP_ERR_SELECTOR },
	[X86_TRAP_PF]     = { "page fault", "#PF", do_page_fault, TRAP_ERR_CODE },
	[X86_TRAP_MF]     = { "coprocessor error", "#MF", die, TRAP_ERR_NONE },
	[X86_TRAP_AC]     = { "alignment check", "#AC", die, TRAP_ERR_CODE },
	[X86_TRAP_MC]     = { "machine check", "#MC", die, TRAP_ERR_NONE },
	[X86_TRAP_XF]     = { "SIMD exception", "#XM", die, TRAP_ERR_NONE },
	[X86_TRAP_VE]     = { "virtualization exception", "#VE", die, TRAP_ERR_NONE },
	[X86_TRAP_CP]     = { "control protection fault", "#CP", die, TRAP_ERR_CODE },
	[X86_TRAP_VC]     = { "VMM communication exception", "#VC", die, TRAP_ERR_CODE },
	[X86_TRAP_SX]     = { "security exception", "#SX", die, TRAP_ERR_CODE },
};

/* The vectors the SDM leaves reserved (15, 22..28, 31). */
static const struct trap_desc reserved_trap = {
	"reserved exception", "#??", die, TRAP_ERR_NONE
};

/* trap_desc - the row of exception vector (< NR_EXCEPTION_VECTORS). */
static const struct trap_desc *trap_desc(unsigned int vector)
{
	const struct trap_desc *desc = &trap_descs[vector];

	return desc->name ? desc : &reserved_trap;
}

/* snprint_symbol - "name+0x12/0x40" for addr, or "?" outside the kernel. */
static void snprint_symbol(char *buf, size_t size, unsigned long addr)
{
	unsigned long off, len;
	const char *name = ksyms_lookup(addr, &off, &len);

	if (name)
		snprintf(buf, size, "%s+0x%lx/0x%lx", name, off, len);
	else
		snprintf(buf, size, "?");
}

/*
 * snprint_selector_error - decode a selector error code: the IDT vector or
 * the GDT/LDT selector at fault, and whether an external event (an IRQ)
 * was being delivered.  0 means the fault was not about a selector.
 */
static void snprint_selector_error(char *buf, size_t size, u32 err)
{
	const char *ext = (err & 1) ? ", external event" : "";
	unsigned int index = (err & 0xFFFF) >> 3;

	if (!err)
		snprintf(buf, size, ", error code 0");
	else if (err & 2)
		snprintf(buf, size, ", error code 0x%04x: IDT vector %u%s", err, index, ext);
	else
		snprintf(buf, size, ", error code 0x%04x: %s selector 0x%04x (index %u)%s",
			 err, (err & 4) ? "LDT" : "GDT", err & 0xFFFC, index, ext);
}

/* trap_signal - the signal Linux sends a process for the exception at vector. */
static int trap_signal(u32 vector)
{
	switch (vector) {
	case X86_TRAP_DE: case X86_TRAP_MF: case X86_TRAP_XF: return SIGFPE;
	case X86_TRAP_UD: return SIGILL;
	case X86_TRAP_DB: case X86_TRAP_BP: return SIGTRAP;
	default: return SIGSEGV;
	}
}

/*
 * die - the default handler: in user mode the process is killed; in the
 * kernel, report the exception and panic.
 */
static void __noreturn die(struct pt_regs *regs, const struct trap_desc *desc)
{
	char sym[96], err[96] = "";

	if (user_mode(regs)) {
		snprintf(sym, sizeof(sym), "%s (%s)", desc->name, desc->mnemonic);
		user_fault_kill(regs, trap_signal(regs->vector), sym, regs->eip,
				"exception in user mode");
	}

	snprint_symbol(sym, sizeof(sym), regs->eip);
	if (desc->error == TRAP_ERR_SELECTOR)
		snprint_selector_error(err, sizeof(err), regs->error_code);
	else if (desc->error == TRAP_ERR_CODE)
		snprintf(err, sizeof(err), ", error code 0x%x", regs->error_code);
	panic_regs(regs, "%s (%s) at %08x %s%s", desc->name, desc->mnemonic,
		   regs->eip, sym, err);
}

/* snprint_pf_error - "not-present read, kernel mode" and the rarer bits. */
static void snprint_pf_error(char *buf, size_t size, u32 err)
{
	const char *access = (err & X86_PF_INSTR) ? "instruction fetch" :
			     (err & X86_PF_WRITE) ? "write" : "read";

	snprintf(buf, size, "%s %s, %s mode%s%s",
		 (err & X86_PF_PROT) ? "present" : "not-present", access,
		 (err & X86_PF_USER) ? "user" : "kernel",
		 (err & X86_PF_RSVD) ? ", reserved bit set" : "",
		 (err & X86_PF_PK) ? ", protection key" : "");
}

/*
 * snprint_pf_task - who faulted: "; task NAME (pid N)", and the task's
 * pagefault_disable() depth when it is not 0.
 */
static void snprint_pf_task(char *buf, size_t size)
{
	const struct task_struct *task = current;
	int depth = pagefault_disabled();
	size_t len = (size_t)snprintf(buf, size, "; task %s (pid %d)", task->comm, task->pid);

	if (depth && len < size)
		snprintf(buf + len, size - len, ", pagefault_disable() depth %d", depth);
}

/*
 * do_page_fault - a fault on a user address goes to the fault path
 * (arch/x86/fault.c), which pages in, fixes up or kills the process.  What
 * it leaves is a kernel bug: name the address, the region of the layout
 * it lies in, the access, the likely cause and the task.  CR2 is read
 * first, before anything can fault again.
 */
static void do_page_fault(struct pt_regs *regs, const struct trap_desc *desc)
{
	unsigned long addr = read_cr2();
	const char *hint;

	if (do_user_addr_fault(regs, addr) || fixup_exception(regs))
		return;		/* resolved, or a fault-safe access's fixup */
	hint = layout_region_hint(addr);
	char access[96], overflow[64], who[96];

	if (stack_guard_near(addr)) {
		const struct task_struct *owner = task_of_stack(addr);

		if (owner == current)
			hint = "kernel stack overflow";
		else
			hint = overflow;	/* a stray pointer into another stack */
		snprintf(overflow, sizeof(overflow), "guard page of task %s (pid %d)",
			 owner->comm, owner->pid);
	}
	snprint_pf_error(access, sizeof(access), regs->error_code);
	snprint_pf_task(who, sizeof(who));
	panic_regs(regs, "%s at 0x%08lx (%s): %s%s%s%s%s", desc->name, addr,
		   layout_region(addr), access, hint ? " (" : "", hint ? hint : "",
		   hint ? ")" : "", who);
}

static trap_hook_t int3_hook;

/* int3_set_hook - see asm/traps.h. */
trap_hook_t int3_set_hook(trap_hook_t hook)
{
	trap_hook_t old = int3_hook;

	WRITE_ONCE(int3_hook, hook);
	return old;
}

/*
 * do_int3 - a breakpoint is a debugging aid, not an error: log where it
 * was (eip is past the one-byte int3), call the hook, carry on.
 */
static void do_int3(struct pt_regs *regs, const struct trap_desc *desc)
{
	trap_hook_t hook = READ_ONCE(int3_hook);
	char sym[96];

	if (user_mode(regs))
		die(regs, desc);

	snprint_symbol(sym, sizeof(sym), regs->eip - 1);
	pr_info("%s (%s) at %08x %s: continuing\n", desc->name, desc->mnemonic,
		regs->eip - 1, sym);
	if (hook)
		hook(regs);
}

/*
 * do_nmi - during a panic, the panicking CPU's order to stop (see
 * kernel/panic.c); otherwise nothing raises NMIs on purpose: say so,
 * carry on.
 */
static void do_nmi(struct pt_regs *regs, const struct trap_desc *desc)
{
	if (READ_ONCE(panic_in_progress))
		stop_this_cpu();
	nmi_enter();
	pr_emerg("Uhhuh. NMI received on CPU %u at %08x: ignored\n",
		 smp_processor_id(), regs->eip);
	nmi_exit();
}

/* do_trap - see asm/traps.h. */
void do_trap(struct pt_regs *regs)
{
	if (regs->vector < NR_EXCEPTION_VECTORS) {
		const struct trap_desc *desc = trap_desc(regs->vector);

		desc->handler(regs, desc);
	} else if (regs->vector < IDT_STUB_VECTORS) {
		do_irq(regs);
	} else if (regs->vector == SYSCALL_VECTOR) {
		do_syscall(regs);
	} else if (regs->vector >= FIRST_SYSTEM_VECTOR && regs->vector < IDT_ENTRIES) {
		do_system_vector(regs);
	} else {
		panic_regs(regs, "do_trap: no stub has vector %u: the frame is corrupt",
			   regs->vector);
	}
}

/* The EFLAGS bits show_regs() names. */
static const struct { u8 bit; const char *name; } eflags_names[] = {
	{ 0, "CF" }, { 2, "PF" }, { 4, "AF" }, { 6, "ZF" }, { 7, "SF" },
	{ 8, "TF" }, { 9, "IF" }, { 10, "DF" }, { 11, "OF" }, { 14, "NT" },
	{ 16, "RF" }, { 17, "VM" }, { 18, "AC" }, { 19, "VIF" }, { 20, "VIP" },
	{ 21, "ID" },
};

/* snprint_eflags - the set flags by name, e.g. "ZF PF IF"; IOPL if not 0. */
static void snprint_eflags(char *buf, size_t size, u32 eflags)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(eflags_names) && len < size; i++)
		if (eflags & (1u << eflags_names[i].bit))
			len += snprintf(buf + len, size - len, " %s", eflags_names[i].name);
	if ((eflags >> 12) & 3 && len < size)
		snprintf(buf + len, size - len, " IOPL=%u", (eflags >> 12) & 3);
}

/* snprint_vector - a vector's name for the "Trap:" line: "#PF page fault", "IRQ 0". */
static void snprint_vector(char *buf, size_t size, u32 vector)
{
	if (vector < NR_EXCEPTION_VECTORS)
		snprintf(buf, size, "%s %s", trap_desc(vector)->mnemonic,
			 trap_desc(vector)->name);
	else if (vector < IDT_STUB_VECTORS)
		snprintf(buf, size, "IRQ %u", vector - IRQ0_VECTOR);
	else
		snprintf(buf, size, "APIC vector %#x", vector);
}

/*
 * show_regs - print a trap frame: every register, eip with its symbol,
 * eflags decoded, the control registers, the vector and error code.
 * Segment selectors are 16 bits: the upper halves of their slots are not
 * part of the state.  Any context.
 */
void show_regs(const struct pt_regs *regs)
{
	char sym[96], flags[96], vec[64];
	u32 ss;

	savesegment(ss, ss);
	snprint_symbol(sym, sizeof(sym), regs->eip);
	snprint_eflags(flags, sizeof(flags), regs->eflags);
	snprint_vector(vec, sizeof(vec), regs->vector);

	printk(KERN_EMERG "EIP: %04x:%08x %s\n", regs->cs & 0xFFFF, regs->eip, sym);
	printk(KERN_EMERG "EAX: %08x EBX: %08x ECX: %08x EDX: %08x\n",
	       regs->eax, regs->ebx, regs->ecx, regs->edx);
	printk(KERN_EMERG "ESI: %08x EDI: %08x EBP: %08x ESP: %08lx\n",
	       regs->esi, regs->edi, regs->ebp, pt_regs_sp(regs));
	printk(KERN_EMERG "DS: %04x ES: %04x FS: %04x GS: %04x SS: %04x\n",
	       regs->ds & 0xFFFF, regs->es & 0xFFFF, regs->fs & 0xFFFF,
	       regs->gs & 0xFFFF, ss & 0xFFFF);
	printk(KERN_EMERG "EFLAGS: %08x [%s ]\n", regs->eflags, flags);
	printk(KERN_EMERG "CR0: %08lx CR2: %08lx CR3: %08lx CR4: %08lx\n",
	       read_cr0(), read_cr2(), read_cr3(), read_cr4());
	printk(KERN_EMERG "Trap: %u (%s), error code %08x\n", regs->vector, vec,
	       regs->error_code);
}

/* trap_init - see asm/traps.h. */
void trap_init(void)
{
	unsigned int cpu = smp_processor_id();

	doublefault_init_cpu(cpu);	/* the GDT is loaded: start_kernel */
	idt_init();
	idt_load();
	pic_init();
	pr_info("traps: GDT and TSS loaded, double fault on its own task, "
		"IDT vectors 0..%u, PIC IRQs at %u..%u (all masked)\n",
		IDT_STUB_VECTORS - 1, IRQ0_VECTOR, IRQ0_VECTOR + NR_IRQS - 1);
}
