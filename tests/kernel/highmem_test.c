/*
 * One page, every way to map it: bytes written through one mapping are
 * read through each other (direct map, kmap, kmap_local, vmap), above
 * 4 GiB too; the helpers copy the right bytes and check their bounds;
 * __GFP_ZERO zeroes highmem pages.
 */
#include <asm/layout.h>
#include <hilo/highmem.h>
#include <hilo/ktest.h>
#include <hilo/sched.h>
#include <hilo/string.h>
#include <hilo/vmalloc.h>
#include "highmem_test_util.h"

/*
 * Write a distinct word through each mapping in turn and read it through
 * all the others.
 */
static void cross_check(struct ktest *t, struct page *page)
{
	volatile u32 *maps[4];
	unsigned int n = 0;
	struct page *pages[1] = { page };

	maps[n++] = kmap(page);
	maps[n++] = kmap_local_page(page);
	maps[n++] = vmap(pages, 1);
	if (!PageHighMem(page))
		maps[n++] = lowmem_page_address(page);
	for (unsigned int w = 0; w < n; w++) {
		maps[w][100 + w] = 0x5A5A0000u + w;
		for (unsigned int r = 0; r < n; r++)
			if (maps[r][100 + w] != 0x5A5A0000u + w)
				KTEST_FAIL(t, "pfn %#lx: written through mapping %u, mapping %u reads %#x",
					   page_to_pfn(page), w, r, maps[r][100 + w]);
	}
	vunmap((void *)maps[2]);
	kunmap_local((void *)maps[1]);
	kunmap(page);
}

KTEST(highmem, same_page_through_every_mapping)
{
	struct page *low = alloc_page(GFP_KERNEL), *high = alloc_highmem_page(t);

	ASSERT_NOT_NULL(t, low);
	cross_check(t, low);
	__free_page(low);
	if (!high)
		return;
	cross_check(t, high);
	__free_page(high);
}

KTEST(highmem, pages_above_4g_through_every_mapping)
{
	struct high_blocks blocks;
	struct page *block = alloc_block_above_4g(t, &blocks);

	if (!block)
		return;
	for (unsigned int i = 0; i < (1u << MAX_PAGE_ORDER); i += 97)
		cross_check(t, block + i);
	free_high_blocks(&blocks);
}

KTEST(highmem, helpers_copy_the_right_bytes)
{
	struct page *a = alloc_page(GFP_HIGHUSER), *b = alloc_page(GFP_HIGHUSER);
	static char buf[PAGE_SIZE], expect[PAGE_SIZE];
	int idx = current->kmap_ctrl.idx;

	ASSERT_NOT_NULL(t, a);
	ASSERT_NOT_NULL(t, b);
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		buf[i] = (char)(i * 7 + 3);
	memcpy_to_page(a, 0, buf, PAGE_SIZE);
	copy_highpage(b, a);
	memset(expect, 0, sizeof(expect));
	memcpy_from_page(expect, b, 0, PAGE_SIZE);
	EXPECT_MEMEQ(t, expect, buf, PAGE_SIZE);

	memset_page(b, 10, 0xEE, 20);
	memzero_page(b, 40, 8);
	memcpy_page(b, 100, a, 200, 50);
	zero_user_segments(b, 1000, 1010, 3000, 3004);
	memcpy(expect, buf, PAGE_SIZE);
	memset(expect + 10, 0xEE, 20);
	memset(expect + 40, 0, 8);
	memcpy(expect + 100, buf + 200, 50);
	memset(expect + 1000, 0, 10);
	memset(expect + 3000, 0, 4);
	memcpy_from_page(buf, b, 0, PAGE_SIZE);
	EXPECT_MEMEQ(t, buf, expect, PAGE_SIZE);

	clear_highpage(a);
	memcpy_from_page(buf, a, 0, PAGE_SIZE);
	memset(expect, 0, PAGE_SIZE);
	EXPECT_MEMEQ(t, buf, expect, PAGE_SIZE);
	EXPECT_EQ(t, current->kmap_ctrl.idx, idx);
	__free_page(a);
	__free_page(b);
}

KTEST_EXPECT_PANIC(highmem, helper_past_the_page_panics,
		   "memcpy_to_page: offset 4000 + length 200 is beyond the page")
{
	static char buf[200];

	memcpy_to_page(alloc_page(GFP_HIGHUSER), 4000, buf, sizeof(buf));
}

/* A dirty highmem page comes back zeroed with __GFP_ZERO. */
KTEST(highmem, gfp_zero_zeroes_highmem_pages)
{
	struct page *page = alloc_highmem_page(t), *again;
	static const char zero[PAGE_SIZE];
	static char buf[PAGE_SIZE];

	if (!page)
		return;
	memset_page(page, 0, 0xAB, PAGE_SIZE);
	__free_page(page);
	again = alloc_pages(GFP_HIGHUSER | __GFP_ZERO, 0);
	ASSERT_PTR_EQ(t, again, page);		/* LIFO: the same frame */
	memcpy_from_page(buf, again, 0, PAGE_SIZE);
	EXPECT_MEMEQ(t, buf, zero, PAGE_SIZE);
	__free_page(again);
}
