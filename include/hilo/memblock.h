/*
 * memblock: the boot allocator.  Before the buddy allocator exists it
 * knows the usable RAM (memory) and what is taken (reserved), hands out
 * lowmem top-down, and finally passes every page that is not reserved to
 * the buddy allocator (memblock_free_all).  Boot CPU only, before tasks.
 */
#ifndef HILO_MEMBLOCK_H
#define HILO_MEMBLOCK_H

#include <hilo/types.h>

#define MEMBLOCK_MAX 128

struct memblock_region {
	phys_addr_t base, size;
	const char *name;		/* what a reservation is for */
};

struct memblock_type {
	unsigned int cnt;
	struct memblock_region r[MEMBLOCK_MAX];
};

struct memblock {
	struct memblock_type memory, reserved;
	phys_addr_t limit;		/* allocations stay below (lowmem end) */
	bool done;			/* handed over: no more allocations */
};
extern struct memblock memblock;

void memblock_add(phys_addr_t base, phys_addr_t size);
void memblock_reserve(phys_addr_t base, phys_addr_t size, const char *name);
/* Zeroed, direct-mapped memory below memblock.limit; panics when none. */
void *memblock_alloc(phys_addr_t size, phys_addr_t align, const char *name);
bool memblock_is_reserved(phys_addr_t addr);
phys_addr_t memblock_reserved_size(const char *name);
void memblock_print(void);
/* Free every unreserved page to the buddy allocator; returns the count. */
unsigned long memblock_free_all(void);

/* Usable for tests: the same logic on a private instance. */
void memblock_init_type(struct memblock_type *t);
void memblock_type_add(struct memblock_type *t, phys_addr_t base,
		       phys_addr_t size, const char *name);

#endif
