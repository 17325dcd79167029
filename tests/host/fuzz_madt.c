/*
 * libFuzzer target for acpi.c: the input is one control byte and a
 * payload.  Control bits:
 *   0  RSDP revision 2 with an XSDT (else revision 0 and the RSDT)
 *   1  fix the payload's header: "APIC", its length, its checksum
 *   2  raw: the payload is the memory at 0xE0000 (RSDP, RSDT, anything),
 *      nothing else is written
 *   3  the RSDP in the EBDA (segment 0x9FC0) instead of 0xE0000
 * Otherwise the payload is the MADT at 0xE2000 (cut at the end of the
 * 1 MiB memory).  Properties: no crash, no sanitizer report, the same
 * result twice, at most as many CPUs as processor entries in the table,
 * every APIC ID from an enabled entry.
 */
#include "fuzz_smp.h"

#define RSDP_AT  0xE0000u
#define EBDA_AT  0x9FC00u
#define RSDT_AT  0xE1000u
#define XSDT_AT  0xE1100u
#define MADT_AT  0xE2000u

static struct fake_mem mem;

static void build(const u8 *data, size_t size)
{
	u8 ctl = size ? data[0] : 0;
	const u8 *payload = size ? data + 1 : data;
	size_t plen = size ? size - 1 : 0;

	fm_init(&mem, FUZZ_MEM);
	if (ctl & 4) {
		if (plen > FUZZ_MEM - RSDP_AT)
			plen = FUZZ_MEM - RSDP_AT;
		memcpy(mem.b + RSDP_AT, payload, plen);
		return;
	}
	if (ctl & 8)
		put16(mem.b + 0x40E, EBDA_AT >> 4);
	fm_put_rsdp(&mem, ctl & 8 ? EBDA_AT : RSDP_AT, ctl & 1 ? 2 : 0, RSDT_AT,
		    ctl & 1 ? XSDT_AT : 0);
	fm_put_rsdt(&mem, RSDT_AT, (const u32[]){ MADT_AT }, 1);
	if (ctl & 1)
		fm_put_xsdt(&mem, XSDT_AT, (const u64[]){ MADT_AT }, 1);
	if (plen > FUZZ_MEM - MADT_AT)
		plen = FUZZ_MEM - MADT_AT;
	memcpy(mem.b + MADT_AT, payload, plen);
	if ((ctl & 2) && plen >= 36) {
		memcpy(mem.b + MADT_AT, "APIC", 4);
		put32(mem.b + MADT_AT + 4, (u32)plen);
		fix_checksum(mem.b + MADT_AT, plen, 9);
	}
}

/* Is there an enabled processor entry for id starting anywhere in [lo, hi)? */
static bool enabled_entry_for(u64 lo, u64 hi, u8 id)
{
	const u8 *b = mem.b;

	for (u64 o = lo; o + 2 <= hi; o++) {
		if (b[o] == 0 && b[o + 1] >= 8 && o + 8 <= hi &&
		    b[o + 3] == id && (b[o + 4] & 1))
			return true;
		if (b[o] == 9 && b[o + 1] >= 16 && o + 16 <= hi &&
		    get_le32(b + o + 4) == id && (b[o + 8] & 1))
			return true;
	}
	return false;
}

static unsigned int processor_entries(u64 lo, u64 hi)
{
	unsigned int n = 0;

	for (u64 o = lo; o + 2 <= hi; o++)
		if ((mem.b[o] == 0 && mem.b[o + 1] >= 8 && o + 8 <= hi) ||
		    (mem.b[o] == 9 && mem.b[o + 1] >= 16 && o + 16 <= hi))
			n++;
	return n;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct smp_config a, b;
	struct phys_reader r;
	bool ok_a, ok_b;

	build(data, size);
	r = fm_reader(&mem);
	ok_a = acpi_find_madt_config(&r, &a);
	ok_b = acpi_find_madt_config(&r, &b);
	FUZZ_CHECK(ok_a == ok_b && memcmp(&a, &b, sizeof(a)) == 0);
	fuzz_check_common(&a, ok_a);
	if (!ok_a)
		return 0;
	FUZZ_CHECK(a.table_len >= 44 && a.table_phys <= mem.size &&
		   a.table_len <= mem.size - a.table_phys);
	{
		u64 lo = a.table_phys + 44, hi = a.table_phys + a.table_len;

		FUZZ_CHECK(a.nr_cpus <= processor_entries(lo, hi));
		for (unsigned int i = 0; i < a.nr_cpus; i++)
			FUZZ_CHECK(enabled_entry_for(lo, hi, a.apic_id[i]));
	}
	return 0;
}
