/*
 * vmap: areas with guard pages, the TLB flush on vunmap, and a mapping
 * handed to another task.
 */
#include <asm/layout.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#include <hilo/ktest.h>
#include <hilo/kthread.h>
#include <hilo/sched.h>
#include <hilo/vmalloc.h>
#include "highmem_test_util.h"

KTEST(vmap, areas_are_separated_by_guard_pages)
{
	struct page *pages[3];
	char *a, *b;
	enum pg_level level;

	for (int i = 0; i < 3; i++)
		ASSERT_NOT_NULL(t, pages[i] = alloc_page(GFP_HIGHUSER));
	a = vmap(pages, 2);
	b = vmap(pages + 2, 1);
	ASSERT_NOT_NULL(t, a);
	ASSERT_NOT_NULL(t, b);
	EXPECT_GE(t, (unsigned long)a, VMALLOC_START);
	EXPECT_LT(t, (unsigned long)b, VMALLOC_END);
	EXPECT_GE(t, (unsigned long)b, (unsigned long)a + 3 * PAGE_SIZE);
	EXPECT_TRUE(t, pte_none(*lookup_address((unsigned long)a + 2 * PAGE_SIZE, &level)));
	EXPECT_EQ(t, pte_pfn(*kernel_pte((unsigned long)a + PAGE_SIZE)), page_to_pfn(pages[1]));
	vunmap(b);
	vunmap(a);
	for (int i = 0; i < 3; i++)
		__free_page(pages[i]);
}

KTEST_EXPECT_PANIC(vmap, running_off_an_area_faults, "page fault at")
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	char *a = vmap(&page, 1);

	a[PAGE_SIZE] = 1;
}

/*
 * vunmap flushes: after it, the same address mapped to another page shows
 * the new page's bytes (a stale TLB entry would show the old ones).
 */
KTEST(vmap, vunmap_flushes_the_range)
{
	struct page *old = alloc_page(GFP_HIGHUSER), *new = alloc_page(GFP_HIGHUSER);
	struct tlb_stats before = tlb_stats[smp_processor_id()];
	u32 *a, *b;

	ASSERT_NOT_NULL(t, old);
	ASSERT_NOT_NULL(t, new);
	fill_pattern(old);
	fill_pattern(new);
	a = vmap(&old, 1);
	EXPECT_EQ(t, pattern_errors(a, old), 0);	/* now in the TLB */
	vunmap(a);
	EXPECT_EQ(t, tlb_stats[smp_processor_id()].range, before.range + 1);
	EXPECT_GE(t, tlb_stats[smp_processor_id()].one, before.one + 1);
	b = vmap(&new, 1);
	EXPECT_PTR_EQ(t, b, a);
	EXPECT_EQ(t, pattern_errors(b, new), 0);
	vunmap(b);
	__free_page(old);
	__free_page(new);
}

struct handoff {
	u32 *va;
	struct page *page;
	unsigned int errors;
};

static int read_and_write_handed_mapping(void *arg)
{
	struct handoff *h = arg;

	h->errors = pattern_errors(h->va, h->page);
	h->va[0] = 0xFEEDF00Du;
	return 0;
}

KTEST(vmap, mapping_can_be_handed_to_another_task)
{
	struct handoff h = { .page = alloc_page(GFP_HIGHUSER) };
	struct task_struct *task;

	ASSERT_NOT_NULL(t, h.page);
	fill_pattern(h.page);
	h.va = vmap(&h.page, 1);
	task = kthread_run(read_and_write_handed_mapping, &h, "vmap-reader");
	ASSERT_NOT_NULL(t, task);
	EXPECT_EQ(t, kthread_wait(task), 0);
	EXPECT_EQ(t, h.errors, 0);
	EXPECT_EQ(t, h.va[0], 0xFEEDF00Du);
	vunmap(h.va);
	__free_page(h.page);
}

KTEST_EXPECT_PANIC(vmap, vunmap_of_unknown_address_panics,
		   "vunmap: 0xf0000000 is not the start of a vmap area")
{
	vunmap((void *)0xf0000000);
}
