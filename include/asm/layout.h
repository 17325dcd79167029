/*
 * The kernel's virtual address space: every constant of the layout lives
 * here (docs/design.md section 1).  Assembly and the GDB scripts get these
 * values from $(BUILD)/include/asm-offsets.{inc,py}, generated from this
 * header by tools/asm-offsets.c: never write one of them twice.
 *
 *   0xFFFFFFFF +---------------------------+
 *              | fixmap (kmap_local, APIC)  |  FIXADDR_TOP = 0xFFFFF000
 *              +---------------------------+
 *              | pkmap pool (LAST_PKMAP)   |  PKMAP_BASE, one page table
 *              +---------------------------+
 *              | vmalloc                   |
 *              +---------------------------+  high_memory + 8 MiB
 *              | lowmem direct map         |  phys 0 .. max_low_pfn
 *   0xC0100000 |   kernel image            |  loaded at 1 MiB
 *   0xC0000000 +---------------------------+  PAGE_OFFSET = TASK_SIZE
 *              | user stack (grows down)   |  USER_STACK_SIZE
 *              +---------------------------+
 *              | mmap (anonymous), upward  |  from TASK_UNMAPPED_BASE
 *   0x40000000 +---------------------------+
 *              | brk heap, upward          |  right after the program
 *              | program (ELF PT_LOADs)    |  0x08048000 by convention
 *   0x00010000 +---------------------------+  USER_ADDR_MIN: below stays unmapped
 *   0x00000000 +---------------------------+  (a NULL dereference faults)
 *
 * The user part, below TASK_SIZE, is each process's own (hilo/mm_user.h);
 * the kernel part above is the same in every address space.
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

#include <hilo/threads.h>

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1UL << PAGE_SHIFT)
#define PAGE_MASK       (~(PAGE_SIZE - 1))
#define PMD_SHIFT       21		/* a page directory entry maps 2 MiB */
#define PMD_SIZE        (1UL << PMD_SHIFT)
#define PMD_MASK        (~(PMD_SIZE - 1))
#define PGDIR_SHIFT     30		/* a PDPT entry maps 1 GiB */
#define PFN_4G          (1UL << (32 - PAGE_SHIFT))	/* the first frame above 4 GiB */

#define PAGE_OFFSET     0xC0000000UL	/* 3G/1G split */
#define KERNEL_PHYS     0x00100000UL	/* the kernel is loaded at 1 MiB */
#define KERNEL_VIRT     (PAGE_OFFSET + KERNEL_PHYS)

/*
 * The boot page tables (boot/head.asm) map the first BOOT_MAP_SIZE bytes
 * of physical memory at PAGE_OFFSET: the first BOOT_PT_SIZE with 4 KiB
 * pages (so the boot stack has an unmapped guard page), the rest with
 * 2 MiB pages.  mm/init.c replaces them with the real direct map.
 */
#define BOOT_PT_SIZE    (4UL << 20)
#define BOOT_MAP_SIZE   (1UL << 30)
#define BOOT_STACK_SIZE (16 * 1024UL)

/*
 * kmap_local slots: KM_MAX_IDX per CPU (docs/design.md section 3).  A
 * task may hold KM_MAX_NESTING live maps; hard interrupts and NMIs map on
 * top of whatever the interrupted task holds, within headroom of their
 * own, so a task at full depth never makes an interrupt's map fail.
 * With CONFIG_DEBUG_KMAP_LOCAL every other slot is an unmapped guard, so
 * the stack needs twice the slots plus one.
 */
#define KM_MAX_NESTING      16	/* live local maps a task may hold */
#define KM_MAX_IRQ_NESTING  4	/* and hard-interrupt context, per CPU */
#define KM_MAX_NMI_NESTING  2	/* and NMI context, per CPU */
#define KM_MAX_MAPS     (KM_MAX_NESTING + KM_MAX_IRQ_NESTING + KM_MAX_NMI_NESTING)
#ifdef CONFIG_DEBUG_KMAP_LOCAL
#define KM_INCR         2
#define KM_MAX_IDX      (KM_MAX_MAPS * KM_INCR + 1)
#else
#define KM_INCR         1
#define KM_MAX_IDX      KM_MAX_MAPS
#endif

/*
 * The fixmap: compile-time virtual addresses counted down from
 * FIXADDR_TOP.  Index 0 is a hole (the top page stays unmapped).
 */
