/*
 * Between the benchmark runner (kernel/bench.c), its runs on every CPU at
 * once (kernel/bench_smp.c) and its report (kernel/bench_report.c).
 */
#ifndef KERNEL_BENCH_INTERNAL_H
#define KERNEL_BENCH_INTERNAL_H

#include <hilo/bench.h>
#include <hilo/compiler.h>

#define BENCH_NUM_LEN 24	/* "-2147483648.8" and room to spare */

typedef unsigned int (*bench_run_fn)(const struct bench_case *c, unsigned int iters);

/*
 * One timed run: its cycles, the iterations done, each counter's move;
 * unprepared: what the case's ->prepare said instead of getting ready
 * (the run was not made).
 */
struct bench_run {
	u64 cycles;
	unsigned int done;
	const char *unprepared;
	unsigned long moved[BENCH_MAX_EXPECT];
};

/* The runner's steps (kernel/bench.c), shared with bench_run_smp(). */
void bench_clock_init(void);
unsigned long bench_ops(const struct bench_case *c);
void bench_read_counters(const struct bench_case *c, unsigned long *v);
void bench_read_shootdowns(unsigned long *sent, unsigned long *received);
long bench_overhead_per_op(const struct bench_case *c);
void bench_timed_run(const struct bench_case *c, bench_run_fn fn, struct bench_run *run);
void bench_check_run(const struct bench_case *c, const struct bench_run *run,
		     unsigned int nr, struct bench_result *r);
long bench_per_op_tenths(u64 cycles, unsigned long ops);
__printf(2, 3) void bench_fail(struct bench_result *r, const char *fmt, ...);

/* The report (kernel/bench_report.c). */
/* bench_print_info - the run's context line: CPU, clock (lfence or cpuid), direct map. */
void bench_print_info(bool lfence);
/* bench_print_result - one case's machine-readable line (and its failure). */
void bench_print_result(const struct bench_result *r);
/* bench_print_table - every result again, aligned, for a human. */
void bench_print_table(const struct bench_result *res, unsigned int n);

#endif
