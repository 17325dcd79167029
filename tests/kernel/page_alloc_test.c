/*
 * The buddy allocator: exact accounting, no overlap, alignment, zone
 * preference and fallback, zeroing, poisoning, and every misuse panics.
 */
#include <asm/layout.h>
#include <hilo/ktest.h>
#include <hilo/mm.h>
#include <hilo/string.h>
#include <hilo/vmalloc.h>

#define BATCH 512	/* pages stamped through one vmap */

struct free_snapshot {
	unsigned long nr_free[MAX_NR_ZONES][NR_PAGE_ORDERS];
	unsigned long free_pages[MAX_NR_ZONES];
};

static void snapshot(struct free_snapshot *s)
{
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		s->free_pages[z] = zones[z].free_pages;
		for (int o = 0; o <= MAX_PAGE_ORDER; o++)
			s->nr_free[z][o] = zones[z].free_area[o].nr_free;
	}
}

/* Map up to BATCH pages of the list from *pos and stamp or check them. */
struct stamp_walk {
	struct list_head *head, *pos;
	unsigned long seq;
	unsigned long bad;
};

static unsigned int next_batch(struct stamp_walk *w, struct page **pages)
{
	unsigned int n = 0;

	while (n < BATCH && w->pos != w->head) {
		pages[n++] = list_entry(w->pos, struct page, lru);
		w->pos = w->pos->next;
	}
	return n;
}

/* Every page gets (sequence number, pfn) in its first and last words. */
static void stamp_pages(struct stamp_walk *w, bool check)
{
	static struct page *pages[BATCH];
	unsigned int n;

	w->pos = w->head->next;
	w->seq = 0;
	while ((n = next_batch(w, pages))) {
		u32 *va = vmap(pages, n);

		for (unsigned int i = 0; i < n; i++, w->seq++) {
			u32 *p = va + i * (PAGE_SIZE / 4);
			u32 pfn = page_to_pfn(pages[i]);

			if (!check) {
				p[0] = (u32)w->seq;
				p[PAGE_SIZE / 4 - 1] = pfn;
			} else if (p[0] != (u32)w->seq || p[PAGE_SIZE / 4 - 1] != pfn) {
				w->bad++;
			}
		}
		vunmap(va);
	}
}

/* Allocate pages for the warm-up and free them: creates vmap page tables. */
static void warm_up_vmap(void)
{
	static struct page *pages[BATCH];
	void *va;

	for (int i = 0; i < BATCH; i++)
		pages[i] = alloc_page(GFP_HIGHUSER);
	va = vmap(pages, BATCH);
	vunmap(va);
	for (int i = 0; i < BATCH; i++)
		__free_page(pages[i]);
}

KTEST(page_alloc, every_free_page_once_then_counts_restored)
{
	unsigned long expected, got = 0, dup = 0, words = (max_pfn + 31) / 32;
	struct free_snapshot before, after;
	struct stamp_walk w;
	u32 *seen = vmalloc(words * 4, GFP_KERNEL);
	LIST_HEAD(pages);
	struct page *p;

	ASSERT_NOT_NULL(t, seen);
	memset(seen, 0, words * 4);
	warm_up_vmap();
	snapshot(&before);
	expected = nr_free_pages();

	while ((p = alloc_page(GFP_HIGHUSER))) {
		unsigned long pfn = page_to_pfn(p);

		if (seen[pfn / 32] & (1u << (pfn % 32))) {
			dup++;
			continue;	/* never link a page twice */
		}
		seen[pfn / 32] |= 1u << (pfn % 32);
		list_add_tail(&p->lru, &pages);
		got++;
	}
	EXPECT_EQ(t, dup, 0);
	EXPECT_EQ(t, got, expected);
	EXPECT_EQ(t, nr_free_pages(), 0);

	w = (struct stamp_walk){ .head = &pages };
	stamp_pages(&w, false);
	stamp_pages(&w, true);
	EXPECT_EQ(t, w.seq, got);
	EXPECT_EQ(t, w.bad, 0);

	while (!list_empty(&pages)) {
		p = list_first_entry(&pages, struct page, lru);
		list_del_init(&p->lru);
		__free_page(p);
	}
	snapshot(&after);
	EXPECT_EQ(t, nr_free_pages(), expected);
	EXPECT_MEMEQ(t, &after, &before, sizeof(after));
	vfree(seen);
}

KTEST(page_alloc, blocks_are_aligned_to_their_order)
{
	for (unsigned int order = 0; order <= MAX_PAGE_ORDER; order++) {
		struct page *p = alloc_pages(GFP_KERNEL, order);

		ASSERT_NOT_NULL(t, p);
		EXPECT_EQ(t, page_to_pfn(p) & ((1UL << order) - 1), 0);
		EXPECT_EQ(t, page_count(p), 1);
		__free_pages(p, order);
	}
}

