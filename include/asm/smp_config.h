/*
 * Finding the CPUs: the firmware's tables (ACPI's MADT, or the older Intel
 * MultiProcessor table) list the processors and their local APIC IDs.
 *
 * The parsers (arch/x86/acpi.c, arch/x86/mptable.c, arch/x86/smp_parse.c)
 * are pure: they read physical memory only through a struct phys_reader,
 * use no kernel global, never print and never allocate, so the same
 * sources also build on the host (tests/host/smp_config_test.c and the
 * fuzzers).  This header includes nothing but <hilo/types.h> for them.
 *
 * The kernel glue (arch/x86/smp_config.c) reads memory through
 * kmap_local_pfn, tries the MADT, then the MP table, then settles for the
 * boot CPU alone, and applies the command line (nosmp, maxcpus=N) and
 * NR_CPUS.
 */
#ifndef ASM_SMP_CONFIG_H
#define ASM_SMP_CONFIG_H

#include <hilo/types.h>

/*
 * Physical memory as the parsers see it: read() copies len bytes from
 * physical address phys into buf and returns true, or returns false (and
 * the parser uses nothing of buf) when any byte of the range cannot be
 * read: beyond the machine's physical address width, outside a fake
 * memory, or a range that wraps around.
 */
struct phys_reader {
	bool (*read)(void *ctx, u64 phys, void *buf, size_t len);
	void *ctx;
};

/*
 * Every usable xAPIC ID (0 .. 254; 255 is the broadcast ID), so the
 * parsers never drop a processor for lack of room: the IDs they record
 * are distinct, so at most 255 of them.
 */
#define SMP_CONFIG_MAX_CPUS 255

#define SMP_CONFIG_DEFAULT_LAPIC 0xFEE00000u

/* cfg->source */
#define SMP_SOURCE_MADT    "ACPI MADT"
#define SMP_SOURCE_MPTABLE "MP table"
#define SMP_SOURCE_NONE    "none"	/* smp_find_config: nothing usable, BSP only */

struct smp_config {
	/* Enabled processors recorded in apic_id[] (0 when parsing failed). */
	unsigned int nr_cpus;
	/*
	 * Their local APIC IDs, in table order, except that the boot CPU
	 * comes first when the table says which one it is (the MP table's
	 * BSP flag; smp_find_config() also puts its bsp_apic_id first).
	 */
	u8 apic_id[SMP_CONFIG_MAX_CPUS];
	bool bsp_known;			/* apic_id[0] is the BSP */
	u32 lapic_phys;			/* local APIC registers, page-aligned */
	const char *source;		/* SMP_SOURCE_*, or NULL while unknown */
	u64 table_phys;			/* the MADT or MP configuration table (0: none) */
	u32 table_len;			/* its length in bytes (0 for an MP default configuration) */
	/* What was seen but not used. */
	unsigned int nr_disabled;	/* processors flagged disabled */
	unsigned int nr_x2apic_skipped;	/* x2APIC entries with an ID above 254 */
	unsigned int nr_ignored_ids;	/* APIC IDs listed twice, or 255 (broadcast) */
	/*
	 * Why parsing failed ("no RSDP found", "MADT at 0x7fe1234: bad
	 * checksum"), or, on success, notes separated by "; " ("ignored 3
	 * disabled processors"), "" when there is nothing to say.
	 */
	char why[128];
};

/*
 * acpi_find_madt_config - the processors of ACPI's MADT: find the RSDP
 * (the first KiB of the EBDA, then 0xE0000-0xFFFFF), its XSDT (revision 2
 * and later; the RSDT when there is no XSDT or it is invalid), the "APIC"
 * table they list, and its processor entries (types 0 and 9) and local
 * APIC address override (type 5).  Every table's signature, length and
 * checksum is checked, and every entry's length.  Returns true with
 * cfg->nr_cpus >= 1, or false with the reason in cfg->why.
 */
bool acpi_find_madt_config(const struct phys_reader *r, struct smp_config *cfg);

/*
 * mptable_find_config - the processors of the Intel MP table: find the MP
 * floating pointer (the first KiB of the EBDA, the last KiB of base
 * memory, 0xF0000-0xFFFFF), then either a default configuration (two
 * CPUs, APIC IDs 0 and 1) or the configuration table and its processor
 * entries.  Returns true with cfg->nr_cpus >= 1, or false with the reason
 * in cfg->why.
 */
bool mptable_find_config(const struct phys_reader *r, struct smp_config *cfg);

/* Helpers the parsers share (arch/x86/smp_parse.c). */
void smp_config_init(struct smp_config *cfg);
/* Record one enabled processor (duplicates and ID 255: counted, not kept). */
void smp_config_add_cpu(struct smp_config *cfg, u8 apic_id);
/* Append a note to cfg->why ("; " between notes); cut to fit. */
void smp_config_note(struct smp_config *cfg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Fail: no processors, cfg->why is the reason alone.  Returns false. */
bool smp_config_fail(struct smp_config *cfg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Read len bytes at phys; false when the reader fails or the range wraps. */
bool phys_read(const struct phys_reader *r, u64 phys, void *buf, size_t len);
/* The 8-bit sum of len bytes at phys (read in chunks); false if unreadable. */
bool phys_checksum(const struct phys_reader *r, u64 phys, u32 len, u8 *sum);
u16 get_le16(const u8 *p);
u32 get_le32(const u8 *p);
u64 get_le64(const u8 *p);
/*
 * ebda_base - the Extended BIOS Data Area's address, from the segment at
 * physical 0x40E; false when unreadable or where no EBDA can be (as
 * Linux: 0x400 up to the VGA hole at 0xA0000).  The first KiB of the EBDA
 * is where both the RSDP and the MP floating pointer are looked for first.
 */
bool ebda_base(const struct phys_reader *r, u64 *base);
/* smp_config_set_lapic - take the table's local APIC address if page-aligned, else note it. */
void smp_config_set_lapic(struct smp_config *cfg, u32 lapic);
/*
 * smp_config_done - a parser's common end: the notes on what it left out
 * (disabled, x2APIC, duplicate IDs), the source and the table.  True.
 */
bool smp_config_done(struct smp_config *cfg, const char *source, u64 phys, u32 len);

/* Physical memory through kmap_local_pfn, page by page (kernel only). */
extern const struct phys_reader kmap_phys_reader;

/*
 * smp_find_config - the CPUs hilo may start, BSP first.  bsp_apic_id is
 * the boot CPU's own local APIC ID (CPUID leaf 1, EBX bits 31..24): it is
 * put first in cfg->apic_id[], and added when the tables left it out.
 * Then the command line and NR_CPUS cut the list: nosmp or maxcpus=0
 * keep the BSP alone, maxcpus=N keeps at most N, and at most NR_CPUS are
 * kept.  Logs one line with the source and the APIC IDs.  Always leaves
 * cfg->nr_cpus >= 1 (cfg->source is SMP_SOURCE_NONE when no table was
 * usable) and cfg->lapic_phys page-aligned.
 */
void smp_find_config(struct smp_config *cfg, u8 bsp_apic_id);

/*
 * smp_config_limit - the second half of smp_find_config(), on its own for
 * the tests: put bsp_apic_id first (adding it if missing), then keep at
 * most 1 (nosmp), the value of maxcpus (a decimal string, NULL when
 * absent; a bad value is warned about and ignored) and nr_cpus_max CPUs.
 */
void smp_config_limit(struct smp_config *cfg, u8 bsp_apic_id, bool nosmp,
		      const char *maxcpus, unsigned int nr_cpus_max);

#endif
