/*
 * Host unit tests of the firmware-table parsers (arch/x86/acpi.c,
 * arch/x86/mptable.c, arch/x86/smp_parse.c), built with ASan and UBSan by
 * `make host-test`.
 *
 * Each case builds a fake physical memory, then runs both parsers on it
 * and compares each result with what the case expects: success or not,
 * the exact list of APIC IDs, the local APIC address and the exact
 * cfg->why text.  The last line of the output is "N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

#include "smp_fakemem.h"

#define IDS_MAX 16

struct want {
	bool ok;
	unsigned int n;
	u8 ids[IDS_MAX];
	u32 lapic;		/* checked when ok (0 means the default) */
	const char *why;
};

struct test_case {
	const char *name;
	void (*build)(struct fake_mem *m);
	struct want acpi, mp;
};

static struct fake_mem mem;
static struct table tb;

#define NO_RSDP   { .ok = false, .why = "no RSDP found" }
#define NO_MPF    { .ok = false, .why = "no MP floating pointer found" }

static void qemu1(struct fake_mem *m)  { fm_qemu_like(m, 1, true, true); }
static void qemu4(struct fake_mem *m)  { fm_qemu_like(m, 4, true, true); }
static void qemu8(struct fake_mem *m)  { fm_qemu_like(m, 8, true, true); }
static void qemu12(struct fake_mem *m) { fm_qemu_like(m, 12, true, true); }
static void absent(struct fake_mem *m) { fm_init(m, FM_SIZE); }
static void mp_only(struct fake_mem *m) { fm_qemu_like(m, 4, false, true); }

/* An RSDP (revision 0) and RSDT listing only the MADT in tb. */
static void acpi_with(struct fake_mem *m, struct table *madt)
{
	u32 tables[] = { FM_MADT };

	fm_init(m, FM_SIZE);
	fm_put_rsdp(m, FM_RSDP, 0, FM_RSDT, 0);
	fm_put_rsdt(m, FM_RSDT, tables, 1);
	fm_put_table(m, FM_MADT, madt);
}

static void disabled(struct fake_mem *m)
{
	madt_begin(&tb, 0xFEE00000);
	madt_lapic(&tb, 0, 0, 1);
	madt_lapic(&tb, 1, 1, 0);
	madt_lapic(&tb, 2, 2, 1);
	madt_lapic(&tb, 3, 3, 2);	/* online-capable, not enabled */
	acpi_with(m, &tb);
}

static void lapic_override(struct fake_mem *m)
{
	madt_begin(&tb, 0xFEE00000);
	madt_lapic(&tb, 0, 0, 1);
	madt_override(&tb, 0xFED00000);
	madt_lapic(&tb, 1, 1, 1);
	acpi_with(m, &tb);
}

static void lapic_override_high(struct fake_mem *m)
{
	madt_begin(&tb, 0xFEE00000);
	madt_lapic(&tb, 0, 0, 1);
	madt_override(&tb, 0x100000000ull);
	acpi_with(m, &tb);
}

static void x2apic(struct fake_mem *m)
{
	madt_begin(&tb, 0xFEE00000);
	madt_lapic(&tb, 0, 0, 1);
	madt_x2apic(&tb, 5, 1);
	madt_x2apic(&tb, 300, 1);
	madt_x2apic(&tb, 301, 1);
	madt_x2apic(&tb, 6, 0);
	acpi_with(m, &tb);
}

static void duplicates(struct fake_mem *m)
{
	madt_begin(&tb, 0xFEE00000);
	madt_lapic(&tb, 0, 0, 1);
	madt_lapic(&tb, 1, 1, 1);
	madt_lapic(&tb, 2, 1, 1);
	madt_lapic(&tb, 3, 0xFF, 1);
	acpi_with(m, &tb);
}

