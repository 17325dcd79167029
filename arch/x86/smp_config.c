/*
 * smp_find_config: which CPUs hilo may start.  The kernel side of the
 * firmware-table parsers (acpi.c, mptable.c): physical memory read page by
 * page through kmap_local_pfn, the fallbacks (MADT, then MP table, then
 * the boot CPU alone), and the command line (nosmp, maxcpus=N) and
 * NR_CPUS.  See asm/smp_config.h.
 */
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/smp_config.h>
#include <hilo/cmdline.h>
#include <hilo/compiler.h>
#include <hilo/highmem.h>
#include <hilo/printk.h>
#include <hilo/smp.h>
#include <hilo/string.h>

/*
 * Physical memory through kmap_local_pfn, one page at a time (a table
 * may cross a page boundary).  Addresses the CPU cannot map are refused:
 * a PTE with bits above its physical address width is a reserved-bit
 * fault, and a PAE frame number must fit in an unsigned long.
 */
static bool kmap_phys_read(void *ctx, u64 phys, void *buf, size_t len)
{
	unsigned int bits = boot_cpu.phys_bits ? boot_cpu.phys_bits : 32;
	u64 limit = 1ULL << min(bits, 32u + PAGE_SHIFT);
	u8 *out = buf;

	if (phys >= limit || len > limit - phys)
		return false;
	while (len) {
		size_t off = (size_t)(phys & (PAGE_SIZE - 1));
		size_t n = min(len, (size_t)PAGE_SIZE - off);
		const u8 *page = kmap_local_pfn((unsigned long)(phys >> PAGE_SHIFT));

		memcpy(out, page + off, n);
		kunmap_local(page);
		out += n;
		phys += n;
		len -= n;
	}
	return true;
}

const struct phys_reader kmap_phys_reader = { kmap_phys_read, NULL };

/* maxcpus= as a decimal number; false when it is not one. */
static bool parse_maxcpus(const char *s, unsigned int *out)
{
	unsigned int v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v > 100000 ? v : v * 10 + (unsigned int)(*s - '0');
	}
	*out = v;
	return true;
}

/* Move apic_id to the front of the list; false when it is not there. */
static bool put_first(struct smp_config *cfg, u8 apic_id)
{
	for (unsigned int i = 0; i < cfg->nr_cpus; i++) {
		if (cfg->apic_id[i] != apic_id)
			continue;
		for (; i > 0; i--)
			cfg->apic_id[i] = cfg->apic_id[i - 1];
		cfg->apic_id[0] = apic_id;
		return true;
	}
	return false;
}

void smp_config_limit(struct smp_config *cfg, u8 bsp_apic_id, bool nosmp,
		      const char *maxcpus, unsigned int nr_cpus_max)
{
	unsigned int limit = nr_cpus_max ? nr_cpus_max : 1, found, v;
	enum { BY_NR_CPUS, BY_MAXCPUS, BY_NOSMP } by = BY_NR_CPUS;

	if (!put_first(cfg, bsp_apic_id)) {
		unsigned int n = min(cfg->nr_cpus, SMP_CONFIG_MAX_CPUS - 1u);

		if (cfg->nr_cpus)
			pr_warn("smp: the boot CPU (APIC ID %u) is not in the %s: added\n",
				bsp_apic_id, cfg->source ? cfg->source : "table");
		for (unsigned int i = n; i > 0; i--)
			cfg->apic_id[i] = cfg->apic_id[i - 1];
		cfg->apic_id[0] = bsp_apic_id;
		cfg->nr_cpus = n + 1;
	}
	cfg->bsp_known = true;

	if (maxcpus) {
		if (!parse_maxcpus(maxcpus, &v))
			pr_warn("smp: ignoring maxcpus=%s: not a decimal number\n", maxcpus);
		else if (v < limit) {
			limit = v ? v : 1;	/* maxcpus=0: the boot CPU only */
			by = BY_MAXCPUS;
		}
	}
	if (nosmp) {
		limit = 1;
		by = BY_NOSMP;
	}
	found = cfg->nr_cpus;
	if (found > limit) {
		cfg->nr_cpus = limit;
		if (by == BY_NOSMP)
			pr_info("smp: %u CPUs found, using the boot CPU only (nosmp)\n", found);
		else if (by == BY_MAXCPUS)
			pr_info("smp: %u CPUs found, using %u (maxcpus=%s)\n", found, limit, maxcpus);
		else
			pr_info("smp: %u CPUs found, using %u (NR_CPUS)\n", found, limit);
	}
}

void smp_find_config(struct smp_config *cfg, u8 bsp_apic_id)
{
	char acpi_why[sizeof(cfg->why)], line[160];
	int len;

	if (!acpi_find_madt_config(&kmap_phys_reader, cfg)) {
		strlcpy(acpi_why, cfg->why, sizeof(acpi_why));
		if (mptable_find_config(&kmap_phys_reader, cfg)) {
			pr_info("smp: no ACPI MADT (%s), using the MP table\n", acpi_why);
		} else {
			pr_info("smp: no ACPI MADT (%s) and no MP table (%s): running on one CPU\n",
				acpi_why, cfg->why);
			smp_config_init(cfg);
			cfg->source = SMP_SOURCE_NONE;
			strlcpy(cfg->why, "no ACPI MADT and no MP table", sizeof(cfg->why));
		}
	}

	smp_config_limit(cfg, bsp_apic_id, cmdline_has("nosmp"),
			 cmdline_get("maxcpus"), NR_CPUS);

	len = snprintf(line, sizeof(line), "%u CPU%s, APIC IDs", cfg->nr_cpus,
		       cfg->nr_cpus == 1 ? "" : "s");
	for (unsigned int i = 0; i < cfg->nr_cpus && len < (int)sizeof(line); i++)
		len += snprintf(line + len, sizeof(line) - len, " %u", cfg->apic_id[i]);
	pr_info("smp: %s: %s (BSP %u), local APIC at %#x%s%s%s\n", cfg->source, line,
		bsp_apic_id, cfg->lapic_phys, cfg->why[0] ? " (" : "", cfg->why,
		cfg->why[0] ? ")" : "");
}
