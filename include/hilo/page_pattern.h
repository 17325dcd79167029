/*
 * A pattern that fills a page with words unique to its frame, for the
 * tests and the benchmarks that must tell whether a mapping (or a copy)
 * shows the right page: fill it through one mapping, count the words that
 * differ through another.
 */
#ifndef HILO_PAGE_PATTERN_H
#define HILO_PAGE_PATTERN_H

#include <hilo/highmem.h>
#include <hilo/mm.h>
#include <hilo/types.h>

/* The pattern word i of page: unique per frame. */
static inline u32 page_pattern(const struct page *page, unsigned int i)
{
	return (u32)page_to_pfn(page) * 0x9E3779B1u + i;
}

/* Fill a page with its pattern through a local map. */
static inline void fill_pattern(struct page *page)
{
	u32 *p = kmap_local_page(page);

	for (unsigned int i = 0; i < PAGE_SIZE / 4; i++)
		p[i] = page_pattern(page, i);
	kunmap_local(p);
}

/* How many words of the mapping at va differ from page's pattern. */
static inline unsigned int pattern_errors(const volatile u32 *va, const struct page *page)
{
	unsigned int bad = 0;

	for (unsigned int i = 0; i < PAGE_SIZE / 4; i++)
		bad += va[i] != page_pattern(page, i);
	return bad;
}

#endif