/* RSDP revision 2: the RSDT lists a 2-CPU MADT, the XSDT a 4-CPU one. */
static void xsdt_common(struct fake_mem *m, bool break_xsdt)
{
	u32 rtables[] = { FM_MADT };
	u64 xtables[] = { FM_FACP, FM_MADT2 };

	fm_init(m, FM_SIZE);
	fm_put_rsdp(m, FM_RSDP, 2, FM_RSDT, FM_XSDT);
	fm_put_rsdt(m, FM_RSDT, rtables, 1);
	fm_put_xsdt(m, FM_XSDT, xtables, 2);
	table_begin(&tb, "FACP");
	fm_put_table(m, FM_FACP, &tb);
	madt_begin(&tb, 0xFEE00000);
	madt_lapic(&tb, 0, 0, 1);
	madt_lapic(&tb, 1, 1, 1);
	fm_put_table(m, FM_MADT, &tb);
	madt_begin(&tb, 0xFEE00000);
	for (u8 i = 0; i < 4; i++)
		madt_lapic(&tb, i, (u8)(i + 4), 1);
	fm_put_table(m, FM_MADT2, &tb);
	if (break_xsdt)
		m->b[FM_XSDT + 9]++;
}

static void xsdt_preferred(struct fake_mem *m) { xsdt_common(m, false); }
static void xsdt_broken(struct fake_mem *m)    { xsdt_common(m, true); }

static void rsdp_bad_checksum(struct fake_mem *m)
{
	fm_qemu_like(m, 2, true, false);
	m->b[FM_RSDP + 8]++;
}

static void rsdp_bad_ext_checksum(struct fake_mem *m)
{
	u32 tables[] = { FM_MADT };

	fm_qemu_like(m, 2, true, false);
	fm_put_rsdp(m, FM_RSDP, 2, FM_RSDT, 0);
	m->b[FM_RSDP + 32]++;
	fm_put_rsdt(m, FM_RSDT, tables, 1);
}

/* RSDP revision 2 without an XSDT: the RSDT. */
static void rsdp_v2_no_xsdt(struct fake_mem *m)
{
	fm_qemu_like(m, 3, true, false);
	fm_put_rsdp(m, FM_RSDP, 2, FM_RSDT, 0);
}

static void rsdp_in_ebda(struct fake_mem *m)
{
	fm_qemu_like(m, 2, true, false);
	memset(m->b + FM_RSDP, 0, 36);
	put16(m->b + 0x40E, 0x9FC0);
	fm_put_rsdp(m, 0x9FC00 + 0x30, 0, FM_RSDT, 0);
}

static void madt_bad_checksum(struct fake_mem *m)
{
	fm_qemu_like(m, 4, true, false);
	m->b[FM_MADT + 44 + 3]++;	/* the first APIC ID */
}

/* The MADT's length runs past the end of memory. */
static void madt_truncated(struct fake_mem *m)
{
	u32 tables[] = { FM_SIZE - 0x40 };

	fm_qemu_like(m, 4, true, false);
	fm_put_rsdt(m, FM_RSDT, tables, 1);
	madt_begin(&tb, 0xFEE00000);
	for (u8 i = 0; i < 4; i++)
		madt_lapic(&tb, i, i, 1);
	put32(tb.b + 4, (u32)tb.len);
	memcpy(m->b + FM_SIZE - 0x40, tb.b, 0x40);
}

/* A MADT whose length does not even cover its own fields. */
static void madt_too_short(struct fake_mem *m)
{
	madt_begin(&tb, 0xFEE00000);
	tb.len = 40;
	acpi_with(m, &tb);
}

static void madt_zero_length_entry(struct fake_mem *m)
{
	madt_begin(&tb, 0xFEE00000);
	madt_lapic(&tb, 0, 0, 1);
	table_add(&tb, (const u8[8]){ 0, 0, 1, 1, 1 }, 8);
	madt_lapic(&tb, 1, 1, 1);
	acpi_with(m, &tb);
}

static void madt_entry_past_end(struct fake_mem *m)
{
	madt_begin(&tb, 0xFEE00000);
	madt_lapic(&tb, 0, 0, 1);
	madt_lapic(&tb, 1, 1, 1);
	tb.len -= 2;			/* the second entry says 8, 6 are left */
	acpi_with(m, &tb);
}

