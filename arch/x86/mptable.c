/*
 * The Intel MultiProcessor table (MP specification 1.4, chapter 4): the
 * floating pointer structure "_MP_", then a default configuration or the
 * "PCMP" configuration table and its processor entries.  Pure code, see
 * asm/smp_config.h.
 */
#include <asm/smp_config.h>

#define MPF_SIG         "_MP_"
#define MPF_LEN         16
#define MPC_SIG         "PCMP"
#define MPC_HDR_LEN     44

#define BASE_MEM_KB     0x413		/* BIOS data area: base memory in KiB */
#define BIOS_ROM_START  0xF0000
#define BIOS_ROM_END    0x100000

/* Entry types and their fixed sizes */
#define MP_PROCESSOR    0		/* 20 bytes */
#define MP_BUS          1		/* 8 bytes */
#define MP_IOAPIC       2
#define MP_INTSRC       3
#define MP_LINTSRC      4

#define CPU_ENABLED     (1u << 0)
#define CPU_BSP         (1u << 1)

static bool sig_eq(const u8 *p, const char *sig, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (u8)sig[i])
			return false;
	return true;
}

struct mpf {
	u64 phys;
	u32 table;		/* the configuration table, 0: none */
	u8 feature1;		/* non-zero: a default configuration */
};

struct mpf_search {
	u64 bad_phys;
	const char *bad_why;
};

static bool mpf_at(const struct phys_reader *r, u64 phys, struct mpf *out,
		   struct mpf_search *s)
{
	u8 b[MPF_LEN], sum = 0;
	const char *why = NULL;

	if (!phys_read(r, phys, b, 4) || !sig_eq(b, MPF_SIG, 4))
		return false;
	if (!phys_read(r, phys, b, MPF_LEN)) {
		why = "unreadable";
	} else {
		for (int i = 0; i < MPF_LEN; i++)
			sum = (u8)(sum + b[i]);
		if (b[8] != 1)		/* length, in 16-byte units */
			why = "bad length";
		else if (sum)
			why = "bad checksum";
	}
	if (why) {
		if (!s->bad_why) {
			s->bad_phys = phys;
			s->bad_why = why;
		}
		return false;
	}
	out->phys = phys;
	out->table = get_le32(b + 4);
	out->feature1 = b[11];
	return true;
}

static bool mpf_scan(const struct phys_reader *r, u64 start, u64 end,
		     struct mpf *out, struct mpf_search *s)
{
	for (u64 p = start; p + MPF_LEN <= end; p += 16)
		if (mpf_at(r, p, out, s))
			return true;
	return false;
}

static bool mpf_find(const struct phys_reader *r, struct mpf *out,
		     struct mpf_search *s)
{
	u64 ebda;
	u8 b[2];

	if (ebda_base(r, &ebda) && mpf_scan(r, ebda, ebda + 1024, out, s))
		return true;
	if (phys_read(r, BASE_MEM_KB, b, 2)) {
		u64 kb = get_le16(b);

		if (kb >= 2 && kb <= 640 &&
		    mpf_scan(r, (kb - 1) * 1024, kb * 1024, out, s))
			return true;
	}
	return mpf_scan(r, BIOS_ROM_START, BIOS_ROM_END, out, s);
}

/* Record an enabled processor; the BSP goes first. */
static void mp_add_cpu(struct smp_config *cfg, u8 apic_id, bool bsp)
{
	unsigned int n = cfg->nr_cpus;

	smp_config_add_cpu(cfg, apic_id);
	if (!bsp || cfg->bsp_known || cfg->nr_cpus == n)
		return;
	for (unsigned int i = n; i > 0; i--)
		cfg->apic_id[i] = cfg->apic_id[i - 1];
	cfg->apic_id[0] = apic_id;
	cfg->bsp_known = true;
}

