/*
 * Host unit tests of the buddy allocator's bookkeeping (mm/page_alloc.c):
 * splits and merges seen in the per-order counts, and each misuse a named
 * panic that leaves the allocator as it was.
 */
#include <string.h>

#include <hilo/compiler.h>

#include "hilo_host.h"
#include "host_test.h"
#include "page_alloc_host.h"

#define DMA_PAGES 4096		/* MAX_DMA_PFN */

static unsigned long snapshot[MAX_NR_ZONES][NR_PAGE_ORDERS];

static void take_snapshot(void)
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o <= MAX_PAGE_ORDER; o++)
			snapshot[z][o] = zones[z].free_area[o].nr_free;
}

static bool same_as_snapshot(void)
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o <= MAX_PAGE_ORDER; o++)
			if (snapshot[z][o] != zones[z].free_area[o].nr_free)
				return false;
	return host_buddy_check() == NULL;
}

static bool hole(unsigned long pfn, void *ctx)
{
	return pfn < 16 || (pfn >= 1000 && pfn < 1003);
}

static void boot_frees_in_largest_blocks(void)
{
	host_mm_setup(DMA_PAGES + 2048, 1024, NULL, NULL);
	CHECK(host_buddy_check() == NULL);
	CHECK(zones[ZONE_DMA].free_area[MAX_PAGE_ORDER].nr_free == 4);
	CHECK(zones[ZONE_NORMAL].free_area[MAX_PAGE_ORDER].nr_free == 2);
	CHECK(zones[ZONE_HIGHMEM].free_area[MAX_PAGE_ORDER].nr_free == 1);
	CHECK(nr_free_pages() == DMA_PAGES + 2048 + 1024);
	host_mm_setup(DMA_PAGES, 0, hole, NULL);
	CHECK(host_buddy_check() == NULL);
	CHECK(nr_free_pages() == DMA_PAGES - 16 - 3);
	CHECK(PageReserved(pfn_to_page(1001)) && !PageReserved(pfn_to_page(1003)));
}

static void split_and_merge(void)
{
	struct page *p;

	host_mm_setup(1024, 0, NULL, NULL);
	take_snapshot();
	p = alloc_pages(GFP_KERNEL, 0);
	CHECK(p && page_count(p) == 1);
	for (int o = 0; o < MAX_PAGE_ORDER; o++)
		CHECK(zones[ZONE_DMA].free_area[o].nr_free == 1);
	CHECK(zones[ZONE_DMA].free_area[MAX_PAGE_ORDER].nr_free == 0);
	CHECK(host_buddy_check() == NULL);
	__free_pages(p, 0);
	CHECK(same_as_snapshot());
}

static void every_page_once_then_all_merge(void)
{
	static struct page *got[DMA_PAGES];
	unsigned long n = 0;
	struct page *p;

	host_mm_setup(DMA_PAGES, 0, hole, NULL);
	take_snapshot();
	while ((p = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0))) {
		CHECK(n < DMA_PAGES && !PageReserved(p) && p->flags & PG_head);
		CHECK(((unsigned char *)lowmem_page_address(p))[PAGE_SIZE - 1] == 0);
		got[n++] = p;
	}
	CHECK(n == DMA_PAGES - 19 && nr_free_pages() == 0);
	for (unsigned long i = 0; i < n; i++)
		__free_pages(got[n - 1 - i], 0);
	CHECK(same_as_snapshot());
	CHECK(((unsigned char *)lowmem_page_address(got[0]))[7] == 0x6b);
}

static void zones_by_gfp(void)
{
	struct page *h, *d, *k;

	host_mm_setup(DMA_PAGES + 1024, 1024, NULL, NULL);
	h = alloc_pages(GFP_HIGHUSER | __GFP_ZERO, 3);
	d = alloc_pages(GFP_DMA, 2);
	k = alloc_pages(GFP_KERNEL, 1);
	CHECK(h && d && k);
	CHECK(page_zonenum(h) == ZONE_HIGHMEM && host_highpages_cleared >= 8);
	CHECK(page_zonenum(d) == ZONE_DMA && page_zonenum(k) == ZONE_NORMAL);
	CHECK(page_to_pfn(h) % 8 == 0 && page_to_pfn(d) % 4 == 0);
	CHECK(virt_to_page((void *)__get_free_pages(GFP_KERNEL, 0)) != NULL);
	CHECK(HOST_CATCH_PANIC(__get_free_pages(GFP_HIGHUSER, 0)));
}

