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
 *       with several CPUs online and ->smp:  bench_run_smp()
 *         a thread bound to every CPU runs the same steps on its own
 *         state, each run started on every CPU at once (smp_barrier)
 *       print_result()                       its line ("bench: smp ...")
 *     print_table()                          the same for humans
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

#define BENCH_MAX_CASES       64
#define BENCH_NUM_LEN         24	/* "-2147483648.8" and room to spare */
#define BENCH_TENTHS_MAX      0x7fffffffL	/* the largest long */

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

/*
 * per_op_tenths - cycles / ops, in tenths of a cycle; saturated at
 * BENCH_TENTHS_MAX (214748364.7 cycles per op), which only a run that stalled
 * for seconds reaches.
 */
static long per_op_tenths(u64 cycles, unsigned long ops)
{
	u64 tenths = div_u64(cycles * 10, ops);

	return tenths > BENCH_TENTHS_MAX ? BENCH_TENTHS_MAX : (long)tenths;
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

/*
 * check_run - the sanity checks of timed run number nr (hilo/bench.h).
 * On several CPUs at once (r->cpus > 1) only the per-CPU counters: the
 * global ones move with every CPU's runs (check_smp_expect).
 */
static void check_run(const struct bench_case *c, const struct bench_run *run,
		      unsigned int nr, struct bench_result *r)
{
	if (run->done != c->iters)
		bench_fail(r, "run %u completed %u of %u iterations", nr, run->done, c->iters);
	for (unsigned int i = 0; i < BENCH_MAX_EXPECT; i++)
		if (c->expect[i].read && (r->cpus == 1 || c->expect[i].percpu))
			check_expect(c, &c->expect[i], run->moved[i], nr, r);
}

/* read_shootdowns - TLB shootdowns sent and received, summed over every CPU. */
static void read_shootdowns(unsigned long *sent, unsigned long *received)
{
	unsigned int cpu;

	*sent = *received = 0;
	for_each_online_cpu(cpu) {
		*sent += READ_ONCE(tlb_stats[cpu].shootdowns);
		*received += READ_ONCE(tlb_stats[cpu].shootdowns_received);
	}
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

	unsigned long sent, received;

	r->overhead = overhead_per_op(c);
	for (unsigned int i = 0; i < BENCH_WARMUP_RUNS; i++)
		timed_run(c, c->run, &run);
	read_shootdowns(&sent, &received);
	for (unsigned int i = 0; i < BENCH_RUNS; i++) {
		timed_run(c, c->run, &run);
		check_run(c, &run, i + 1, r);
		samples[i] = per_op_tenths(run.cycles, r->ops) - r->overhead;
		for (unsigned int j = 0; j < BENCH_MAX_EXPECT; j++)
			r->moved[j] += run.moved[j];
	}
	read_shootdowns(&r->shootdowns, &r->shootdown_ipis);
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

/* ---- on every CPU at once ---- */

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
		read_counters(s->c, when ? s->after : s->before);
		read_shootdowns(&s->sent[when], &s->received[when]);
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
	mine->overhead = overhead_per_op(c);
	for (unsigned int i = 0; i < BENCH_WARMUP_RUNS; i++) {
		smp_barrier(s);		/* full length even when scaled: kmap.wrap's pool state */
		c->run(s->full, s->full->iters);
	}
	smp_snapshot(s, 0);
	for (unsigned int i = 0; i < s->runs; i++) {
		smp_barrier(s);
		timed_run(c, c->run, &run);
		check_run(c, &run, i + 1, mine);
		s->samples[cpu][i] = per_op_tenths(run.cycles, mine->ops) - mine->overhead;
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

/* per_1000 - count per 1000 operations of r (every CPU's), "12.34", into buf. */
static const char *per_1000(char *buf, size_t size, unsigned long count,
			    const struct bench_result *r)
{
	u64 hundredths = (u64)count * 100000;
	u32 frac;

	do_div64(&hundredths, r->ops * r->runs * r->cpus);
	frac = do_div64(&hundredths, 100);
	snprintf(buf, size, "%llu.%02u", hundredths, frac);
	return buf;
}

#define PER_1000(count, r) per_1000((char[BENCH_NUM_LEN]){ 0 }, BENCH_NUM_LEN, (count), (r))

/* format_extra - the reported counters per 1000 operations, or "-". */
static const char *format_extra(const struct bench_result *r, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < BENCH_MAX_EXPECT; i++) {
		const struct bench_expect *e = &r->c->expect[i];

		if (!e->read || !e->report || len >= size)
			continue;
		len += snprintf(buf + len, size - len, "%s%s_per_1000_ops:%s",
				len ? "," : "", e->what, PER_1000(r->moved[i], r));
	}
	return len ? buf : "-";
}

/* format_per_cpu - each CPU's median, "3224.1/3190.0", into buf. */
static const char *format_per_cpu(const struct bench_result *r, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int cpu;

	buf[0] = '\0';
	for_each_online_cpu(cpu)
		if (len < size)
			len += snprintf(buf + len, size - len, "%s%s", len ? "/" : "",
					TENTHS(r->cpu_median[cpu]));
	return buf;
}

/*
 * print_result - the machine-readable line of one case (and its failure):
 * "bench: name=..." alone, "bench: smp name=... cpus=N ... per_cpu=..."
 * on every CPU at once.
 */
static void print_result(const struct bench_result *r)
{
	const char *smp = r->cpus > 1 ? "smp " : "";
	char extra[160], cpus[16], per_cpu[NR_CPUS * BENCH_NUM_LEN];

	snprintf(cpus, sizeof(cpus), r->cpus > 1 ? " cpus=%u" : "", r->cpus);
	if (r->status == BENCH_SKIPPED) {
		printk("bench: %sname=%s%s skipped reason=\"%s\"\n", smp, r->c->name, cpus,
		       r->skip_reason);
		return;
	}
	printk("bench: %sname=%s%s ops=%lu runs=%u cycles_per_op_median=%s min=%s max=%s q1=%s q3=%s overhead_per_op=%s extra=%s shootdowns_per_1000_ops=%s ipis_per_1000_ops=%s%s%s\n",
	       smp, r->c->name, cpus, r->ops, r->runs, TENTHS(r->per_op.median),
	       TENTHS(r->per_op.min), TENTHS(r->per_op.max), TENTHS(r->per_op.q1),
	       TENTHS(r->per_op.q3), TENTHS(r->overhead),
	       format_extra(r, extra, sizeof(extra)), PER_1000(r->shootdowns, r),
	       PER_1000(r->shootdown_ipis, r), r->cpus > 1 ? " per_cpu=" : "",
	       r->cpus > 1 ? format_per_cpu(r, per_cpu, sizeof(per_cpu)) : "");
	if (r->status == BENCH_INSANE)
		printk("bench: FAILED sanity: %s%s: %s\n", r->c->name, r->cpus > 1 ? "@smp" : "", r->why);
}

/* print_table - every result again, aligned, for a human. */
static void print_table(const struct bench_result *res, unsigned int n)
{
	printk("\ncycles per operation: median of %u runs (after %u warm-up), min and max, timer overhead subtracted\n",
	       BENCH_RUNS, BENCH_WARMUP_RUNS);
	printk("  %-28s %8s %10s %10s %10s  %s\n", "case", "ops/run", "median",
	       "min", "max", "one operation");
	for (const struct bench_result *r = res; r < res + n; r++) {
		char name[40];

		snprintf(name, sizeof(name), r->cpus > 1 ? "%s x%u CPUs" : "%s", r->c->name, r->cpus);
		if (r->status == BENCH_SKIPPED) {
			printk("  %-28s  skipped: %s\n", name, r->skip_reason);
			continue;
		}
		printk("  %-28s %8lu %10s %10s %10s  %s%s\n", name, r->ops,
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

	printk("bench: info cpu=\"%s\" vendor=%s hypervisor=%s clock=rdtsc+%s directmap=%s runs=%u warmup=%u cpus=%u\n",
	       boot_cpu.model_name, boot_cpu.vendor, hypervisor_name(sig),
	       clock_lfence ? "lfence" : "cpuid", directmap_page_size(), BENCH_RUNS,
	       BENCH_WARMUP_RUNS, num_online_cpus());
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
	print_info();
	for (const struct bench_case *c = __start_benches; c < __stop_benches; c++) {
		struct bench_result *r = &results[n];

		if (!glob_list_match(selection, c->name))
			continue;
		if (n >= 2 * BENCH_MAX_CASES - 1)
			panic("bench_run_all: more than %d results: raise BENCH_MAX_CASES",
			      2 * BENCH_MAX_CASES);
		bench_run_case(c, r);
		print_result(r);
		insane += r->status == BENCH_INSANE;
		skipped += r->status == BENCH_SKIPPED;
		n++;
		if (!c->smp || num_online_cpus() < 2)
			continue;
		r = &results[n++];
		bench_run_smp(c, r);
		print_result(r);
		insane += r->status == BENCH_INSANE;
	}
	if (!n) {
		printk("bench: FAILED: no case matches bench=%s\n", selection);
		print_names();
		return HILO_EXIT_FAIL;
	}
	print_table(results, n);
	printk("bench: done: %u results, %u skipped, %u FAILED sanity\n", n, skipped, insane);
	return insane ? HILO_EXIT_FAIL : HILO_EXIT_PASS;
}
