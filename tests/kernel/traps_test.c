/*
 * Tests of the trap machinery (arch/x86): the descriptor tables as the
 * CPU sees them, the frame the entry path builds and restores, the IRQ
 * dispatch, the layout names the fault reports use, and, as expected
 * panics, the report of each kind of fatal exception.
 *
 * Handlers that return are proved through #BP: a hook sees the trapped
 * frame and changes it, and the code after int3 sees the change.  IRQ
 * dispatch is proved with software interrupts to the PIC vectors
 * (interrupts stay disabled; the PIC lines stay masked).
 */
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/layout.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/timer.h>
#include <asm/traps.h>
#include <hilo/smp.h>
#include <hilo/ktest.h>
#include <hilo/string.h>

#include "logbuf.h"

/* ---- descriptor tables ---- */

KTEST(traps, gdt_and_tss_loaded)
{
	struct desc_ptr gdtr;
	u16 cs, ds, ss;
	const u64 *gdt = gdt_table[smp_processor_id()];

	store_gdt(&gdtr);
	savesegment(cs, cs);
	savesegment(ds, ds);
	savesegment(ss, ss);
	EXPECT_EQ(t, gdtr.address, (u32)gdt);
	EXPECT_EQ(t, gdtr.size, GDT_ENTRIES * 8 - 1);
	EXPECT_EQ(t, cs, __KERNEL_CS);
	EXPECT_EQ(t, ds, __KERNEL_DS);
	EXPECT_EQ(t, ss, __KERNEL_DS);
	EXPECT_EQ(t, store_tr(), __TSS);
	/* ltr marked the running TSS busy; the double-fault TSS is free. */
	EXPECT_EQ(t, desc_type(gdt[GDT_ENTRY_TSS]), DESC_TSS_AVAIL | DESC_TSS_BUSY);
	EXPECT_EQ(t, desc_type(gdt[GDT_ENTRY_DOUBLEFAULT]), DESC_TSS_AVAIL);
	EXPECT_EQ(t, desc_base(gdt[GDT_ENTRY_DOUBLEFAULT]),
		  (u32)&doublefault_tss[smp_processor_id()]);
}

KTEST(traps, idt_gates_point_at_stubs)
{
	struct desc_ptr idtr;

	store_idt(&idtr);
	EXPECT_EQ(t, idtr.address, (u32)idt_table);
	EXPECT_EQ(t, idtr.size, IDT_ENTRIES * 8 - 1);
	for (unsigned int v = 0; v < IDT_STUB_VECTORS; v++) {
		if (v == X86_TRAP_DF)
			continue;
		EXPECT_EQ(t, desc_type(idt_table[v]), DESC_INTR_GATE);
		EXPECT_EQ(t, gate_selector(idt_table[v]), __KERNEL_CS);
		EXPECT_EQ(t, gate_offset(idt_table[v]), trap_stubs[v]);
	}
	EXPECT_EQ(t, idt_table[IDT_STUB_VECTORS], 0ULL);
}

KTEST(traps, double_fault_is_task_gate_with_own_stack)
{
	const struct x86_hw_tss *df = &doublefault_tss[smp_processor_id()].x86_tss;

	EXPECT_EQ(t, desc_type(idt_table[X86_TRAP_DF]), DESC_TASK_GATE);
	EXPECT_EQ(t, gate_selector(idt_table[X86_TRAP_DF]), __DOUBLEFAULT_TSS);
	EXPECT_EQ(t, df->cr3, read_cr3());	/* the kernel's tables, not the boot ones */
	EXPECT_EQ(t, df->cs, __KERNEL_CS);
	EXPECT_EQ(t, df->ss, __KERNEL_DS);
	EXPECT_FALSE(t, df->eflags & X86_EFLAGS_IF);
	EXPECT_STREQ(t, layout_region(df->eip), "kernel text");
	EXPECT_STREQ(t, layout_region(df->esp - 4), "kernel data/bss");
	EXPECT_FALSE(t, on_kernel_stack(df->esp - 4, 4));
}

/* ---- the frame, through int3 ---- */

static struct pt_regs int3_seen;
static unsigned int int3_hits;

static void int3_record(struct pt_regs *regs)
{
	int3_seen = *regs;
	int3_hits++;
}

/* Changes every general register but esp: the trapped code must see it. */
static void int3_rewrite(struct pt_regs *regs)
{
	int3_record(regs);
	regs->eax = 0xA0A0A0A0u;
	regs->ebx = 0xB0B0B0B0u;
	regs->ecx = 0xC0C0C0C0u;
	regs->edx = 0xD0D0D0D0u;
	regs->esi = 0x50505050u;
	regs->edi = 0xD1D1D1D1u;
}

