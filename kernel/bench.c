/*
 * The benchmark runner (see include/hilo/bench.h): a serialized clock,
 * warm-up and timed runs, the timer overhead, statistics, the sanity
 * checks, the same on every CPU at once.
 *
 *   bench_run_all(selection)
 *     for every selected case:  bench_run_case()
 *         setup ............................. skipped if it says why
 *         bench_overhead_per_op()  BENCH_RUNS runs of empty_loop: the median
 *         BENCH_WARMUP_RUNS runs of ->run ... not checked
 *         BENCH_RUNS runs of ->run .......... bench_timed_run() + bench_check_run()
 *           (each run: ->prepare, untimed, then the clock around ->run)
 *         bench_stats_compute() on cycles per op minus the overhead
 *         check, teardown
 *       bench_print_result()                 one machine-readable line
 *       with several CPUs online and ->smp:  bench_run_smp()
 *         a thread bound to every CPU runs the same steps on its own
 *         state, each run started on every CPU at once (smp_barrier)
 *       bench_print_result()                 its line ("bench: smp ...")
 *     bench_print_table()                    the same for humans
 *
 * The report's lines are written by kernel/bench_report.c.
 */
#include <asm/processor.h>
#include <asm/qemu.h>
#include <asm/tlbflush.h>
#include <asm/tsc.h>
#include <hilo/bench.h>
#include <hilo/cmdline.h>
#include <hilo/kthread.h>
#include <hilo/math64.h>
#include <hilo/mm.h>
#include <hilo/panic.h>
#include <hilo/printk.h>
#include <hilo/smp.h>
#include <hilo/string.h>

#include "bench_internal.h"

#define BENCH_MAX_CASES       64
#define BENCH_TENTHS_MAX      0x7fffffffL	/* the largest long */


/* ---- the clock ---- */

static bool clock_lfence;	/* lfence orders rdtsc (SSE2); else cpuid does */

/* bench_clock_init - choose how to serialize rdtsc (asm/tsc.h). */
void bench_clock_init(void)
{
	clock_lfence = tsc_lfence_orders();
}

/*
 * bench_clock - the TSC, ordered against the instructions around it.  The
 * cost of two reads is part of the timer overhead that the empty loop
 * measures.
 */
static __always_inline u64 bench_clock(void)
{
	return rdtsc_ordered(clock_lfence);
}

/* ---- statistics ---- */

