/*
 * The address spaces of the GDB test's process scenario
 * (gdbscenario_process_test.c tells the story): the parent's, built
 * execve-like; the child's, forked from it; the patterns written into
 * their pages and checked through uaccess and kmap_local; the highmem held
 * below 4 GiB so that the child's pages come from above.
 */
#include <asm/uaccess.h>
#include <hilo/highmem.h>
#include <hilo/mm_user.h>
#include <hilo/mutex.h>
#include <hilo/string.h>
#include <uapi/hilo/abi.h>
#include <uapi/hilo/errno.h>

#include "gdbscenario_process.h"

/*
 * gdbp_hold_highmem_below_4g - empty every free list of ZONE_HIGHMEM, largest
 * blocks first (each allocation takes a block of exactly that order while
 * its list is not empty), keep the blocks that end below 4 GiB and give
 * the others back.  Afterwards every highmem page the allocator hands out
 * lies above 4 GiB.  Nothing to do when highmem ends below 4 GiB.
 */
void gdbp_hold_highmem_below_4g(struct gdbp_hold *h)
{
	struct zone *z = &zones[ZONE_HIGHMEM];
	struct list_head above;

	h->pages = 0;
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++)
		INIT_LIST_HEAD(&h->below[o]);
	if (z->end_pfn <= PFN_4G)
		return;
	for (int o = MAX_PAGE_ORDER; o >= 0; o--) {
		INIT_LIST_HEAD(&above);
		while (READ_ONCE(z->free_area[o].nr_free)) {
			struct page *p = alloc_pages(GFP_HIGHUSER, (unsigned int)o);

			if (!p)
				break;
			if (!PageHighMem(p)) {		/* highmem is empty: a lowmem fallback */
				__free_pages(p, (unsigned int)o);
				break;
			}
			if (page_to_pfn(p) + (1UL << o) <= PFN_4G) {
				list_add(&p->lru, &h->below[o]);
				h->pages += 1UL << o;
			} else {
				list_add(&p->lru, &above);
			}
		}
		while (!list_empty(&above)) {
			struct page *p = list_first_entry(&above, struct page, lru);

			list_del_init(&p->lru);
			__free_pages(p, (unsigned int)o);
		}
	}
}

void gdbp_release_highmem(struct gdbp_hold *h)
{
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++)
		while (!list_empty(&h->below[o])) {
			struct page *p = list_first_entry(&h->below[o], struct page, lru);

			list_del_init(&p->lru);
			__free_pages(p, o);
		}
}

/* A page of pattern: word k of the page at va is (va + 4k) ^ xor. */
static u32 gdbp_buf[PAGE_SIZE / 4];

static void fill_buf(unsigned long va, u32 xor)
{
	for (unsigned int k = 0; k < PAGE_SIZE / 4; k++)
		gdbp_buf[k] = (u32)(va + 4 * k) ^ xor;
}

/* Write the pattern of va's page through uaccess (faults it in). */
int gdbp_write_pattern(unsigned long va, u32 xor)
{
	fill_buf(va, xor);
	return copy_to_user((void *)va, gdbp_buf, PAGE_SIZE) ? -EFAULT : 0;
}

/* Whether va's page reads back as its pattern (first, middle, last words). */
bool gdbp_pattern_ok(unsigned long va, u32 xor)
{
	static const unsigned int words[] = { 0, PAGE_SIZE / 8, PAGE_SIZE / 4 - 1 };

	for (unsigned int i = 0; i < ARRAY_SIZE(words); i++) {
		unsigned long at = va + 4 * words[i];
		u32 v;

		if (get_user(v, (u32 *)at) || v != ((u32)at ^ xor))
			return false;
	}
	return true;
}

/* Whether a page holds the pattern of user address va, read through kmap_local. */
static bool page_pattern_ok(struct page *page, unsigned long va, u32 xor)
{
	u32 *map;
	bool ok = true;

	if (!page)
		return false;
	map = kmap_local_page(page);
	for (unsigned int k = 0; k < PAGE_SIZE / 4 && ok; k++)
		ok = map[k] == ((u32)(va + 4 * k) ^ xor);
	kunmap_local(map);
	return ok;
}