KTEST(traps, int3_returns_with_frame_of_trapped_code)
{
	unsigned long after, sp, bp;
	trap_hook_t old = int3_set_hook(int3_record);
	unsigned int hits = int3_hits;
	u32 since = log_head;

	__asm__ __volatile__("mov %%esp, %1\n\t"
			     "mov %%ebp, %2\n\t"
			     "int3\n"
			     "1:\tmovl $1b, %0"
			     : "=r"(after), "=&r"(sp), "=&r"(bp) :: "memory");
	int3_set_hook(old);

	ASSERT_EQ(t, int3_hits, hits + 1);
	EXPECT_EQ(t, int3_seen.vector, (u32)X86_TRAP_BP);
	EXPECT_EQ(t, int3_seen.error_code, 0u);
	EXPECT_EQ(t, int3_seen.eip, after);
	EXPECT_EQ(t, int3_seen.cs, __KERNEL_CS);
	EXPECT_EQ(t, int3_seen.ds, __KERNEL_DS);
	EXPECT_EQ(t, int3_seen.gs, __KERNEL_DS);
	EXPECT_EQ(t, pt_regs_sp(&int3_seen), sp);
	EXPECT_EQ(t, int3_seen.ebp, bp);
	EXPECT_EQ(t, int3_seen.eflags & X86_EFLAGS_IF, read_eflags() & X86_EFLAGS_IF);
	EXPECT_TRUE(t, log_contains_since(since, "int3 (#BP) at "));
}

KTEST(traps, int3_hook_changes_reach_trapped_code)
{
	u32 a = 1, b = 2, c = 3, d = 4, si = 5, di = 6;
	trap_hook_t old = int3_set_hook(int3_rewrite);
	u16 ds, es;

	__asm__ __volatile__("int3"
			     : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(si), "+D"(di)
			     :: "memory");
	int3_set_hook(old);
	savesegment(ds, ds);
	savesegment(es, es);

	EXPECT_EQ(t, a, 0xA0A0A0A0u);
	EXPECT_EQ(t, b, 0xB0B0B0B0u);
	EXPECT_EQ(t, c, 0xC0C0C0C0u);
	EXPECT_EQ(t, d, 0xD0D0D0D0u);
	EXPECT_EQ(t, si, 0x50505050u);
	EXPECT_EQ(t, di, 0xD1D1D1D1u);
	EXPECT_EQ(t, ds, __KERNEL_DS);
	EXPECT_EQ(t, es, __KERNEL_DS);
	/* The frame held what the code had before the trap. */
	EXPECT_EQ(t, int3_seen.eax, 1u);
	EXPECT_EQ(t, int3_seen.edi, 6u);
}

KTEST(traps, show_regs_names_symbol_and_registers)
{
	trap_hook_t old = int3_set_hook(int3_record);
	u32 since;

	__asm__ __volatile__("int3" ::: "memory");
	int3_set_hook(old);

	since = log_head;
	show_regs(&int3_seen);
	EXPECT_TRUE(t, log_contains_since(since, "EIP: 0008:"));
	EXPECT_TRUE(t, log_contains_since(since, "traps_show_regs_names_symbol_and_registers+0x"));
	EXPECT_TRUE(t, log_contains_since(since, "DS: 0010 ES: 0010"));
	EXPECT_TRUE(t, log_contains_since(since, "Trap: 3 (#BP int3)"));
}

/* ---- IRQ dispatch, through software interrupts ---- */

#define TEST_IRQ 5u	/* LPT2 / sound card: nothing on it under QEMU */
#define SPURIOUS_IRQ 7u

static unsigned int irq_seen_line, irq_seen_vector, irq_hits;

static void irq_record(unsigned int irq, struct pt_regs *regs)
{
	irq_seen_line = irq;
	irq_seen_vector = regs->vector;
	irq_hits++;
}

/*
 * RAISE_RECORDED - raise line irq's vector with `int` (a constant: the
 * vector is an immediate), irq_record() as its handler for the time.
 */
#define RAISE_RECORDED(irq) do {                                              \
	irq_hits = 0;                                                         \
	irq_register(irq, irq_record);                                        \
	__asm__ __volatile__("int %0" :: "i"(IRQ0_VECTOR + (irq)) : "memory"); \
	irq_unregister(irq);                                                  \
} while (0)

KTEST(traps, irq_vector_reaches_handler_and_is_counted)
{
	unsigned long before = irq_count(TEST_IRQ);

	RAISE_RECORDED(TEST_IRQ);

	EXPECT_EQ(t, irq_hits, 1u);
	EXPECT_EQ(t, irq_seen_line, TEST_IRQ);
	EXPECT_EQ(t, irq_seen_vector, IRQ0_VECTOR + TEST_IRQ);
	EXPECT_EQ(t, irq_count(TEST_IRQ), before + 1);
}

/* An IRQ 7 the master PIC has not in service is spurious: no handler, no count. */
KTEST(traps, spurious_irq7_filtered)
{
	unsigned long before = irq_count(SPURIOUS_IRQ);
	unsigned long spurious = irq_spurious_count();

	RAISE_RECORDED(SPURIOUS_IRQ);

	EXPECT_EQ(t, irq_hits, 0u);
	EXPECT_EQ(t, irq_count(SPURIOUS_IRQ), before);
	EXPECT_EQ(t, irq_spurious_count(), spurious + 1);
}