static bool mpc_parse(const struct phys_reader *r, struct smp_config *cfg, u64 phys)
{
	u8 h[MPC_HDR_LEN], e[20], sum;
	u32 len, count, lapic, off, i;

	if (!phys_read(r, phys, h, MPC_HDR_LEN))
		return smp_config_fail(cfg, "MP table at 0x%llx: unreadable",
				       (unsigned long long)phys);
	if (!sig_eq(h, MPC_SIG, 4))
		return smp_config_fail(cfg, "MP table at 0x%llx: bad signature",
				       (unsigned long long)phys);
	len = get_le16(h + 4);
	if (len < MPC_HDR_LEN)
		return smp_config_fail(cfg, "MP table at 0x%llx: bad length %u",
				       (unsigned long long)phys, len);
	if (!phys_checksum(r, phys, len, &sum))
		return smp_config_fail(cfg, "MP table at 0x%llx: unreadable (length %u)",
				       (unsigned long long)phys, len);
	if (sum)
		return smp_config_fail(cfg, "MP table at 0x%llx: bad checksum",
				       (unsigned long long)phys);
	count = get_le16(h + 34);
	lapic = get_le32(h + 36);

	for (i = 0, off = MPC_HDR_LEN; i < count; i++) {
		u32 size;

		if (off >= len) {
			smp_config_note(cfg, "MP table: %u entries announced, %u found", count, i);
			break;
		}
		if (!phys_read(r, phys + off, e, 1))
			return smp_config_fail(cfg, "MP table at 0x%llx: unreadable entry at offset %u",
					       (unsigned long long)phys, off);
		switch (e[0]) {
		case MP_PROCESSOR:
			size = 20;
			break;
		case MP_BUS: case MP_IOAPIC: case MP_INTSRC: case MP_LINTSRC:
			size = 8;
			break;
		default:
			size = 0;
			break;
		}
		if (!size) {
			smp_config_note(cfg, "MP table: stopped at unknown entry type %u at offset %u",
					e[0], off);
			break;
		}
		if (size > len - off) {
			smp_config_note(cfg, "MP table: type %u entry at offset %u runs past the end (%u bytes)",
					e[0], off, len);
			break;
		}
		if (!phys_read(r, phys + off, e, size))
			return smp_config_fail(cfg, "MP table at 0x%llx: unreadable entry at offset %u",
					       (unsigned long long)phys, off);
		if (e[0] == MP_PROCESSOR) {
			if (e[3] & CPU_ENABLED)
				mp_add_cpu(cfg, e[1], e[3] & CPU_BSP);
			else
				cfg->nr_disabled++;
		}
		off += size;
	}

	if (cfg->nr_cpus == 0)
		return smp_config_fail(cfg, "MP table at 0x%llx: no usable processor (%u disabled, %u bad or duplicate IDs)",
				       (unsigned long long)phys, cfg->nr_disabled,
				       cfg->nr_ignored_ids);
	smp_config_set_lapic(cfg, lapic);
	return smp_config_done(cfg, SMP_SOURCE_MPTABLE, phys, len);
}

bool mptable_find_config(const struct phys_reader *r, struct smp_config *cfg)
{
	struct mpf_search s = { 0, NULL };
	struct mpf mpf;

	smp_config_init(cfg);
	if (!mpf_find(r, &mpf, &s)) {
		if (s.bad_why)
			return smp_config_fail(cfg, "no valid MP floating pointer (at 0x%llx: %s)",
					       (unsigned long long)s.bad_phys, s.bad_why);
		return smp_config_fail(cfg, "no MP floating pointer found");
	}
	if (mpf.feature1) {
		/* MP spec 5: two processors, local APIC IDs 0 and 1. */
		smp_config_add_cpu(cfg, 0);
		smp_config_add_cpu(cfg, 1);
		smp_config_note(cfg, "MP default configuration %u", mpf.feature1);
		cfg->source = SMP_SOURCE_MPTABLE;
		return true;
	}
	if (!mpf.table)
		return smp_config_fail(cfg, "MP floating pointer at 0x%llx: no configuration table",
				       (unsigned long long)mpf.phys);
	return mpc_parse(r, cfg, mpf.table);
}
