/* Host shim for include/hilo/memblock.h: what mm/page_alloc.c calls. */
#ifndef HILO_MEMBLOCK_H
#define HILO_MEMBLOCK_H

#include <hilo/types.h>

void *memblock_alloc(phys_addr_t size, phys_addr_t align, const char *name);

#endif
