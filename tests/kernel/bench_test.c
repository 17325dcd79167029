/*
 * Tests for the benchmark framework (kernel/bench.c): the statistics on
 * synthetic samples, and bench_run_case on a tiny workload whose counter
 * the test controls, so that each sanity check is seen to pass when the
 * workload is honest and to fail when it is not.  No timing is checked:
 * benchmarks report numbers, they never pass or fail on them.
 */
#include <hilo/bench.h>
#include <hilo/ktest.h>
#include <hilo/math64.h>
#include <hilo/smp.h>
#include <hilo/string.h>

#define TINY_ITERS 64

/* ---- statistics ---- */

struct stats_case {
	long samples[BENCH_RUNS];
	unsigned int n;
	struct bench_stats want;
};

static const struct stats_case stats_cases[] = {
	/* odd: the median is the middle; hinges exclude it */
	{ { 50, 10, 40, 20, 30, 60, 70, 110, 90, 80, 100 }, 11,
	  { .median = 60, .min = 10, .max = 110, .q1 = 30, .q3 = 90 } },
	/* even: the mean of the middle two, halves of two */
	{ { 40, 10, 30, 20 }, 4,
	  { .median = 25, .min = 10, .max = 40, .q1 = 15, .q3 = 35 } },
	/* negative costs (a workload cheaper than the empty loop) sort too */
	{ { 3, -5, -1 }, 3,
	  { .median = -1, .min = -5, .max = 3, .q1 = -5, .q3 = 3 } },
	{ { 7 }, 1, { .median = 7, .min = 7, .max = 7, .q1 = 7, .q3 = 7 } },
	{ { 7, 7, 7, 7, 7 }, 5, { .median = 7, .min = 7, .max = 7, .q1 = 7, .q3 = 7 } },
	/* an outlier moves max only */
	{ { 100, 101, 99, 100, 5000 }, 5,
	  { .median = 100, .min = 99, .max = 5000, .q1 = 99, .q3 = 2550 } },
};

KTEST(bench, stats_median_quartiles_min_max_of_synthetic_samples)
{
	for (size_t i = 0; i < ARRAY_SIZE(stats_cases); i++) {
		const struct stats_case *sc = &stats_cases[i];
		long samples[BENCH_RUNS];
		struct bench_stats st;

		memcpy(samples, sc->samples, sizeof(samples));
		bench_stats_compute(samples, sc->n, &st);
		EXPECT_EQ(t, st.median, sc->want.median);
		EXPECT_EQ(t, st.min, sc->want.min);
		EXPECT_EQ(t, st.max, sc->want.max);
		EXPECT_EQ(t, st.q1, sc->want.q1);
		EXPECT_EQ(t, st.q3, sc->want.q3);
		for (unsigned int j = 1; j < sc->n; j++)
			EXPECT_LE(t, samples[j - 1], samples[j]);
	}
}

KTEST(bench, tenths_print_with_one_decimal)
{
	char buf[24];

	EXPECT_STREQ(t, bench_tenths(buf, sizeof(buf), 1234), "123.4");
	EXPECT_STREQ(t, bench_tenths(buf, sizeof(buf), 0), "0.0");
	EXPECT_STREQ(t, bench_tenths(buf, sizeof(buf), 7), "0.7");
	EXPECT_STREQ(t, bench_tenths(buf, sizeof(buf), -5), "-0.5");
	EXPECT_STREQ(t, bench_tenths(buf, sizeof(buf), -1230), "-123.0");
}

/* ---- a tiny workload: a counter moved once per iteration ---- */

static struct {
	unsigned long counter;
	unsigned int setups, prepares, runs, checks, teardowns;
	unsigned int short_by;		/* iterations each run leaves out */
	unsigned int prepared;		/* prepares not yet followed by their run */
	unsigned int unprepared_runs;	/* runs not right after a prepare */
	const char *setup_says;		/* setup's answer: NULL, or why not */
	const char *prepare_says;	/* prepare's answer */
	const char *check_says;		/* check's answer */
} tiny;

static const char *tiny_setup(const struct bench_case *c)
{
	tiny.setups++;
	return tiny.setup_says;
}

static const char *tiny_prepare(const struct bench_case *c)
{
	tiny.prepares++;
	tiny.prepared++;
	return tiny.prepare_says;
}

