/*
 * The buddy allocator (mm/page_alloc.c) on the host: a machine of
 * low_pages pages of lowmem (host memory, so zeroing and poisoning are
 * real) and high_pages of highmem (no memory behind them), with every
 * page from 0 to max_pfn handed to the allocator except those reserve()
 * says to keep.
 */
#ifndef TESTS_HOST_PAGE_ALLOC_HOST_H
#define TESTS_HOST_PAGE_ALLOC_HOST_H

#include <hilo/mm.h>

extern unsigned long host_highpages_cleared;

void host_mm_setup(unsigned long low_pages, unsigned long high_pages,
		   bool (*reserve)(unsigned long pfn, void *ctx), void *ctx);

/* Every free list against the flags of its pages and the counters: NULL or what is wrong. */
const char *host_buddy_check(void);

#endif