/* The parent's address space, execve-like, with its patterns written. */
void gdbp_build(struct gdbp_scenario *s, struct mm_struct *mm)
{
	u32 v;

	GDBP_CHECK(s, parent, do_mmap(mm, GDBP_CODE, GDBP_CODE_PAGES * PAGE_SIZE,
				      PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
			      == (long)GDBP_CODE);
	mm->start_code = GDBP_CODE;
	mm->end_code = GDBP_CODE + GDBP_CODE_PAGES * PAGE_SIZE;
	mm->start_brk = mm->brk = GDBP_HEAP;
	GDBP_CHECK(s, parent, do_brk(mm, GDBP_HEAP + GDBP_HEAP_PAGES * PAGE_SIZE) ==
			      GDBP_HEAP + GDBP_HEAP_PAGES * PAGE_SIZE);
	GDBP_CHECK(s, parent, do_mmap(mm, GDBP_DATA, GDBP_DATA_PAGES * PAGE_SIZE,
				      PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
			      == (long)GDBP_DATA);
	mutex_lock(&mm->mmap_lock);
	GDBP_CHECK(s, parent, !insert_vma(mm, GDBP_STACK, USER_STACK_TOP,
					  VM_READ | VM_WRITE | VM_STACK));
	mutex_unlock(&mm->mmap_lock);
	mm->start_stack = USER_STACK_TOP - 16;

	for (unsigned int i = 0; i < GDBP_CODE_PAGES; i++)	/* read: demand-zero, read-only */
		GDBP_CHECK(s, parent, !get_user(v, (u32 *)(GDBP_CODE + i * PAGE_SIZE)) && !v);
	GDBP_CHECK(s, parent, !gdbp_write_pattern(GDBP_HEAP, s->parent_xor));
	for (unsigned int i = 0; i < GDBP_DATA_PAGES; i++)
		if (GDBP_PARENT_DATA & (1u << i))
			GDBP_CHECK(s, parent, !gdbp_write_pattern(GDBP_DATA + i * PAGE_SIZE,
							     s->parent_xor));
	GDBP_CHECK(s, parent, !gdbp_write_pattern(USER_STACK_TOP - PAGE_SIZE, s->parent_xor));
	GDBP_CHECK(s, parent, !gdbp_write_pattern(USER_STACK_TOP - 2 * PAGE_SIZE, s->parent_xor));
}

/*
 * gdbp_fork - the child's mm: dup_mm() (its PTE pages above 4 GiB when
 * highmem is held, see "Above 4 GiB"), then the parent's copy-on-write
 * write of data page 1, then the child's own page 7 installed.  With highmem
 * held below 4 GiB, all of the new pages come from above.
 */
void gdbp_fork(struct gdbp_scenario *s, struct mm_struct *mm)
{
	unsigned long va = GDBP_DATA + GDBP_CHILD_PAGE * PAGE_SIZE;
	bool walks_above = pt_above_4g;
	struct page *page, *old, *copy;
	u64 pt_pfn;
	u32 *map;

	if (s->hold_pages)
		pt_above_4g = true;	/* for the child's tables only */
	s->mm[1] = dup_mm(mm);
	pt_above_4g = walks_above;
	GDBP_CHECK(s, parent, s->mm[1]);
	if (!s->mm[1])
		return;
	old = follow_page(mm, GDBP_DATA + GDBP_FORKED_PAGE * PAGE_SIZE, &pt_pfn);
	GDBP_CHECK(s, parent, old && page_count(old) == 2);
	GDBP_CHECK(s, parent, !gdbp_write_pattern(GDBP_DATA + GDBP_FORKED_PAGE * PAGE_SIZE,
					     s->forked_xor));
	copy = follow_page(mm, GDBP_DATA + GDBP_FORKED_PAGE * PAGE_SIZE, &pt_pfn);
	GDBP_CHECK(s, parent, copy && copy != old && page_count(old) == 1);
	s->copy_pfn = copy ? page_to_pfn(copy) : 0;

	page = alloc_page(GFP_HIGHUSER);
	GDBP_CHECK(s, parent, page);
	if (!page)
		return;
	fill_buf(va, s->child_xor);
	map = kmap_local_page(page);
	memcpy(map, gdbp_buf, PAGE_SIZE);
	kunmap_local(map);
	mutex_lock(&s->mm[1]->mmap_lock);
	GDBP_CHECK(s, parent, !install_user_page(s->mm[1], va, page, PAGE_USER_RW | _PAGE_NX));
	mutex_unlock(&s->mm[1]->mmap_lock);
	s->child_pfn = page_to_pfn(page);
	GDBP_CHECK(s, parent, follow_page(s->mm[1], va, &s->child_pt_pfn) == page);
}

/* Check every page of both mms the scenario wrote, through kmap_local. */
void gdbp_check_pages(struct gdbp_scenario *s)
{
	u64 pt_pfn;

	for (unsigned int i = 0; i < GDBP_DATA_PAGES; i++) {
		unsigned long va = GDBP_DATA + i * PAGE_SIZE;
		u32 mine = i == GDBP_FORKED_PAGE ? s->forked_xor : s->parent_xor;

		if (!(GDBP_PARENT_DATA & (1u << i)))
			continue;
		GDBP_CHECK(s, parent, page_pattern_ok(follow_page(s->mm[0], va, &pt_pfn), va, mine));
		GDBP_CHECK(s, parent, page_pattern_ok(follow_page(s->mm[1], va, &pt_pfn), va,
						      s->parent_xor));
	}
	GDBP_CHECK(s, parent, page_pattern_ok(follow_page(s->mm[1], GDBP_DATA + GDBP_CHILD_PAGE *
						       PAGE_SIZE, &pt_pfn),
					      GDBP_DATA + GDBP_CHILD_PAGE * PAGE_SIZE,
					      s->child_xor));
	GDBP_CHECK(s, parent, !follow_page(s->mm[0], GDBP_DATA + GDBP_CHILD_PAGE * PAGE_SIZE,
				       &pt_pfn));
}