static unsigned int tiny_run(const struct bench_case *c, unsigned int iters)
{
	unsigned int i;

	tiny.runs++;
	if (tiny.prepared != 1)
		tiny.unprepared_runs++;
	tiny.prepared = 0;
	for (i = 0; i + tiny.short_by < iters; i++)
		WRITE_ONCE(tiny.counter, tiny.counter + 1);
	return i;
}

static const char *tiny_check(const struct bench_case *c)
{
	tiny.checks++;
	return tiny.check_says;
}

static void tiny_teardown(const struct bench_case *c)
{
	tiny.teardowns++;
}

static unsigned long tiny_read(const struct bench_case *c)
{
	return tiny.counter;
}

/* A tiny case whose counter must move num/den per iteration. */
#define TINY_CASE(num_, den_)                                                 \
	{ .name = "tiny.case", .what = "one counter increment",               \
	  .iters = TINY_ITERS, .ops_per_iter = 2, .setup = tiny_setup,        \
	  .prepare = tiny_prepare, .run = tiny_run, .check = tiny_check,      \
	  .teardown = tiny_teardown,                                          \
	  .expect = { { "tiny.counter", tiny_read, num_, den_, true } } }

static const struct bench_case tiny_honest = TINY_CASE(1, 1);
static const struct bench_case tiny_wrong_count = TINY_CASE(2, 1);
static const struct bench_case tiny_fraction = TINY_CASE(1, 3);

/* run_tiny - reset the workload, let the test adjust it, run the case. */
static void run_tiny(const struct bench_case *c, unsigned int short_by,
		     const char *setup_says, const char *prepare_says,
		     const char *check_says, struct bench_result *r)
{
	memset(&tiny, 0, sizeof(tiny));
	tiny.short_by = short_by;
	tiny.setup_says = setup_says;
	tiny.prepare_says = prepare_says;
	tiny.check_says = check_says;
	bench_run_case(c, r);
}

KTEST(bench, honest_workload_passes_every_sanity_check)
{
	struct bench_result r;

	run_tiny(&tiny_honest, 0, NULL, NULL, NULL, &r);
	EXPECT_EQ(t, r.status, BENCH_OK);
	EXPECT_STREQ(t, r.why, "");
	EXPECT_EQ(t, r.ops, TINY_ITERS * 2);
	EXPECT_EQ(t, r.moved[0], TINY_ITERS * BENCH_RUNS);
	EXPECT_EQ(t, tiny.runs, BENCH_WARMUP_RUNS + BENCH_RUNS);
	/* prepare before every run of the case, and never before the empty loop's */
	EXPECT_EQ(t, tiny.prepares, BENCH_WARMUP_RUNS + BENCH_RUNS);
	EXPECT_EQ(t, tiny.unprepared_runs, 0);
	EXPECT_EQ(t, tiny.setups, 1);
	EXPECT_EQ(t, tiny.checks, 1);
	EXPECT_EQ(t, tiny.teardowns, 1);
	EXPECT_LE(t, r.per_op.min, r.per_op.q1);
	EXPECT_LE(t, r.per_op.q1, r.per_op.median);
	EXPECT_LE(t, r.per_op.median, r.per_op.q3);
	EXPECT_LE(t, r.per_op.q3, r.per_op.max);
	EXPECT_GE(t, r.overhead, 0);
}

/* Dishonest workloads, and the reason each must be caught for. */
static const struct insane_case {
	const struct bench_case *c;
	unsigned int short_by;
	const char *prepare_says;
	const char *check_says;
	const char *why;
	unsigned int runs;		/* runs of the workload made */
} insane_cases[] = {
	{ &tiny_wrong_count, 0, NULL, NULL,
	  "run 1: tiny.counter moved by 64 over 64 iterations, expected 128 (2/1 per iteration)",
	  BENCH_WARMUP_RUNS + BENCH_RUNS },
	{ &tiny_honest, 1, NULL, NULL, "run 1 completed 63 of 64 iterations",
	  BENCH_WARMUP_RUNS + BENCH_RUNS },
	{ &tiny_fraction, 0, NULL, NULL,
	  "tiny.counter: 1/3 per iteration is no whole count over 64 iterations",
	  BENCH_WARMUP_RUNS + BENCH_RUNS },
	{ &tiny_honest, 0, NULL, "the copy did not happen", "the copy did not happen",
	  BENCH_WARMUP_RUNS + BENCH_RUNS },
	/* a workload that cannot get ready is never run, and says why */
	{ &tiny_honest, 0, "no room for the mapping", NULL,
	  "run 1: not prepared: no room for the mapping", 0 },
};

