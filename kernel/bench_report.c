/*
 * The benchmark report (the runner is kernel/bench.c): one machine-readable
 * line per case and mode ("bench: name=..." and "bench: smp name=..."),
 * which tools/bench parses, then a table for humans.
 */
#include <asm/processor.h>
#include <hilo/bench.h>
#include <hilo/math64.h>
#include <hilo/mm.h>
#include <hilo/printk.h>
#include <hilo/smp.h>

#include "bench_internal.h"

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
void bench_print_result(const struct bench_result *r)
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
void bench_print_table(const struct bench_result *res, unsigned int n)
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
void bench_print_info(bool lfence)
{
	char sig[13];

	printk("bench: info cpu=\"%s\" vendor=%s hypervisor=%s clock=rdtsc+%s directmap=%s runs=%u warmup=%u cpus=%u\n",
	       boot_cpu.model_name, boot_cpu.vendor, hypervisor_name(sig),
	       lfence ? "lfence" : "cpuid", directmap_page_size(), BENCH_RUNS,
	       BENCH_WARMUP_RUNS, num_online_cpus());
}

