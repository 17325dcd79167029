/*
 * Tests for smp_find_config (arch/x86/smp_config.c): on the machine itself
 * (QEMU's firmware tables read through kmap_local_pfn), and the command
 * line and NR_CPUS limits on lists given by the table.  The parsers have
 * their own host tests (tests/host/smp_config_test.c) and fuzzers.
 */
#include <asm/processor.h>
#include <asm/smp_config.h>
#include <hilo/ktest.h>
#include <hilo/smp.h>
#include <hilo/string.h>

#include "logbuf.h"

/* About 400 bytes: kept off the test's stack. */
static struct smp_config cfg;

static u8 boot_apic_id(void)
{
	u32 a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	return (u8)(b >> 24);
}

static bool memchr_u8(const u8 *p, unsigned int n, u8 v)
{
	for (unsigned int i = 0; i < n; i++)
		if (p[i] == v)
			return true;
	return false;
}

KTEST(smp_config, finds_this_machine)
{
	u8 bsp = boot_apic_id();
	u32 since = READ_ONCE(log_head);

	smp_find_config(&cfg, bsp);
	ktest_log(t, "source %s, %u CPUs, BSP %u, local APIC 0x%x, why \"%s\"",
		  cfg.source, cfg.nr_cpus, bsp, cfg.lapic_phys, cfg.why);
	EXPECT_GE(t, cfg.nr_cpus, 1);
	EXPECT_LE(t, cfg.nr_cpus, NR_CPUS);
	EXPECT_EQ(t, cfg.apic_id[0], bsp);
	EXPECT_TRUE(t, cfg.bsp_known);
	EXPECT_EQ(t, cfg.lapic_phys & 0xFFF, 0);
	EXPECT_NE(t, cfg.lapic_phys, 0);
	/* QEMU's SeaBIOS always has an MADT, at the standard address. */
	EXPECT_STREQ(t, cfg.source, SMP_SOURCE_MADT);
	EXPECT_EQ(t, cfg.lapic_phys, SMP_CONFIG_DEFAULT_LAPIC);
	EXPECT_TRUE(t, log_contains_since(since, "smp: ACPI MADT: "));
	for (unsigned int i = 0; i < cfg.nr_cpus; i++)
		for (unsigned int j = 0; j < i; j++)
			if (cfg.apic_id[i] == cfg.apic_id[j])
				KTEST_FAIL(t, "APIC ID %u listed twice", cfg.apic_id[i]);
}

KTEST(smp_config, mp_table_agrees)
{
	/*
	 * SeaBIOS writes an MP table too.  Its CPUs must be among the
	 * MADT's, the boot CPU first; it may list fewer (QEMU 7.2's SeaBIOS
	 * lists the boot CPU alone), which is why the MADT comes first.
	 */
	static struct smp_config madt, mp;

	ASSERT_TRUE(t, acpi_find_madt_config(&kmap_phys_reader, &madt));
	if (!mptable_find_config(&kmap_phys_reader, &mp)) {
		/* SeaBIOS leaves it out for a CPU without a local APIC. */
		ktest_log(t, "no MP table: %s", mp.why);
		ASSERT_FALSE(t, boot_cpu.apic);
		ktest_skip(t, "the firmware wrote no MP table");
		return;
	}
	ktest_log(t, "MADT at 0x%llx (%u bytes), MP table at 0x%llx (%u bytes): %u and %u CPUs, %u and %u disabled; \"%s\"",
		  madt.table_phys, madt.table_len, mp.table_phys, mp.table_len,
		  madt.nr_cpus, mp.nr_cpus, madt.nr_disabled, mp.nr_disabled, mp.why);
	EXPECT_STREQ(t, madt.source, SMP_SOURCE_MADT);
	EXPECT_STREQ(t, mp.source, SMP_SOURCE_MPTABLE);
	ASSERT_GE(t, mp.nr_cpus, 1);
	ASSERT_LE(t, mp.nr_cpus, madt.nr_cpus);
	for (unsigned int i = 0; i < mp.nr_cpus; i++)
		if (!memchr_u8(madt.apic_id, madt.nr_cpus, mp.apic_id[i]))
			KTEST_FAIL(t, "APIC ID %u is in the MP table, not in the MADT",
				   mp.apic_id[i]);
	EXPECT_TRUE(t, mp.bsp_known);
	EXPECT_EQ(t, mp.apic_id[0], boot_apic_id());
	EXPECT_EQ(t, madt.lapic_phys, mp.lapic_phys);
}

