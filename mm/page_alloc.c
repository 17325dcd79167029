/*
 * The buddy allocator.  Each zone keeps, per order 0..MAX_PAGE_ORDER, a
 * list of free blocks of 2^order pages aligned to their size.  A block's
 * buddy is the block it was split from the same parent with: its pfn
 * differs in exactly bit `order`.  Freeing merges a block with its buddy
 * while the buddy is free and of the same order.
 *
 * A free block's head page has PG_buddy and its order; an allocated
 * block's head has PG_head, its order and a reference count.  That is what
 * lets __free_pages() catch double frees and wrong orders by name.
 */
#include <asm/layout.h>
#include <hilo/highmem.h>
#include <hilo/memblock.h>
#include <hilo/mm.h>
#include <hilo/printk.h>
#include <hilo/spinlock.h>
#include <hilo/string.h>

struct zone zones[MAX_NR_ZONES] = {
	[ZONE_DMA] = { .name = "DMA" },
	[ZONE_NORMAL] = { .name = "Normal" },
	[ZONE_HIGHMEM] = { .name = "HighMem" },
};
struct page *mem_map;
unsigned long max_pfn, max_low_pfn;

/* One lock for all zones: allocations are short and there is one CPU. */
static DEFINE_SPINLOCK(zone_lock);

#define PAGE_POISON 0x6b	/* freed lowmem pages are filled with it */

static unsigned int page_order(const struct page *p)
{
	return (p->flags & PG_ORDER_MASK) >> PG_ORDER_SHIFT;
}

static void set_page_order(struct page *p, unsigned int order, u32 kind)
{
	p->flags = (p->flags & ~(PG_ORDER_MASK | PG_buddy | PG_head)) |
		   (order << PG_ORDER_SHIFT) | kind;
}

static void clear_page_order(struct page *p)
{
	p->flags &= ~(PG_ORDER_MASK | PG_buddy | PG_head);
}

struct page *virt_to_page(const void *addr)
{
	unsigned long v = (unsigned long)addr;

	if (v < PAGE_OFFSET || v >= (unsigned long)high_memory)
		panic("virt_to_page: %p is not in the direct map [%#lx-%p)",
		      addr, PAGE_OFFSET, high_memory);
	return pfn_to_page(__pa(v) >> PAGE_SHIFT);
}

/* Put a free block on its list (zone_lock held). */
static void add_free_block(struct zone *z, struct page *p, unsigned int order)
{
	set_page_order(p, order, PG_buddy);
	list_add(&p->lru, &z->free_area[order].free_list);
	z->free_area[order].nr_free++;
	z->free_pages += 1UL << order;
}

static void del_free_block(struct zone *z, struct page *p, unsigned int order)
{
	list_del_init(&p->lru);
	clear_page_order(p);
	z->free_area[order].nr_free--;
	z->free_pages -= 1UL << order;
}

/* Is the block at pfn a free buddy of this order, in this zone? */
static bool is_free_buddy(const struct zone *z, unsigned long pfn, unsigned int order)
{
	const struct page *b;

	if (pfn < z->start_pfn || pfn >= z->end_pfn)
		return false;
	b = pfn_to_page(pfn);
	return (b->flags & PG_buddy) && page_order(b) == order;
}

/* Merge the block at pfn upward while its buddy is free (zone_lock held). */
static void free_one_block(struct zone *z, unsigned long pfn, unsigned int order)
{
	while (order < MAX_PAGE_ORDER) {
		unsigned long buddy = pfn ^ (1UL << order);

		if (!is_free_buddy(z, buddy, order))
			break;
		del_free_block(z, pfn_to_page(buddy), order);
		pfn &= ~(1UL << order);
		order++;
	}
	add_free_block(z, pfn_to_page(pfn), order);
}

/*
 * first_block_in - the first free block of area that lies in [min_pfn,
 * end_pfn), or NULL.  Without a limit that is the list's head; with one
 * the list is walked (only page-table allocation asks for one, at most
 * once per 2 MiB of user memory).
 */
static struct page *first_block_in(struct free_area *area, unsigned int order,
				   unsigned long min_pfn, unsigned long end_pfn)
{
	struct page *p;

	list_for_each_entry(p, &area->free_list, lru) {
		unsigned long pfn = page_to_pfn(p);

		if (pfn >= min_pfn && pfn < end_pfn && end_pfn - pfn >= (1UL << order))
			return p;
	}
	return NULL;
}