static void madt_entry_too_short(struct fake_mem *m)
{
	madt_begin(&tb, 0xFEE00000);
	madt_lapic(&tb, 0, 0, 1);
	table_add(&tb, (const u8[6]){ 0, 6, 1, 1, 1, 0 }, 6);
	acpi_with(m, &tb);
}

static void madt_one_byte_left(struct fake_mem *m)
{
	madt_begin(&tb, 0xFEE00000);
	madt_lapic(&tb, 0, 0, 1);
	table_add(&tb, (const u8[1]){ 0 }, 1);
	acpi_with(m, &tb);
}

static void madt_longer_entries(struct fake_mem *m)
{
	/* A newer revision may lengthen entries: skip by the given length. */
	madt_begin(&tb, 0xFEE00000);
	table_add(&tb, (const u8[12]){ 0, 12, 0, 7, 1, 0, 0, 0, 0xAA, 0xAA, 0xAA, 0xAA }, 12);
	table_add(&tb, (const u8[3]){ 0x80, 3, 0 }, 3);	/* an unknown type */
	madt_lapic(&tb, 1, 9, 1);
	acpi_with(m, &tb);
}

static void madt_all_disabled(struct fake_mem *m)
{
	madt_begin(&tb, 0xFEE00000);
	madt_lapic(&tb, 0, 0, 0);
	madt_x2apic(&tb, 400, 1);
	acpi_with(m, &tb);
}

static void rsdt_outside_memory(struct fake_mem *m)
{
	fm_qemu_like(m, 2, true, false);
	fm_put_rsdp(m, FM_RSDP, 0, 0x40000000, 0);
}

static void rsdt_no_madt(struct fake_mem *m)
{
	u32 tables[] = { FM_FACP, 0, 0x7FFFFFF0 };

	fm_qemu_like(m, 2, true, false);
	fm_put_rsdt(m, FM_RSDT, tables, 3);
}

static void rsdt_bad_signature(struct fake_mem *m)
{
	fm_qemu_like(m, 2, true, false);
	memcpy(m->b + FM_RSDT, "XSDT", 4);
}

static void mp_bsp_not_first(struct fake_mem *m)
{
	fm_init(m, FM_SIZE);
	put16(m->b + 0x40E, 0x9FC0);
	fm_put_mpf(m, 0x9FC00, FM_MPC, 0);
	mpc_begin(&tb, 0xFEE00000);
	mpc_cpu(&tb, 0, 1);
	mpc_cpu(&tb, 1, 0);		/* disabled */
	mpc_bus(&tb, 0);
	mpc_cpu(&tb, 2, 3);		/* the BSP */
	mpc_cpu(&tb, 3, 1);
	fm_put_mpc(m, FM_MPC, &tb);
}

static void mp_base_memory(struct fake_mem *m)
{
	fm_init(m, FM_SIZE);
	put16(m->b + 0x413, 512);
	fm_put_mpf(m, 511 * 1024 + 0x3F0, FM_MPC, 0);
	mpc_begin(&tb, 0xFEE00000);
	mpc_cpu(&tb, 1, 1);
	mpc_cpu(&tb, 0, 3);
	fm_put_mpc(m, FM_MPC, &tb);
}

static void mp_default(struct fake_mem *m)
{
	fm_init(m, FM_SIZE);
	fm_put_mpf(m, FM_MPF, 0, 5);
}

static void mp_bad_checksum(struct fake_mem *m)
{
	fm_qemu_like(m, 4, false, true);
	m->b[FM_MPC + 44 + 1]++;
}

static void mpf_bad_checksum(struct fake_mem *m)
{
	fm_qemu_like(m, 4, false, true);
	m->b[FM_MPF + 10]++;
}

static void mp_unknown_type(struct fake_mem *m)
{
	fm_init(m, FM_SIZE);
	fm_put_mpf(m, FM_MPF, FM_MPC, 0);
	mpc_begin(&tb, 0xFEE00000);
	mpc_cpu(&tb, 0, 3);
	mpc_cpu(&tb, 1, 1);
	table_add(&tb, (const u8[8]){ 7 }, 8);	/* not counted by mpc_entry() */
	put16(tb.b + 34, 3);
	mpc_cpu(&tb, 2, 1);		/* never reached */
	fm_put_mpc(m, FM_MPC, &tb);
}