#define IDS_MAX 12

struct limit_case {
	const char *name;
	unsigned int n;
	u8 ids[IDS_MAX];
	u8 bsp;
	bool nosmp;
	const char *maxcpus;
	unsigned int nr_cpus_max;
	unsigned int want_n;
	u8 want[IDS_MAX];
	const char *log;	/* must be logged, or NULL */
};

KTEST(smp_config, limits)
{
	static const struct limit_case cases[] = {
		{ "one CPU", 1, { 0 }, 0, false, NULL, 8, 1, { 0 }, NULL },
		{ "BSP moved first", 4, { 0, 1, 2, 3 }, 2, false, NULL, 8,
		  4, { 2, 0, 1, 3 }, NULL },
		{ "BSP missing: added", 2, { 1, 2 }, 0, false, NULL, 8,
		  3, { 0, 1, 2 }, "boot CPU (APIC ID 0) is not in the" },
		{ "empty list: BSP alone", 0, { 0 }, 5, false, NULL, 8, 1, { 5 }, NULL },
		{ "nosmp", 4, { 0, 1, 2, 3 }, 0, true, NULL, 8,
		  1, { 0 }, "smp: 4 CPUs found, using the boot CPU only (nosmp)" },
		{ "maxcpus=2", 4, { 0, 1, 2, 3 }, 3, false, "2", 8,
		  2, { 3, 0 }, "smp: 4 CPUs found, using 2 (maxcpus=2)" },
		{ "maxcpus=0 is nosmp", 4, { 0, 1, 2, 3 }, 1, false, "0", 8,
		  1, { 1 }, "using 1 (maxcpus=0)" },
		{ "maxcpus above the count", 3, { 0, 1, 2 }, 0, false, "16", 8,
		  3, { 0, 1, 2 }, NULL },
		{ "maxcpus=abc ignored", 3, { 0, 1, 2 }, 0, false, "abc", 8,
		  3, { 0, 1, 2 }, "smp: ignoring maxcpus=abc: not a decimal number" },
		{ "maxcpus=2x ignored", 3, { 0, 1, 2 }, 0, false, "2x", 8,
		  3, { 0, 1, 2 }, "smp: ignoring maxcpus=2x" },
		{ "maxcpus without a value ignored", 3, { 0, 1, 2 }, 0, false, "", 8,
		  3, { 0, 1, 2 }, "smp: ignoring maxcpus=:" },
		{ "NR_CPUS keeps the BSP", 12, { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 },
		  10, false, NULL, 8,
		  8, { 10, 0, 1, 2, 3, 4, 5, 6 }, "smp: 12 CPUs found, using 8 (NR_CPUS)" },
		{ "maxcpus below NR_CPUS", 12, { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 },
		  0, false, "3", 8, 3, { 0, 1, 2 }, "using 3 (maxcpus=3)" },
		{ "NR_CPUS below maxcpus", 12, { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 },
		  0, false, "10", 8, 8, { 0, 1, 2, 3, 4, 5, 6, 7 }, "using 8 (NR_CPUS)" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct limit_case *c = &cases[i];
		u32 since = READ_ONCE(log_head);

		smp_config_init(&cfg);
		cfg.source = SMP_SOURCE_MADT;
		for (unsigned int k = 0; k < c->n; k++)
			smp_config_add_cpu(&cfg, c->ids[k]);
		smp_config_limit(&cfg, c->bsp, c->nosmp, c->maxcpus, c->nr_cpus_max);
		if (cfg.nr_cpus != c->want_n ||
		    memcmp(cfg.apic_id, c->want, c->want_n) != 0)
			KTEST_FAIL(t, "%s: %u CPUs (first %u %u), expected %u (first %u %u)",
				   c->name, cfg.nr_cpus, cfg.apic_id[0], cfg.apic_id[1],
				   c->want_n, c->want[0], c->want[1]);
		if (c->log && !log_contains_since(since, c->log))
			KTEST_FAIL(t, "%s: \"%s\" was not logged", c->name, c->log);
		EXPECT_TRUE(t, cfg.bsp_known);
	}
}
