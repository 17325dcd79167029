/*
 * The kernel's virtual address space: every constant of the layout lives
 * here (DESIGN.md section 1).  Assembly and the GDB scripts get these
 * values from $(BUILD)/include/asm-offsets.{inc,py}, generated from this
 * header by tools/asm-offsets.c: never write one of them twice.
 *
 *   0xFFFFFFFF +---------------------------+
 *              | fixmap (kmap_local slots) |  FIXADDR_TOP = 0xFFFFF000
 *              +---------------------------+
 *              | pkmap pool (LAST_PKMAP)   |  PKMAP_BASE, one page table
 *              +---------------------------+
 *              | vmalloc                   |
 *              +---------------------------+  high_memory + 8 MiB
 *              | lowmem direct map         |  phys 0 .. max_low_pfn
 *   0xC0100000 |   kernel image            |  loaded at 1 MiB
 *   0xC0000000 +---------------------------+  PAGE_OFFSET
 *              | (user space: unused)      |
 *   0x00000000 +---------------------------+
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1UL << PAGE_SHIFT)
#define PAGE_MASK       (~(PAGE_SIZE - 1))

#define PAGE_OFFSET     0xC0000000UL	/* 3G/1G split */
#define KERNEL_PHYS     0x00100000UL	/* the kernel is loaded at 1 MiB */
#define KERNEL_VIRT     (PAGE_OFFSET + KERNEL_PHYS)

/*
 * The boot page tables (boot/head.asm) map the first BOOT_MAP_SIZE bytes
 * of physical memory at PAGE_OFFSET: the first BOOT_PT_SIZE with 4 KiB
 * pages (so the boot stack has an unmapped guard page), the rest with
 * 2 MiB pages.
 */
#define BOOT_PT_SIZE    (4UL << 20)
#define BOOT_MAP_SIZE   (1UL << 30)
#define BOOT_STACK_SIZE (16 * 1024UL)

#ifndef __ASSEMBLER__
#include <hilo/types.h>

/* Linker-script symbols: addresses, not variables. */
extern char _text[], _etext[], _rodata[], _erodata[], _data[], _edata[];
extern char _bss[], _ebss[], _end[];
extern char boot_stack[], boot_stack_top[], boot_stack_guard[];
extern char boot_pdpt[], boot_pd[], boot_pt[];

#define __pa(v) ((unsigned long)(v) - PAGE_OFFSET)
#define __va(p) ((void *)((unsigned long)(p) + PAGE_OFFSET))
#endif

#endif