static void mp_count_too_big(struct fake_mem *m)
{
	fm_init(m, FM_SIZE);
	fm_put_mpf(m, FM_MPF, FM_MPC, 0);
	mpc_begin(&tb, 0xFEE00000);
	mpc_cpu(&tb, 0, 3);
	mpc_cpu(&tb, 1, 1);
	put16(tb.b + 34, 40);
	put16(tb.b + 4, (u16)tb.len);
	fix_checksum(tb.b, tb.len, 7);
	memcpy(m->b + FM_MPC, tb.b, tb.len);
}

static void mp_entry_past_end(struct fake_mem *m)
{
	fm_init(m, FM_SIZE);
	fm_put_mpf(m, FM_MPF, FM_MPC, 0);
	mpc_begin(&tb, 0xFEE00000);
	mpc_cpu(&tb, 0, 3);
	mpc_cpu(&tb, 1, 1);
	tb.len -= 4;
	put16(tb.b + 4, (u16)tb.len);
	fix_checksum(tb.b, tb.len, 7);
	memcpy(m->b + FM_MPC, tb.b, tb.len);
}

static void mp_table_outside_memory(struct fake_mem *m)
{
	fm_init(m, FM_SIZE);
	fm_put_mpf(m, FM_MPF, 0xFFFFFFF0, 0);
}

static void mp_no_table(struct fake_mem *m)
{
	fm_init(m, FM_SIZE);
	fm_put_mpf(m, FM_MPF, 0, 0);
}

#define IDS(...) .n = sizeof((u8[]){ __VA_ARGS__ }), .ids = { __VA_ARGS__ }