/*
 * Take a block of at least order that lies in [min_pfn, end_pfn) from z
 * and split it down (zone_lock held).
 */
static struct page *rmqueue(struct zone *z, unsigned int order,
			    unsigned long min_pfn, unsigned long end_pfn)
{
	for (unsigned int o = order; o <= MAX_PAGE_ORDER; o++) {
		struct page *p = first_block_in(&z->free_area[o], o, min_pfn, end_pfn);

		if (!p)
			continue;
		del_free_block(z, p, o);
		while (o > order) {		/* return the upper halves */
			o--;
			add_free_block(z, p + (1UL << o), o);
		}
		return p;
	}
	return NULL;
}

/* Zones gfp allows, in preference order, terminated by MAX_NR_ZONES. */
static const enum zone_type *gfp_zonelist(gfp_t gfp)
{
	static const enum zone_type dma[] = { ZONE_DMA, MAX_NR_ZONES };
	static const enum zone_type kernel[] = { ZONE_NORMAL, ZONE_DMA, MAX_NR_ZONES };
	static const enum zone_type high[] = { ZONE_HIGHMEM, ZONE_NORMAL, ZONE_DMA, MAX_NR_ZONES };

	if (gfp & __GFP_DMA)
		return dma;
	return (gfp & __GFP_HIGHMEM) ? high : kernel;
}

static void prep_new_block(struct page *p, unsigned int order, gfp_t gfp)
{
	set_page_order(p, order, PG_head);
	p->_refcount = 1;
	if (!(gfp & __GFP_ZERO))
		return;
	for (unsigned long i = 0; i < (1UL << order); i++) {
		if (PageHighMem(p + i))
			clear_highpage(p + i);
		else
			memset(lowmem_page_address(p + i), 0, PAGE_SIZE);
	}
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return alloc_pages_range(gfp, order, 0, ~0UL);
}

/* alloc_pages_range - see hilo/mm.h. */
struct page *alloc_pages_range(gfp_t gfp, unsigned int order, unsigned long min_pfn,
			       unsigned long end_pfn)
{
	const enum zone_type *zl = gfp_zonelist(gfp);
	struct page *p = NULL;
	unsigned long flags;

	if (order > MAX_PAGE_ORDER)
		panic("alloc_pages: order %u is above MAX_PAGE_ORDER (%d)",
		      order, MAX_PAGE_ORDER);
	spin_lock_irqsave(&zone_lock, flags);
	for (; *zl != MAX_NR_ZONES && !p; zl++)
		p = rmqueue(&zones[*zl], order, min_pfn, end_pfn);
	spin_unlock_irqrestore(&zone_lock, flags);
	if (p)
		prep_new_block(p, order, gfp);
	return p;
}

/*
 * The allocated block that contains pfn as a tail page, or NULL: a head
 * at pfn rounded down to some order, whose block reaches past pfn.
 */
static struct page *allocated_block_of(unsigned long pfn)
{
	for (unsigned int order = 1; order <= MAX_PAGE_ORDER; order++) {
		struct page *head = pfn_to_page(pfn & ~((1UL << order) - 1));

		if ((head->flags & PG_head) && page_order(head) >= order &&
		    pfn < page_to_pfn(head) + (1UL << page_order(head)))
			return head;
	}
	return NULL;
}

/* The checks behind __free_pages: every misuse is a named panic. */
static void check_free(struct page *p, unsigned int order)
{
	unsigned long pfn = page_to_pfn(p);
	struct page *head;

	if (pfn >= max_pfn)
		panic("__free_pages: page %p (pfn %#lx) is outside mem_map (max_pfn %#lx)",
		      p, pfn, max_pfn);
	if (p->flags & PG_reserved)
		panic("__free_pages: freeing reserved page %p (pfn %#lx)", p, pfn);
	if (!(p->flags & PG_head) && (head = allocated_block_of(pfn)))
		panic("__free_pages: page %p (pfn %#lx) is not the head of an allocated block: it lies in the order-%u block at pfn %#lx",
		      p, pfn, page_order(head), page_to_pfn(head));
	if (!(p->flags & PG_head))
		panic("__free_pages: double free of page %p (pfn %#lx, order %u): it is free",
		      p, pfn, order);
	if (page_order(p) != order)
		panic("__free_pages: page %p (pfn %#lx) freed with order %u but allocated with order %u",
		      p, pfn, order, page_order(p));
	if (p->_refcount <= 0)
		panic("__free_pages: page %p (pfn %#lx) has reference count %d",
		      p, pfn, p->_refcount);
}

