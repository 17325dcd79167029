/*
 * Benchmarks of the buddy allocator (hilo/bench.h): alloc_pages followed
 * by __free_pages of the same block, per zone, and an order-4 block (the
 * cost includes splitting a larger free block and merging it back).
 *
 * Sanity: every allocation must succeed (a failed one would make the loop
 * cheap) and from the zone the case names, and the zone's free pages must
 * be the same after every run (each allocation was freed).
 */
#include <hilo/bench.h>
#include <hilo/mm.h>
#include <hilo/printk.h>

#define ALLOC_ITERS 256		/* per run (order 4: a sixteenth, for as many pages) */

/* What a case allocates, indexed by its ->arg. */
struct alloc_spec {
	gfp_t gfp;
	unsigned int order;
	enum zone_type zone;	/* where the block must come from */
};

enum { ALLOC_DMA, ALLOC_NORMAL, ALLOC_HIGHMEM, ALLOC_NORMAL_ORDER4 };

static const struct alloc_spec alloc_specs[] = {
	[ALLOC_DMA]           = { GFP_DMA, 0, ZONE_DMA },
	[ALLOC_NORMAL]        = { GFP_KERNEL, 0, ZONE_NORMAL },
	[ALLOC_HIGHMEM]       = { GFP_HIGHUSER, 0, ZONE_HIGHMEM },
	[ALLOC_NORMAL_ORDER4] = { GFP_KERNEL, 4, ZONE_NORMAL },
};

static const struct alloc_spec *spec_of(const struct bench_case *c)
{
	return &alloc_specs[c->arg];
}

/* setup_alloc - one trial allocation: does the block come from the right zone? */
static const char *setup_alloc(const struct bench_case *c)
{
	static char why[64];
	const struct alloc_spec *s = spec_of(c);
	struct page *page = alloc_pages(s->gfp, s->order);
	bool right_zone = page && page_zonenum(page) == s->zone;

	if (page)
		__free_pages(page, s->order);
	if (right_zone)
		return NULL;
	snprintf(why, sizeof(why), "no free order-%u block in zone %s",
		 s->order, zones[s->zone].name);
	return why;
}

/* run_alloc_free - allocate and free one block per iteration; stop at a failure. */
static unsigned int run_alloc_free(const struct bench_case *c, unsigned int iters)
{
	const struct alloc_spec *s = spec_of(c);
	unsigned int i;

	for (i = 0; i < iters; i++) {
		struct page *page = alloc_pages(s->gfp, s->order);

		if (!page || page_zonenum(page) != s->zone)
			break;
		__free_pages(page, s->order);
	}
	return i;
}

static unsigned long read_zone_free(const struct bench_case *c)
{
	return zones[spec_of(c)->zone].free_pages;
}

#define ALLOC_BENCH(id, name_, what_, spec, iters_)                           \
	BENCH(id, .name = name_, .what = what_, .iters = iters_,              \
	      .arg = spec, .setup = setup_alloc, .run = run_alloc_free,       \
	      .expect = { { "zone.free_pages", read_zone_free, 0, 1, false } })

ALLOC_BENCH(alloc_dma, "page_alloc.dma", "alloc_page(GFP_DMA) + __free_page",
	    ALLOC_DMA, ALLOC_ITERS);
ALLOC_BENCH(alloc_normal, "page_alloc.normal", "alloc_page(GFP_KERNEL) + __free_page",
	    ALLOC_NORMAL, ALLOC_ITERS);
ALLOC_BENCH(alloc_highmem, "page_alloc.highmem", "alloc_page(GFP_HIGHUSER) + __free_page",
	    ALLOC_HIGHMEM, ALLOC_ITERS);
ALLOC_BENCH(alloc_order4, "page_alloc.normal_order4", "alloc_pages(GFP_KERNEL, 4) + __free_pages",
	    ALLOC_NORMAL_ORDER4, ALLOC_ITERS / 16);
