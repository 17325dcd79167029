/*
 * The benchmark runner (see include/hilo/bench.h): a serialized clock,
 * warm-up and timed runs, the timer overhead, statistics, the sanity
 * checks, and the report.
 *
 *   bench_run_all(selection)
 *     for every selected case:  bench_run_case()
 *         setup ............................. skipped if it says why
 *         overhead_per_op()  BENCH_RUNS runs of empty_loop: the median
 *         BENCH_WARMUP_RUNS runs of ->run ... not timed, not checked
 *         BENCH_RUNS runs of ->run .......... timed_run() + check_run()
 *         bench_stats_compute() on cycles per op minus the overhead
 *         check, teardown
 *       print_result()                       one machine-readable line
 *     print_table()                          the same for humans
 */
#include <asm/processor.h>
#include <asm/qemu.h>
#include <asm/tsc.h>
#include <hilo/bench.h>
#include <hilo/math64.h>
#include <hilo/mm.h>
#include <hilo/panic.h>
#include <hilo/printk.h>
#include <hilo/string.h>

#define BENCH_MAX_CASES       64
#define BENCH_NUM_LEN         24	/* "-2147483648.8" and room to spare */

typedef unsigned int (*bench_run_fn)(const struct bench_case *c, unsigned int iters);

/* ---- the clock ---- */

static bool clock_lfence;	/* lfence orders rdtsc (SSE2); else cpuid does */

/* bench_clock_init - choose how to serialize rdtsc (asm/tsc.h). */
static void bench_clock_init(void)
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

/* per_op_tenths - cycles / ops, in tenths of a cycle. */
static long per_op_tenths(u64 cycles, unsigned long ops)
{
	return (long)div_u64(cycles * 10, ops);
}

/* ---- one case ---- */

/* What one run did: its time, its iterations, how far each counter moved. */
struct bench_run {
	u64 cycles;
	unsigned int done;
	unsigned long moved[BENCH_MAX_EXPECT];
};

static unsigned long bench_ops(const struct bench_case *c)
{
	return (unsigned long)c->iters * (c->ops_per_iter ? c->ops_per_iter : 1);
}

static void read_counters(const struct bench_case *c, unsigned long *v)
{
	for (unsigned int i = 0; i < BENCH_MAX_EXPECT; i++)
		v[i] = c->expect[i].read ? c->expect[i].read(c) : 0;
}

/*
 * timed_run - one run of fn over c->iters iterations between two clock
 * reads; the counters are read outside the bracket.
 */