KTEST(page_alloc, zones_are_chosen_by_gfp)
{
	struct page *dma = alloc_page(GFP_DMA), *low = alloc_page(GFP_KERNEL);
	struct page *high = alloc_page(GFP_HIGHUSER);
	bool have_high = zones[ZONE_HIGHMEM].free_pages > 0 || (high && PageHighMem(high));

	ASSERT_NOT_NULL(t, dma);
	ASSERT_NOT_NULL(t, low);
	ASSERT_NOT_NULL(t, high);
	EXPECT_EQ(t, page_zonenum(dma), ZONE_DMA);
	EXPECT_LT(t, page_to_pfn(dma), MAX_DMA_PFN);
	EXPECT_EQ(t, page_zonenum(low), ZONE_NORMAL);
	EXPECT_LT(t, page_to_pfn(low), max_low_pfn);
	EXPECT_EQ(t, PageHighMem(high), have_high);
	__free_page(dma);
	__free_page(low);
	__free_page(high);
}

/* Exhaust ZONE_NORMAL: GFP_KERNEL then falls back to ZONE_DMA. */
KTEST(page_alloc, kernel_allocations_fall_back_to_dma)
{
	LIST_HEAD(held);
	struct page *p;
	bool fell_back = false;

	while ((p = alloc_page(GFP_KERNEL))) {
		list_add(&p->lru, &held);
		if (page_zonenum(p) == ZONE_DMA) {
			fell_back = true;
			break;
		}
		EXPECT_EQ(t, page_zonenum(p), ZONE_NORMAL);
	}
	EXPECT_TRUE(t, fell_back);
	EXPECT_EQ(t, zones[ZONE_NORMAL].free_pages, 0);
	while (!list_empty(&held)) {
		p = list_first_entry(&held, struct page, lru);
		list_del_init(&p->lru);
		__free_page(p);
	}
}

KTEST(page_alloc, zeroed_page_is_zero_after_dirty_reuse)
{
	static const u8 zero[PAGE_SIZE];
	unsigned long a = __get_free_pages(GFP_KERNEL, 0), b;

	ASSERT_NE(t, a, 0);
	memset((void *)a, 0xA5, PAGE_SIZE);
	free_page(a);
	b = get_zeroed_page(GFP_KERNEL);
	ASSERT_NE(t, b, 0);
	EXPECT_EQ(t, b, a);		/* the same page came back: LIFO */
	EXPECT_MEMEQ(t, (void *)b, zero, PAGE_SIZE);
	free_page(b);
}

KTEST(page_alloc, freed_lowmem_is_poisoned)
{
	unsigned long a = __get_free_pages(GFP_KERNEL, 1);
	const u8 *p = (const u8 *)a;

	ASSERT_NE(t, a, 0);
	memset((void *)a, 0, 2 * PAGE_SIZE);
	free_pages(a, 1);
	EXPECT_EQ(t, p[0], 0x6b);
	EXPECT_EQ(t, p[2 * PAGE_SIZE - 1], 0x6b);
}

KTEST(page_alloc, reference_count_frees_on_last_put)
{
	struct page *p = alloc_page(GFP_KERNEL);
	unsigned long free0;

	ASSERT_NOT_NULL(t, p);
	free0 = nr_free_pages();
	get_page(p);
	EXPECT_EQ(t, page_count(p), 2);
	put_page(p);
	EXPECT_EQ(t, page_count(p), 1);
	EXPECT_EQ(t, nr_free_pages(), free0);
	put_page(p);
	EXPECT_EQ(t, page_count(p), 0);
	EXPECT_EQ(t, nr_free_pages(), free0 + 1);
}

KTEST_EXPECT_PANIC(page_alloc, double_free_panics, "__free_pages: double free")
{
	struct page *p = alloc_page(GFP_KERNEL);

	__free_page(p);
	__free_page(p);
}

KTEST_EXPECT_PANIC(page_alloc, freeing_reserved_page_panics,
		   "__free_pages: freeing reserved page")
{
	__free_page(virt_to_page(_text));
}

KTEST_EXPECT_PANIC(page_alloc, freeing_with_wrong_order_panics,
		   "freed with order 0 but allocated with order 2")
{
	__free_pages(alloc_pages(GFP_KERNEL, 2), 0);
}

KTEST_EXPECT_PANIC(page_alloc, order_above_max_panics, "alloc_pages: order 11")
{
	alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1);
}

KTEST_EXPECT_PANIC(page_alloc, freeing_a_tail_page_panics,
		   "is not the head of an allocated block: it lies in the order-1 block")
{
	__free_page(alloc_pages(GFP_KERNEL, 1) + 1);
}
