/*
 * The stress run: `stress=SECONDS[,seed=N]` (see hilo/stress.h).
 *
 *   stress_run()  the boot task (the operations: mm/stress_ops.c)
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

#define STRESS_POOL_PAGES      2048
#define STRESS_MAX_SAMPLES     6000	/* the sample period grows to stay under */

BUILD_BUG_ON(STRESS_MAX_THREADS * STRESS_KMAP_HOLD >= LAST_PKMAP);

static const char *const op_names[NR_OPS] = {
	"kmap", "kunmap", "kmap_burst", "kmap_local", "kmap_atomic", "copy_highpage",
	"memcpy_page", "vmap", "alloc_pages", "free_pages", "yield_mapped", "msleep_mapped",
};

struct stress_cpu {
	struct timer_list timer;
	struct stress_rng rng;
	unsigned long irq_maps, irq_full;
	unsigned int max_depth;
	volatile bool done;		/* the timer saw the stop and stopped */
	bool started;
} ____cacheline_aligned;

static struct stress_thread threads[STRESS_MAX_THREADS];
static struct stress_cpu cpus[NR_CPUS];
static unsigned int nthreads;
static volatile bool timers_stop;
static unsigned long sample_every;	/* ticks between samples */
static u64 seed;

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
	while (!stress_stop)
		stress_op(t);
	stress_drop(t);
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
	if (stress_local_depth() >= KM_MAX_NESTING) {
		c->irq_full++;		/* the task holds all 16: no room */
	} else if ((sp = stress_trylock(&c->rng, STRESS_IRQ_OWNER))) {
		void *va = kmap_local_page(sp->page);

		stress_note_depth(&c->max_depth);
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
		s->depth[cpu] = (u8)__atomic_exchange_n(&stress_depth_max[cpu], 0, __ATOMIC_RELAXED);
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

static void report(unsigned long ms, unsigned long free_before, unsigned long free_after,
		   unsigned long pt_pages)
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
	pr_info("stress: free pages before=%lu after=%lu, kernel page tables made meanwhile=%lu%s\n",
		free_before, free_after, pt_pages, free_before == free_after + pt_pages ? "" : " LEAK");
	stress_report_corruption();
}

int stress_run(const char *arg)
{
	unsigned long seconds, start, free_before, free_after, ms, pt_before, pt_pages;
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
	pt_before = kernel_pt_pages;
	n = stress_pool_init(STRESS_POOL_PAGES);
	if (n < 64) {
		pr_err("stress: only %u pages for the pool\n", n);
		stress_pool_free();
		return HILO_EXIT_FAIL;
	}
	nthreads = STRESS_THREADS_PER_CPU * num_online_cpus();
	stress_burst_max = LAST_PKMAP - (nthreads - 1) * (STRESS_KMAP_HOLD - 1);
	pr_info("stress: pool %u pages (%u highmem), %u threads, K=%u, bursts of up to %u pool maps\n",
		n, stress_pool_high, nthreads, STRESS_KMAP_HOLD, stress_burst_max);
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
	pt_pages = kernel_pt_pages - pt_before;
	report(ms, free_before, free_after, pt_pages);
	ok = !stress_corruptions && free_before == free_after + pt_pages;
	pr_info("stress: %s\n", ok ? "PASSED" : "FAILED");
	return ok ? HILO_EXIT_PASS : HILO_EXIT_FAIL;
}
