/*
 * Host unit tests of the memory-map sanitizer (mm/memmap.c): the maps of
 * real machines and hand-made garbage, each result checked entry by entry
 * where it matters and always against the properties of memmap_check.h.
 */
#include <string.h>

#include "hilo_host.h"
#include "host_test.h"
#include "memmap_check.h"

#define G (1ULL << 30)
#define LIMIT36 (1ULL << 36)

static struct memmap out;

#define E(a, l, t) { .addr = (a), .len = (l), .type = (t) }

/* Sanitize and check the properties; false (with a report) on failure. */
static bool run(const struct boot_mmap_entry *raw, unsigned int n, u64 limit)
{
	const char *why;
	unsigned int nr;

	host_log_clear();
	nr = memmap_sanitize(raw, n, limit, true, &out);
	why = memmap_check(raw, n, limit, &out, strstr(host_log, "more than") != NULL);
	if (nr != out.nr || why) {
		printf("  returned %u, out.nr %u: %s\n", nr, out.nr, why ? why : "");
		return false;
	}
	return true;
}

static bool region_is(unsigned int i, u64 start, u64 end, u32 type)
{
	return i < out.nr && out.r[i].start == start && out.r[i].end == end &&
	       out.r[i].type == type;
}

static void qemu_pc_1g(void)
{
	static const struct boot_mmap_entry raw[] = {
		E(0, 0x9fc00, 1), E(0x9fc00, 0x400, 2), E(0xf0000, 0x10000, 2),
		E(0x100000, 0x3fee0000, 1), E(0x3ffe0000, 0x20000, 2),
		E(0xfeffc000, 0x4000, 2), E(0xfffc0000, 0x40000, 2),
	};

	CHECK(run(raw, ARRAY_SIZE(raw), LIMIT36));
	CHECK(out.nr == 7);
	CHECK(region_is(0, 0, 0x9f000, MEM_AVAILABLE));
	CHECK(region_is(1, 0x9f000, 0xa0000, MEM_RESERVED));
	CHECK(region_is(3, 0x100000, 0x3ffe0000, MEM_AVAILABLE));
	CHECK(memmap_total(&out, MEM_AVAILABLE) == 0x9f000 + 0x3fee0000);
}

static void qemu_pc_16g(void)
{
	static const struct boot_mmap_entry raw[] = {
		E(0, 0x9fc00, 1), E(0x9fc00, 0x400, 2), E(0xf0000, 0x10000, 2),
		E(0x100000, 0xbfee0000, 1), E(0xbffe0000, 0x20000, 2),
		E(0xfeffc000, 0x4000, 2), E(0xfffc0000, 0x40000, 2),
		E(0x100000000, 0x340000000, 1), E(0xfd00000000, 0x300000000, 2),
	};

	CHECK(run(raw, ARRAY_SIZE(raw), LIMIT36));
	/* The HyperTransport hole at 1012 GiB lies beyond 36 bits. */
	CHECK(out.nr == 8);
	CHECK(region_is(7, 0x100000000, 0x440000000, MEM_AVAILABLE));
	CHECK(run(raw, ARRAY_SIZE(raw), 1ULL << 40));
	CHECK(region_is(8, 0xfd00000000, 0x10000000000, MEM_RESERVED));
	/* A 32-bit CPU: RAM above 4 GiB is dropped, with a message. */
	CHECK(run(raw, ARRAY_SIZE(raw), 1ULL << 32));
	CHECK(out.nr == 7);
	CHECK(strstr(host_log, "beyond the CPU's 32-bit physical address width") != NULL);
}

static void bochs_with_acpi(void)
{
	static const struct boot_mmap_entry raw[] = {
		E(0, 0x9f000, 1), E(0x9f000, 0x1000, 2), E(0xe8000, 0x18000, 2),
		E(0x100000, 0x1fef0000, 1), E(0x1fff0000, 0xf000, 3),
		E(0x1ffff000, 0x1000, 4), E(0xfffc0000, 0x40000, 2),
	};

	CHECK(run(raw, ARRAY_SIZE(raw), LIMIT36));
	CHECK(region_is(4, 0x1fff0000, 0x1ffff000, MEM_ACPI));
	CHECK(region_is(5, 0x1ffff000, 0x20000000, MEM_NVS));
	CHECK(memmap_total(&out, MEM_ACPI) == 0xf000);
}

