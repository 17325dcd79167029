/*
 * The IDT, shared by every CPU: an interrupt gate to the entry stub of
 * each exception, PIC and APIC vector (arch/x86/entry.asm), and for the double
 * fault a task gate, so that it runs on a stack of its own even when the
 * kernel stack is what failed.  The vectors between the PIC's and the
 * APIC's stay zero (no gate), but for the system call gate (int $0x80,
 * the only one with DPL 3): an int to one of them is a general
 * protection fault whose report names the IDT vector.
 */
#include <asm/desc.h>
#include <asm/traps.h>

u64 idt_table[IDT_ENTRIES] __aligned(8);

/* idt_init - see asm/desc.h.  Boot CPU, before idt_load(). */
void idt_init(void)
{
	for (unsigned int v = 0; v < IDT_ENTRIES; v++)
		if (trap_stubs[v])
			idt_table[v] = idt_gate(__KERNEL_CS, trap_stubs[v], DESC_INTR_GATE);
	idt_table[X86_TRAP_DF] = idt_gate(__DOUBLEFAULT_TSS, 0, DESC_TASK_GATE);
	/* The one gate ring 3 may use: an int from user mode to any other is #GP. */
	idt_table[SYSCALL_VECTOR] = idt_gate(__KERNEL_CS, trap_stubs[SYSCALL_VECTOR],
					     DESC_INTR_GATE | DESC_DPL3);
}

/* idt_load - see asm/desc.h. */
void idt_load(void)
{
	struct desc_ptr ptr = {
		.size = sizeof(idt_table) - 1,
		.address = (u32)idt_table,
	};

	load_idt(&ptr);
}