#define FIXADDR_TOP     0xFFFFF000UL
#define FIX_HOLE        0
#define FIX_KMAP_BEGIN  1
#define FIX_KMAP_END    (FIX_KMAP_BEGIN + KM_MAX_IDX * NR_CPUS - 1)
#define FIX_APIC_BASE   (FIX_KMAP_END + 1)	/* the local APIC, uncached */
#define __end_of_fixed_addresses (FIX_APIC_BASE + 1)
#define FIXADDR_SIZE    (__end_of_fixed_addresses * PAGE_SIZE)
#define FIXADDR_START   (FIXADDR_TOP - FIXADDR_SIZE + PAGE_SIZE)
#define __fix_to_virt(i) (FIXADDR_TOP - ((unsigned long)(i) << PAGE_SHIFT))
#define __virt_to_fix(v) ((FIXADDR_TOP - ((v) & PAGE_MASK)) >> PAGE_SHIFT)

/* User space: the lower 3 GiB of every process (hilo/mm_user.h). */
#define TASK_SIZE          PAGE_OFFSET
#define USER_ADDR_MIN      0x00010000UL	/* nothing is ever mapped below */
#define TASK_UNMAPPED_BASE 0x40000000UL	/* where mmap() starts looking */
#define USER_STACK_SIZE    (1UL << 20)	/* the stack mapping, demand-zero */
#define USER_STACK_TOP     TASK_SIZE

/* The permanent kmap pool: exactly one page table, 2 MiB aligned. */
#define LAST_PKMAP      512
#define PKMAP_BASE      ((FIXADDR_START - PAGE_SIZE * (LAST_PKMAP + 1)) & PMD_MASK)
#define PKMAP_END       (PKMAP_BASE + LAST_PKMAP * PAGE_SIZE)
#define PKMAP_NR(v)     (((v) - PKMAP_BASE) >> PAGE_SHIFT)
#define PKMAP_ADDR(nr)  (PKMAP_BASE + ((unsigned long)(nr) << PAGE_SHIFT))

/* vmalloc: from 8 MiB above the direct map to two pages below pkmap. */
#define VMALLOC_OFFSET  (8UL << 20)
#define VMALLOC_END     (PKMAP_BASE - 2 * PAGE_SIZE)
/* Kept above a full direct map for vmalloc, the 8 MiB gap included (as Linux). */
#define VMALLOC_RESERVE (128UL << 20)

/* The most RAM the direct map can hold: just under 896 MiB. */
#define MAXMEM          (VMALLOC_END - PAGE_OFFSET - VMALLOC_RESERVE)
#define MAXMEM_PFN      (MAXMEM >> PAGE_SHIFT)

#ifndef __ASSEMBLER__
#include <hilo/types.h>

/* The regions must fit and must not overlap (docs/design.md section 1). */
_Static_assert((PKMAP_BASE & ~PMD_MASK) == 0, "pkmap is not 2 MiB aligned");
_Static_assert(PKMAP_END <= FIXADDR_START, "pkmap overlaps the fixmap");
_Static_assert((FIXADDR_START & PMD_MASK) == (FIXADDR_TOP & PMD_MASK),
	       "the fixmap does not fit in one page table");
_Static_assert(KM_MAX_IDX >= KM_MAX_MAPS * KM_INCR,
	       "a task at full depth leaves interrupts no headroom");
_Static_assert(VMALLOC_END < PKMAP_BASE, "vmalloc overlaps pkmap");
_Static_assert(MAXMEM + VMALLOC_OFFSET < VMALLOC_END - PAGE_OFFSET,
	       "a full direct map leaves no vmalloc space");
_Static_assert(MAXMEM < (896UL << 20), "the direct map must stay under 896 MiB");
_Static_assert(MAXMEM <= BOOT_MAP_SIZE, "the boot map must cover all of lowmem");

/* Linker-script symbols: addresses, not variables. */
extern char _text[], _etext[], _rodata[], _erodata[], _data[], _edata[];
extern char _bss[], _ebss[], _end[];
extern char boot_stack[], boot_stack_top[], boot_stack_guard[];
extern char boot_pdpt[], boot_pd[], boot_pt[];

/* Direct-map conversions: valid for lowmem only. */
#define __pa(v) ((unsigned long)(v) - PAGE_OFFSET)
#define __va(p) ((void *)((unsigned long)(p) + PAGE_OFFSET))

/* Set by mm_init(): the end of the direct map, and vmalloc's start. */
extern void *high_memory;
#define VMALLOC_START   ((unsigned long)high_memory + VMALLOC_OFFSET)
#endif

#endif