static void overlaps_zero_lengths_and_garbage(void)
{
	static const struct boot_mmap_entry raw[] = {
		E(0x200000, 0x100000, 1), E(0x100000, 0x180000, 1),	/* overlap */
		E(0x180800, 0x800, 2),				/* inside, unaligned */
		E(0x500000, 0, 2), E(0x0, 0, 1),			/* zero length */
		E(0x600123, 0x2000, 1),				/* unaligned available */
		E(0x700000, 0x1000, 77),				/* unknown type */
		E(0xfffffffffffff000, 0x3000, 1),			/* wraps past 2^64 */
		E(0xffff000, 0x2000, 5), E(0xffff800, 0x100, 4),	/* bad beats NVS */
	};

	CHECK(run(raw, ARRAY_SIZE(raw), LIMIT36));
	CHECK(region_is(0, 0x100000, 0x180000, MEM_AVAILABLE));
	CHECK(region_is(1, 0x180000, 0x181000, MEM_RESERVED));
	CHECK(region_is(2, 0x181000, 0x300000, MEM_AVAILABLE));
	CHECK(region_is(3, 0x601000, 0x602000, MEM_AVAILABLE));
	CHECK(region_is(4, 0x700000, 0x701000, MEM_RESERVED));
	CHECK(region_is(5, 0xffff000, 0x10001000, MEM_BAD));
	CHECK(out.nr == 6);
	CHECK(strstr(host_log, "unknown type 77") != NULL);
}

static void wraps_past_2_64_below_a_wide_limit(void)
{
	static const struct boot_mmap_entry raw[] = {
		E(0x7ffffffffffff800, 0x8000000000001000, 2),
	};

	CHECK(run(raw, ARRAY_SIZE(raw), 1ULL << 63));
	CHECK(region_is(0, 0x7ffffffffffff000, 1ULL << 63, MEM_RESERVED));
}

static void runs_out_of_regions(void)
{
	static struct boot_mmap_entry raw[2 * MEMMAP_MAX];

	for (unsigned int i = 0; i < ARRAY_SIZE(raw); i++)
		raw[i] = (struct boot_mmap_entry)E(i * 0x2000ULL, 0x1000, 1 + i % 2);
	CHECK(run(raw, ARRAY_SIZE(raw), LIMIT36));
	CHECK(out.nr == MEMMAP_MAX);
	CHECK(strstr(host_log, "more than 128 regions") != NULL);
}

static void empty_map(void)
{
	CHECK(run(NULL, 0, LIMIT36));
	CHECK(out.nr == 0);
}

static void bad_phys_limit_panics(void)
{
	CHECK(HOST_CATCH_PANIC(memmap_sanitize(NULL, 0, 3ULL << 32, false, &out)));
	CHECK(strstr(host_panic_msg, "memmap_sanitize: phys_limit 0x300000000 is not a power of two") != NULL);
	CHECK(HOST_CATCH_PANIC(memmap_sanitize(NULL, 0, 1ULL << 31, false, &out)));
	CHECK(!HOST_CATCH_PANIC(memmap_sanitize(NULL, 0, 1ULL << 63, false, &out)));
}

static void falls_back_to_mem_lower_upper(void)
{
	struct boot_mmap_entry raw[2];

	CHECK(memmap_from_mem_lower_upper(700, 0x3fe00 - 0x400, raw) == 2);
	CHECK(raw[0].len == 640 << 10 && raw[1].addr == 1 << 20);
	CHECK(run(raw, 2, LIMIT36));
	CHECK(memmap_total(&out, MEM_AVAILABLE) == (640ULL << 10) + ((0x3fe00ULL - 0x400) << 10));
}

static const struct host_case cases[] = {
	HOST_CASE(qemu_pc_1g),
	HOST_CASE(qemu_pc_16g),
	HOST_CASE(bochs_with_acpi),
	HOST_CASE(overlaps_zero_lengths_and_garbage),
	HOST_CASE(wraps_past_2_64_below_a_wide_limit),
	HOST_CASE(runs_out_of_regions),
	HOST_CASE(empty_map),
	HOST_CASE(bad_phys_limit_panics),
	HOST_CASE(falls_back_to_mem_lower_upper),
};

int main(void)
{
	return host_run("memmap", cases, ARRAY_SIZE(cases));
}
