/*
 * memblock: RAM and reservations as sorted arrays of non-overlapping
 * regions.  Allocation is top-down below memblock.limit (the end of
 * lowmem), so early tables land high and the low 16 MiB stay for DMA.
 */
#include <asm/layout.h>
#include <hilo/memblock.h>
#include <hilo/mm.h>
#include <hilo/panic.h>
#include <hilo/printk.h>
#include <hilo/string.h>

struct memblock memblock;

void memblock_init_type(struct memblock_type *t)
{
	t->cnt = 0;
}

static phys_addr_t region_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

static void remove_at(struct memblock_type *t, unsigned int i)
{
	memmove(&t->r[i], &t->r[i + 1], (t->cnt - i - 1) * sizeof(t->r[0]));
	t->cnt--;
}

/*
 * memblock_type_add - insert [base, base + size) keeping the array sorted;
 * overlapping or touching regions of the same name are merged.  Panics
 * when the array is full (a fixed-size boot structure: raise MEMBLOCK_MAX).
 */
void memblock_type_add(struct memblock_type *t, phys_addr_t base,
		       phys_addr_t size, const char *name)
{
	unsigned int i = 0;

	if (!size)
		return;
	while (i < t->cnt && t->r[i].base < base)
		i++;
	if (t->cnt == MEMBLOCK_MAX)
		panic("memblock: more than %d regions adding %s [%#llx-%#llx)",
		      MEMBLOCK_MAX, name, base, base + size);
	memmove(&t->r[i + 1], &t->r[i], (t->cnt - i) * sizeof(t->r[0]));
	t->r[i] = (struct memblock_region){ base, size, name };
	t->cnt++;

	/* Merge with neighbours of the same name that touch or overlap. */
	for (i = 0; i + 1 < t->cnt;) {
		struct memblock_region *a = &t->r[i], *b = &t->r[i + 1];

		if (region_end(a) >= b->base && a->name == b->name) {
			phys_addr_t end = max(region_end(a), region_end(b));

			a->size = end - a->base;
			remove_at(t, i + 1);
		} else {
			i++;
		}
	}
}

/** memblock_add - declare [base, base + size) usable RAM.  Boot only. */
void memblock_add(phys_addr_t base, phys_addr_t size)
{
	memblock_type_add(&memblock.memory, base, size, "memory");
}

/** memblock_reserve - mark [base, base + size) taken, for name.  Boot only. */
void memblock_reserve(phys_addr_t base, phys_addr_t size, const char *name)
{
	if (memblock.done)
		panic("memblock_reserve: %s after the hand-over to the buddy allocator",
		      name);
	memblock_type_add(&memblock.reserved, base, size, name);
}

/** memblock_is_reserved - does any reservation cover addr? */
bool memblock_is_reserved(phys_addr_t addr)
{
	for (unsigned int i = 0; i < memblock.reserved.cnt; i++) {
		const struct memblock_region *r = &memblock.reserved.r[i];

		if (addr >= r->base && addr < region_end(r))
			return true;
	}
	return false;
}

/* The highest reservation overlapping [base, end), or NULL. */
static const struct memblock_region *reserved_overlap(phys_addr_t base, phys_addr_t end)
{
	const struct memblock_region *hit = NULL;

	for (unsigned int i = 0; i < memblock.reserved.cnt; i++) {
		const struct memblock_region *r = &memblock.reserved.r[i];

		if (r->base < end && region_end(r) > base)
			hit = r;
	}
	return hit;
}

/* Top-down search for a free [cand, cand + size) inside one RAM region. */
static bool find_in_region(const struct memblock_region *m, phys_addr_t size,
			   phys_addr_t align, phys_addr_t *out)
{
	phys_addr_t top = min(region_end(m), memblock.limit);

	while (top >= m->base + size) {
		phys_addr_t cand = ALIGN_DOWN(top - size, align);
		const struct memblock_region *r;

		if (cand < m->base)
			return false;
		r = reserved_overlap(cand, cand + size);
		if (!r) {
			*out = cand;
			return true;
		}
		top = r->base;
	}
	return false;
}

/**
 * memblock_alloc - size bytes aligned to align, below memblock.limit,
 * reserved under name, zeroed, returned as a direct-map pointer.  Boot
 * only; panics when no RAM is left (nothing can boot without it).
 */
void *memblock_alloc(phys_addr_t size, phys_addr_t align, const char *name)
{
	phys_addr_t base;

	if (memblock.done)
		panic("memblock_alloc: %s after the hand-over to the buddy allocator", name);
	size = ALIGN_UP(size, PAGE_SIZE);
	for (int i = (int)memblock.memory.cnt - 1; i >= 0; i--) {
		if (find_in_region(&memblock.memory.r[i], size, align, &base)) {
			memblock_reserve(base, size, name);
			memset(__va(base), 0, size);
			return __va(base);
		}
	}
	panic("memblock_alloc: no %llu bytes of lowmem left for %s (limit %#llx)",
	      size, name, memblock.limit);
}

/** memblock_reserved_size - bytes reserved under name ("" : all). */
phys_addr_t memblock_reserved_size(const char *name)
{
	phys_addr_t sum = 0;

	for (unsigned int i = 0; i < memblock.reserved.cnt; i++)
		if (!*name || !strcmp(memblock.reserved.r[i].name, name))
			sum += memblock.reserved.r[i].size;
	return sum;
}

/** memblock_print - the reservations, one line each. */
void memblock_print(void)
{
	for (unsigned int i = 0; i < memblock.reserved.cnt; i++) {
		const struct memblock_region *r = &memblock.reserved.r[i];

		pr_info("memblock: reserved [%#011llx-%#011llx] %8llu KiB  %s\n",
			r->base, region_end(r) - 1, r->size >> 10, r->name);
	}
}

/* Free the whole pages of [start, end) that no reservation covers. */
static unsigned long free_unreserved(phys_addr_t start, phys_addr_t end)
{
	unsigned long freed = 0;

	for (unsigned int i = 0; i <= memblock.reserved.cnt && start < end; i++) {
		phys_addr_t stop = end;
		const struct memblock_region *r = NULL;

		if (i < memblock.reserved.cnt) {
			r = &memblock.reserved.r[i];
			if (region_end(r) <= start)
				continue;
			stop = min(end, r->base);
		}
		if (stop > start) {
			unsigned long s = (unsigned long)(ALIGN_UP(start, PAGE_SIZE) >> PAGE_SHIFT);
			unsigned long e = (unsigned long)(ALIGN_DOWN(stop, PAGE_SIZE) >> PAGE_SHIFT);

			if (e > s) {
				free_pages_boot(s, e);
				freed += e - s;
			}
		}
		if (r)
			start = max(start, region_end(r));
	}
	return freed;
}

/**
 * memblock_free_all - hand every page of RAM that is not reserved to the
 * buddy allocator.  After this memblock allocates no more.  Returns the
 * number of pages freed.
 */
unsigned long memblock_free_all(void)
{
	unsigned long freed = 0;

	for (unsigned int i = 0; i < memblock.memory.cnt; i++) {
		const struct memblock_region *m = &memblock.memory.r[i];

		freed += free_unreserved(m->base, region_end(m));
	}
	memblock.done = true;
	return freed;
}
