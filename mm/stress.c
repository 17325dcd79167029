/*
 * The stress run: `stress=SECONDS[,seed=N]` (see hilo/stress.h).
 *
 *   stress_run()  the boot task
 *     the pool: stress_pool_init() (mm/stress_pages.c)
 *     STRESS_THREADS_PER_CPU threads per online CPU (two bound to it, one
 *     free to migrate), each looping over random operations from its own
 *     PRNG stream until the time is up or a corruption is found
 *     a timer on every CPU, mapping a pool page from interrupt context
 *     at every tick
 *     meanwhile: a "stress: sample" line every sample period
 *     then: wait for the threads and timers, free everything, report
 *
 * The kmap pool cannot deadlock: a thread holds at most STRESS_KMAP_HOLD
 * (K) pool maps, and asks for a new one only while it holds fewer; one
 * thread at a time (the burst), having first dropped its own K, holds up
 * to burst_max = LAST_PKMAP - (nthreads - 1) * (K - 1) while the others
 * keep theirs.  Every other thread blocked in kmap() holds at most K - 1
 * maps and a blocked burst at most burst_max - 1: with every holder
 * blocked at most LAST_PKMAP - 1 slots would be taken, so some holder
 * always runs, and frees.  The pool can still fill up (the burst's maps
 * plus K from every other thread exceed LAST_PKMAP), so threads do sleep
 * in kmap().  Page locks are never waited for (mm/stress.h), so they add
 * no waits.
 */
#include <asm/qemu.h>
#include <asm/tlbflush.h>
#include <asm/tsc.h>
#include <hilo/highmem-internal.h>
#include <hilo/kthread.h>
#include <hilo/math64.h>
#include <hilo/printk.h>
#include <hilo/sched.h>
#include <hilo/smp.h>
#include <hilo/stress.h>
#include <hilo/string.h>
#include <hilo/timer.h>
#include <hilo/vmalloc.h>

#include "stress.h"

#define STRESS_THREADS_PER_CPU 3
#define STRESS_MAX_THREADS     (STRESS_THREADS_PER_CPU * NR_CPUS)
#define STRESS_KMAP_HOLD       4	/* K: pool maps a thread may hold */
#define STRESS_POOL_PAGES      2048
#define STRESS_VMAP_MAX        8
#define STRESS_BLOCKS          6	/* allocated blocks a thread may hold */
#define STRESS_MAX_ORDER       3
#define STRESS_MAX_SAMPLES     6000	/* the sample period grows to stay under */

BUILD_BUG_ON(STRESS_MAX_THREADS * STRESS_KMAP_HOLD >= LAST_PKMAP);

enum {
	OP_KMAP, OP_KUNMAP, OP_BURST_MAP, OP_LOCAL, OP_ATOMIC, OP_COPY,
	OP_MEMCPY, OP_VMAP, OP_ALLOC, OP_FREE, OP_YIELD, OP_MSLEEP, NR_OPS
};
static const char *const op_names[NR_OPS] = {
	"kmap", "kunmap", "kmap_burst", "kmap_local", "kmap_atomic", "copy_highpage",
	"memcpy_page", "vmap", "alloc_pages", "free_pages", "yield_mapped", "msleep_mapped",
};

struct stress_block {
	struct page *page;
	unsigned int order;
	u32 key;		/* page i of the block holds key + i's pattern */
};

struct stress_thread {
	unsigned int id;
	struct task_struct *task;
	struct stress_rng rng;
	struct stress_page *held[STRESS_KMAP_HOLD];
	void *held_va[STRESS_KMAP_HOLD];
	unsigned int nheld;
	struct stress_block blocks[STRESS_BLOCKS];
	unsigned int nblocks;
	u32 *buf;		/* a lowmem page for memcpy_page */
	unsigned long ops[NR_OPS];
	unsigned long bursts, preempted, alloc_failed, vmap_failed;
	unsigned int max_depth;
} ____cacheline_aligned;

struct stress_cpu {
	struct timer_list timer;
	struct stress_rng rng;
	unsigned long irq_maps, irq_full;
	unsigned int depth_max;		/* deepest local stack since the last sample */
	unsigned int max_depth;
	volatile bool done;		/* the timer saw the stop and stopped */
	bool started;
} ____cacheline_aligned;

static struct stress_thread threads[STRESS_MAX_THREADS];
static struct stress_cpu cpus[NR_CPUS];
static unsigned int nthreads, burst_max;
static u32 burst_busy;			/* a burst is running */
static struct stress_page *burst_pages[LAST_PKMAP];
static volatile bool timers_stop;
static unsigned long sample_every;	/* ticks between samples */
static u64 seed;

