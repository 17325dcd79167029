/*
 * Shared by the highmem suites: pages that really are highmem (and, from
 * hilo/page_pattern.h, the pattern that proves a mapping shows its page).
 */
#ifndef TESTS_HIGHMEM_TEST_UTIL_H
#define TESTS_HIGHMEM_TEST_UTIL_H

#include <hilo/highmem.h>
#include <hilo/ktest.h>
#include <hilo/mm.h>
#include <hilo/page_pattern.h>

/*
 * A highmem page, or NULL after marking the case skipped: machines with
 * less RAM than the direct map holds (32 MiB, 512 MiB) have no highmem.
 */
static inline struct page *alloc_highmem_page(struct ktest *t)
{
	struct page *page;

	if (!zones[ZONE_HIGHMEM].free_pages) {
		ktest_skip(t, "no highmem in this configuration");
		return NULL;
	}
	page = alloc_page(GFP_HIGHUSER);
	if (page && !PageHighMem(page)) {
		__free_page(page);
		ktest_skip(t, "highmem is exhausted");
		return NULL;
	}
	return page;
}

/*
 * A page that kmap_local_page() maps through a real slot: any page when
 * CONFIG_DEBUG_KMAP_LOCAL_FORCE_MAP is on, else a highmem page (or NULL
 * with the case skipped, as above).
 */
static inline struct page *alloc_slot_page(struct ktest *t)
{
	if (IS_ENABLED_FORCE_MAP)
		return alloc_page(GFP_KERNEL);
	return alloc_highmem_page(t);
}

#define HIGH_BLOCKS_MAX 64

/* The order-MAX_PAGE_ORDER blocks taken while looking above 4 GiB. */
struct high_blocks {
	struct page *held[HIGH_BLOCKS_MAX];
	unsigned int n;
};

static inline void free_high_blocks(struct high_blocks *b)
{
	while (b->n)
		__free_pages(b->held[--b->n], MAX_PAGE_ORDER);
}

/*
 * alloc_block_above_4g - a block of 2^MAX_PAGE_ORDER highmem pages whose
 * frames lie above 4 GiB (36-bit CPU, more than 4 GiB of RAM).  Every
 * block taken on the way, this one included, is in b: free them with
 * free_high_blocks().  NULL with the case skipped when the machine has no
 * RAM there, or with the case failed when none was found.
 */
static inline struct page *alloc_block_above_4g(struct ktest *t, struct high_blocks *b)
{
	b->n = 0;
	if (max_pfn <= PFN_4G) {
		ktest_skip(t, "no RAM above 4 GiB in this configuration");
		return NULL;
	}
	while (b->n < HIGH_BLOCKS_MAX) {
		struct page *block = alloc_pages(GFP_HIGHUSER, MAX_PAGE_ORDER);

		if (!block)
			break;
		b->held[b->n++] = block;
		if (page_to_pfn(block) >= PFN_4G)
			return block;
	}
	KTEST_FAIL(t, "no highmem block above 4 GiB in %u allocations", b->n);
	free_high_blocks(b);
	return NULL;
}

#endif