static const struct test_case cases[] = {
	{ "QEMU-like, 1 CPU", qemu1,
	  { true, IDS(0), 0, "" }, { true, IDS(0), 0, "" } },
	{ "QEMU-like, 4 CPUs", qemu4,
	  { true, IDS(0, 1, 2, 3), 0, "" }, { true, IDS(0, 1, 2, 3), 0, "" } },
	{ "QEMU-like, 8 CPUs", qemu8,
	  { true, IDS(0, 1, 2, 3, 4, 5, 6, 7), 0, "" },
	  { true, IDS(0, 1, 2, 3, 4, 5, 6, 7), 0, "" } },
	{ "QEMU-like, 12 CPUs", qemu12,
	  { true, IDS(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 0, "" },
	  { true, IDS(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 0, "" } },
	{ "disabled processors skipped", disabled,
	  { true, IDS(0, 2), 0, "ignored 2 disabled processors" }, NO_MPF },
	{ "local APIC address override", lapic_override,
	  { true, IDS(0, 1), 0xFED00000, "" }, NO_MPF },
	{ "local APIC override above 4 GiB ignored", lapic_override_high,
	  { true, IDS(0), 0xFEE00000, "ignored local APIC address override 0x100000000" }, NO_MPF },
	{ "x2APIC entries", x2apic,
	  { true, IDS(0, 5), 0, "ignored 1 disabled processors; skipped 2 x2APIC processors (APIC ID above 254, xAPIC only)" },
	  NO_MPF },
	{ "duplicate and broadcast APIC IDs", duplicates,
	  { true, IDS(0, 1), 0, "ignored 2 duplicate or broadcast APIC IDs" }, NO_MPF },
	{ "XSDT preferred over RSDT", xsdt_preferred,
	  { true, IDS(4, 5, 6, 7), 0, "" }, NO_MPF },
	{ "broken XSDT: RSDT used", xsdt_broken,
	  { true, IDS(0, 1), 0, "used the RSDT: XSDT at 0x1fe080: bad checksum" }, NO_MPF },
	{ "RSDP revision 2 without XSDT", rsdp_v2_no_xsdt,
	  { true, IDS(0, 1, 2), 0, "" }, NO_MPF },
	{ "RSDP in the EBDA", rsdp_in_ebda,
	  { true, IDS(0, 1), 0, "" }, NO_MPF },
	{ "bad RSDP checksum", rsdp_bad_checksum,
	  { .ok = false, .why = "no valid RSDP (RSDP at 0xf5a00: bad checksum)" }, NO_MPF },
	{ "bad RSDP extended checksum", rsdp_bad_ext_checksum,
	  { .ok = false, .why = "no valid RSDP (RSDP at 0xf5a00: bad extended checksum)" }, NO_MPF },
	{ "bad MADT checksum", madt_bad_checksum,
	  { .ok = false, .why = "MADT at 0x1fe800: bad checksum" }, NO_MPF },
	{ "truncated MADT (past the end of memory)", madt_truncated,
	  { .ok = false, .why = "MADT at 0x1fffc0: unreadable (length 76)" }, NO_MPF },
	{ "MADT shorter than its header", madt_too_short,
	  { .ok = false, .why = "MADT at 0x1fe800: bad length 40" }, NO_MPF },
	{ "zero-length MADT entry", madt_zero_length_entry,
	  { .ok = false, .why = "MADT at 0x1fe800: entry at offset 52 has length 0" }, NO_MPF },
	{ "MADT entry past the end", madt_entry_past_end,
	  { .ok = false, .why = "MADT at 0x1fe800: type 0 entry at offset 52 (8 bytes) runs past the end (58 bytes)" },
	  NO_MPF },
	{ "MADT entry shorter than its type", madt_entry_too_short,
	  { .ok = false, .why = "MADT at 0x1fe800: type 0 entry at offset 52 too short (6 bytes)" }, NO_MPF },
	{ "MADT with one stray byte at the end", madt_one_byte_left,
	  { .ok = false, .why = "MADT at 0x1fe800: entry at offset 52 runs past the end (53 bytes)" }, NO_MPF },
	{ "MADT entries longer than their type", madt_longer_entries,
	  { true, IDS(7, 9), 0, "" }, NO_MPF },
	{ "MADT without a usable processor", madt_all_disabled,
	  { .ok = false, .why = "MADT at 0x1fe800: no usable processor (1 disabled, 1 x2APIC-only, 0 bad or duplicate IDs)" },
	  NO_MPF },
	{ "RSDT outside memory", rsdt_outside_memory,
	  { .ok = false, .why = "RSDT at 0x40000000: unreadable" }, NO_MPF },
	{ "RSDT without a MADT", rsdt_no_madt,
	  { .ok = false, .why = "no MADT in the RSDT at 0x1fe000 (3 tables)" }, NO_MPF },
	{ "RSDT with a bad signature", rsdt_bad_signature,
	  { .ok = false, .why = "RSDT at 0x1fe000: bad signature" }, NO_MPF },
	{ "MP table only (no ACPI)", mp_only,
	  NO_RSDP, { true, IDS(0, 1, 2, 3), 0, "" } },
	{ "MP table: BSP first, disabled skipped, EBDA", mp_bsp_not_first,
	  NO_RSDP, { true, IDS(2, 0, 3), 0, "ignored 1 disabled processors" } },
	{ "MP floating pointer in the last KiB of base memory", mp_base_memory,
	  NO_RSDP, { true, IDS(0, 1), 0, "" } },
	{ "MP default configuration", mp_default,
	  NO_RSDP, { true, IDS(0, 1), 0xFEE00000, "MP default configuration 5" } },
	{ "MP table with a bad checksum", mp_bad_checksum,
	  NO_RSDP, { .ok = false, .why = "MP table at 0xf5c00: bad checksum" } },
	{ "MP floating pointer with a bad checksum", mpf_bad_checksum,
	  NO_RSDP, { .ok = false, .why = "no valid MP floating pointer (at 0xf5b00: bad checksum)" } },
	{ "MP table: unknown entry type stops the walk", mp_unknown_type,
	  NO_RSDP, { true, IDS(0, 1), 0, "MP table: stopped at unknown entry type 7 at offset 84" } },
	{ "MP table: more entries announced than present", mp_count_too_big,
	  NO_RSDP, { true, IDS(0, 1), 0, "MP table: 40 entries announced, 2 found" } },
	{ "MP table: entry past the end", mp_entry_past_end,
	  NO_RSDP, { true, IDS(0), 0, "MP table: type 0 entry at offset 64 runs past the end (80 bytes)" } },
	{ "MP table outside memory", mp_table_outside_memory,
	  NO_RSDP, { .ok = false, .why = "MP table at 0xfffffff0: unreadable" } },
	{ "MP floating pointer without a table", mp_no_table,
	  NO_RSDP, { .ok = false, .why = "MP floating pointer at 0xf5b00: no configuration table" } },
	{ "both absent", absent, NO_RSDP, NO_MPF },
};

static bool check(const char *name, const char *parser, bool ok,
		  const struct smp_config *cfg, const struct want *w)
{
	bool good = true;
	u32 lapic = w->lapic ? w->lapic : SMP_CONFIG_DEFAULT_LAPIC;

	if (ok != w->ok || (ok && cfg->nr_cpus < 1) || (!ok && cfg->nr_cpus))
		good = false;
	if (w->ok && (cfg->nr_cpus != w->n || memcmp(cfg->apic_id, w->ids, w->n) != 0))
		good = false;
	if (w->ok && cfg->lapic_phys != lapic)
		good = false;
	if (strcmp(cfg->why, w->why ? w->why : "") != 0)
		good = false;
	if (!good) {
		printf("FAIL %s (%s): got %s, %u CPUs [", name, parser,
		       ok ? "ok" : "failure", cfg->nr_cpus);
		for (unsigned int i = 0; i < cfg->nr_cpus; i++)
			printf("%s%u", i ? " " : "", cfg->apic_id[i]);
		printf("], lapic 0x%x, why \"%s\"\n", cfg->lapic_phys, cfg->why);
		printf("     expected %s, %u CPUs [", w->ok ? "ok" : "failure", w->n);
		for (unsigned int i = 0; i < w->n; i++)
			printf("%s%u", i ? " " : "", w->ids[i]);
		printf("], lapic 0x%x, why \"%s\"\n", lapic, w->why ? w->why : "");
	}
	return good;
}

/* The formatter and note bookkeeping of smp_parse.c. */
static bool notes_are_cut_safely(void)
{
	struct smp_config cfg;

	smp_config_init(&cfg);
	for (int i = 0; i < 40; i++)
		smp_config_note(&cfg, "note %u of %s 0x%llx", (unsigned int)i, "many",
				0x123456789abcull);
	if (strlen(cfg.why) != sizeof(cfg.why) - 1 ||
	    strncmp(cfg.why, "note 0 of many 0x123456789abc; note 1 of many", 45) != 0) {
		printf("FAIL notes: \"%s\"\n", cfg.why);
		return false;
	}
	smp_config_fail(&cfg, "%s %u%%", "reason", 4000000000u);
	if (strcmp(cfg.why, "reason 4000000000%") != 0) {
		printf("FAIL fail reason: \"%s\"\n", cfg.why);
		return false;
	}
	return true;
}

int main(void)
{
	unsigned int passed = 0, failed = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct test_case *c = &cases[i];
		struct phys_reader r;
		struct smp_config cfg;
		bool ok, good;

		c->build(&mem);
		r = fm_reader(&mem);
		ok = acpi_find_madt_config(&r, &cfg);
		good = check(c->name, "ACPI", ok, &cfg, &c->acpi);
		ok = mptable_find_config(&r, &cfg);
		good &= check(c->name, "MP", ok, &cfg, &c->mp);
		if (good) {
			passed++;
			printf("ok   %s\n", c->name);
		} else {
			failed++;
		}
	}
	if (notes_are_cut_safely()) {
		passed++;
		printf("ok   notes are cut to cfg->why safely\n");
	} else {
		failed++;
	}
	fm_free(&mem);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
