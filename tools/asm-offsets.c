/*
 * Constants for assembly and for the GDB scripts, taken from the C
 * headers so they are written once.  Compiled to assembly only; the
 * Makefile turns each "->NAME value" marker into $(BUILD)/include/
 * asm-offsets.inc (NASM %define) and asm-offsets.py (Python).
 */
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/layout.h>
#include <asm/pgtable.h>
#include <asm/ptrace.h>
#include <asm/qemu.h>
#include <asm/smpboot.h>
#include <asm/traps.h>
#include <hilo/mm.h>
#include <hilo/multiboot.h>
#include <hilo/preempt.h>
#include <hilo/sched.h>

#define DEFINE(sym, val) \
	__asm__ __volatile__("\n.ascii \"->" #sym " %c0\"" :: "i"(val))

/* A 64-bit constant as two 32-bit halves, NAME_LO and NAME_HI. */
#define DEFINE64(sym, val) do {						\
	DEFINE(sym##_LO, (u32)(val));					\
	DEFINE(sym##_HI, (u32)((u64)(val) >> 32));			\
} while (0)

/* What the GDB scripts (tools/gdb/) need to decode tables and structures. */
static void gdb_offsets(void)
{
	DEFINE(PMD_SHIFT, PMD_SHIFT);
	DEFINE(PGDIR_SHIFT, PGDIR_SHIFT);
	DEFINE(PTRS_PER_PGD, PTRS_PER_PGD);
	DEFINE(PTRS_PER_PMD, PTRS_PER_PMD);
	DEFINE(PTRS_PER_PTE, PTRS_PER_PTE);
	DEFINE(FIXADDR_TOP, FIXADDR_TOP);
	DEFINE(FIXADDR_START, FIXADDR_START);
	DEFINE(FIX_KMAP_BEGIN, FIX_KMAP_BEGIN);
	DEFINE(FIX_KMAP_END, FIX_KMAP_END);
	DEFINE(KM_MAX_IDX, KM_MAX_IDX);
	DEFINE(KM_INCR, KM_INCR);
	DEFINE(KM_MAX_NESTING, KM_MAX_NESTING);
	DEFINE(KM_MAX_IRQ_NESTING, KM_MAX_IRQ_NESTING);
	DEFINE(KM_MAX_NMI_NESTING, KM_MAX_NMI_NESTING);
	DEFINE(NR_CPUS, NR_CPUS);
	DEFINE(PKMAP_BASE, PKMAP_BASE);
	DEFINE(LAST_PKMAP, LAST_PKMAP);
	DEFINE(VMALLOC_OFFSET, VMALLOC_OFFSET);
	DEFINE(VMALLOC_END, VMALLOC_END);
	DEFINE64(PTE_PFN_MASK, PTE_PFN_MASK);
	DEFINE64(PMD_PAGE_MASK, PMD_PAGE_MASK);
	DEFINE(PG_reserved, PG_reserved);
	DEFINE(PG_buddy, PG_buddy);
	DEFINE(PG_head, PG_head);
	DEFINE(PG_ORDER_SHIFT, PG_ORDER_SHIFT);
	DEFINE(PG_ORDER_MASK, PG_ORDER_MASK);
	DEFINE(PG_ZONE_SHIFT, PG_ZONE_SHIFT);
	DEFINE(PG_ZONE_MASK, PG_ZONE_MASK);
	DEFINE(PREEMPT_MASK, PREEMPT_MASK);
	DEFINE(PREEMPT_OFFSET, PREEMPT_OFFSET);
	DEFINE(HARDIRQ_MASK, HARDIRQ_MASK);
	DEFINE(HARDIRQ_OFFSET, HARDIRQ_OFFSET);
	DEFINE(NMI_MASK, NMI_MASK);
	DEFINE(NMI_OFFSET, NMI_OFFSET);
	DEFINE(TASK_RUNNING, TASK_RUNNING);
	DEFINE(TASK_UNINTERRUPTIBLE, TASK_UNINTERRUPTIBLE);
	DEFINE(TASK_NEW, TASK_NEW);
	DEFINE(TASK_DEAD, TASK_DEAD);
}

/* The page-table entry bits: boot/head.asm's boot tables, and the GDB scripts. */
static void page_bits(void)
{
	DEFINE64(_PAGE_NX, _PAGE_NX);
	DEFINE(_PAGE_PRESENT, _PAGE_PRESENT);
	DEFINE(_PAGE_RW, _PAGE_RW);
	DEFINE(_PAGE_USER, _PAGE_USER);
	DEFINE(_PAGE_PWT, _PAGE_PWT);
	DEFINE(_PAGE_PCD, _PAGE_PCD);
	DEFINE(_PAGE_ACCESSED, _PAGE_ACCESSED);
	DEFINE(_PAGE_DIRTY, _PAGE_DIRTY);
	DEFINE(_PAGE_PSE, _PAGE_PSE);
	DEFINE(_PAGE_GLOBAL, _PAGE_GLOBAL);
}

void asm_offsets(void);
void asm_offsets(void)
{
	DEFINE(PAGE_SHIFT, PAGE_SHIFT);
	DEFINE(PAGE_SIZE, PAGE_SIZE);
	DEFINE(PAGE_OFFSET, PAGE_OFFSET);
	DEFINE(KERNEL_PHYS, KERNEL_PHYS);
	DEFINE(KERNEL_VIRT, KERNEL_VIRT);
	DEFINE(BOOT_PT_SIZE, BOOT_PT_SIZE);
	DEFINE(BOOT_MAP_SIZE, BOOT_MAP_SIZE);
	DEFINE(BOOT_STACK_SIZE, BOOT_STACK_SIZE);
	DEFINE(QEMU_DEBUG_EXIT_PORT, QEMU_DEBUG_EXIT_PORT);
	DEFINE(HILO_EXIT_PASS, HILO_EXIT_PASS);
	DEFINE(HILO_EXIT_FAIL, HILO_EXIT_FAIL);
	DEFINE(HILO_EXIT_PANIC, HILO_EXIT_PANIC);
	DEFINE(MULTIBOOT_BOOTLOADER_MAGIC, MULTIBOOT_BOOTLOADER_MAGIC);
	DEFINE(__KERNEL_CS, __KERNEL_CS);
	DEFINE(__KERNEL_DS, __KERNEL_DS);
	DEFINE(__KERNEL_PERCPU, __KERNEL_PERCPU);
	DEFINE(IDT_STUB_VECTORS, IDT_STUB_VECTORS);
	DEFINE(IDT_ENTRIES, IDT_ENTRIES);
	DEFINE(FIRST_SYSTEM_VECTOR, FIRST_SYSTEM_VECTOR);
	DEFINE(SYSCALL_VECTOR, SYSCALL_VECTOR);
	DEFINE(TRAMPOLINE_PARAMS, TRAMPOLINE_PARAMS);
	DEFINE(TRAMPOLINE_PDPT, TRAMPOLINE_PDPT);
	DEFINE(TRAMPOLINE_DS, TRAMPOLINE_DS);
	DEFINE(TP_GDT_LIMIT, __builtin_offsetof(struct trampoline_params, gdt_limit));
	DEFINE(TP_FAR_OFFSET, __builtin_offsetof(struct trampoline_params, far_offset));
	DEFINE(TP_CR4, __builtin_offsetof(struct trampoline_params, cr4));
	DEFINE(TP_EFER_NXE, __builtin_offsetof(struct trampoline_params, efer_nxe));
	DEFINE(TP_STACK, __builtin_offsetof(struct trampoline_params, stack));
	DEFINE(TP_KERNEL_CR3, __builtin_offsetof(struct trampoline_params, kernel_cr3));
	DEFINE(TP_CPU, __builtin_offsetof(struct trampoline_params, cpu));
	DEFINE(TP_ENTRY, __builtin_offsetof(struct trampoline_params, entry));
	DEFINE(PT_EIP, __builtin_offsetof(struct pt_regs, eip));
	DEFINE(PT_VECTOR, __builtin_offsetof(struct pt_regs, vector));
	DEFINE(PT_CS, __builtin_offsetof(struct pt_regs, cs));
	DEFINE(X86_TRAP_NMI, X86_TRAP_NMI);
	page_bits();
	gdb_offsets();
}
