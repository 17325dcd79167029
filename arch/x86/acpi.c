/*
 * ACPI, as far as finding the CPUs goes: the RSDP, the RSDT or XSDT, and
 * the MADT ("APIC") with its processor entries.  Pure code, see
 * asm/smp_config.h: memory comes only through the phys_reader, every
 * length is checked before use and nothing is read twice into trust.
 *
 * References: ACPI 6.5, sections 5.2.5 (RSDP), 5.2.7/5.2.8 (RSDT, XSDT),
 * 5.2.12 (MADT).
 */
#include <asm/smp_config.h>

#define RSDP_SIG        "RSD PTR "
#define RSDP_V1_LEN     20		/* the part the first checksum covers */
#define RSDP_V2_LEN     36		/* with length, XSDT and extended checksum */
#define RSDP_MAX_LEN    4096		/* a sanity bound on the extended length */

#define ACPI_HDR_LEN    36		/* signature, length, revision, checksum, ... */
#define ACPI_ROOT_MAX   (64 * 1024)	/* RSDT / XSDT: 16K or 8K tables */
#define MADT_HDR_LEN    44		/* the header, local APIC address, flags */
#define MADT_MAX_LEN    (64 * 1024)

#define BIOS_ROM_START  0xE0000
#define BIOS_ROM_END    0x100000

/* MADT entry types (ACPI 6.5, table 5.21) */
#define MADT_LAPIC          0
#define MADT_IOAPIC         1
#define MADT_INT_OVERRIDE   2
#define MADT_NMI_SOURCE     3
#define MADT_LAPIC_NMI      4
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC         9
#define MADT_X2APIC_NMI     10

#define MADT_ENABLED        (1u << 0)
#define MADT_ONLINE_CAPABLE (1u << 1)

static bool sig_eq(const u8 *p, const char *sig, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (u8)sig[i])
			return false;
	return true;
}

struct rsdp {
	u64 phys;
	u8 revision;
	u32 rsdt;
	u64 xsdt;
};

/* A candidate that had the signature but failed a check (the first one). */
struct rsdp_search {
	u64 bad_phys;
	const char *bad_why;
};

/*
 * rsdp_at - is there a valid RSDP at phys?  A signature with a failed
 * check is remembered in s (the first such) so the final reason can
 * name it.
 */
static bool rsdp_at(const struct phys_reader *r, u64 phys, struct rsdp *out,
		    struct rsdp_search *s)
{
	u8 b[RSDP_V2_LEN], sum;
	const char *why = NULL;

	if (!phys_read(r, phys, b, 8) || !sig_eq(b, RSDP_SIG, 8))
		return false;
	if (!phys_checksum(r, phys, RSDP_V1_LEN, &sum) ||
	    !phys_read(r, phys, b, RSDP_V1_LEN)) {
		why = "unreadable";
	} else if (sum) {
		why = "bad checksum";
	} else if (b[15] >= 2) {
		u32 len;

		if (!phys_read(r, phys, b, RSDP_V2_LEN))
			why = "unreadable";
		else if ((len = get_le32(b + 20)) < RSDP_V2_LEN || len > RSDP_MAX_LEN)
			why = "bad length";
		else if (!phys_checksum(r, phys, len, &sum))
			why = "unreadable";
		else if (sum)
			why = "bad extended checksum";
	}
	if (why) {
		if (!s->bad_why) {
			s->bad_phys = phys;
			s->bad_why = why;
		}
		return false;
	}
	out->phys = phys;
	out->revision = b[15];
	out->rsdt = get_le32(b + 16);
	out->xsdt = b[15] >= 2 ? get_le64(b + 24) : 0;
	return true;
}

static bool rsdp_scan(const struct phys_reader *r, u64 start, u64 end,
		      struct rsdp *out, struct rsdp_search *s)
{
	for (u64 p = start; p + 16 <= end; p += 16)
		if (rsdp_at(r, p, out, s))
			return true;
	return false;
}

static bool rsdp_find(const struct phys_reader *r, struct rsdp *out,
		      struct rsdp_search *s)
{
	u64 ebda;

	if (ebda_base(r, &ebda) && rsdp_scan(r, ebda, ebda + 1024, out, s))
		return true;
	return rsdp_scan(r, BIOS_ROM_START, BIOS_ROM_END, out, s);
}

/*
 * table_check - a valid ACPI table with signature sig at phys: readable,
 * min_len <= length <= max_len, bytes summing to zero.  On failure the
 * reason ("<name> at 0x...: ...") is in cfg->why.
 */
