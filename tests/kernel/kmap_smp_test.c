/*
 * The three ways to map a page, on several CPUs at once:
 *
 *   - kmap_local slots are per CPU: the same stack index holds different
 *     pages on two CPUs at the same moment;
 *   - kmap()'s wraparound flush is a shootdown: a CPU that cached a pool
 *     translation reads the slot's new page after another CPU wrapped the
 *     pool (the runner's selfcheck-noshootdown line boots this case with
 *     the IPI switched off and must see it fail);
 *   - a kmap() sleeper on one CPU is woken by a kunmap() on another;
 *   - every CPU maps and unmaps through all three APIs at once, with pool
 *     wraps and sleepers, and every byte read is the page's own.
 */
#include <asm/tlbflush.h>
#include <hilo/highmem-internal.h>
#include <hilo/ktest.h>
#include <hilo/sched.h>
#include <hilo/timer.h>
#include <hilo/vmalloc.h>
#include "highmem_test_util.h"
#include "smp_test_util.h"

/* ---- per-CPU local slots ---- */

struct slot_probe {
	struct page *page;
	volatile unsigned int *mapped;	/* barrier: both hold their map */
	volatile int *release;
	unsigned long va;
	u64 pte_pfn;			/* the slot's PTE, read while mapped */
	unsigned int cpu, errors;
};

/*
 * Map a page and keep reading it until released.  The slot's PTE is read
 * here, while the task runs: a switched-out task's slots are cleared.
 */
static int hold_local_map(void *arg)
{
	struct slot_probe *p = arg;
	u32 *va = kmap_local_page(p->page);

	p->va = (unsigned long)va;
	p->cpu = smp_processor_id();
	p->pte_pfn = pte_pfn(ptep_get(kmap_slot_pte(kmap_local_slot(KM_INCR - 1, p->cpu))));
	barrier_wait(p->mapped, 2);
	while (!__atomic_load_n(p->release, __ATOMIC_ACQUIRE))
		p->errors += pattern_errors(va, p->page);
	kunmap_local(va);
	return 0;
}

KTEST(kmap_smp, same_local_slot_index_holds_different_pages_per_cpu)
{
	struct slot_probe p[2] = { { .page = alloc_slot_page(t) }, { .page = alloc_slot_page(t) } };
	volatile unsigned int mapped = 0;
	volatile int release = 0;
	struct task_struct *task[2];
	unsigned int cpu[2];
	int idx = KM_INCR - 1;		/* a new task's first slot */

	if (!need_cpus(t, 2) || !p[0].page || !p[1].page)
		goto out;
	cpu[0] = smp_processor_id();
	cpu[1] = other_cpu(cpu[0]);
	for (int i = 0; i < 2; i++) {
		fill_pattern(p[i].page);
		p[i].mapped = &mapped;
		p[i].release = &release;
		task[i] = start_on_cpu(hold_local_map, &p[i], cpu[i], "slot");
		ASSERT_NOT_NULL(t, task[i]);
	}
	while (mapped < 2)
		msleep(1);
	/* Both hold index idx now, each on its own CPU, each its own page. */
	for (int i = 0; i < 2; i++) {
		int slot = kmap_local_slot(idx, cpu[i]);

		EXPECT_EQ(t, p[i].cpu, cpu[i]);
		EXPECT_EQ(t, p[i].va, kmap_local_slot_addr(slot));
		EXPECT_EQ(t, p[i].pte_pfn, page_to_pfn(p[i].page));
	}
	EXPECT_NE(t, p[0].va, p[1].va);
	msleep(20);			/* both keep reading their own page */
	set_flag(&release, 1);
	for (int i = 0; i < 2; i++) {
		EXPECT_EQ(t, kthread_wait(task[i]), 0);
		EXPECT_EQ(t, p[i].errors, 0);
		EXPECT_TRUE(t, pte_none(ptep_get(kmap_slot_pte(kmap_local_slot(idx, cpu[i])))));
	}
out:
	for (int i = 0; i < 2; i++)
		if (p[i].page)
			__free_page(p[i].page);
}

/* ---- the wraparound flush reaches every CPU ---- */

struct shootdown {
	u32 *va;
	struct page *first, *second;
	volatile int phase;
	unsigned int first_errors, second_errors;
	unsigned long received;
};

/*
 * On the other CPU: read the pool address (its TLB now holds the
 * translation), then, once the slot holds another page, read it again.
 */