/* A misuse panics with the message's start, and changes nothing. */
static bool misuse(void (*fn)(struct page *), struct page *p, const char *msg)
{
	bool panicked;

	take_snapshot();
	panicked = HOST_CATCH_PANIC(fn(p));
	if (!panicked || strncmp(host_panic_msg, msg, strlen(msg)) || !same_as_snapshot()) {
		printf("  expected a panic \"%s...\", got \"%s\"\n", msg, host_panic_msg);
		return false;
	}
	return true;
}

static void free0(struct page *p) { __free_pages(p, 0); }
static void free1(struct page *p) { __free_pages(p, 1); }
static void get(struct page *p) { get_page(p); }
static void order11(struct page *p) { (void)p; alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1); }

static void misuses_are_named_panics(void)
{
	struct page *p, *q;

	host_mm_setup(1024, 0, hole, NULL);
	p = alloc_pages(GFP_KERNEL, 0);
	q = alloc_pages(GFP_KERNEL, 2);
	CHECK(p && q);
	__free_pages(p, 0);
	CHECK(misuse(free0, p, "__free_pages: double free of page"));
	CHECK(misuse(free0, pfn_to_page(3), "__free_pages: freeing reserved page"));
	CHECK(misuse(free1, q, "__free_pages: page"));
	CHECK(strstr(host_panic_msg, "freed with order 1 but allocated with order 2"));
	CHECK(misuse(free0, q + 1, "__free_pages: page"));
	CHECK(strstr(host_panic_msg, "is not the head of an allocated block: it lies in the order-2 block"));
	CHECK(misuse(get, p, "get_page: page"));
	CHECK(misuse(order11, NULL, "alloc_pages: order 11 is above MAX_PAGE_ORDER"));
	CHECK(misuse(free0, pfn_to_page(max_pfn), "__free_pages: page"));
	get_page(q);
	__free_pages(q, 2);
	CHECK(page_count(q) == 1);
	__free_pages(q, 2);
}

/*
 * A range-limited allocation takes a block inside the range, splits it
 * like any other, and fails (changing nothing) when no free block fits.
 */
static void range_limited_blocks_stay_in_range(void)
{
	unsigned long lo = DMA_PAGES + 2048, hi = lo + 1024;	/* the second 4 MiB of highmem */
	struct page *p, *q;

	host_mm_setup(DMA_PAGES + 1024, 2048, NULL, NULL);
	take_snapshot();
	p = alloc_pages_range(GFP_HIGHUSER, 0, lo, hi);
	CHECK(p && page_to_pfn(p) >= lo && page_to_pfn(p) < hi && PageHighMem(p));
	q = alloc_pages_range(GFP_HIGHUSER, 3, lo, hi);
	CHECK(q && page_to_pfn(q) >= lo && page_to_pfn(q) + 8 <= hi);
	CHECK(host_buddy_check() == NULL);
	/* A block that only partly lies in the range is not used; no RAM, nothing. */
	CHECK(alloc_pages_range(GFP_HIGHUSER, 0, lo - 512, lo) == NULL);
	CHECK(alloc_pages_range(GFP_HIGHUSER, 0, max_pfn, ~0UL) == NULL);
	/* Below a limit, GFP_HIGHUSER falls back to lowmem as usual. */
	p = alloc_pages_range(GFP_HIGHUSER, 0, 0, 1024);
	__free_pages(q, 3);
	CHECK(p && page_to_pfn(p) < 1024 && !PageHighMem(p));
	__free_pages(p, 0);
	CHECK(same_as_snapshot() || host_buddy_check() == NULL);
}

static const struct host_case cases[] = {
	HOST_CASE(range_limited_blocks_stay_in_range),
	HOST_CASE(boot_frees_in_largest_blocks),
	HOST_CASE(split_and_merge),
	HOST_CASE(every_page_once_then_all_merge),
	HOST_CASE(zones_by_gfp),
	HOST_CASE(misuses_are_named_panics),
};

int main(void)
{
	return host_run("page_alloc", cases, ARRAY_SIZE(cases));
}
