/*
 * bench: hilo's in-kernel benchmarks.  They measure; they never pass or
 * fail on time.  What can fail is a sanity check: a benchmark that did not
 * do the work it claims (fewer operations than iterations, a counter that
 * moved by the wrong amount) gives a number that means nothing, so the
 * run prints "FAILED sanity" and ends with the failure status.
 *
 *   BENCH(local_highmem,
 *         .name = "kmap_local.highmem", .what = "kmap_local_page + ...",
 *         .iters = 256, .arg = HIGHMEM, .setup = setup_map,
 *         .run = run_local, .teardown = put_pages,
 *         .expect = { { "kmap_local_count()", read_local_maps, 1, 1 } });
 *
 * A case is registered by its macro into the linker section .benches (no
 * central list) and selected on the command line with bench=GLOB[,GLOB]
 * against its name ("group.variant"); kernel/main.c runs the selection
 * and exits with its status.  Without bench= nothing runs.
 *
 * How a case is measured (kernel/bench.c):
 *   setup() once; BENCH_RUNS runs of an empty loop of ->iters
 *   iterations, whose median is the timer overhead; BENCH_WARMUP_RUNS
 *   untimed runs; BENCH_RUNS timed runs of ->iters iterations each, every
 *   run bracketed by a serialized rdtsc, the overhead subtracted from
 *   each; then check() and teardown().  Before each run of the case
 *   (warm-up and timed, not the empty loop) prepare(), if any, outside
 *   the bracket: a workload that uses something up (a fresh mapping to
 *   fault in, pages shared by a fork) is set up again there, untimed.
 *   Each run becomes cycles per operation (an iteration performs
 *   ->ops_per_iter operations), in tenths of a cycle; the result is their
 *   median, min, max and quartiles.
 *
 * Sanity checks, on every timed run:
 *   - prepare() returns NULL (else the run is not made: what it returned
 *     is the failure);
 *   - run() returns the iterations it completed: it must be ->iters;
 *   - each ->expect[] names a counter the measured code moves by itself
 *     (kmap_stats, tlb_stats, a zone's free pages):
 *     over a run it must move by exactly iters * num / den.
 * and check(), after the runs, for what only the workload knows (the data
 * a copy wrote, mappings still intact after context switches).
 *
 * On several CPUs (SMP), a case marked ->smp is then measured again on
 * every online CPU at once (bench_run_smp): one bound thread per CPU, the
 * same steps on each, each run started together behind a barrier.  The
 * per-CPU counters are checked per CPU and per run as above, the global
 * ones once over every CPU's runs, and check() runs on every CPU.
 *
 * Output on the serial port: one machine-readable line per case,
 *   bench: name=kmap.wrap ops=1024 runs=31 cycles_per_op_median=1212.5
 *          min=... max=... q1=... q3=... overhead_per_op=2.0
 *          extra=kmap_stats.flushes_per_1000_ops:1.95
 *          shootdowns_per_1000_ops=0.00 ipis_per_1000_ops=0.00
 * (one line, printed without the breaks; shootdowns: kernel-range TLB
 * flushes sent to other CPUs, ipis: such flushes done on another CPU, both
 * summed over every CPU), then on SMP the same case on every CPU at once,
 *   bench: smp name=kmap.wrap cpus=2 ops=1024 ... per_cpu=27955.5/27849.9
 * (the statistics over every CPU's runs, per 1000 of every CPU's
 * operations, and each CPU's median), a skipped case as
 *   bench: name=copy.highmem skipped reason="..."
 * and a sanity failure right after its result as
 *   bench: FAILED sanity: kmap.wrap: run 3: kmap_stats.flushes moved by ...
 * (kmap.wrap@smp for the run on every CPU)
 * then, after the last case, a table for humans and the line
 *   bench: done: N results, N skipped, N FAILED sanity
 */
#ifndef HILO_BENCH_H
#define HILO_BENCH_H

#include <hilo/compiler.h>
#include <hilo/threads.h>
#include <hilo/types.h>

#define BENCH_RUNS        31	/* timed runs per case: odd, for a true median */
#define BENCH_WARMUP_RUNS 1	/* untimed runs first: caches, TLB, pool state */
#define BENCH_MAX_EXPECT  4	/* counter expectations per case */
#define BENCH_WHY_LEN     160	/* room for a sanity failure's explanation */

struct bench_case;

/*
 * A counter the measured code moves on its own: over a run of iters
 * iterations it must move by iters * num / den exactly (den > 0, and
 * iters * num a multiple of den).  report: also print it per 1000
 * operations in the result's extra= field.
 */
struct bench_expect {
	const char *what;		/* "kmap_stats.flushes" */
	unsigned long (*read)(const struct bench_case *c);
	unsigned int num, den;
	bool report;
	/*
	 * On every CPU at once (->smp): percpu, read() returns the calling
	 * CPU's own counter, so each CPU checks each of its runs as alone;
	 * otherwise the counter is global, and the sum over every CPU's
	 * timed runs is checked once, against cpus * runs * iters * num / den.
	 * smp_approx: on several CPUs that sum is only bounded (kmap.wrap's
	 * flushes: a slot another CPU holds at a wraparound survives it and
	 * is skipped in the next round, so the cursor wraps after as few as
	 * den - cpus new maps): want - cpus <= moved <= ops / (den - cpus) + cpus.
	 */
	bool percpu, smp_approx;
};

