/*
 * libFuzzer target for mptable.c: the input is one control byte and a
 * payload.  Control bits:
 *   0  the floating pointer in the last KiB of base memory (else 0xF0000)
 *   1  fix the payload's header: "PCMP", base length, checksum
 *   2  raw: the payload is the memory at 0xF0000 (floating pointer, table,
 *      anything), nothing else is written
 *   3  the floating pointer in the EBDA (segment 0x9FC0)
 *   4  a default configuration (feature byte 1 = the top 3 bits, or 1)
 * Otherwise the payload is the configuration table at 0xF1000.
 * Properties: no crash, no sanitizer report, the same result twice, at
 * most as many CPUs as processor entries in the table, every APIC ID from
 * an enabled entry; a default configuration is exactly APIC IDs 0 and 1.
 */
#include "fuzz_smp.h"

#define ROM_AT   0xF0000u
#define EBDA_AT  0x9FC00u
#define BASE_AT  (639u * 1024)
#define MPC_AT   0xF1000u

static struct fake_mem mem;

static void build(const u8 *data, size_t size)
{
	u8 ctl = size ? data[0] : 0;
	const u8 *payload = size ? data + 1 : data;
	size_t plen = size ? size - 1 : 0;
	u64 mpf = ROM_AT;

	fm_init(&mem, FUZZ_MEM);
	if (ctl & 4) {
		if (plen > FUZZ_MEM - ROM_AT)
			plen = FUZZ_MEM - ROM_AT;
		memcpy(mem.b + ROM_AT, payload, plen);
		return;
	}
	if (ctl & 8) {
		put16(mem.b + 0x40E, EBDA_AT >> 4);
		mpf = EBDA_AT + 0x10;
	} else if (ctl & 1) {
		mpf = BASE_AT + 0x3F0;
	}
	fm_put_mpf(&mem, mpf, MPC_AT, ctl & 16 ? ((ctl >> 5) ? ctl >> 5 : 1) : 0);
	if (plen > FUZZ_MEM - MPC_AT)
		plen = FUZZ_MEM - MPC_AT;
	memcpy(mem.b + MPC_AT, payload, plen);
	if ((ctl & 2) && plen >= 44) {
		u16 len = plen > 0xFFFF ? 0xFFFF : (u16)plen;

		memcpy(mem.b + MPC_AT, "PCMP", 4);
		put16(mem.b + MPC_AT + 4, len);
		fix_checksum(mem.b + MPC_AT, len, 7);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct smp_config a, b;
	struct phys_reader r;
	bool ok_a, ok_b;

	build(data, size);
	r = fm_reader(&mem);
	ok_a = mptable_find_config(&r, &a);
	ok_b = mptable_find_config(&r, &b);
	FUZZ_CHECK(ok_a == ok_b && memcmp(&a, &b, sizeof(a)) == 0);
	fuzz_check_common(&a, ok_a);
	if (!ok_a)
		return 0;
	if (a.table_len == 0) {		/* a default configuration */
		FUZZ_CHECK(a.nr_cpus == 2 && a.apic_id[0] == 0 && a.apic_id[1] == 1);
		return 0;
	}
	FUZZ_CHECK(a.table_len >= 44 && a.table_phys <= mem.size &&
		   a.table_len <= mem.size - a.table_phys);
	{
		u64 lo = a.table_phys + 44, hi = a.table_phys + a.table_len;
		unsigned int entries = 0;

		for (u64 o = lo; o + 20 <= hi; o++)
			entries += mem.b[o] == 0;
		FUZZ_CHECK(a.nr_cpus <= entries);
		for (unsigned int i = 0; i < a.nr_cpus; i++) {
			bool found = false;

			for (u64 o = lo; o + 20 <= hi && !found; o++)
				found = mem.b[o] == 0 && mem.b[o + 1] == a.apic_id[i] &&
					(mem.b[o + 3] & 1);
			FUZZ_CHECK(found);
		}
	}
	return 0;
}