static void timed_run(const struct bench_case *c, bench_run_fn fn, struct bench_run *run)
{
	unsigned long before[BENCH_MAX_EXPECT];
	u64 start;

	read_counters(c, before);
	start = bench_clock();
	run->done = fn(c, c->iters);
	run->cycles = bench_clock() - start;
	read_counters(c, run->moved);
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
static __printf(2, 3) void bench_fail(struct bench_result *r, const char *fmt, ...)
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

/* check_run - the sanity checks of timed run number nr (hilo/bench.h). */
static void check_run(const struct bench_case *c, const struct bench_run *run,
		      unsigned int nr, struct bench_result *r)
{
	if (run->done != c->iters)
		bench_fail(r, "run %u completed %u of %u iterations", nr, run->done, c->iters);
	for (unsigned int i = 0; i < BENCH_MAX_EXPECT; i++)
		if (c->expect[i].read)
			check_expect(c, &c->expect[i], run->moved[i], nr, r);
}

/* overhead_per_op - the median cost per op of an empty loop of c->iters. */
static long overhead_per_op(const struct bench_case *c)
{
	long samples[BENCH_RUNS];
	struct bench_run run;
	struct bench_stats st;

	for (unsigned int i = 0; i < BENCH_RUNS; i++) {
		timed_run(c, empty_loop, &run);
		samples[i] = per_op_tenths(run.cycles, bench_ops(c));
	}
	bench_stats_compute(samples, BENCH_RUNS, &st);
	return st.median;
}

/* measure - warm up, then the timed and checked runs, into r. */
static void measure(const struct bench_case *c, struct bench_result *r)
{
	long samples[BENCH_RUNS];
	struct bench_run run;

	r->overhead = overhead_per_op(c);
	for (unsigned int i = 0; i < BENCH_WARMUP_RUNS; i++)
		timed_run(c, c->run, &run);
	for (unsigned int i = 0; i < BENCH_RUNS; i++) {
		timed_run(c, c->run, &run);
		check_run(c, &run, i + 1, r);
		samples[i] = per_op_tenths(run.cycles, r->ops) - r->overhead;
		for (unsigned int j = 0; j < BENCH_MAX_EXPECT; j++)
			r->moved[j] += run.moved[j];
	}
	bench_stats_compute(samples, BENCH_RUNS, &r->per_op);
}

/* bench_run_case - see hilo/bench.h. */
void bench_run_case(const struct bench_case *c, struct bench_result *r)
{
	const char *why;

	*r = (struct bench_result){ .c = c, .status = BENCH_OK, .ops = bench_ops(c) };
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

/* ---- the report ---- */

/* bench_tenths - see hilo/bench.h. */
const char *bench_tenths(char *buf, size_t size, long tenths)
{
	unsigned long a = tenths < 0 ? -(unsigned long)tenths : (unsigned long)tenths;

	snprintf(buf, size, "%s%lu.%lu", tenths < 0 ? "-" : "", a / 10, a % 10);
	return buf;
}

/* TENTHS(x) - x formatted into a buffer that lives as long as the statement's block. */
#define TENTHS(x) bench_tenths((char[BENCH_NUM_LEN]){ 0 }, BENCH_NUM_LEN, (x))

/* format_extra - the reported counters per 1000 operations, or "-". */
static const char *format_extra(const struct bench_result *r, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < BENCH_MAX_EXPECT; i++) {
		const struct bench_expect *e = &r->c->expect[i];
		u64 hundredths = (u64)r->moved[i] * 100000;
		u32 frac;

		if (!e->read || !e->report || len >= size)
			continue;
		do_div64(&hundredths, r->ops * BENCH_RUNS);
		frac = do_div64(&hundredths, 100);
		len += snprintf(buf + len, size - len, "%s%s_per_1000_ops:%llu.%02u",
				len ? "," : "", e->what, hundredths, frac);
	}
	return len ? buf : "-";
}

/* print_result - the machine-readable line of one case (and its failure). */
static void print_result(const struct bench_result *r)
{
	char extra[128];

	if (r->status == BENCH_SKIPPED) {
		printk("bench: name=%s skipped reason=\"%s\"\n", r->c->name, r->skip_reason);
		return;
	}
	printk("bench: name=%s ops=%lu runs=%u cycles_per_op_median=%s min=%s max=%s q1=%s q3=%s overhead_per_op=%s extra=%s\n",
	       r->c->name, r->ops, BENCH_RUNS, TENTHS(r->per_op.median),
	       TENTHS(r->per_op.min), TENTHS(r->per_op.max), TENTHS(r->per_op.q1),
	       TENTHS(r->per_op.q3), TENTHS(r->overhead),
	       format_extra(r, extra, sizeof(extra)));
	if (r->status == BENCH_INSANE)
		printk("bench: FAILED sanity: %s: %s\n", r->c->name, r->why);
}

/* print_table - every result again, aligned, for a human. */
static void print_table(const struct bench_result *res, unsigned int n)
{
	printk("\ncycles per operation: median of %u runs (after %u warm-up), min and max, timer overhead subtracted\n",
	       BENCH_RUNS, BENCH_WARMUP_RUNS);
	printk("  %-28s %8s %10s %10s %10s  %s\n", "case", "ops/run", "median",
	       "min", "max", "one operation");
	for (const struct bench_result *r = res; r < res + n; r++) {
		if (r->status == BENCH_SKIPPED) {
			printk("  %-28s  skipped: %s\n", r->c->name, r->skip_reason);
			continue;
		}
		printk("  %-28s %8lu %10s %10s %10s  %s%s\n", r->c->name, r->ops,
		       TENTHS(r->per_op.median), TENTHS(r->per_op.min),
		       TENTHS(r->per_op.max), r->c->what,
		       r->status == BENCH_INSANE ? "  (FAILED sanity)" : "");
	}
	printk("\n");
}

/* print_info - what the numbers were measured on (one machine-readable line). */
static void print_info(void)
{
	char sig[13];

	printk("bench: info cpu=\"%s\" vendor=%s hypervisor=%s clock=rdtsc+%s directmap=%s runs=%u warmup=%u\n",
	       boot_cpu.model_name, boot_cpu.vendor, hypervisor_name(sig),
	       clock_lfence ? "lfence" : "cpuid", directmap_page_size(), BENCH_RUNS,
	       BENCH_WARMUP_RUNS);
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
	static struct bench_result results[BENCH_MAX_CASES];
	unsigned int n = 0, insane = 0, skipped = 0;

	if (!boot_cpu.tsc) {
		pr_err("bench: FAILED: this CPU has no time-stamp counter to measure with\n");
		return HILO_EXIT_FAIL;
	}
	bench_clock_init();
	print_info();
	for (const struct bench_case *c = __start_benches; c < __stop_benches; c++) {
		struct bench_result *r = &results[n];

		if (!glob_list_match(selection, c->name))
			continue;
		if (n == BENCH_MAX_CASES)
			panic("bench_run_all: more than %d cases selected: raise BENCH_MAX_CASES",
			      BENCH_MAX_CASES);
		bench_run_case(c, r);
		print_result(r);
		insane += r->status == BENCH_INSANE;
		skipped += r->status == BENCH_SKIPPED;
		n++;
	}
	if (!n) {
		printk("bench: FAILED: no case matches bench=%s\n", selection);
		print_names();
		return HILO_EXIT_FAIL;
	}
	print_table(results, n);
	printk("bench: done: %u cases, %u skipped, %u FAILED sanity\n", n, skipped, insane);
	return insane ? HILO_EXIT_FAIL : HILO_EXIT_PASS;
}