static int read_through_pool(void *arg)
{
	struct shootdown *s = arg;
	unsigned int cpu = smp_processor_id();
	unsigned long received = tlb_stats[cpu].shootdowns_received;

	spin_until(&s->phase, 1);
	s->first_errors = pattern_errors(s->va, s->first);
	set_flag(&s->phase, 2);
	spin_until(&s->phase, 3);
	s->second_errors = pattern_errors(s->va, s->second);
	s->received = tlb_stats[cpu].shootdowns_received - received;
	set_flag(&s->phase, 4);
	return 0;
}

/*
 * Map distinct pages one at a time until one lands at va again (after
 * the cursor wrapped and freed va's slot); that one stays mapped.
 */
static struct page *remap_slot(struct page **pages, unsigned int n, void *va)
{
	for (unsigned int i = 0; i < n; i++) {
		if (kmap(pages[i]) == va)
			return pages[i];
		kunmap(pages[i]);
	}
	return NULL;
}

#define SHOOT_PAGES (2 * LAST_PKMAP)

KTEST(kmap_smp, wraparound_flush_reaches_the_other_cpus_tlb)
{
	struct page **pages = vmalloc(SHOOT_PAGES * sizeof(*pages), GFP_KERNEL);
	struct shootdown s = { .first = alloc_highmem_page(t) };
	struct task_struct *reader;
	unsigned int got = 0, cpu;
	unsigned long sent;

	if (!need_cpus(t, 2) || !s.first || !pages)
		goto out;
	for (got = 0; got < SHOOT_PAGES; got++) {
		pages[got] = alloc_page(GFP_HIGHUSER);
		if (!pages[got] || !PageHighMem(pages[got])) {
			ktest_skip(t, "not enough highmem to wrap the pool twice");
			goto out;
		}
		fill_pattern(pages[got]);
	}
	fill_pattern(s.first);
	migrate_disable();		/* the counters below are this CPU's */
	cpu = smp_processor_id();
	reader = start_on_cpu(read_through_pool, &s, other_cpu(cpu), "pool-reader");
	ASSERT_NOT_NULL(t, reader);

	s.va = kmap(s.first);
	set_flag(&s.phase, 1);
	spin_until(&s.phase, 2);	/* the reader has the old translation */
	kunmap(s.first);
	sent = tlb_stats[cpu].shootdowns;
	s.second = remap_slot(pages, SHOOT_PAGES, s.va);
	EXPECT_NOT_NULL(t, s.second);
	if (!s.second)
		s.second = s.first;	/* let the reader finish */
	set_flag(&s.phase, 3);
	spin_until(&s.phase, 4);
	EXPECT_EQ(t, kthread_wait(reader), 0);
	if (s.second != s.first)
		kunmap(s.second);
	migrate_enable();

	EXPECT_EQ(t, s.first_errors, 0);
	EXPECT_EQ(t, s.second_errors, 0);	/* a stale TLB shows the first page */
	EXPECT_GE(t, tlb_stats[cpu].shootdowns, sent + 1);
	EXPECT_GE(t, s.received, 1);
out:
	while (got--)
		__free_page(pages[got]);
	if (s.first)
		__free_page(s.first);
	vfree(pages);
}

/* ---- a kunmap() on one CPU wakes a kmap() sleeper on another ---- */

struct remote_sleeper {
	struct page *page;
	unsigned int cpu, errors;
	void *va;
};

static int sleep_in_kmap(void *arg)
{
	struct remote_sleeper *s = arg;

	s->va = kmap(s->page);		/* the pool is full: sleeps */
	s->cpu = smp_processor_id();
	s->errors = pattern_errors(s->va, s->page);
	kunmap(s->page);
	return 0;
}