static void poison_block(struct page *p, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++)
		if (!PageHighMem(p + i))
			memset(lowmem_page_address(p + i), PAGE_POISON, PAGE_SIZE);
}

void __free_pages(struct page *page, unsigned int order)
{
	unsigned long flags;

	check_free(page, order);
	/* Atomic: a page shared copy-on-write may be dropped on two CPUs at once. */
	if (__atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL))
		return;
	poison_block(page, order);
	spin_lock_irqsave(&zone_lock, flags);
	clear_page_order(page);
	free_one_block(page_zone(page), page_to_pfn(page), order);
	spin_unlock_irqrestore(&zone_lock, flags);
}

void get_page(struct page *page)
{
	if (page->_refcount <= 0)
		panic("get_page: page %p (pfn %#lx) is not in use (count %d)",
		      page, page_to_pfn(page), page->_refcount);
	__atomic_fetch_add(&page->_refcount, 1, __ATOMIC_RELAXED);
}

/* put_page - drop a reference to an order-0 page; the last one frees it. */
void put_page(struct page *page)
{
	__free_pages(page, 0);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *p;

	if (gfp & __GFP_HIGHMEM)
		panic("__get_free_pages: highmem pages have no fixed address (gfp %#x)", gfp);
	p = alloc_pages(gfp, order);
	return p ? (unsigned long)lowmem_page_address(p) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

unsigned long zone_free_pages(const struct zone *z)
{
	return z->free_pages;
}

unsigned long nr_free_pages(void)
{
	unsigned long n = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		n += zones[i].free_pages;
	return n;
}

/** show_buddyinfo - free blocks per zone and order (like /proc/buddyinfo). */
void show_buddyinfo(void)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &zones[i];

		if (!z->present_pages)
			continue;
		printk("buddyinfo: zone %-7s", z->name);
		for (int o = 0; o <= MAX_PAGE_ORDER; o++)
			printk(" %6lu", z->free_area[o].nr_free);
		printk("\n");
	}
}

/**
 * zones_init - size the zones from max_low_pfn and max_pfn, allocate
 * mem_map from memblock and mark every page reserved and in its zone.
 * memblock_free_all() then frees the usable ones.  Boot only.
 */
void zones_init(void)
{
	unsigned long bounds[MAX_NR_ZONES + 1] = {
		0, min(MAX_DMA_PFN, max_low_pfn), max_low_pfn, max_pfn,
	};

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		zones[i].start_pfn = bounds[i];
		zones[i].end_pfn = bounds[i + 1];
		for (int o = 0; o <= MAX_PAGE_ORDER; o++)
			INIT_LIST_HEAD(&zones[i].free_area[o].free_list);
	}
	mem_map = memblock_alloc((phys_addr_t)max_pfn * sizeof(struct page),
				 PAGE_SIZE, "mem_map");
	for (int i = 0; i < MAX_NR_ZONES; i++)
		for (unsigned long pfn = bounds[i]; pfn < bounds[i + 1]; pfn++)
			mem_map[pfn].flags = PG_reserved | ((u32)i << PG_ZONE_SHIFT);
}

/* The zone that contains pfn. */
static struct zone *pfn_zone(unsigned long pfn)
{
	return page_zone(pfn_to_page(pfn));
}

/**
 * free_pages_boot - hand [start_pfn, end_pfn) to the buddy allocator in
 * the largest aligned blocks that fit, never across a zone boundary.
 * Boot only (memblock_free_all).
 */
void free_pages_boot(unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long pfn = start_pfn;

	while (pfn < end_pfn) {
		struct zone *z = pfn_zone(pfn);
		unsigned long limit = min(end_pfn, z->end_pfn);
		unsigned int order = 0;

		while (order < MAX_PAGE_ORDER && !(pfn & (1UL << order)) &&
		       pfn + (2UL << order) <= limit)
			order++;
		for (unsigned long i = 0; i < (1UL << order); i++) {
			mem_map[pfn + i].flags &= ~PG_reserved;
			mem_map[pfn + i]._refcount = 0;
		}
		z->managed_pages += 1UL << order;
		free_one_block(z, pfn, order);
		pfn += 1UL << order;
	}
}