KTEST(traps, pic_lines_masked_and_unmasked)
{
	/*
	 * The IMR of each PIC, read back from the data ports: every line
	 * masked but the timer's when the PIT is the tick (a CPU without a
	 * local APIC); with the APIC timers, every line.
	 */
	const u8 master = lapic_in_use ? 0xFF : 0xFF & ~(1u << PIT_IRQ);

	EXPECT_EQ(t, inb(0x21), master);
	EXPECT_EQ(t, inb(0xA1), 0xFF);
	irq_unmask(9);			/* a slave line opens the cascade too */
	EXPECT_EQ(t, inb(0x21), master & ~(1u << IRQ_CASCADE));
	EXPECT_EQ(t, inb(0xA1), 0xFF & ~(1u << 1));
	irq_mask(9);
	EXPECT_EQ(t, inb(0x21), master);
	EXPECT_EQ(t, inb(0xA1), 0xFF);
}

/* ---- what the reports say about addresses ---- */

KTEST(traps, layout_region_names)
{
	const unsigned long lowmem_end = (unsigned long)high_memory;
	const struct { unsigned long addr; const char *name; } cases[] = {
		{ 0x00001000, "user space, below PAGE_OFFSET" },
		{ PAGE_OFFSET - 1, "user space, below PAGE_OFFSET" },
		{ PAGE_OFFSET, "lowmem direct map" },
		{ (unsigned long)_text, "kernel text" },
		{ (unsigned long)_etext - 1, "kernel text" },
		{ (unsigned long)_rodata, "kernel rodata" },
		{ (unsigned long)_data, "kernel data/bss" },
		{ (unsigned long)_end - 1, "kernel data/bss" },
		{ (unsigned long)boot_stack_guard, "boot stack guard page" },
		{ (unsigned long)boot_stack - 1, "boot stack guard page" },
		{ (unsigned long)boot_stack, "boot stack" },
		{ (unsigned long)_end, "lowmem direct map" },
		{ lowmem_end - 1, "lowmem direct map" },
		{ lowmem_end, "unmapped" },
		{ VMALLOC_START - 1, "unmapped" },
		{ VMALLOC_START, "vmalloc" },
		{ VMALLOC_END - 1, "vmalloc" },
		{ VMALLOC_END, "unmapped" },
		{ PKMAP_BASE, "pkmap" },
		{ PKMAP_END - 1, "pkmap" },
		{ FIXADDR_START, "fixmap" },
		{ 0xFFFFFFFF, "fixmap" },
	};

	ASSERT_NOT_NULL(t, high_memory);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT_STREQ(t, layout_region(cases[i].addr), cases[i].name);
	EXPECT_NOT_NULL(t, layout_region_hint(0x1000));
	EXPECT_NULL(t, layout_region_hint((unsigned long)_text));
}

KTEST(traps, stack_guard_near_boot_stack)
{
	unsigned long guard = (unsigned long)boot_stack_guard;

	EXPECT_FALSE(t, stack_guard_near(guard - 1));
	EXPECT_TRUE(t, stack_guard_near(guard));
	EXPECT_TRUE(t, stack_guard_near(guard + 2 * PAGE_SIZE - 1));
	EXPECT_FALSE(t, stack_guard_near(guard + 2 * PAGE_SIZE));
	EXPECT_FALSE(t, stack_guard_near(read_ebp()));
	EXPECT_TRUE(t, on_kernel_stack(read_ebp(), 8));
	EXPECT_FALSE(t, on_kernel_stack(guard, 4));
	EXPECT_FALSE(t, on_kernel_stack((unsigned long)boot_stack_top - 4, 8));
}

/* ---- fatal exceptions: each must end in its report ---- */

KTEST_EXPECT_PANIC(traps, divide_error_reports, "divide error")
{
	static volatile u32 zero;
	u32 quot, rem;

	__asm__ __volatile__("divl %2" : "=a"(quot), "=d"(rem) : "rm"(zero), "a"(1), "d"(0));
	ktest_log(t, "1 / 0 = %u rem %u", quot, rem);
}

KTEST_EXPECT_PANIC(traps, invalid_opcode_reports, "invalid opcode")
{
	__asm__ __volatile__("ud2");
}

/* Selector 0x1230: GDT index 582, far past the GDT's limit. */
KTEST_EXPECT_PANIC(traps, general_protection_reports,
		   "general protection fault (#GP) at ")
{
	__asm__ __volatile__("mov %0, %%ds" :: "r"(0x1230u));
}

/* A stray write into the guard page is reported by #PF, with the region. */
KTEST_EXPECT_PANIC(traps, guard_page_write_reports,
		   "(boot stack guard page): not-present write, kernel mode")
{
	*(volatile char *)boot_stack_guard = 1;
}

/*
 * Each frame is under a page, so the recursion cannot step over the guard
 * page: some push lands in it, the CPU cannot push the page fault's frame
 * either, and the double-fault task reports from its own stack.
 */
static __noinline unsigned int recurse_deep(unsigned int depth)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	frame[1] = 0;
	if (depth < 1000000)
		frame[1] = (char)recurse_deep(depth + 1);
	return frame[0] + frame[1];
}

KTEST_EXPECT_PANIC(traps, stack_overflow_reports, "double fault: kernel stack overflow")
{
	ktest_log(t, "recursion returned %u", recurse_deep(0));
}
