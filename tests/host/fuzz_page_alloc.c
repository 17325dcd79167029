/*
 * libFuzzer target: the buddy allocator (mm/page_alloc.c) driven by a
 * sequence of operations read from the input: allocate (gfp, order),
 * free a held block, take and drop a reference, or a misuse (double
 * free, wrong order, tail page) that must be a named panic changing
 * nothing.  Checked throughout: no page is handed out twice, blocks are
 * aligned and in a zone gfp allows, the free counts match a model and the
 * free lists; at the end everything freed merges back to the initial
 * per-order counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hilo_host.h"
#include "page_alloc_host.h"

#define LOW 4352UL		/* DMA 4096 pages, NORMAL 256 */
#define HIGH 256UL
#define HELD_MAX 256

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define FCHECK(c) do { if (!(c)) { printf("page_alloc property failed (line %d): %s\n", __LINE__, #c); abort(); } } while (0)

static struct { struct page *p; unsigned int order; } held[HELD_MAX];
static unsigned char owner[LOW + HIGH];
static unsigned long initial[MAX_NR_ZONES][NR_PAGE_ORDERS];

static void counts(unsigned long c[MAX_NR_ZONES][NR_PAGE_ORDERS])
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o <= MAX_PAGE_ORDER; o++)
			c[z][o] = zones[z].free_area[o].nr_free;
}

static bool same(unsigned long a[MAX_NR_ZONES][NR_PAGE_ORDERS])
{
	unsigned long b[MAX_NR_ZONES][NR_PAGE_ORDERS];

	counts(b);
	return memcmp(a, b, sizeof(b)) == 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	unsigned long model_free, before[MAX_NR_ZONES][NR_PAGE_ORDERS];
	unsigned int nheld = 0;

	host_mm_setup(LOW, HIGH, NULL, NULL);
	memset(owner, 0, sizeof(owner));
	counts(initial);
	model_free = nr_free_pages();
	for (size_t i = 0; i + 1 < size; i += 2) {
		unsigned int op = data[i] % 8, arg = data[i + 1];

		if (op <= 2) {			/* allocate */
			static const gfp_t gfps[] = { GFP_KERNEL, GFP_DMA, GFP_HIGHUSER };
			gfp_t gfp = gfps[arg % 3] | (arg & 0x80 ? __GFP_ZERO : 0);
			unsigned int order = (arg >> 2) % (op == 0 ? 11 : 4);
			struct page *p;
			unsigned long pfn;

			if (nheld == HELD_MAX)
				continue;
			p = alloc_pages(gfp, order);
			if (!p)
				continue;
			pfn = page_to_pfn(p);
			FCHECK(pfn % (1UL << order) == 0 && pfn + (1UL << order) <= max_pfn);
			FCHECK(!(gfp & __GFP_DMA) || page_zonenum(p) == ZONE_DMA);
			FCHECK((gfp & __GFP_HIGHMEM) || page_zonenum(p) != ZONE_HIGHMEM);
			FCHECK(page_count(p) == 1);
			for (unsigned long j = 0; j < (1UL << order); j++) {
				FCHECK(!owner[pfn + j]);
				owner[pfn + j] = 1;
			}
			if ((gfp & __GFP_ZERO) && !PageHighMem(p))
				FCHECK(((unsigned char *)lowmem_page_address(p))[arg % PAGE_SIZE] == 0);
			model_free -= 1UL << order;
			held[nheld].p = p;
			held[nheld++].order = order;
		} else if (op <= 4 && nheld) {	/* free */
			unsigned int k = arg % nheld;
			unsigned long pfn = page_to_pfn(held[k].p);

			__free_pages(held[k].p, held[k].order);
			for (unsigned long j = 0; j < (1UL << held[k].order); j++)
				owner[pfn + j] = 0;
			model_free += 1UL << held[k].order;
			held[k] = held[--nheld];
		} else if (op == 5 && nheld) {	/* a reference more, then less */
			struct page *p = held[arg % nheld].p;

			get_page(p);
			__free_pages(p, held[arg % nheld].order);
			FCHECK(page_count(p) == 1);
		} else if (op == 6 && nheld) {	/* misuse: wrong order or a tail page */
			unsigned int k = arg % nheld;
			struct page *p = held[k].p;

			counts(before);
			if (held[k].order && (arg & 0x80))
				FCHECK(HOST_CATCH_PANIC(__free_pages(p + 1, 0)));
			else
				FCHECK(HOST_CATCH_PANIC(__free_pages(p, (held[k].order + 1) % 11)));
			FCHECK(strncmp(host_panic_msg, "__free_pages: ", 14) == 0 && same(before));
		} else if (op == 7) {		/* misuse: free a page nobody holds */
			unsigned long pfn = (arg * 17UL) % max_pfn;

			if (owner[pfn])
				continue;
			counts(before);
			FCHECK(HOST_CATCH_PANIC(__free_pages(pfn_to_page(pfn), 0)));
			FCHECK(strstr(host_panic_msg, "double free") && same(before));
		}
		FCHECK(nr_free_pages() == model_free);
		if (i % 32 == 0)
			FCHECK(host_buddy_check() == NULL);
	}
	FCHECK(host_buddy_check() == NULL);
	while (nheld) {
		nheld--;
		__free_pages(held[nheld].p, held[nheld].order);
	}
	FCHECK(same(initial) && host_buddy_check() == NULL);
	return 0;
}
