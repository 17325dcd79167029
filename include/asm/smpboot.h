/*
 * Starting the application processors (arch/x86/smpboot.c, the real-mode
 * entry in arch/x86/trampoline.asm).
 *
 * The trampoline's two pages, from TRAMPOLINE_PHYS, lie in the first
 * MiB, which memblock keeps reserved (never handed to the page
 * allocator): a STARTUP IPI can only name a page below 1 MiB.  Layout:
 *
 *   0x0000  the code (trampoline_start .. trampoline_end)
 *   0x0200  struct trampoline_params, filled in for each AP
 *   0x0300  the PDPT the AP turns paging on with (32-byte aligned):
 *           entry 0 the page directory below, entry 3 the kernel's
 *   0x1000  a page directory whose one entry maps physical 0..2 MiB at
 *           0 with a 2 MiB page: the trampoline must stay executable for
 *           the instructions right after paging comes on, and the
 *           kernel's direct map of it is no-execute
 */
#ifndef ASM_SMPBOOT_H
#define ASM_SMPBOOT_H

#define TRAMPOLINE_PHYS   0x8000
#define TRAMPOLINE_PARAMS 0x200
#define TRAMPOLINE_PDPT   0x300
#define TRAMPOLINE_PD     0x1000
#define TRAMPOLINE_SIZE   0x2000
#define TRAMPOLINE_CS     0x08		/* the selectors of the block's GDT */
#define TRAMPOLINE_DS     0x10

#ifndef __ASSEMBLER__
#include <hilo/compiler.h>
#include <hilo/types.h>

struct trampoline_params {
	u16 gdt_pad;			/* puts gdt_base at a 4-byte boundary */
	u16 gdt_limit;			/* lgdt's operand: limit, then base */
	u32 gdt_base;			/* physical: &gdt below */
	u32 far_offset;			/* jmp far's operand: trampoline_protected */
	u16 far_selector;		/* TRAMPOLINE_CS */
	u16 far_pad;
	u32 cr4;			/* the boot CPU's */
	u32 efer_nxe;			/* 1: set EFER.NXE (the PTEs use NX) */
	u32 stack;			/* the AP's idle stack top (virtual) */
	u32 kernel_cr3;			/* swapper_pg_dir (physical) */
	u32 cpu;			/* the AP's CPU number */
	u32 entry;			/* secondary_startup (virtual) */
	u64 gdt[3];			/* null, flat code, flat data */
} __packed;

BUILD_BUG_ON(sizeof(struct trampoline_params) > TRAMPOLINE_PDPT - TRAMPOLINE_PARAMS);

extern const char trampoline_start[], trampoline_end[], trampoline_protected[];
void secondary_startup(void);

/*
 * smp_prepare_boot_cpu - find the CPUs (firmware tables, command line)
 * and set up the boot CPU's local APIC.  After mm_init, before
 * sched_init (whose tick is the APIC timer).  Interrupts off.
 */
void smp_prepare_boot_cpu(void);

/*
 * smp_boot_cpus - start every other CPU found, one at a time, each on its
 * idle task, and log "hilo: smp: N CPUs online".  A CPU that does not
 * come up within AP_BOOT_TIMEOUT_MS is named and left out.  Boot task,
 * after sched_init, interrupts on.
 */
void smp_boot_cpus(void);

/* start_secondary - an AP's first C code (secondary_startup).  Never returns. */
void __noreturn start_secondary(unsigned int cpu);

/* cpu_apic_id - the APIC ID of CPU cpu (online ones only). */
u32 cpu_apic_id(unsigned int cpu);
#endif

#endif
