/*
 * The benchmarks on every CPU at once (include/hilo/bench.h, the runner
 * is kernel/bench.c): a thread bound to every online CPU runs the case's
 * steps on its own state, each timed run started on every CPU together
 * behind a barrier; the sanity checks hold per CPU and over all of them.
 */
#include <asm/processor.h>
#include <asm/tsc.h>
#include <hilo/bench.h>
#include <hilo/cmdline.h>
#include <hilo/kthread.h>
#include <hilo/math64.h>
#include <hilo/printk.h>
#include <hilo/smp.h>
#include <hilo/string.h>

#include "bench_internal.h"

/*
 * The state of one bench_run_smp: the case, a barrier, and what each CPU
 * measured.  One at a time (the runner measures one case at a time).
 */
static struct smp_bench {
	const struct bench_case *c;	/* the case, iterations divided by bench_smp_div */
	const struct bench_case *full;	/* the case as registered: the warm-up's length */
	unsigned int cpus, leader;	/* CPUs taking part; the lowest reads the globals */
	unsigned int arrived, generation;	/* smp_barrier */
	const char *skip_reason;	/* a CPU's setup could not run */
	unsigned long before[BENCH_MAX_EXPECT], after[BENCH_MAX_EXPECT];
	unsigned long sent[2], received[2];	/* shootdowns before, after */
	unsigned int runs;		/* timed runs: bench_smp_runs= */
	long samples[NR_CPUS][BENCH_RUNS];
	struct bench_result cpu[NR_CPUS];	/* each CPU's checks and counters */
} sb;

/*
 * smp_barrier - return when every taking part CPU has arrived (a sense-
 * reversing barrier: the last to arrive opens the next generation).
 * Spins with interrupts on, so a CPU waiting here still answers the TLB
 * shootdowns of the others.
 */
static void smp_barrier(struct smp_bench *s)
{
	unsigned int gen = __atomic_load_n(&s->generation, __ATOMIC_ACQUIRE);

	if (__atomic_add_fetch(&s->arrived, 1, __ATOMIC_ACQ_REL) == s->cpus) {
		__atomic_store_n(&s->arrived, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&s->generation, gen + 1, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&s->generation, __ATOMIC_ACQUIRE) == gen)
		cpu_relax();
}

/*
 * smp_snapshot - with every CPU stopped at a barrier, the leader reads the
 * global counters and the shootdowns (into slot 0: before the timed runs;
 * 1: after), and then lets them go on.
 */
static void smp_snapshot(struct smp_bench *s, unsigned int when)
{
	smp_barrier(s);
	if (smp_processor_id() == s->leader) {
		bench_read_counters(s->c, when ? s->after : s->before);
		bench_read_shootdowns(&s->sent[when], &s->received[when]);
	}
	smp_barrier(s);
}

/* smp_worker - one CPU's part of bench_run_smp (its thread is bound there). */
static int smp_worker(void *arg)
{
	struct smp_bench *s = arg;
	const struct bench_case *c = s->c;
	unsigned int cpu = smp_processor_id();
	struct bench_result *mine = &s->cpu[cpu];
	const char *why = c->setup ? c->setup(c) : NULL;
	struct bench_run run;

	*mine = (struct bench_result){ .c = c, .cpus = s->cpus, .runs = s->runs,
				       .status = BENCH_OK, .ops = bench_ops(c) };
	if (why)
		WRITE_ONCE(s->skip_reason, why);
	smp_barrier(s);
	if (READ_ONCE(s->skip_reason)) {
		if (!why && c->teardown)
			c->teardown(c);
		return 0;
	}
	mine->overhead = bench_overhead_per_op(c);
	for (unsigned int i = 0; i < BENCH_WARMUP_RUNS; i++) {
		smp_barrier(s);		/* full length even when scaled: kmap.wrap's pool state */
		if (!c->prepare || !c->prepare(s->full))
			c->run(s->full, s->full->iters);
	}
	smp_snapshot(s, 0);
	for (unsigned int i = 0; i < s->runs; i++) {
		smp_barrier(s);
		bench_timed_run(c, c->run, &run);
		bench_check_run(c, &run, i + 1, mine);
		s->samples[cpu][i] = bench_per_op_tenths(run.cycles, mine->ops) - mine->overhead;
		for (unsigned int j = 0; j < BENCH_MAX_EXPECT; j++)
			mine->moved[j] += run.moved[j];
	}
	smp_snapshot(s, 1);
	if (c->check && (why = c->check(c)))
		bench_fail(mine, "%s", why);
	if (c->teardown)
		c->teardown(c);
	return 0;
}

/*
 * check_smp_expect - a global counter over every CPU's timed runs: it
 * moved by exactly cpus * runs * iters * num / den (or, smp_approx, within
 * the bounds hilo/bench.h gives).
 */