KTEST(kmap_smp, kunmap_on_one_cpu_wakes_a_sleeper_on_another)
{
	struct page **held = vmalloc(LAST_PKMAP * sizeof(*held), GFP_KERNEL);
	struct remote_sleeper s = { .page = alloc_highmem_page(t) };
	unsigned long sleeps = kmap_stats.sleeps, wakeups = kmap_stats.wakeups;
	struct task_struct *task;
	unsigned int n = 0, where;

	if (!need_cpus(t, 2) || !s.page || !held)
		goto out;
	for (n = 0; n < LAST_PKMAP; n++) {
		held[n] = alloc_page(GFP_HIGHUSER);
		if (!held[n] || !PageHighMem(held[n])) {
			if (held[n])
				__free_page(held[n]);
			ktest_skip(t, "not enough highmem to fill the pool");
			goto out;
		}
		kmap(held[n]);
	}
	fill_pattern(s.page);
	migrate_disable();
	where = other_cpu(smp_processor_id());
	task = start_on_cpu(sleep_in_kmap, &s, where, "kmap-sleeper");
	ASSERT_NOT_NULL(t, task);
	for (int i = 0; i < 200 && kmap_stats.sleeps == sleeps; i++)
		msleep(10);
	EXPECT_EQ(t, kmap_stats.sleeps, sleeps + 1);
	EXPECT_EQ(t, task->state, TASK_UNINTERRUPTIBLE);
	kunmap(held[--n]);		/* this CPU frees one slot */
	__free_page(held[n]);
	EXPECT_EQ(t, kthread_wait(task), 0);
	migrate_enable();
	EXPECT_EQ(t, kmap_stats.wakeups, wakeups + 1);
	EXPECT_EQ(t, s.cpu, where);
	EXPECT_NOT_NULL(t, s.va);
	EXPECT_EQ(t, s.errors, 0);
out:
	while (n--) {
		kunmap(held[n]);
		__free_page(held[n]);
	}
	if (s.page)
		__free_page(s.page);
	vfree(held);
}

/* ---- every CPU, every API, at once ---- */

#define STORM_PAGES   160		/* each worker's own pages: at 4 CPUs they wrap the pool */
#define STORM_ROUNDS  300		/* each round maps through all three APIs */
#define HOG_PAGES     LAST_PKMAP	/* the whole pool ... */
#define HOG_SETS      2			/* ... of new pages each round: a wrap */

struct storm {
	struct page *pages[NR_CPUS][STORM_PAGES];
	struct page **hog_pages;
	volatile unsigned int arrived;
	volatile int workers_done;
	unsigned int participants;	/* workers + the hog */
	unsigned long errors[NR_CPUS], maps[NR_CPUS], unmaps[NR_CPUS];
	unsigned long hog_rounds;
};

/* A small PRNG (xorshift32): each worker its own sequence. */
static u32 storm_next(u32 *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

/*
 * One worker: kmap (holding at most one pool slot, so it can never
 * deadlock the pool), kmap_local_page nested two deep, kmap_atomic; every
 * word of every mapping checked against the page's own pattern.
 */
static int storm_worker(void *arg)
{
	struct storm *s = arg;
	unsigned int cpu = smp_processor_id();
	u32 seed = 0x9E3779B9u * (cpu + 1);

	barrier_wait(&s->arrived, s->participants);
	for (unsigned int r = 0; r < STORM_ROUNDS; r++) {
		struct page *a = s->pages[cpu][storm_next(&seed) % STORM_PAGES];
		struct page *b = s->pages[cpu][storm_next(&seed) % STORM_PAGES];
		u32 *pa, *la, *lb;

		pa = kmap(a);
		s->maps[cpu]++;
		s->errors[cpu] += pattern_errors(pa, a);
		kunmap(a);
		s->unmaps[cpu]++;

		la = kmap_local_page(a);
		lb = kmap_local_page(b);
		s->errors[cpu] += pattern_errors(la, a) + pattern_errors(lb, b);
		kunmap_local(lb);
		kunmap_local(la);

		la = kmap_atomic(b);
		s->errors[cpu] += pattern_errors(la, b);
		kunmap_atomic(la);
	}
	__atomic_add_fetch(&s->workers_done, 1, __ATOMIC_RELEASE);
	return 0;
}

/*
 * The hog: while the workers run, take the whole pool and give it back,
 * again and again, so that workers find it full and sleep, and the
 * cursor wraps (each wrap a shootdown to every CPU).  It holds the pool
 * when it lets the workers go, so each worker's first kmap() sleeps; it
 * sleeps after each release too, or a worker on its CPU would only ever
 * wake to find the pool taken again.
 * The workers hold at most one slot and never wait while holding it, so
 * the hog's own wait for its last slots always ends.
 */
static int storm_hog(void *arg)
{
	struct storm *s = arg;
	unsigned int workers = s->participants - 1;

	do {
		struct page **set = s->hog_pages + (s->hog_rounds % HOG_SETS) * HOG_PAGES;

		for (unsigned int i = 0; i < HOG_PAGES; i++)
			kmap(set[i]);
		if (!s->hog_rounds)
			barrier_wait(&s->arrived, s->participants);
		msleep(2);
		for (unsigned int i = 0; i < HOG_PAGES; i++)
			kunmap(set[i]);
		s->hog_rounds++;
		msleep(1);		/* the pool is free: workers on this CPU run */
	} while (__atomic_load_n(&s->workers_done, __ATOMIC_ACQUIRE) < (int)workers);
	return 0;
}

/* Allocate and pattern n highmem pages into pages[]; false (skipped) if short. */
static bool alloc_patterned(struct ktest *t, struct page **pages, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_HIGHUSER);
		if (!pages[i] || !PageHighMem(pages[i])) {
			if (pages[i])
				__free_page(pages[i]);
			while (i--)
				__free_page(pages[i]);
			ktest_skip(t, "not enough highmem for every CPU's pages");
			return false;
		}
		fill_pattern(pages[i]);
	}
	return true;
}