KTEST(bench, dishonest_workloads_fail_sanity_with_the_reason)
{
	for (size_t i = 0; i < ARRAY_SIZE(insane_cases); i++) {
		const struct insane_case *ic = &insane_cases[i];
		struct bench_result r;

		run_tiny(ic->c, ic->short_by, NULL, ic->prepare_says, ic->check_says, &r);
		EXPECT_EQ(t, r.status, BENCH_INSANE);
		EXPECT_STREQ(t, r.why, ic->why);
		EXPECT_EQ(t, tiny.runs, ic->runs);
		EXPECT_EQ(t, tiny.teardowns, 1);
	}
}

KTEST(bench, setup_that_says_why_not_skips_without_running)
{
	struct bench_result r;

	run_tiny(&tiny_honest, 0, "no highmem here", NULL, NULL, &r);
	EXPECT_EQ(t, r.status, BENCH_SKIPPED);
	EXPECT_STREQ(t, r.skip_reason, "no highmem here");
	EXPECT_EQ(t, tiny.runs, 0);
	EXPECT_EQ(t, tiny.prepares, 0);
	EXPECT_EQ(t, tiny.checks, 0);
	EXPECT_EQ(t, tiny.teardowns, 0);
}

/*
 * On one CPU there is nothing to run at once: bench_run_smp skips without
 * calling the case.  (With several, the benchmarks run it: `make bench SMP=N`.)
 */
KTEST(bench, smp_run_skips_on_one_cpu)
{
	struct bench_result r;

	if (num_online_cpus() > 1) {
		ktest_skip(t, "several CPUs online");
		return;
	}
	memset(&tiny, 0, sizeof(tiny));
	bench_run_smp(&tiny_honest, &r);
	EXPECT_EQ(t, r.status, BENCH_SKIPPED);
	EXPECT_STREQ(t, r.skip_reason, "one CPU online");
	EXPECT_EQ(t, r.cpus, 1);
	EXPECT_EQ(t, tiny.setups, 0);
	EXPECT_EQ(t, tiny.runs, 0);
}

/* ---- the registered cases ---- */

/* expectation_whole - does e ask for a whole count over c's iterations? */
static bool expectation_whole(const struct bench_case *c, const struct bench_expect *e)
{
	u64 n = (u64)c->iters * e->num;

	return e->den && do_div64(&n, e->den) == 0;
}

/* case_problem - what is wrong with a registered case, or NULL. */
static const char *case_problem(const struct bench_case *c)
{
	if (!c->name || !strchr(c->name, '.'))
		return "its name is not group.variant";
	if (!c->what || !c->run || !c->iters)
		return "no description, run function or iterations";
	for (const struct bench_case *o = __start_benches; o < c; o++)
		if (!strcmp(o->name, c->name))
			return "another case has the same name";
	for (unsigned int i = 0; i < BENCH_MAX_EXPECT; i++)
		if (c->expect[i].read && !expectation_whole(c, &c->expect[i]))
			return "an expectation is no whole count per run";
	return NULL;
}

KTEST(bench, registered_cases_are_well_formed)
{
	for (const struct bench_case *c = __start_benches; c < __stop_benches; c++) {
		const char *problem = case_problem(c);

		if (problem)
			KTEST_FAIL(t, "bench case %s: %s", c->name ? c->name : "(unnamed)", problem);
	}
}

/*
 * The real workloads, in whatever build and configuration this is (the
 * test build forces real slots for lowmem pages, which changes what their
 * counters must do): every sanity check must hold.  Slow cases are still
 * quick: a few hundred thousand operations in all.
 */
KTEST(bench, every_registered_case_passes_its_sanity_checks)
{
	for (const struct bench_case *c = __start_benches; c < __stop_benches; c++) {
		struct bench_result r;

		bench_run_case(c, &r);
		if (r.status == BENCH_INSANE)
			KTEST_FAIL(t, "bench case %s: %s", c->name, r.why);
	}
}
