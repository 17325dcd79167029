/*
 * Physical memory: one struct page per page frame, three zones, and the
 * buddy allocator (mm/page_alloc.c).
 *
 * struct page is 16 bytes and lives in lowmem (mem_map, allocated at boot
 * for every frame from 0 to max_pfn, holes included).  Its size decides
 * how much RAM hilo can describe from a ~892 MiB direct map:
 *
 *     16 GiB RAM = 4 Mi frames x 16 bytes =  64 MiB of lowmem (7%)
 *     64 GiB RAM = 16 Mi frames x 16 bytes = 256 MiB of lowmem (29%)
 *
 * (at 32 bytes a page, 64 GiB would eat 512 MiB: most of lowmem).
 */
#ifndef HILO_MM_H
#define HILO_MM_H

#include <asm/layout.h>
#include <hilo/list.h>
#include <hilo/panic.h>
#include <hilo/types.h>

struct page {
	u32 flags;		/* PG_* bits, buddy order, zone number */
	s32 _refcount;		/* 0: free or reserved; n: n users */
	struct list_head lru;	/* buddy free list, or the owner's use */
};
/* 16 bytes on i686 (the host tests build it with 8-byte pointers). */
_Static_assert(sizeof(struct page) == 2 * sizeof(u32) + 2 * sizeof(void *),
	       "keep struct page at 16 bytes");

/* page->flags */
#define PG_reserved     (1u << 0)	/* not RAM, or taken at boot: never freed */
#define PG_buddy        (1u << 1)	/* head of a free block in a buddy list */
#define PG_head         (1u << 2)	/* head of an allocated block */
#define PG_ORDER_SHIFT  8		/* order of a PG_buddy or PG_head block */
#define PG_ORDER_MASK   (0xFu << PG_ORDER_SHIFT)
#define PG_ZONE_SHIFT   30
#define PG_ZONE_MASK    (3u << PG_ZONE_SHIFT)

enum zone_type { ZONE_DMA, ZONE_NORMAL, ZONE_HIGHMEM, MAX_NR_ZONES };

#define MAX_PAGE_ORDER  10		/* blocks of 1 to 1024 pages (4 MiB) */
#define NR_PAGE_ORDERS  (MAX_PAGE_ORDER + 1)
#define MAX_DMA_PFN     ((16UL << 20) >> PAGE_SHIFT)

struct free_area {
	struct list_head free_list;
	unsigned long nr_free;		/* blocks of this order */
};

struct zone {
	const char *name;
	unsigned long start_pfn, end_pfn;	/* spanned: [start, end) */
	unsigned long present_pages;		/* RAM in the memory map */
	unsigned long managed_pages;		/* handed to the buddy allocator */
	unsigned long free_pages;
	struct free_area free_area[NR_PAGE_ORDERS];
};

extern struct zone zones[MAX_NR_ZONES];
extern struct page *mem_map;
extern unsigned long max_pfn;		/* end of RAM */
extern unsigned long max_low_pfn;	/* end of lowmem (the direct map) */

static inline struct page *pfn_to_page(unsigned long pfn) { return mem_map + pfn; }
static inline unsigned long page_to_pfn(const struct page *p) { return (unsigned long)(p - mem_map); }
static inline phys_addr_t page_to_phys(const struct page *p)
{
	return (phys_addr_t)page_to_pfn(p) << PAGE_SHIFT;
}
static inline enum zone_type page_zonenum(const struct page *p)
{
	return (enum zone_type)((p->flags & PG_ZONE_MASK) >> PG_ZONE_SHIFT);
}
static inline struct zone *page_zone(const struct page *p) { return &zones[page_zonenum(p)]; }
static inline bool PageHighMem(const struct page *p) { return page_zonenum(p) == ZONE_HIGHMEM; }
static inline bool PageReserved(const struct page *p) { return p->flags & PG_reserved; }
static inline bool pfn_valid(unsigned long pfn) { return pfn < max_pfn; }

/* The direct-map address of a lowmem page (no check: see page_address). */
static inline void *lowmem_page_address(const struct page *p)
{
	return __va(page_to_pfn(p) << PAGE_SHIFT);
}

/* The page of a direct-map address; panics outside lowmem. */
struct page *virt_to_page(const void *addr);

/*
 * page_address - the kernel virtual address of a page: the direct map for
 * lowmem, the pkmap address while a highmem page is kmap()ed, else NULL.
 */
void *page_address(const struct page *page);

static inline int page_count(const struct page *p) { return p->_refcount; }
void get_page(struct page *page);
void put_page(struct page *page);

/* Allocation flags. */
typedef unsigned int gfp_t;
#define __GFP_DMA      0x01u	/* only ZONE_DMA */
#define __GFP_HIGHMEM  0x02u	/* highmem preferred, lowmem allowed */
#define __GFP_ZERO     0x100u	/* return zeroed pages */
#define GFP_KERNEL     0x0u	/* lowmem: NORMAL, then DMA */
#define GFP_DMA        __GFP_DMA
#define GFP_HIGHUSER   __GFP_HIGHMEM

/*
 * alloc_pages - 2^order contiguous pages from the zones gfp allows, in
 * preference order (HIGHMEM, NORMAL, DMA).  Returns the first page with a
 * reference count of 1, or NULL when no zone has a free block that big.
 * Never sleeps; any context.
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
#define alloc_page(gfp) alloc_pages(gfp, 0)

/*
 * alloc_pages_range - alloc_pages() of a block that lies in [min_pfn,
 * end_pfn): for the tables a CPU may not reach everywhere (page tables
 * below 4 GiB, hilo/mm_user.h).  Only free blocks wholly inside the range
 * are taken, so bounds aligned to 2^MAX_PAGE_ORDER pages (4 MiB, as 4 GiB
 * is) see all of the free memory inside; others may miss a block that
 * straddles them.  Walks the free lists: not for hot paths.
 */
struct page *alloc_pages_range(gfp_t gfp, unsigned int order, unsigned long min_pfn,
			       unsigned long end_pfn);

/*
 * __free_pages - drop a reference to a block from alloc_pages(); the last
 * one returns it to the buddy allocator, merging it with free buddies.
 * Freeing a reserved page, a page that is already free, a page that is
 * not the head of a block, or with another order than it was allocated
 * with is a panic naming the page and both orders.
 */
void __free_pages(struct page *page, unsigned int order);
#define __free_page(page) __free_pages(page, 0)

/* Lowmem conveniences: the direct-map address of the pages. */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr) free_pages(addr, 0)

/* Free pages in a zone / everywhere, and the per-order counts. */
unsigned long zone_free_pages(const struct zone *z);
unsigned long nr_free_pages(void);
/* Print free blocks per zone and order, like /proc/buddyinfo. */
void show_buddyinfo(void);

/* Boot: set up zones and mem_map, then memblock hands its pages over. */
void zones_init(void);
void free_pages_boot(unsigned long start_pfn, unsigned long end_pfn);
void mm_init(void);
/* How the middle of the direct map is mapped: "2M" or "4K" (mm/init.c). */
const char *directmap_page_size(void);

#endif