KTEST(kmap_smp, every_cpu_maps_through_every_api_at_once)
{
	static struct storm s;
	struct kmap_stats before;
	struct task_struct *task[NR_CPUS] = { NULL }, *hog;
	unsigned int cpu, leaked = 0, nr_pages = 0;
	unsigned long shootdowns = 0, errors = 0, maps = 0, unmaps = 0, local_before;

	s = (struct storm){ .participants = num_online_cpus() + 1 };
	s.hog_pages = vmalloc(HOG_SETS * HOG_PAGES * sizeof(*s.hog_pages), GFP_KERNEL);
	ASSERT_NOT_NULL(t, s.hog_pages);
	if (!alloc_patterned(t, s.hog_pages, HOG_SETS * HOG_PAGES))
		goto out_hog;
	for_each_online_cpu(cpu) {
		if (!alloc_patterned(t, s.pages[cpu], STORM_PAGES))
			goto out;
		nr_pages = cpu + 1;
	}
	before = kmap_stats;
	local_before = kmap_local_count();
	for_each_online_cpu(cpu)
		shootdowns += tlb_stats[cpu].shootdowns;
	hog = kthread_run(storm_hog, &s, "storm-hog");
	ASSERT_NOT_NULL(t, hog);
	for_each_online_cpu(cpu) {
		task[cpu] = start_on_cpu(storm_worker, &s, cpu, "storm");
		ASSERT_NOT_NULL(t, task[cpu]);
	}
	for_each_online_cpu(cpu)
		EXPECT_EQ(t, kthread_wait(task[cpu]), 0);
	EXPECT_EQ(t, kthread_wait(hog), 0);

	for_each_online_cpu(cpu) {
		errors += s.errors[cpu];
		maps += s.maps[cpu];
		unmaps += s.unmaps[cpu];
		shootdowns -= tlb_stats[cpu].shootdowns;
	}
	shootdowns = -shootdowns;
	for (unsigned int i = 0; i < LAST_PKMAP; i++)
		leaked += pkmap_count[i] > 1;
	ktest_log(t, "%u CPUs: %lu kmaps, %lu hog rounds, %lu flushes, %lu shootdowns, %lu sleeps, %lu wake-ups",
		  num_online_cpus(), maps, s.hog_rounds, kmap_stats.flushes - before.flushes,
		  shootdowns, kmap_stats.sleeps - before.sleeps,
		  kmap_stats.wakeups - before.wakeups);
	EXPECT_EQ(t, errors, 0);
	EXPECT_EQ(t, maps, (unsigned long)num_online_cpus() * STORM_ROUNDS);
	EXPECT_EQ(t, unmaps, maps);
	EXPECT_EQ(t, leaked, 0);		/* no slot still counted as in use */
	EXPECT_EQ(t, kmap_local_count() - local_before,
		  (unsigned long)num_online_cpus() * STORM_ROUNDS * 3);
	EXPECT_GE(t, s.hog_rounds, 1);
	EXPECT_GE(t, kmap_stats.flushes, before.flushes + s.hog_rounds);
	EXPECT_GE(t, kmap_stats.sleeps, before.sleeps + num_online_cpus());
	EXPECT_EQ(t, kmap_stats.wakeups - before.wakeups >= 1, true);
	if (num_online_cpus() > 1)
		EXPECT_GE(t, shootdowns, 1);
out:
	for (cpu = 0; cpu < nr_pages; cpu++)
		for (unsigned int i = 0; i < STORM_PAGES; i++)
			if (cpu_online(cpu))
				__free_page(s.pages[cpu][i]);
	for (unsigned int i = 0; i < HOG_SETS * HOG_PAGES; i++)
		__free_page(s.hog_pages[i]);
out_hog:
	vfree(s.hog_pages);
}
