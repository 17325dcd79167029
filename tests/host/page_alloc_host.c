/* The host machine for mm/page_alloc.c (see page_alloc_host.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hilo/highmem.h>
#include <hilo/memblock.h>

#include "page_alloc_host.h"

unsigned char *host_lowmem;
void *high_memory;
unsigned long host_highpages_cleared;

void clear_highpage(struct page *page)
{
	if (!PageHighMem(page))
		abort();
	host_highpages_cleared++;
}

void *memblock_alloc(phys_addr_t size, phys_addr_t align, const char *name)
{
	return calloc(1, (size_t)size);
}

void host_mm_setup(unsigned long low_pages, unsigned long high_pages,
		   bool (*reserve)(unsigned long pfn, void *ctx), void *ctx)
{
	static unsigned long lowmem_pages;
	unsigned long start = 0;

	if (low_pages > lowmem_pages) {
		free(host_lowmem);
		host_lowmem = malloc(low_pages * PAGE_SIZE);
		lowmem_pages = low_pages;
	}
	high_memory = host_lowmem + low_pages * PAGE_SIZE;
	free(mem_map);
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const char *name = zones[i].name;

		memset(&zones[i], 0, sizeof(zones[i]));
		zones[i].name = name;
	}
	max_low_pfn = low_pages;
	max_pfn = low_pages + high_pages;
	zones_init();
	for (unsigned long pfn = 0; pfn <= max_pfn; pfn++) {
		if (pfn < max_pfn && !(reserve && reserve(pfn, ctx)))
			continue;
		if (start < pfn)
			free_pages_boot(start, pfn);
		start = pfn + 1;
	}
	for (int i = 0; i < MAX_NR_ZONES; i++)
		zones[i].present_pages = zones[i].end_pfn - zones[i].start_pfn;
}

const char *host_buddy_check(void)
{
	static char why[200];

	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		const struct zone *z = &zones[zi];
		unsigned long pages = 0;

		for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++) {
			const struct page *p;
			unsigned long blocks = 0;

			list_for_each_entry(p, &z->free_area[o].free_list, lru) {
				unsigned long pfn = page_to_pfn(p);

				if (!(p->flags & PG_buddy) || ((p->flags & PG_ORDER_MASK) >> PG_ORDER_SHIFT) != o ||
				    (pfn & ((1UL << o) - 1)) || pfn < z->start_pfn ||
				    pfn + (1UL << o) > z->end_pfn || page_zone(p) != z) {
					snprintf(why, sizeof(why), "zone %s: order-%u free block at pfn %#lx is misplaced or mislabelled",
						 z->name, o, pfn);
					return why;
				}
				blocks++;
			}
			if (blocks != z->free_area[o].nr_free) {
				snprintf(why, sizeof(why), "zone %s: %lu order-%u blocks listed, nr_free %lu",
					 z->name, blocks, o, z->free_area[o].nr_free);
				return why;
			}
			pages += blocks << o;
		}
		if (pages != z->free_pages) {
			snprintf(why, sizeof(why), "zone %s: %lu pages listed, free_pages %lu",
				 z->name, pages, z->free_pages);
			return why;
		}
	}
	return NULL;
}
