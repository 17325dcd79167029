/* What the two firmware-table fuzzers share (fuzz_madt.c, fuzz_mptable.c). */
#ifndef TESTS_HOST_FUZZ_SMP_H
#define TESTS_HOST_FUZZ_SMP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smp_fakemem.h"

#define FUZZ_MEM 0x100000u	/* 1 MiB of fake memory */

#define FUZZ_CHECK(c) do { if (!(c)) fuzz_fail(#c, __LINE__); } while (0)

static inline void fuzz_fail(const char *what, int line)
{
	printf("fuzz property failed (line %d): %s\n", line, what);
	abort();
}

/* Properties of every result, whatever the input. */
static inline void fuzz_check_common(const struct smp_config *cfg, bool ok)
{
	FUZZ_CHECK(memchr(cfg->why, '\0', sizeof(cfg->why)) != NULL);
	FUZZ_CHECK(cfg->nr_cpus <= SMP_CONFIG_MAX_CPUS);
	if (!ok) {
		FUZZ_CHECK(cfg->nr_cpus == 0);
		FUZZ_CHECK(cfg->why[0] != '\0');
		return;
	}
	FUZZ_CHECK(cfg->nr_cpus >= 1);
	FUZZ_CHECK(cfg->source != NULL);
	FUZZ_CHECK(cfg->lapic_phys != 0 && (cfg->lapic_phys & 0xFFF) == 0);
	for (unsigned int i = 0; i < cfg->nr_cpus; i++) {
		FUZZ_CHECK(cfg->apic_id[i] != 0xFF);
		for (unsigned int j = 0; j < i; j++)
			FUZZ_CHECK(cfg->apic_id[i] != cfg->apic_id[j]);
	}
}

#endif
