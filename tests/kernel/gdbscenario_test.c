/*
 * The kernel side of the GDB test (tests/host/gdb_test.py, tests/host/gdb_checks.py):
 * a scenario for GDB to stop in, run only when named (KTEST_MANUAL):
 *
 *   1. two threads, gdbs/a and gdbs/b, each map two highmem pages with
 *      kmap_local_page (nested, so both use the same slot indices) and
 *      spin, reading their patterns back, until the timer has preempted
 *      them GDBS_PREEMPTIONS times; then they unmap in reverse order.
 *      Every switch between them tears one's slots down and restores the
 *      other's: GDB checks both sides in kmap_local_sched_in.  Both are
 *      bound to the highest online CPU, so that they take turns there
 *      (each alone on a CPU would never be preempted) and, with several
 *      CPUs, GDB follows them on a CPU other than the boot CPU, whose
 *      slots are elsewhere in the fixmap.
 *   2. the boot task kmap()s GDBS_POOL_PAGES highmem pages one after the
 *      other, holding the first two, so the pool's cursor wraps around and
 *      flush_all_zero_pkmaps() clears the rest.
 *
 * The case checks what the kernel itself can see (each thread's patterns
 * survive every preemption, the held kmaps keep their addresses across the
 * wraparound); GDB compares its commands with the kernel's records.
 */
#include <hilo/highmem.h>
#include <hilo/ktest.h>
#include <hilo/kthread.h>
#include <hilo/mm.h>
#include <hilo/printk.h>
#include <hilo/sched.h>
#include <hilo/smp.h>

#define GDBS_PREEMPTIONS 3		/* per thread, while it holds its maps */
#define GDBS_POOL_PAGES  (LAST_PKMAP + 2) /* enough to wrap the pool around */

struct gdbs_worker {
	struct page *page[2];	/* mapped outer, then inner */
	u32 pattern;
	bool intact;		/* the patterns read back after every switch */
};

static struct page *pool_pages[GDBS_POOL_PAGES];

/* Map both pages, spin until preempted often enough, unmap. */
static int gdbs_worker_fn(void *arg)
{
	struct gdbs_worker *w = arg;
	struct task_struct *self = current;
	unsigned long until = READ_ONCE(self->nivcsw) + GDBS_PREEMPTIONS;
	volatile u32 *outer = kmap_local_page(w->page[0]);
	volatile u32 *inner = kmap_local_page(w->page[1]);

	outer[0] = w->pattern;
	inner[0] = ~w->pattern;
	w->intact = true;
	while (READ_ONCE(self->nivcsw) < until)
		if (outer[0] != w->pattern || inner[0] != ~w->pattern)
			w->intact = false;
	kunmap_local((const void *)inner);
	kunmap_local((const void *)outer);
	return 0;
}

/* Highmem pages, or false (and the case skipped) when there is none. */
static bool alloc_highmem_pages(struct ktest *t, struct page **pages, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_HIGHUSER);
		if (!pages[i] || !PageHighMem(pages[i])) {
			ktest_skip(t, "needs highmem: boot with more than 896 MiB");
			return false;
		}
	}
	return true;
}

static void free_pages_array(struct page **pages, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (pages[i])
			__free_page(pages[i]);
		pages[i] = NULL;
	}
}

/* The highest online CPU: where both threads of part 1 run. */
static unsigned int gdbs_worker_cpu(void)
{
	unsigned int cpu, last = 0;

	for_each_online_cpu(cpu)
		last = cpu;
	return last;
}

/* Part 1: two threads with live local maps, switched by the timer. */
static void gdbs_local_maps(struct ktest *t)
{
	struct gdbs_worker w[2] = { { .pattern = 0xa0a0a0a0 }, { .pattern = 0xb0b0b0b0 } };
	struct task_struct *task[2];
	unsigned int cpu = gdbs_worker_cpu();

	for (int i = 0; i < 2; i++)
		if (!alloc_highmem_pages(t, w[i].page, 2))
			goto out;
	for (int i = 0; i < 2; i++) {
		task[i] = kthread_create(gdbs_worker_fn, &w[i], "gdbs/%c", 'a' + i);
		if (task[i]) {
			kthread_bind(task[i], cpu);
			kthread_start(task[i]);
		}
	}
	pr_info("gdbscenario: gdbs/a and gdbs/b on cpu %u\n", cpu);
	for (int i = 0; i < 2; i++) {
		EXPECT_NOT_NULL(t, task[i]);
		if (task[i])
			EXPECT_EQ(t, kthread_wait(task[i]), 0);
		EXPECT_TRUE(t, w[i].intact);
	}
	pr_info("gdbscenario: local maps done\n");
out:
	for (int i = 0; i < 2; i++)
		free_pages_array(w[i].page, 2);
}

/* Part 2: more kmap()s than the pool has slots, two held throughout. */
static void gdbs_wrap_pool(struct ktest *t)
{
	unsigned long flushes = kmap_stats.flushes;
	void *held[2];

	if (!alloc_highmem_pages(t, pool_pages, GDBS_POOL_PAGES))
		goto out;
	held[0] = kmap(pool_pages[0]);
	held[1] = kmap(pool_pages[1]);
	for (unsigned int i = 2; i < GDBS_POOL_PAGES; i++) {
		u32 *p = kmap(pool_pages[i]);

		p[0] = i;
		kunmap(pool_pages[i]);
	}
	EXPECT_GT(t, kmap_stats.flushes, flushes);
	EXPECT_PTR_EQ(t, page_address(pool_pages[0]), held[0]);
	EXPECT_PTR_EQ(t, page_address(pool_pages[1]), held[1]);
	kunmap(pool_pages[1]);
	kunmap(pool_pages[0]);
	pr_info("gdbscenario: pool wrapped around\n");
out:
	free_pages_array(pool_pages, GDBS_POOL_PAGES);
}

KTEST_MANUAL(gdbscenario, local_and_pool)
{
	gdbs_local_maps(t);
	gdbs_wrap_pool(t);
}
