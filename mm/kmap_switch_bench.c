/*
 * Benchmarks of what live kmap_local slots add to a context switch
 * (docs/design.md section 3, hilo/bench.h); the ways to map a page are in
 * mm/highmem_bench.c, and mm/highmem_bench.h has what both share.
 *
 *   switch.liveN        a context switch while one of two tasks that yield
 *                       to each other holds N live local maps
 *
 * Every iteration reads the direct map at two places far apart, as the
 * map cases do (touch_direct_map in mm/highmem_bench.h says why).
 *
 * Sanity (besides iterations == operations): every switch away from the
 * holder flushes each live slot once and nothing else flushes, and the
 * live maps survive the switches.
 */
#include <hilo/bench.h>
#include <hilo/highmem.h>
#include <hilo/kthread.h>
#include <hilo/mm.h>
#include <hilo/page_pattern.h>
#include <hilo/printk.h>
#include <hilo/sched.h>
#include <hilo/timer.h>
#include "highmem_bench.h"

#define SWITCH_ITERS  128

/* The state of the switch case being measured (one at a time). */
static struct {
	void *live[KM_MAX_NESTING];	/* the maps held */
	struct task_struct *partner;	/* the other task */
	bool stop;			/* tells the partner to exit */
	unsigned long yields;		/* yields since setup */
	unsigned long switched_out;	/* at setup */
	unsigned long invlpgs;		/* at setup */
	unsigned long jiffies;		/* at setup */
} bs;

/* partner - the other side of the ping-pong: yield until told to stop. */
static int partner(void *unused)
{
	while (!READ_ONCE(bs.stop))
		yield();
	return 0;
}

static unsigned long switched_out(void)
{
	return current->nvcsw + current->nivcsw;
}

/* unmap_live - drop the maps setup_switch took, innermost first. */
static void unmap_live(void)
{
	for (unsigned int i = this_pages()->n; i--;)
		kunmap_local(bs.live[i]);
}

/*
 * setup_switch - take ->arg highmem pages (get_pages fills them with their pattern), map them
 * all (the boot task holds them through every run) and start the partner
 * thread.
 */
static const char *setup_switch(const struct bench_case *c)
{
	const char *why = get_pages(HIGHMEM, c->arg);
	struct bench_pages *bp = this_pages();

	if (why)
		return why;
	for (unsigned int i = 0; i < bp->n; i++)
		bs.live[i] = kmap_local_page(bp->pages[i]);
	bs.stop = false;
	/* On this CPU: every yield must switch to the partner and back. */
	bs.partner = kthread_run_on_cpu(partner, NULL, smp_processor_id(), "bench-partner");
	if (!bs.partner) {
		unmap_live();
		put_pages(c);
		return "no task for the partner thread";
	}
	bs.yields = 0;
	bs.switched_out = switched_out();
	bs.invlpgs = read_invlpg(c);
	bs.jiffies = jiffies;
	return NULL;
}

/* run_switch - one iteration: to the partner and back, two switches. */
static unsigned int run_switch(const struct bench_case *c, unsigned int iters)
{
	unsigned int i;

	for (i = 0; i < iters; i++) {
		yield();
		touch_direct_map();
	}
	bs.yields += i;
	return i;
}

/*
 * check_switch - every yield switched away (the partner was runnable: no
 * yield returned at once), and only the timer tick added switches (a
 * preemption, or a tick that left need_resched set when a yield came back:
 * at most one per tick); every switch away from the holder flushed each
 * live slot once, and nothing else flushed; every live map still shows
 * its page.  Counted from setup, so over every run.
 */
static const char *check_switch(const struct bench_case *c)
{
	static char why[BENCH_WHY_LEN];
	struct bench_pages *bp = this_pages();
	unsigned long outs = switched_out() - bs.switched_out;
	unsigned long ticks = jiffies - bs.jiffies;
	unsigned long flushes = read_invlpg(c) - bs.invlpgs;

	if (outs < bs.yields || outs > bs.yields + ticks) {
		snprintf(why, sizeof(why), "%lu switches away for %lu yields and %lu ticks",
			 outs, bs.yields, ticks);
		return why;
	}
	if (flushes != outs * bp->n) {
		snprintf(why, sizeof(why), "%lu invlpg in %lu switches away from a holder of %u live maps, expected %lu",
			 flushes, outs, bp->n, outs * bp->n);
		return why;
	}
	for (unsigned int i = 0; i < bp->n; i++)
		if (pattern_errors(bs.live[i], bp->pages[i]))
			return "a live local map lost its page across context switches";
	return NULL;
}

static void teardown_switch(const struct bench_case *c)
{
	WRITE_ONCE(bs.stop, true);
	kthread_wait(bs.partner);
	unmap_live();
	put_pages(c);
}

#define SWITCH_BENCH(live)                                                    \
	BENCH(switch##live, .name = "switch.live" #live,                      \
	      .what = "a context switch, yield ping-pong, " #live " live slots", \
	      .iters = SWITCH_ITERS, .ops_per_iter = 2, .arg = live,          \
	      .setup = setup_switch, .run = run_switch, .check = check_switch, \
	      .teardown = teardown_switch)

SWITCH_BENCH(0);
SWITCH_BENCH(1);
SWITCH_BENCH(8);
SWITCH_BENCH(16);
