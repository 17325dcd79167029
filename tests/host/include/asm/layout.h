/*
 * Host shim for include/asm/layout.h: the page constants, and a direct
 * map that is a host buffer (tests/host/hilo_host.c: host_lowmem), so
 * lowmem_page_address(), __pa() and __va() work on the host.
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

#include <hilo/types.h>

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1UL << PAGE_SHIFT)
#define PAGE_MASK       (~(PAGE_SIZE - 1))

extern unsigned char *host_lowmem;	/* physical address 0 of the direct map */
#define PAGE_OFFSET     ((unsigned long)host_lowmem)
#define __pa(v) ((unsigned long)(v) - PAGE_OFFSET)
#define __va(p) ((void *)((unsigned long)(p) + PAGE_OFFSET))
extern void *high_memory;

#endif