/* ---- small helpers ---- */

static unsigned int local_depth(void)
{
	return (unsigned int)current->kmap_ctrl.idx / KM_INCR;
}

/* The local stack's depth after a map, for the samples and the report. */
static void note_depth(unsigned int *max_seen)
{
	unsigned int d = local_depth();
	struct stress_cpu *c = &cpus[smp_processor_id()];

	if (d > c->depth_max)
		WRITE_ONCE(c->depth_max, d);
	if (d > *max_seen)
		*max_seen = d;
}

/* Map, check, maybe rewrite, unmap one locked page through a local map. */
static void local_check(struct stress_thread *t, struct stress_page *sp, const char *kind)
{
	void *va = kmap_local_page(sp->page);

	note_depth(&t->max_depth);
	if (stress_check(va, page_to_pfn(sp->page), sp->key, kind) && stress_below(&t->rng, 2))
		stress_fill(va, stress_bump(sp));
	kunmap_local(va);
}

/* ---- kmap: held maps, and the burst ---- */

static void kmap_release(struct stress_thread *t, unsigned int i)
{
	struct stress_page *sp = t->held[i];

	if (stress_check(t->held_va[i], page_to_pfn(sp->page), sp->key, "kmap") &&
	    stress_below(&t->rng, 2))
		stress_fill(t->held_va[i], stress_bump(sp));
	kunmap(sp->page);
	stress_unlock(sp);
	t->ops[OP_KUNMAP]++;
	t->nheld--;
	t->held[i] = t->held[t->nheld];
	t->held_va[i] = t->held_va[t->nheld];
}

static void op_kmap(struct stress_thread *t)
{
	struct stress_page *sp;

	/* While a burst runs, lean towards holding K - 1 or K: the pool fills up. */
	unsigned int release = READ_ONCE(burst_busy) ? 8 : 2;

	if (t->nheld == STRESS_KMAP_HOLD || (t->nheld && !stress_below(&t->rng, release))) {
		kmap_release(t, stress_below(&t->rng, t->nheld));
		return;
	}
	sp = stress_trylock(&t->rng, t->id);
	if (!sp)
		return;
	t->held_va[t->nheld] = kmap(sp->page);
	t->held[t->nheld++] = sp;
	t->ops[OP_KMAP]++;
	stress_check(t->held_va[t->nheld - 1], page_to_pfn(sp->page), sp->key, "kmap");
}

