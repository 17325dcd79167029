/*
 * uaccess and the fault path from the kernel's side: a kernel thread
 * takes an address space of its own (use_mm) and reaches user memory only
 * through copy_to_user/copy_from_user/get_user/put_user, whose faults
 * page in demand-zero and copy-on-write pages, or come back -EFAULT.
 * Every result is checked through another mapping of the same page (its
 * PTE read through pte_offset_map, the page through kmap_local), and the
 * faults taken inside a kmap_local section (docs/design.md section 7)
 * are proved to leave the section's own map intact, on the same CPU,
 * across a preemption in the middle of the fault.
 */
#include <asm/uaccess.h>
#include <hilo/highmem-internal.h>
#include <hilo/kthread.h>
#include <hilo/ktest.h>
#include <hilo/mm_user.h>
#include <hilo/sched.h>
#include <hilo/string.h>
#include <hilo/vmstat.h>
#include <uapi/hilo/abi.h>

#include "highmem_test_util.h"

#define UA_PAGES 4

/* A fresh mm with one RW and one read-only mapping, made current. */
struct ua_env {
	struct mm_struct *mm;
	unsigned long rw, ro;
	unsigned long free_before, kpt_before;
};

static bool ua_setup(struct ktest *t, struct ua_env *e)
{
	e->free_before = nr_free_pages();
	e->kpt_before = kernel_pt_pages;
	e->mm = mm_alloc();
	if (!e->mm) {
		KTEST_FAIL(t, "mm_alloc failed");
		return false;
	}
	use_mm(e->mm);
	e->rw = (unsigned long)do_mmap(e->mm, 0, UA_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS);
	e->ro = (unsigned long)do_mmap(e->mm, 0, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
	if (e->rw >= TASK_SIZE || e->ro >= TASK_SIZE) {
		KTEST_FAIL(t, "do_mmap failed: %#lx %#lx", e->rw, e->ro);
		return false;
	}
	return true;
}

/* ua_teardown - back to no mm; every page it took is free again. */
static void ua_teardown(struct ktest *t, struct ua_env *e)
{
	if (!e->mm)
		return;
	mm_free(unuse_mm());
	EXPECT_EQ(t, nr_free_pages() + (kernel_pt_pages - e->kpt_before), e->free_before);
}

/* expect_user_page_pattern - the page at addr in mm holds hp's pattern. */
static void expect_user_page_pattern(struct ktest *t, struct mm_struct *mm, unsigned long addr,
				     struct page *hp)
{
	u64 pt_pfn;
	struct page *up = follow_page(mm, addr, &pt_pfn);
	u32 *view;

	if (!up) {
		KTEST_FAIL(t, "no page at %#lx", addr);
		return;
	}
	view = kmap_local_page(up);
	EXPECT_EQ(t, pattern_errors(view, hp), 0);
	kunmap_local(view);
}

KTEST(uaccess, copy_to_user_fills_a_demand_zero_highmem_page)
{
	struct ua_env e = { 0 };
	static u32 buf[PAGE_SIZE / 4];
	struct vm_counters before, after;
	struct page *page;
	u64 pt_pfn = 0;
	u32 *map;

	if (!ua_setup(t, &e))
		goto out;
	ASSERT_NULL(t, follow_page(e.mm, e.rw, &pt_pfn));
	for (unsigned int i = 0; i < PAGE_SIZE / 4; i++)
		buf[i] = 0xC0DE0000u ^ i;
	read_vm_counters(&before);
	EXPECT_EQ(t, copy_to_user((void *)e.rw, buf, PAGE_SIZE), 0);
	read_vm_counters(&after);
	EXPECT_EQ(t, after.zero_fills - before.zero_fills, 1);

	page = follow_page(e.mm, e.rw, &pt_pfn);
	ASSERT_NOT_NULL(t, page);
	if (zones[ZONE_HIGHMEM].managed_pages) {
		EXPECT_TRUE(t, PageHighMem(page));
		EXPECT_EQ(t, PageHighMem(pfn_to_page(pt_pfn)), highpte);
	}
	/* Above 4 GiB exactly when the CPU can walk it there (and RAM is there). */
	if (highpte && max_pfn > PFN_4G)
		EXPECT_EQ(t, pt_pfn >= PFN_4G, pt_above_4g);
	else
		EXPECT_LT(t, pt_pfn, PFN_4G);
	ktest_log(t, "PTE page at pfn %#llx (%s), user page at pfn %#lx",
		  pt_pfn, pt_above_4g ? "the CPU walks tables above 4 GiB" : "below 4 GiB",
		  page_to_pfn(page));
	map = kmap_local_page(page);	/* the same bytes through the kernel's own map */
	EXPECT_MEMEQ(t, map, buf, PAGE_SIZE);
	kunmap_local(map);
	/* The next page was never touched: still not there. */
	EXPECT_NULL(t, follow_page(e.mm, e.rw + PAGE_SIZE, &pt_pfn));
out:
	ua_teardown(t, &e);
}

KTEST(uaccess, bad_user_pointers_return_efault)
{
	struct ua_env e = { 0 };
	char buf[16];
	u32 v = 0;

	if (!ua_setup(t, &e))
		goto out;
	EXPECT_EQ(t, copy_from_user(buf, (void *)0x30000000, sizeof(buf)), sizeof(buf));
	EXPECT_EQ(t, copy_from_user(buf, (void *)PAGE_OFFSET, sizeof(buf)), sizeof(buf));
	EXPECT_EQ(t, copy_to_user((void *)(TASK_SIZE - 8), buf, sizeof(buf)), sizeof(buf));
	EXPECT_EQ(t, get_user(v, (u32 *)NULL), -EFAULT);
	EXPECT_EQ(t, put_user(1u, (u32 *)e.ro), -EFAULT);	/* read-only mapping */
	EXPECT_EQ(t, get_user(v, (u32 *)e.ro), 0);		/* reading it is fine */
	EXPECT_EQ(t, v, 0);
	EXPECT_EQ(t, strncpy_from_user(buf, (const char *)(PAGE_OFFSET + 0x1000), 8), -EFAULT);
	/* A copy that runs off the mapping's end copies what it can. */
	EXPECT_EQ(t, copy_to_user((void *)(e.rw + UA_PAGES * PAGE_SIZE - 8), buf, 16), 8);
out:
	ua_teardown(t, &e);
}

KTEST(uaccess, pagefault_disabled_copy_fails_instead_of_paging_in)
{
	struct ua_env e = { 0 };
	u64 pt_pfn;
	u32 v = 7;

	if (!ua_setup(t, &e))
		goto out;
	pagefault_disable();
	EXPECT_EQ(t, put_user(v, (u32 *)e.rw), -EFAULT);
	pagefault_enable();
	EXPECT_NULL(t, follow_page(e.mm, e.rw, &pt_pfn));
	EXPECT_EQ(t, put_user(v, (u32 *)e.rw), 0);
	EXPECT_NOT_NULL(t, follow_page(e.mm, e.rw, &pt_pfn));
out:
	ua_teardown(t, &e);
}

/*
 * A fault inside a kmap_local section: the section's map (slot 0 of the
 * task) holds a highmem page while copy_from_user faults a demand-zero
 * page in, and the fault path stacks its own maps above it.  The copy
 * lands in the mapped page, the task's stack depth is back where it was
 * and the slot still holds the section's page.
 */
KTEST(uaccess, fault_inside_kmap_local_section_nests)
{
	struct ua_env e = { 0 };
	struct page *hp = NULL;
	int depth;
	u32 *map;

	if (!ua_setup(t, &e) || !(hp = alloc_slot_page(t)))
		goto out;
	fill_pattern(hp);
	map = kmap_local_page(hp);
	depth = current->kmap_ctrl.idx;
	EXPECT_EQ(t, copy_from_user(map, (void *)e.rw, PAGE_SIZE), 0);	/* faults */
	EXPECT_EQ(t, current->kmap_ctrl.idx, depth);
	EXPECT_EQ(t, pte_pfn(ptep_get(kernel_pte((unsigned long)map))), page_to_pfn(hp));
	for (unsigned int i = 0; i < PAGE_SIZE / 4; i++)
		if (map[i]) {
			KTEST_FAIL(t, "word %u of the copy is %#x, not 0", i, map[i]);
			break;
		}
	kunmap_local(map);
out:
	if (hp)
		__free_page(hp);
	ua_teardown(t, &e);
}

/*
 * The same for copy-on-write: after dup_mm both mms share the page
 * read-only; copy_to_user from inside a kmap_local section writes it,
 * the fault copies it (two more local maps), and the other mm still sees
 * the old bytes while this one sees the new.
 */
KTEST(uaccess, cow_fault_inside_kmap_local_section_copies_once)
{
	struct ua_env e = { 0 };
	struct page *hp = NULL, *mine, *theirs;
	struct vm_counters before, after;
	struct mm_struct *child = NULL;
	u32 old = 0x01d01d00, *map, *view;
	u64 pt_pfn;

	if (!ua_setup(t, &e) || !(hp = alloc_slot_page(t)))
		goto out;
	ASSERT_EQ(t, put_user(old, (u32 *)e.rw), 0);
	child = dup_mm(e.mm);
	ASSERT_NOT_NULL(t, child);
	theirs = follow_page(child, e.rw, &pt_pfn);
	EXPECT_PTR_EQ(t, theirs, follow_page(e.mm, e.rw, &pt_pfn));
	EXPECT_EQ(t, page_count(theirs), 2);

	fill_pattern(hp);
	read_vm_counters(&before);
	map = kmap_local_page(hp);
	EXPECT_EQ(t, copy_to_user((void *)e.rw, map, PAGE_SIZE), 0);	/* COW */
	kunmap_local(map);
	read_vm_counters(&after);
	EXPECT_EQ(t, after.cow_copies - before.cow_copies, 1);

	mine = follow_page(e.mm, e.rw, &pt_pfn);
	EXPECT_PTR_NE(t, mine, theirs);
	EXPECT_EQ(t, page_count(theirs), 1);
	expect_user_page_pattern(t, e.mm, e.rw, hp);
	view = kmap_local_page(theirs);
	EXPECT_EQ(t, view[0], old);
	kunmap_local(view);
out:
	if (child)
		mm_free(child);
	if (hp)
		__free_page(hp);
	ua_teardown(t, &e);
}

/* ---- preempted inside the fault, in a kmap_local section ---- */

struct rival {
	struct page *page;
	volatile bool stop;
	volatile unsigned long rounds;
	volatile unsigned long errors;
};

/* rival_fn - on the faulting task's CPU: map its own page in the same slots, check it. */
static int rival_fn(void *arg)
{
	struct rival *r = arg;

	while (!r->stop) {
		u32 *map = kmap_local_page(r->page);

		r->errors += pattern_errors(map, r->page);
		kunmap_local(map);
		r->rounds++;
		yield();
	}
	return 0;
}

static struct rival *hook_rival;
static unsigned int hook_cpu_before, hook_cpu_after;
static unsigned long hook_rival_rounds;

/* yield_in_fault - the fault hook: switch away with the PTE page mapped. */
static void yield_in_fault(unsigned long addr)
{
	unsigned long start = hook_rival->rounds;

	hook_cpu_before = smp_processor_id();
	while (hook_rival->rounds < start + 3)
		yield();
	hook_rival_rounds = hook_rival->rounds - start;
	hook_cpu_after = smp_processor_id();
}

KTEST(uaccess, fault_preempted_inside_kmap_local_section_keeps_its_maps)
{
	struct ua_env e = { 0 };
	struct page *hp = NULL;
	struct rival r = { 0 };
	struct task_struct *rt;
	u32 *map;

	if (!ua_setup(t, &e) || !(hp = alloc_slot_page(t)) || !(r.page = alloc_slot_page(t)))
		goto out;
	fill_pattern(hp);
	fill_pattern(r.page);
	rt = kthread_create(rival_fn, &r, "ua-rival");
	if (!rt) {
		KTEST_FAIL(t, "kthread_create failed");
		goto out;
	}
	kthread_bind(rt, smp_processor_id());	/* the boot task stays on its CPU */
	kthread_start(rt);

	hook_rival = &r;
	map = kmap_local_page(hp);
	mm_fault_hook = yield_in_fault;
	EXPECT_EQ(t, copy_to_user((void *)e.rw, map, PAGE_SIZE), 0);
	mm_fault_hook = NULL;
	EXPECT_GE(t, hook_rival_rounds, 3);		/* the rival ran meanwhile */
	EXPECT_EQ(t, hook_cpu_before, hook_cpu_after);	/* pinned to its CPU */
	EXPECT_EQ(t, pattern_errors(map, hp), 0);	/* its own slot, restored */
	kunmap_local(map);

	r.stop = true;
	EXPECT_EQ(t, kthread_wait(rt), 0);
	EXPECT_EQ(t, r.errors, 0);
	expect_user_page_pattern(t, e.mm, e.rw, hp);	/* the copy went through */
out:
	if (r.page)
		__free_page(r.page);
	if (hp)
		__free_page(hp);
	ua_teardown(t, &e);
}