struct bench_case {
	const char *name;		/* "group.variant", what bench= globs match */
	const char *what;		/* one line for the table: what an op is */
	unsigned int iters;		/* iterations per run */
	unsigned int ops_per_iter;	/* operations an iteration does (0 means 1) */
	unsigned long arg;		/* the workload's parameter (page kind, depth) */
	/* NULL when ready, else why the case cannot run here (it is skipped). */
	const char *(*setup)(const struct bench_case *c);
	/*
	 * Before every run of ->run, warm-up and timed, outside the clock:
	 * NULL when the workload is ready for ->iters iterations, else what
	 * went wrong (a sanity failure).  NULL when a run uses nothing up.
	 */
	const char *(*prepare)(const struct bench_case *c);
	/* The measured loop: returns the iterations it completed. */
	unsigned int (*run)(const struct bench_case *c, unsigned int iters);
	/* After the runs: NULL, or what is wrong (a sanity failure). */
	const char *(*check)(const struct bench_case *c);
	void (*teardown)(const struct bench_case *c);
	struct bench_expect expect[BENCH_MAX_EXPECT];
	/*
	 * Also measure it on every online CPU at once, when there are
	 * several (bench_run_smp): setup, prepare, run, check and teardown
	 * are then called on each CPU by a thread bound to it, and must keep
	 * per-CPU state (each CPU its own pages).
	 */
	bool smp;
};

#define BENCH(id_, ...)                                                       \
	static const struct bench_case __bench_##id_                          \
	__used __section(".benches") __aligned(4) = { __VA_ARGS__ }

/* Statistics of per-operation costs, in tenths of a cycle. */
struct bench_stats {
	long median, min, max, q1, q3;
};

enum bench_status { BENCH_OK, BENCH_SKIPPED, BENCH_INSANE };

struct bench_result {
	const struct bench_case *c;
	unsigned int cpus;		/* measured on this many CPUs at once */
	enum bench_status status;
	const char *skip_reason;	/* BENCH_SKIPPED */
	char why[BENCH_WHY_LEN];	/* BENCH_INSANE: the first failed check */
	unsigned long ops;		/* operations per run */
	unsigned int runs;		/* timed runs (per CPU) */
	struct bench_stats per_op;	/* cycles per operation, tenths */
	long overhead;			/* the subtracted timer overhead, tenths per op */
	/* Each expectation's counter, summed over the timed runs (and CPUs). */
	unsigned long moved[BENCH_MAX_EXPECT];
	/*
	 * TLB shootdowns over the timed runs, summed over every CPU:
	 * kernel-range flushes sent to the other CPUs, and the IPIs that
	 * flushed a range there (tlb_stats).
	 */
	unsigned long shootdowns, shootdown_ipis;
	/* cpus > 1: each CPU's median cycles per op (tenths), by CPU number. */
	long cpu_median[NR_CPUS];
};

/*
 * bench_stats_compute - median, min, max and quartiles (Tukey's hinges:
 * the medians of the lower and upper halves, the middle sample excluded
 * when n is odd) of n > 0 samples.  Sorts samples in place.  Any context.
 */
void bench_stats_compute(long *samples, unsigned int n, struct bench_stats *st);

/*
 * bench_run_case - measure one case (see the top of this file) into r.
 * Prints nothing.  Task context, preemptible (workloads may sleep).
 */
void bench_run_case(const struct bench_case *c, struct bench_result *r);

/*
 * bench_run_all - run the cases bench=GLOB[,GLOB] selects, print a line
 * per result and the table.  Returns HILO_EXIT_PASS, or HILO_EXIT_FAIL
 * when a sanity check failed, no case matched, or the CPU has no TSC.
 * Task context, preemptible, after sched_init().
 */
int bench_run_all(const char *selection);

/*
 * bench_run_smp - measure case c (c->smp) on every online CPU at once
 * into r: one thread bound to each CPU, each calling setup, then the
 * warm-up and BENCH_RUNS timed runs, then check and teardown; every run
 * starts on every CPU together, behind a barrier.  r->per_op is over
 * every CPU's runs (cycles per op as each CPU sees it), r->cpu_median
 * each CPU's own median.  On the command line, bench_smp_runs=N makes
 * it N timed runs instead of BENCH_RUNS, bench_smp_div=D divides each
 * run's iterations by D (r->ops says how many).  Prints nothing.  Task context,
 * preemptible; with one CPU online the case is skipped.
 */
void bench_run_smp(const struct bench_case *c, struct bench_result *r);

/* bench_tenths - format tenths as "123.4" (or "-0.5") into buf. */
const char *bench_tenths(char *buf, size_t size, long tenths);

/* The registered cases, in link order (linker.ld). */
extern const struct bench_case __start_benches[], __stop_benches[];

#endif