static bool table_check(const struct phys_reader *r, struct smp_config *cfg,
			u64 phys, const char *sig, const char *name,
			u32 min_len, u32 max_len, u32 *len_out)
{
	u8 h[ACPI_HDR_LEN], sum;
	u32 len;

	if (!phys_read(r, phys, h, ACPI_HDR_LEN))
		return smp_config_fail(cfg, "%s at 0x%llx: unreadable", name,
				       (unsigned long long)phys);
	if (!sig_eq(h, sig, 4))
		return smp_config_fail(cfg, "%s at 0x%llx: bad signature", name,
				       (unsigned long long)phys);
	len = get_le32(h + 4);
	if (len < min_len || len > max_len)
		return smp_config_fail(cfg, "%s at 0x%llx: bad length %u", name,
				       (unsigned long long)phys, len);
	if (!phys_checksum(r, phys, len, &sum))
		return smp_config_fail(cfg, "%s at 0x%llx: unreadable (length %u)",
				       name, (unsigned long long)phys, len);
	if (sum)
		return smp_config_fail(cfg, "%s at 0x%llx: bad checksum", name,
				       (unsigned long long)phys);
	*len_out = len;
	return true;
}

/* The shortest valid entry of each type this file knows; 2 for the rest. */
static u8 madt_min_len(u8 type)
{
	switch (type) {
	case MADT_LAPIC:          return 8;
	case MADT_IOAPIC:         return 12;
	case MADT_INT_OVERRIDE:   return 10;
	case MADT_NMI_SOURCE:     return 8;
	case MADT_LAPIC_NMI:      return 6;
	case MADT_LAPIC_OVERRIDE: return 12;
	case MADT_X2APIC:         return 16;
	case MADT_X2APIC_NMI:     return 12;
	default:                  return 2;
	}
}

/* Parse the (already checked) MADT at phys, len bytes long. */
static bool madt_parse(const struct phys_reader *r, struct smp_config *cfg,
		       u64 phys, u32 len)
{
	u8 h[MADT_HDR_LEN], e[16];
	u64 override = 0;
	bool have_override = false;
	u32 lapic, off;

	if (!phys_read(r, phys, h, MADT_HDR_LEN))
		return smp_config_fail(cfg, "MADT at 0x%llx: unreadable",
				       (unsigned long long)phys);
	lapic = get_le32(h + 36);

	for (off = MADT_HDR_LEN; off < len; ) {
		u32 left = len - off;
		u8 type, elen;

		if (left < 2 || !phys_read(r, phys + off, e, 2))
			return smp_config_fail(cfg, "MADT at 0x%llx: entry at offset %u runs past the end (%u bytes)",
					       (unsigned long long)phys, off, len);
		type = e[0];
		elen = e[1];
		if (elen < 2)
			return smp_config_fail(cfg, "MADT at 0x%llx: entry at offset %u has length %u",
					       (unsigned long long)phys, off, elen);
		if (elen > left)
			return smp_config_fail(cfg, "MADT at 0x%llx: type %u entry at offset %u (%u bytes) runs past the end (%u bytes)",
					       (unsigned long long)phys, type, off, elen, len);
		if (elen < madt_min_len(type))
			return smp_config_fail(cfg, "MADT at 0x%llx: type %u entry at offset %u too short (%u bytes)",
					       (unsigned long long)phys, type, off, elen);
		if (!phys_read(r, phys + off, e, elen < sizeof(e) ? elen : sizeof(e)))
			return smp_config_fail(cfg, "MADT at 0x%llx: unreadable entry at offset %u",
					       (unsigned long long)phys, off);

		switch (type) {
		case MADT_LAPIC:
			if (get_le32(e + 4) & MADT_ENABLED)
				smp_config_add_cpu(cfg, e[3]);
			else
				cfg->nr_disabled++;
			break;
		case MADT_X2APIC: {
			u32 id = get_le32(e + 4);

			if (!(get_le32(e + 8) & MADT_ENABLED))
				cfg->nr_disabled++;
			else if (id > 254)
				cfg->nr_x2apic_skipped++;
			else
				smp_config_add_cpu(cfg, (u8)id);
			break;
		}
		case MADT_LAPIC_OVERRIDE:
			override = get_le64(e + 4);
			have_override = true;
			break;
		default:
			break;
		}
		off += elen;
	}

	if (cfg->nr_cpus == 0)
		return smp_config_fail(cfg, "MADT at 0x%llx: no usable processor (%u disabled, %u x2APIC-only, %u bad or duplicate IDs)",
				       (unsigned long long)phys, cfg->nr_disabled,
				       cfg->nr_x2apic_skipped, cfg->nr_ignored_ids);

	/* The 64-bit override (type 5) wins, when xAPIC can use it. */
	if (have_override && override && override < 0x100000000ull && !(override & 0xFFF)) {
		cfg->lapic_phys = (u32)override;
	} else {
		if (have_override)
			smp_config_note(cfg, "ignored local APIC address override 0x%llx",
					(unsigned long long)override);
		smp_config_set_lapic(cfg, lapic);
	}
	return smp_config_done(cfg, SMP_SOURCE_MADT, phys, len);
}