/* One thread maps up to burst_max pages at once: the pool wraps, others sleep. */
static void op_burst(struct stress_thread *t)
{
	unsigned int n = 0, want;
	u32 idle = 0;

	if (!__atomic_compare_exchange_n(&burst_busy, &idle, 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	while (t->nheld)	/* the burst counts for this thread's K */
		kmap_release(t, 0);
	want = burst_max;
	for (unsigned int tries = 0; n < want && tries < 2 * want && !stress_stop; tries++) {
		/* highmem only: each map takes a slot */
		struct stress_page *sp = stress_trylock_in(&t->rng, t->id, stress_pool_high);
		void *va;

		if (!sp)
			continue;
		va = kmap(sp->page);
		stress_check(va, page_to_pfn(sp->page), sp->key, "kmap (burst)");
		burst_pages[n++] = sp;
		t->ops[OP_BURST_MAP]++;
	}
	/* Hold the pool a while: the other threads fill the rest, and sleep in kmap(). */
	msleep(10 + stress_below(&t->rng, 40));
	for (unsigned int i = 0; i < n; i++) {
		struct stress_page *sp = burst_pages[i];

		stress_check(kmap(sp->page), page_to_pfn(sp->page), sp->key, "kmap (burst, again)");
		kunmap(sp->page);	/* the second kmap found the page in the pool */
		kunmap(sp->page);
		stress_unlock(sp);
	}
	t->bursts++;
	__atomic_store_n(&burst_busy, 0, __ATOMIC_RELEASE);
}

/* ---- kmap_local: nested, with work, yields and sleeps in between ---- */

/* Out-of-line work between two local maps: check, and now and then give up the CPU. */
static __noinline void local_between(struct stress_thread *t, void *va, struct stress_page *sp)
{
	stress_check(va, page_to_pfn(sp->page), sp->key, "kmap_local");
	switch (stress_below(&t->rng, 32)) {
	case 0:
		yield();
		t->ops[OP_YIELD]++;
		break;
	case 1:
		msleep(1 + stress_below(&t->rng, 3));
		t->ops[OP_MSLEEP]++;
		break;
	}
}

static void op_local(struct stress_thread *t)
{
	struct stress_page *sp[KM_MAX_NESTING];
	void *va[KM_MAX_NESTING];
	unsigned int depth = stress_below(&t->rng, 8) ? 1 + stress_below(&t->rng, KM_MAX_NESTING)
						      : KM_MAX_NESTING;
	unsigned long switches = current->nivcsw;
	unsigned int n = 0;

	while (n < depth) {
		sp[n] = stress_trylock(&t->rng, t->id);
		if (!sp[n])
			break;
		va[n] = kmap_local_page(sp[n]->page);
		note_depth(&t->max_depth);
		t->ops[OP_LOCAL]++;
		local_between(t, va[n], sp[n]);
		n++;
	}
	while (n--) {
		if (stress_check(va[n], page_to_pfn(sp[n]->page), sp[n]->key, "kmap_local") &&
		    stress_below(&t->rng, 2))
			stress_fill(va[n], stress_bump(sp[n]));
		kunmap_local(va[n]);
		stress_unlock(sp[n]);
	}
	if (current->nivcsw != switches)
		t->preempted++;
}

static void op_atomic(struct stress_thread *t)
{
	struct stress_page *sp = stress_trylock(&t->rng, t->id);
	void *va;

	if (!sp)
		return;
	va = kmap_atomic(sp->page);
	note_depth(&t->max_depth);
	if (stress_check(va, page_to_pfn(sp->page), sp->key, "kmap_atomic") &&
	    stress_below(&t->rng, 2))
		stress_fill(va, stress_bump(sp));
	kunmap_atomic(va);
	stress_unlock(sp);
	t->ops[OP_ATOMIC]++;
}

/* ---- the helpers: copy_highpage, memcpy_from_page/memcpy_to_page ---- */

static void op_copy(struct stress_thread *t)
{
	struct stress_page *src = stress_trylock(&t->rng, t->id), *dst;

	if (!src)
		return;
	dst = stress_trylock(&t->rng, t->id);
	if (dst) {
		local_check(t, src, "kmap_local (copy source)");
		copy_highpage(dst->page, src->page);
		dst->gen++;		/* a write, of the source's bytes */
		dst->key = src->key;
		local_check(t, dst, "copy_highpage");
		stress_unlock(dst);
		t->ops[OP_COPY]++;
	}
	stress_unlock(src);
}

static void op_memcpy(struct stress_thread *t)
{
	struct stress_page *sp = stress_trylock(&t->rng, t->id);
	size_t split = stress_below(&t->rng, PAGE_SIZE + 1);

	if (!sp)
		return;
	memcpy_from_page((char *)t->buf, sp->page, 0, split);
	memcpy_from_page((char *)t->buf + split, sp->page, split, PAGE_SIZE - split);
	if (stress_check(t->buf, page_to_pfn(sp->page), sp->key, "memcpy_from_page")) {
		stress_fill(t->buf, stress_bump(sp));
		memcpy_to_page(sp->page, split, (char *)t->buf + split, PAGE_SIZE - split);
		memcpy_to_page(sp->page, 0, (char *)t->buf, split);
		local_check(t, sp, "memcpy_to_page");
	}
	stress_unlock(sp);
	t->ops[OP_MEMCPY]++;
}

/* ---- vmap of a random set ---- */

static void op_vmap(struct stress_thread *t)
{
	struct stress_page *sp[STRESS_VMAP_MAX];
	struct page *pages[STRESS_VMAP_MAX];
	unsigned int want = 1 + stress_below(&t->rng, STRESS_VMAP_MAX), n = 0;
	char *va;

	while (n < want && (sp[n] = stress_trylock(&t->rng, t->id))) {
		pages[n] = sp[n]->page;
		n++;
	}
	va = n ? vmap(pages, n) : NULL;
	if (va) {
		unsigned int w = stress_below(&t->rng, n);

		for (unsigned int i = 0; i < n; i++)
			stress_check(va + i * PAGE_SIZE, page_to_pfn(pages[i]), sp[i]->key, "vmap");
		if (!stress_stop)
			stress_fill(va + w * PAGE_SIZE, stress_bump(sp[w]));
		vunmap(va);
		t->ops[OP_VMAP]++;
	} else if (n) {
		t->vmap_failed++;
	}
	while (n--)
		stress_unlock(sp[n]);
}

/* ---- page allocation in every zone ---- */

static void block_check_free(struct stress_thread *t, unsigned int i)
{
	struct stress_block *b = &t->blocks[i];

	for (unsigned int p = 0; p < 1u << b->order; p++) {
		void *va = kmap_local_page(b->page + p);

		stress_check(va, page_to_pfn(b->page + p), b->key + p, "kmap_local (allocated block)");
		kunmap_local(va);
	}
	__free_pages(b->page, b->order);
	t->ops[OP_FREE]++;
	t->blocks[i] = t->blocks[--t->nblocks];
}

static void op_alloc(struct stress_thread *t)
{
	static const gfp_t gfps[] = { GFP_DMA, GFP_KERNEL, GFP_HIGHUSER };
	struct stress_block *b;

	if (t->nblocks == STRESS_BLOCKS || (t->nblocks && stress_below(&t->rng, 2))) {
		block_check_free(t, stress_below(&t->rng, t->nblocks));
		return;
	}
	b = &t->blocks[t->nblocks];
	b->order = stress_below(&t->rng, STRESS_MAX_ORDER + 1);
	b->page = alloc_pages(gfps[stress_below(&t->rng, ARRAY_SIZE(gfps))], b->order);
	if (!b->page) {
		t->alloc_failed++;
		return;
	}
	b->key = stress_rand(&t->rng);
	for (unsigned int p = 0; p < 1u << b->order; p++) {
		void *va = kmap_local_page(b->page + p);

		stress_fill(va, b->key + p);
		kunmap_local(va);
	}
	t->nblocks++;
	t->ops[OP_ALLOC]++;
}

/* ---- the threads ---- */

static void stress_timer_fn(struct timer_list *timer);
static void record_sample(void);

static int stress_thread_fn(void *arg)
{
	struct stress_thread *t = arg;
	struct page *buf = alloc_page(GFP_KERNEL);
	unsigned int cpu = smp_processor_id();

	if (!buf)
		return 1;
	t->buf = page_address(buf);
	/* The first thread bound to each CPU starts that CPU's timer. */
	if (t->id < num_online_cpus() && !cpus[cpu].started) {
		cpus[cpu].started = true;
		stress_rng_init(&cpus[cpu].rng, seed, 1000 + cpu);
		timer_setup(&cpus[cpu].timer, stress_timer_fn);
		cpus[cpu].timer.expires = jiffies + 1;
		add_timer(&cpus[cpu].timer);
	}
	while (!stress_stop) {
		u32 r = stress_below(&t->rng, 1000);

		if (r == 0)
			op_burst(t);
		else if (READ_ONCE(burst_busy) && r < 500)
			op_kmap(t);	/* fill the rest of the pool */
		else if (r < 200)
			op_kmap(t);
		else if (r < 450)
			op_local(t);
		else if (r < 600)
			op_atomic(t);
		else if (r < 700)
			op_copy(t);
		else if (r < 800)
			op_memcpy(t);
		else if (r < 880)
			op_vmap(t);
		else
			op_alloc(t);
	}
	while (t->nheld)
		kmap_release(t, 0);
	while (t->nblocks)
		block_check_free(t, 0);
	__free_page(buf);
	return 0;
}

/* Every tick on every CPU: a local map from interrupt context, on top of whatever the task holds. */
static void stress_timer_fn(struct timer_list *timer)
{
	struct stress_cpu *c = container_of(timer, struct stress_cpu, timer);
	struct stress_page *sp;

	if (timers_stop) {
		c->done = true;
		return;
	}
	if (local_depth() >= KM_MAX_NESTING) {
		c->irq_full++;		/* the task holds all 16: no room */
	} else if ((sp = stress_trylock(&c->rng, STRESS_IRQ_OWNER))) {
		void *va = kmap_local_page(sp->page);

		note_depth(&c->max_depth);
		if (stress_check(va, page_to_pfn(sp->page), sp->key, "kmap_local (timer callback)") &&
		    stress_below(&c->rng, 2))
			stress_fill(va, stress_bump(sp));
		kunmap_local(va);
		stress_unlock(sp);
		c->irq_maps++;
	}
	if (c == &cpus[0] && !(jiffies % sample_every))
		record_sample();
	timer->expires = jiffies + 1;
	add_timer(timer);
}

/* ---- samples and the report ---- */

static unsigned int pool_in_use(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < LAST_PKMAP; i++)
		n += READ_ONCE(pkmap_count[i]) > 1;
	return n;
}

static unsigned long shootdowns(void)
{
	unsigned long n = 0;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		n += READ_ONCE(tlb_stats[cpu].shootdowns);
	return n;
}

static unsigned long ms_since(unsigned long start)
{
	return (unsigned long)div_u64((u64)(jiffies - start) * tick_nsec(), 1000000);
}

/*
 * The samples: CPU 0's timer records one every sample_every ticks into a
 * ring (interrupt context: it sees the pool at any moment, bursts
 * included), and the boot task prints them:
 *   stress: sample t=MS slots=N wraps=N shootdowns=N sleeps=N depth=D0,D1,...
 * (t since the start; slots: pool slots in use, count > 1; counters since
 * the start; depth: each online CPU's deepest local stack since the
 * previous sample, interrupt maps included)
 */
#define SAMPLE_RING 512

struct stress_sample {
	unsigned long jiffies, wraps, shootdowns, sleeps;
	unsigned int slots;
	u8 depth[NR_CPUS];
};

static struct stress_sample ring[SAMPLE_RING];
static volatile unsigned int ring_head, ring_tail;	/* written by the timer, the printer */
static unsigned long ring_dropped, sample_start, sd0;
static struct kmap_stats k0;

static void record_sample(void)
{
	unsigned int head = ring_head, cpu;
	struct stress_sample *s = &ring[head % SAMPLE_RING];

	if (head - ring_tail >= SAMPLE_RING) {
		ring_dropped++;		/* the printer fell behind */
		return;
	}
	s->jiffies = jiffies - sample_start;
	s->slots = pool_in_use();
	s->wraps = kmap_stats.flushes - k0.flushes;
	s->shootdowns = shootdowns() - sd0;
	s->sleeps = kmap_stats.sleeps - k0.sleeps;
	for_each_online_cpu(cpu)
		s->depth[cpu] = (u8)__atomic_exchange_n(&cpus[cpu].depth_max, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&ring_head, head + 1, __ATOMIC_RELEASE);
}

static void print_samples(void)
{
	while (ring_tail != __atomic_load_n(&ring_head, __ATOMIC_ACQUIRE)) {
		const struct stress_sample *s = &ring[ring_tail % SAMPLE_RING];
		char depths[NR_CPUS * 4 + 1];
		unsigned int cpu, len = 0;

		for_each_online_cpu(cpu)
			len += snprintf(depths + len, sizeof(depths) - len, "%s%u",
					len ? "," : "", s->depth[cpu]);
		pr_info("stress: sample t=%lu slots=%u wraps=%lu shootdowns=%lu sleeps=%lu depth=%s\n",
			(unsigned long)div_u64((u64)s->jiffies * tick_nsec(), 1000000),
			s->slots, s->wraps, s->shootdowns, s->sleeps, depths);
		__atomic_store_n(&ring_tail, ring_tail + 1, __ATOMIC_RELEASE);
	}
}

static bool parse_arg(const char *arg, unsigned long *seconds)
{
	const char *p = arg;
	unsigned long s = 0;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		s = s * 10 + (unsigned long)(*p++ - '0');
	*seconds = s;
	if (!*p)
		return true;
	if (strncmp(p, ",seed=", 6))
		return false;
	p += 6;
	seed = 0;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		seed = seed * 10 + (u64)(*p++ - '0');
	return !*p;
}

static void report(unsigned long ms, unsigned long free_before, unsigned long free_after)
{
	unsigned long ops[NR_OPS] = { 0 }, total = 0, irq = 0, irq_full = 0;
	unsigned long bursts = 0, preempted = 0, afail = 0, vfail = 0;
	unsigned int max_depth = 0, cpu;

	for (unsigned int i = 0; i < nthreads; i++) {
		for (unsigned int o = 0; o < NR_OPS; o++)
			ops[o] += threads[i].ops[o];
		bursts += threads[i].bursts;
		preempted += threads[i].preempted;
		afail += threads[i].alloc_failed;
		vfail += threads[i].vmap_failed;
		max_depth = max(max_depth, threads[i].max_depth);
	}
	for_each_online_cpu(cpu) {
		irq += cpus[cpu].irq_maps;
		irq_full += cpus[cpu].irq_full;
		max_depth = max(max_depth, cpus[cpu].max_depth);
	}
	for (unsigned int o = 0; o < NR_OPS; o++) {
		total += ops[o];
		pr_info("stress: ops %s=%lu\n", op_names[o], ops[o]);
	}
	total += irq;
	pr_info("stress: ops timer_kmap_local=%lu (and %lu ticks found all 16 slots taken)\n",
		irq, irq_full);
	pr_info("stress: total ops=%lu in %lu ms: %lu ops/s\n", total, ms,
		ms ? (unsigned long)div_u64((u64)total * 1000, ms) : 0);
	pr_info("stress: pool wraps=%lu shootdowns=%lu kmap_sleeps=%lu kmap_wakeups=%lu bursts=%lu\n",
		kmap_stats.flushes - k0.flushes, shootdowns() - sd0,
		kmap_stats.sleeps - k0.sleeps, kmap_stats.wakeups - k0.wakeups, bursts);
	pr_info("stress: preempted while mapped=%lu max nesting=%u\n", preempted, max_depth);
	pr_info("stress: failed allocations=%lu failed vmaps=%lu (not errors: memory ran short)\n",
		afail, vfail);
	if (ring_dropped)
		pr_info("stress: %lu samples dropped (the printer fell behind)\n", ring_dropped);
	pr_info("stress: free pages before=%lu after=%lu%s\n", free_before, free_after,
		free_before == free_after ? "" : " LEAK");
	stress_report_corruption();
}

int stress_run(const char *arg)
{
	unsigned long seconds, start, free_before, free_after, ms;
	unsigned int cpu, n;
	bool ok;

	seed = rdtsc() & 0xffffffffu;	/* short enough to type back in */
	if (!parse_arg(arg, &seconds) || !seconds) {
		pr_err("stress: bad stress=%s: want SECONDS or SECONDS,seed=N\n", arg);
		return HILO_EXIT_FAIL;
	}
	pr_info("stress: seed=%llu seconds=%lu cpus=%u (replay: SEED=%llu)\n",
		seed, seconds, num_online_cpus(), seed);
	free_before = nr_free_pages();
	n = stress_pool_init(STRESS_POOL_PAGES);
	if (n < 64) {
		pr_err("stress: only %u pages for the pool\n", n);
		stress_pool_free();
		return HILO_EXIT_FAIL;
	}
	nthreads = STRESS_THREADS_PER_CPU * num_online_cpus();
	burst_max = LAST_PKMAP - (nthreads - 1) * (STRESS_KMAP_HOLD - 1);
	pr_info("stress: pool %u pages (%u highmem), %u threads, K=%u, bursts of up to %u pool maps\n",
		n, stress_pool_high, nthreads, STRESS_KMAP_HOLD, burst_max);
	sample_every = max(1ul, seconds * timer_hz() / STRESS_MAX_SAMPLES);
	k0 = kmap_stats;
	sd0 = shootdowns();
	start = sample_start = jiffies;
	for (unsigned int i = 0; i < nthreads; i++) {
		struct stress_thread *t = &threads[i];

		t->id = i;
		stress_rng_init(&t->rng, seed, i);
		t->task = kthread_create(stress_thread_fn, t, "stress/%u", i);
		if (!t->task)
			panic("stress: cannot create thread %u", i);
		/* Threads 0 .. 2 * cpus - 1 are bound, the rest migrate freely. */
		if (i < 2 * num_online_cpus())
			kthread_bind(t->task, i % num_online_cpus());
		kthread_start(t->task);
	}
	while (!stress_stop && ms_since(start) < seconds * 1000) {
		msleep(50);
		print_samples();
	}
	pr_info("stress: stopping at t=%lu ms%s\n", ms_since(start),
		stress_corruptions ? " (a corruption)" : "");
	stress_stop = true;
	for (unsigned int i = 0; i < nthreads; i++) {
		kthread_wait(threads[i].task);
		print_samples();
	}
	ms = ms_since(start);
	timers_stop = true;
	for_each_online_cpu(cpu)
		for (unsigned int w = 0; cpus[cpu].started && !cpus[cpu].done && w < 1000; w++)
			msleep(1);
	for_each_online_cpu(cpu)
		if (cpus[cpu].started && !cpus[cpu].done)
			del_timer(&cpus[cpu].timer);
	print_samples();
	stress_pool_free();
	free_after = nr_free_pages();
	report(ms, free_before, free_after);
	ok = !stress_corruptions && free_before == free_after;
	pr_info("stress: %s\n", ok ? "PASSED" : "FAILED");
	return ok ? HILO_EXIT_PASS : HILO_EXIT_FAIL;
}