/* sort_longs - ascending insertion sort: n is BENCH_RUNS, a handful. */
static void sort_longs(long *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		long x = v[i];
		unsigned int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* The median of n > 0 sorted values: of an even count, the mean of the two in the middle (rounded toward 0). */
static long median_of_sorted(const long *v, unsigned int n)
{
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* bench_stats_compute - see hilo/bench.h. */
void bench_stats_compute(long *samples, unsigned int n, struct bench_stats *st)
{
	unsigned int half = n / 2;

	sort_longs(samples, n);
	st->min = samples[0];
	st->max = samples[n - 1];
	st->median = median_of_sorted(samples, n);
	st->q1 = half ? median_of_sorted(samples, half) : samples[0];
	st->q3 = half ? median_of_sorted(samples + n - half, half) : samples[0];
}

/*
 * bench_per_op_tenths - cycles / ops, in tenths of a cycle; saturated at
 * BENCH_TENTHS_MAX (214748364.7 cycles per op), which only a run that stalled
 * for seconds reaches.
 */
long bench_per_op_tenths(u64 cycles, unsigned long ops)
{
	u64 tenths = div_u64(cycles * 10, ops);

	return tenths > BENCH_TENTHS_MAX ? BENCH_TENTHS_MAX : (long)tenths;
}

/* ---- one case ---- */

/* What one run did: its time, its iterations, how far each counter moved. */

unsigned long bench_ops(const struct bench_case *c)
{
	return (unsigned long)c->iters * (c->ops_per_iter ? c->ops_per_iter : 1);
}

void bench_read_counters(const struct bench_case *c, unsigned long *v)
{
	for (unsigned int i = 0; i < BENCH_MAX_EXPECT; i++)
		v[i] = c->expect[i].read ? c->expect[i].read(c) : 0;
}

/*
 * bench_timed_run - one run of fn over c->iters iterations between two clock
 * reads; the counters are read outside the bracket, and so is the case's
 * ->prepare before a run of the case itself (not of the empty loop).  A
 * case that cannot get ready is not run: run->unprepared says why.
 */
void bench_timed_run(const struct bench_case *c, bench_run_fn fn, struct bench_run *run)
{
	unsigned long before[BENCH_MAX_EXPECT];
	u64 start;

	run->unprepared = fn == c->run && c->prepare ? c->prepare(c) : NULL;
	if (run->unprepared) {
		run->cycles = run->done = 0;
		memset(run->moved, 0, sizeof(run->moved));
		return;
	}
	bench_read_counters(c, before);
	start = bench_clock();
	run->done = fn(c, c->iters);
	run->cycles = bench_clock() - start;
	bench_read_counters(c, run->moved);
	for (unsigned int i = 0; i < BENCH_MAX_EXPECT; i++)
		run->moved[i] -= before[i];
}

/* empty_loop - a workload that does nothing: what the timing itself costs. */
static unsigned int empty_loop(const struct bench_case *c, unsigned int iters)
{
	unsigned int i;

	for (i = 0; i < iters; i++)
		barrier();
	return i;
}

/* bench_fail - record r's first sanity failure (later ones add nothing). */
__printf(2, 3) void bench_fail(struct bench_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->status == BENCH_INSANE)
		return;
	r->status = BENCH_INSANE;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

/* check_expect - expectation e held over a run of iters iterations? */
static void check_expect(const struct bench_case *c, const struct bench_expect *e,
			 unsigned long moved, unsigned int nr, struct bench_result *r)
{
	u64 want = (u64)c->iters * e->num;

	if (!e->den || do_div64(&want, e->den)) {
		bench_fail(r, "%s: %u/%u per iteration is no whole count over %u iterations",
			   e->what, e->num, e->den, c->iters);
		return;
	}
	if (moved != want)
		bench_fail(r, "run %u: %s moved by %lu over %u iterations, expected %llu (%u/%u per iteration)",
			   nr, e->what, moved, c->iters, want, e->num, e->den);
}

/*
 * bench_check_run - the sanity checks of timed run number nr (hilo/bench.h).
 * On several CPUs at once (r->cpus > 1) only the per-CPU counters: the
 * global ones move with every CPU's runs (check_smp_expect).
 */
void bench_check_run(const struct bench_case *c, const struct bench_run *run,
		      unsigned int nr, struct bench_result *r)
{
	if (run->unprepared)
		bench_fail(r, "run %u: not prepared: %s", nr, run->unprepared);
	if (run->done != c->iters)
		bench_fail(r, "run %u completed %u of %u iterations", nr, run->done, c->iters);
	for (unsigned int i = 0; i < BENCH_MAX_EXPECT; i++)
		if (c->expect[i].read && (r->cpus == 1 || c->expect[i].percpu))
			check_expect(c, &c->expect[i], run->moved[i], nr, r);
}

/* bench_read_shootdowns - TLB shootdowns sent and received, summed over every CPU. */
void bench_read_shootdowns(unsigned long *sent, unsigned long *received)
{
	unsigned int cpu;

	*sent = *received = 0;
	for_each_online_cpu(cpu) {
		*sent += READ_ONCE(tlb_stats[cpu].shootdowns);
		*received += READ_ONCE(tlb_stats[cpu].shootdowns_received);
	}
}

/* bench_overhead_per_op - the median cost per op of an empty loop of c->iters. */
long bench_overhead_per_op(const struct bench_case *c)
{
	long samples[BENCH_RUNS];
	struct bench_run run;
	struct bench_stats st;

	for (unsigned int i = 0; i < BENCH_RUNS; i++) {
		bench_timed_run(c, empty_loop, &run);
		samples[i] = bench_per_op_tenths(run.cycles, bench_ops(c));
	}
	bench_stats_compute(samples, BENCH_RUNS, &st);
	return st.median;
}

/* measure - warm up, then the timed and checked runs, into r. */
static void measure(const struct bench_case *c, struct bench_result *r)
{
	long samples[BENCH_RUNS];
	struct bench_run run;

	unsigned long sent, received;

	r->overhead = bench_overhead_per_op(c);
	for (unsigned int i = 0; i < BENCH_WARMUP_RUNS; i++)
		bench_timed_run(c, c->run, &run);
	bench_read_shootdowns(&sent, &received);
	for (unsigned int i = 0; i < BENCH_RUNS; i++) {
		bench_timed_run(c, c->run, &run);
		bench_check_run(c, &run, i + 1, r);
		samples[i] = bench_per_op_tenths(run.cycles, r->ops) - r->overhead;
		for (unsigned int j = 0; j < BENCH_MAX_EXPECT; j++)
			r->moved[j] += run.moved[j];
	}
	bench_read_shootdowns(&r->shootdowns, &r->shootdown_ipis);
	r->shootdowns -= sent;
	r->shootdown_ipis -= received;
	bench_stats_compute(samples, BENCH_RUNS, &r->per_op);
}

/* bench_run_case - see hilo/bench.h. */
void bench_run_case(const struct bench_case *c, struct bench_result *r)
{
	const char *why;

	*r = (struct bench_result){ .c = c, .cpus = 1, .runs = BENCH_RUNS, .status = BENCH_OK,
				    .ops = bench_ops(c) };
	bench_clock_init();
	if (c->setup && (why = c->setup(c))) {
		r->status = BENCH_SKIPPED;
		r->skip_reason = why;
		return;
	}
	measure(c, r);
	if (c->check && (why = c->check(c)))
		bench_fail(r, "%s", why);
	if (c->teardown)
		c->teardown(c);
}

/* ---- selection ---- */

/* print_names - the registered cases, for a selection that matched none. */
static void print_names(void)
{
	printk("bench: the cases are:");
	for (const struct bench_case *c = __start_benches; c < __stop_benches; c++)
		printk(" %s", c->name);
	printk("\n");
}

/* bench_run_all - see hilo/bench.h. */
int bench_run_all(const char *selection)
{
	static struct bench_result results[2 * BENCH_MAX_CASES];
	unsigned int n = 0, insane = 0, skipped = 0;

	if (!boot_cpu.tsc) {
		pr_err("bench: FAILED: this CPU has no time-stamp counter to measure with\n");
		return HILO_EXIT_FAIL;
	}
	bench_clock_init();
	bench_print_info(clock_lfence);
	for (const struct bench_case *c = __start_benches; c < __stop_benches; c++) {
		struct bench_result *r = &results[n];

		if (!glob_list_match(selection, c->name))
			continue;
		if (n >= 2 * BENCH_MAX_CASES - 1)
			panic("bench_run_all: more than %d results: raise BENCH_MAX_CASES",
			      2 * BENCH_MAX_CASES);
		bench_run_case(c, r);
		bench_print_result(r);
		insane += r->status == BENCH_INSANE;
		skipped += r->status == BENCH_SKIPPED;
		n++;
		if (!c->smp || num_online_cpus() < 2)
			continue;
		r = &results[n++];
		bench_run_smp(c, r);
		bench_print_result(r);
		insane += r->status == BENCH_INSANE;
	}
	if (!n) {
		printk("bench: FAILED: no case matches bench=%s\n", selection);
		print_names();
		return HILO_EXIT_FAIL;
	}
	bench_print_table(results, n);
	printk("bench: done: %u results, %u skipped, %u FAILED sanity\n", n, skipped, insane);
	return insane ? HILO_EXIT_FAIL : HILO_EXIT_PASS;
}