static void check_smp_expect(const struct bench_case *c, const struct bench_expect *e,
			     unsigned long moved, struct bench_result *r)
{
	u64 iters = (u64)r->cpus * r->runs * c->iters;
	u64 want = iters * e->num, most;

	if (!e->den || (do_div64(&want, e->den) && !e->smp_approx)) {
		bench_fail(r, "%s: %u/%u per iteration is no whole count over %llu iterations",
			   e->what, e->num, e->den, iters);
		return;
	}
	if (!e->smp_approx) {
		if (moved != want)
			bench_fail(r, "%u CPUs: %s moved by %lu over %llu iterations, expected %llu (%u/%u per iteration)",
				   r->cpus, e->what, moved, iters, want, e->num, e->den);
		return;
	}
	most = iters * e->num;
	do_div64(&most, e->den > r->cpus ? e->den - r->cpus : 1);
	most += r->cpus;
	if (moved + r->cpus < want || moved > most)
		bench_fail(r, "%u CPUs: %s moved by %lu over %llu iterations, expected %llu - %u to %llu",
			   r->cpus, e->what, moved, iters, want, r->cpus, most);
}

/*
 * smp_runs - the timed runs on every CPU at once: BENCH_RUNS, or fewer
 * with bench_smp_runs=N (1 to BENCH_RUNS), to keep boots with more
 * vCPUs than the host has cores short (with bench_smp_div=D, which
 * divides each run's iterations by D).
 */
static unsigned int smp_runs(void)
{
	unsigned long long n = cmdline_get_ull("bench_smp_runs", BENCH_RUNS);

	return n < 1 ? 1 : n > BENCH_RUNS ? BENCH_RUNS : (unsigned int)n;
}

/* bench_run_smp - see hilo/bench.h. */
void bench_run_smp(const struct bench_case *c, struct bench_result *r)
{
	static long all[NR_CPUS * BENCH_RUNS];
	static struct bench_case scaled;
	unsigned long long div = cmdline_get_ull("bench_smp_div", 1);
	const struct bench_case *orig = c;
	struct task_struct *task[NR_CPUS] = { NULL };
	unsigned int cpu, n = 0;

	if (div > 1) {		/* the same case, shorter runs */
		scaled = *c;
		scaled.iters = div < c->iters ? c->iters / (unsigned int)div : 1;
		c = &scaled;
	}

	*r = (struct bench_result){ .c = orig, .cpus = num_online_cpus(), .status = BENCH_OK,
				    .ops = bench_ops(c), .runs = smp_runs() };
	if (r->cpus < 2) {
		r->status = BENCH_SKIPPED;
		r->skip_reason = "one CPU online";
		return;
	}
	bench_clock_init();
	memset(&sb, 0, sizeof(sb));
	sb.c = c;
	sb.full = orig;
	sb.cpus = r->cpus;
	sb.runs = r->runs;
	sb.leader = NR_CPUS;
	for_each_online_cpu(cpu) {
		if (sb.leader == NR_CPUS)
			sb.leader = cpu;
		task[cpu] = kthread_create(smp_worker, &sb, "bench/%u", cpu);
		if (!task[cpu])
			panic("bench_run_smp: no thread for CPU %u", cpu);
		kthread_bind(task[cpu], cpu);
	}
	for_each_online_cpu(cpu)
		kthread_start(task[cpu]);
	for_each_online_cpu(cpu)
		kthread_wait(task[cpu]);
	if (sb.skip_reason) {
		r->status = BENCH_SKIPPED;
		r->skip_reason = sb.skip_reason;
		return;
	}

	for_each_online_cpu(cpu) {
		struct bench_result *mine = &sb.cpu[cpu];
		struct bench_stats st;

		if (mine->status == BENCH_INSANE)
			bench_fail(r, "CPU %u: %s", cpu, mine->why);
		memcpy(all + n, sb.samples[cpu], sb.runs * sizeof(long));
		n += sb.runs;
		bench_stats_compute(sb.samples[cpu], sb.runs, &st);
		r->cpu_median[cpu] = st.median;
		r->overhead += mine->overhead;
		for (unsigned int j = 0; j < BENCH_MAX_EXPECT; j++)
			if (c->expect[j].percpu)
				r->moved[j] += mine->moved[j];
	}
	r->overhead /= (long)r->cpus;
	for (unsigned int j = 0; j < BENCH_MAX_EXPECT; j++) {
		if (!c->expect[j].read || c->expect[j].percpu)
			continue;
		r->moved[j] = sb.after[j] - sb.before[j];
		check_smp_expect(c, &c->expect[j], r->moved[j], r);
	}
	r->shootdowns = sb.sent[1] - sb.sent[0];
	r->shootdown_ipis = sb.received[1] - sb.received[0];
	bench_stats_compute(all, n, &r->per_op);
}