/*
 * root_find_madt - walk the RSDT (entry 4 bytes) or XSDT (8) at phys for
 * the first valid "APIC" table, and parse it.  An "APIC" table that fails
 * its checks does not stop the walk; when no valid one follows, its
 * reason is the answer.
 */
static bool root_find_madt(const struct phys_reader *r, struct smp_config *cfg,
			   u64 phys, bool xsdt)
{
	const char *name = xsdt ? "XSDT" : "RSDT";
	u32 esize = xsdt ? 8 : 4, len, n, i;
	bool bad_madt = false;
	char first_why[sizeof(cfg->why)];

	if (!table_check(r, cfg, phys, xsdt ? "XSDT" : "RSDT", name,
			 ACPI_HDR_LEN, ACPI_ROOT_MAX, &len))
		return false;
	n = (len - ACPI_HDR_LEN) / esize;
	for (i = 0; i < n; i++) {
		u8 b[8];
		u64 t;
		u32 tlen;

		if (!phys_read(r, phys + ACPI_HDR_LEN + (u64)i * esize, b, esize))
			return smp_config_fail(cfg, "%s at 0x%llx: unreadable entry %u",
					       name, (unsigned long long)phys, i);
		t = xsdt ? get_le64(b) : get_le32(b);
		if (!t || !phys_read(r, t, b, 4) || !sig_eq(b, "APIC", 4))
			continue;
		if (table_check(r, cfg, t, "APIC", "MADT", MADT_HDR_LEN, MADT_MAX_LEN, &tlen) &&
		    madt_parse(r, cfg, t, tlen))
			return true;
		if (!bad_madt) {
			bad_madt = true;
			for (size_t k = 0; k < sizeof(first_why); k++)
				first_why[k] = cfg->why[k];
			first_why[sizeof(first_why) - 1] = '\0';
		}
		smp_config_init(cfg);
	}
	if (bad_madt)
		return smp_config_fail(cfg, "%s", first_why);
	return smp_config_fail(cfg, "no MADT in the %s at 0x%llx (%u tables)",
			       name, (unsigned long long)phys, n);
}

bool acpi_find_madt_config(const struct phys_reader *r, struct smp_config *cfg)
{
	struct rsdp_search s = { 0, NULL };
	struct rsdp rsdp;

	smp_config_init(cfg);
	if (!rsdp_find(r, &rsdp, &s)) {
		if (s.bad_why)
			return smp_config_fail(cfg, "no valid RSDP (RSDP at 0x%llx: %s)",
					       (unsigned long long)s.bad_phys, s.bad_why);
		return smp_config_fail(cfg, "no RSDP found");
	}

	if (rsdp.revision >= 2 && rsdp.xsdt) {
		char xsdt_why[sizeof(cfg->why)];

		if (root_find_madt(r, cfg, rsdp.xsdt, true))
			return true;
		if (!rsdp.rsdt)
			return false;
		/* A broken XSDT: the RSDT may still do (as ACPICA falls back). */
		for (size_t k = 0; k < sizeof(xsdt_why); k++)
			xsdt_why[k] = cfg->why[k];
		xsdt_why[sizeof(xsdt_why) - 1] = '\0';
		smp_config_init(cfg);
		if (root_find_madt(r, cfg, rsdp.rsdt, false)) {
			smp_config_note(cfg, "used the RSDT: %s", xsdt_why);
			return true;
		}
		return false;
	}
	if (!rsdp.rsdt)
		return smp_config_fail(cfg, "RSDP at 0x%llx: no RSDT",
				       (unsigned long long)rsdp.phys);
	return root_find_madt(r, cfg, rsdp.rsdt, false);
}
