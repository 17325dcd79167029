/*
 * Tests for the memory-map sanitizer (mm/memmap.c).
 *
 * Most cases are tables: a raw map as a loader would hand it over
 * ({ addr, len, type }, in loader order) and the exact map it must become
 * ({ start, end, type }, end exclusive).  One loop compares them region by
 * region and names the case, the index and both regions on a mismatch;
 * every result is also checked against the invariants memmap.h promises.
 */
#include <asm/layout.h>
#include <asm/processor.h>
#include <hilo/ktest.h>
#include <hilo/memmap.h>

#include "logbuf.h"

#define A MEM_AVAILABLE
#define R MEM_RESERVED

#define BITS(n) (1ULL << (n))
#define GiB(n)  ((u64)(n) << 30)

#define CASE_MAX 8

struct sanitize_case {
	const char *name;
	u64 phys_limit;
	unsigned int n;
	struct boot_mmap_entry raw[CASE_MAX];
	unsigned int nr;
	struct mem_region want[CASE_MAX];
};

/* Fill .raw / .want and count them: RAW({ 0, 0x1000, A }, ...). */
#define RAW(...)  .n = ARRAY_SIZE(((const struct boot_mmap_entry[]){ __VA_ARGS__ })), \
		  .raw = { __VA_ARGS__ }
#define WANT(...) .nr = ARRAY_SIZE(((const struct mem_region[]){ __VA_ARGS__ })), \
		  .want = { __VA_ARGS__ }

#define REGION_FMT "[0x%llx, 0x%llx) %s"
#define REGION_ARGS(r) (r)->start, (r)->end, ((r)->type ? memmap_type_name((r)->type) : "none")

/* About 2.5 KB each: kept off the test's stack. */
static struct memmap out;
static struct mem_region want_big[MEMMAP_MAX];
static struct boot_mmap_entry raw_big[2 * MEMMAP_MAX];

/* What memmap.h promises of every result, whatever the input. */
static void check_invariants(struct ktest *t, const char *name,
			     const struct memmap *m, u64 phys_limit)
{
	if (m->nr > MEMMAP_MAX) {
		KTEST_FAIL(t, "%s: %u regions, more than MEMMAP_MAX", name, m->nr);
		return;
	}
	for (unsigned int i = 0; i < m->nr; i++) {
		const struct mem_region *r = &m->r[i], *prev = i ? &m->r[i - 1] : NULL;

		if (r->start >= r->end || !IS_ALIGNED(r->start, PAGE_SIZE) ||
		    !IS_ALIGNED(r->end, PAGE_SIZE) || r->end > phys_limit ||
		    r->type < MEM_AVAILABLE || r->type > MEM_BAD)
			KTEST_FAIL(t, "%s: region %u " REGION_FMT " is empty, unaligned, beyond the limit or of a bad type",
				   name, i, REGION_ARGS(r));
		if (prev && prev->end > r->start)
			KTEST_FAIL(t, "%s: region %u " REGION_FMT " overlaps or precedes " REGION_FMT,
				   name, i, REGION_ARGS(r), REGION_ARGS(prev));
		if (prev && prev->end == r->start && prev->type == r->type)
			KTEST_FAIL(t, "%s: region %u " REGION_FMT " should have been merged into " REGION_FMT,
				   name, i, REGION_ARGS(r), REGION_ARGS(prev));
	}
}

static void check_map(struct ktest *t, const char *name, const struct memmap *got,
		      u64 phys_limit, const struct mem_region *want, unsigned int nr)
{
	static const struct mem_region none;
	unsigned int got_nr = min(got->nr, (unsigned int)MEMMAP_MAX);

	if (got->nr != nr)
		KTEST_FAIL(t, "%s: %u regions, expected %u", name, got->nr, nr);
	for (unsigned int i = 0; i < max(got_nr, nr); i++) {
		const struct mem_region *g = i < got_nr ? &got->r[i] : &none;
		const struct mem_region *w = i < nr ? &want[i] : &none;

		if (g->start != w->start || g->end != w->end || g->type != w->type)
			KTEST_FAIL(t, "%s: region %u is " REGION_FMT ", expected " REGION_FMT,
				   name, i, REGION_ARGS(g), REGION_ARGS(w));
	}
	check_invariants(t, name, got, phys_limit);
}

static void check_cases(struct ktest *t, const struct sanitize_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct sanitize_case *c = &cases[i];
		unsigned int nr = memmap_sanitize(c->raw, c->n, c->phys_limit, false, &out);

		if (nr != out.nr)
			KTEST_FAIL(t, "%s: returned %u, out.nr is %u", c->name, nr, out.nr);
		check_map(t, c->name, &out, c->phys_limit, c->want, c->nr);
	}
}

#define CHECK_CASES(t, cases) check_cases(t, cases, ARRAY_SIZE(cases))

/* QEMU's pc machine with -m 256M, as its multiboot loader reports it. */
#define QEMU_256M_RAW \
	RAW({ 0x00000000, 0x0009fc00, A }, { 0x0009fc00, 0x00000400, R }, \
	    { 0x000f0000, 0x00010000, R }, { 0x00100000, 0x0fee0000, A }, \
	    { 0x0ffe0000, 0x00020000, R }, { 0xfffc0000, 0x00040000, R })
#define QEMU_256M_WANT \
	WANT({ 0x00000000, 0x0009f000, A }, { 0x0009f000, 0x000a0000, R }, \
	     { 0x000f0000, 0x00100000, R }, { 0x00100000, 0x0ffe0000, A }, \
	     { 0x0ffe0000, 0x10000000, R }, { 0xfffc0000, 0x100000000, R })

static const struct sanitize_case qemu_256m = {
	"qemu -m 256M", BITS(36), QEMU_256M_RAW, QEMU_256M_WANT,
};

KTEST(memmap, keeps_a_typical_qemu_map)
{
	static const struct sanitize_case cases[] = {
		{ "qemu -m 256M", BITS(36), QEMU_256M_RAW, QEMU_256M_WANT },
		{ "qemu -m 256M, 32-bit CPU", BITS(32), QEMU_256M_RAW, QEMU_256M_WANT },
	};

	CHECK_CASES(t, cases);
}

KTEST(memmap, sorts_unsorted_entries)
{
	static const struct sanitize_case cases[] = {
		{ "qemu -m 256M backwards", BITS(36),
		  RAW({ 0xfffc0000, 0x00040000, R }, { 0x0ffe0000, 0x00020000, R },
		      { 0x00100000, 0x0fee0000, A }, { 0x000f0000, 0x00010000, R },
		      { 0x0009fc00, 0x00000400, R }, { 0x00000000, 0x0009fc00, A }),
		  QEMU_256M_WANT },
		{ "qemu -m 256M shuffled", BITS(36),
		  RAW({ 0x00100000, 0x0fee0000, A }, { 0xfffc0000, 0x00040000, R },
		      { 0x0009fc00, 0x00000400, R }, { 0x00000000, 0x0009fc00, A },
		      { 0x0ffe0000, 0x00020000, R }, { 0x000f0000, 0x00010000, R }),
		  QEMU_256M_WANT },
	};

	CHECK_CASES(t, cases);
}

KTEST(memmap, reserved_wins_over_available)
{
	static const struct sanitize_case cases[] = {
		{ "reserved overlaps the top of available", BITS(36),
		  RAW({ 0x100000, 0x100000, A }, { 0x180000, 0x100000, R }),
		  WANT({ 0x100000, 0x180000, A }, { 0x180000, 0x280000, R }) },
		{ "reserved overlaps the bottom of available", BITS(36),
		  RAW({ 0x100000, 0x100000, A }, { 0x080000, 0x090000, R }),
		  WANT({ 0x080000, 0x110000, R }, { 0x110000, 0x200000, A }) },
		{ "reserved contains available", BITS(36),
		  RAW({ 0x200000, 0x100000, A }, { 0x100000, 0x300000, R }),
		  WANT({ 0x100000, 0x400000, R }) },
		{ "available contains reserved", BITS(36),
		  RAW({ 0x100000, 0x300000, A }, { 0x200000, 0x001000, R }),
		  WANT({ 0x100000, 0x200000, A }, { 0x200000, 0x201000, R },
		       { 0x201000, 0x400000, A }) },
		{ "the same range twice", BITS(36),
		  RAW({ 0x100000, 0x100000, R }, { 0x100000, 0x100000, A }),
		  WANT({ 0x100000, 0x200000, R }) },
		{ "every reserved type beats available", BITS(36),
		  RAW({ 0x0000, 0x8000, A }, { 0x1000, 0x1000, MEM_ACPI },
		      { 0x3000, 0x1000, MEM_NVS }, { 0x5000, 0x1000, MEM_BAD }),
		  WANT({ 0x0000, 0x1000, A }, { 0x1000, 0x2000, MEM_ACPI },
		       { 0x2000, 0x3000, A }, { 0x3000, 0x4000, MEM_NVS },
		       { 0x4000, 0x5000, A }, { 0x5000, 0x6000, MEM_BAD },
		       { 0x6000, 0x8000, A }) },
		{ "an unaligned reserved entry takes its whole pages", BITS(36),
		  RAW({ 0x0000, 0x8000, A }, { 0x2800, 0x1000, R }),
		  WANT({ 0x0000, 0x2000, A }, { 0x2000, 0x4000, R }, { 0x4000, 0x8000, A }) },
	};

	CHECK_CASES(t, cases);
}

KTEST(memmap, higher_type_wins_among_reserved_types)
{
	static const struct sanitize_case cases[] = {
		{ "ACPI NVS over ACPI data", BITS(36),
		  RAW({ 0x1000, 0x2000, MEM_ACPI }, { 0x2000, 0x2000, MEM_NVS }),
		  WANT({ 0x1000, 0x2000, MEM_ACPI }, { 0x2000, 0x4000, MEM_NVS }) },
		{ "bad RAM over reserved", BITS(36),
		  RAW({ 0x10000, 0x10000, MEM_BAD }, { 0x00000, 0x40000, R }),
		  WANT({ 0x00000, 0x10000, R }, { 0x10000, 0x20000, MEM_BAD },
		       { 0x20000, 0x40000, R }) },
		{ "a page shared by two reserved types goes to the higher", BITS(36),
		  RAW({ 0x1000, 0x0800, R }, { 0x1800, 0x1000, MEM_ACPI }),
		  WANT({ 0x1000, 0x3000, MEM_ACPI }) },
		{ "a page shared by three reserved types goes to the highest", BITS(36),
		  RAW({ 0x1000, 0x0400, MEM_NVS }, { 0x1400, 0x0400, MEM_BAD },
		      { 0x1800, 0x1000, MEM_ACPI }, { 0x0000, 0x4000, A }),
		  WANT({ 0x0000, 0x1000, A }, { 0x1000, 0x2000, MEM_BAD },
		       { 0x2000, 0x3000, MEM_ACPI }, { 0x3000, 0x4000, A }) },
	};

	CHECK_CASES(t, cases);
}

KTEST(memmap, merges_overlapping_available_ranges)
{
	static const struct sanitize_case cases[] = {
		{ "two overlapping available ranges", BITS(36),
		  RAW({ 0x100000, 0x200000, A }, { 0x200000, 0x300000, A }),
		  WANT({ 0x100000, 0x500000, A }) },
		{ "available inside available", BITS(36),
		  RAW({ 0x100000, 0x400000, A }, { 0x200000, 0x001000, A }),
		  WANT({ 0x100000, 0x500000, A }) },
		{ "a chain of overlaps", BITS(36),
		  RAW({ 0x3000, 0x2000, A }, { 0x0000, 0x2000, A }, { 0x1000, 0x3000, A }),
		  WANT({ 0x0000, 0x5000, A }) },
	};

	CHECK_CASES(t, cases);
}

KTEST(memmap, merges_adjacent_regions_of_one_type)
{
	static const struct sanitize_case cases[] = {
		{ "adjacent available", BITS(36),
		  RAW({ 0x0000, 0x1000, A }, { 0x1000, 0x1000, A }, { 0x2000, 0x2000, A }),
		  WANT({ 0x0000, 0x4000, A }) },
		{ "adjacent reserved", BITS(36),
		  RAW({ 0xf0000, 0x8000, R }, { 0xf8000, 0x8000, R }),
		  WANT({ 0xf0000, 0x100000, R }) },
		{ "halves of one page, merged before aligning", BITS(36),
		  RAW({ 0x0000, 0x1800, A }, { 0x1800, 0x1800, A }),
		  WANT({ 0x0000, 0x3000, A }) },
		{ "reserved entries joined by their pages", BITS(36),
		  RAW({ 0x1000, 0x0800, R }, { 0x1900, 0x1700, R }),
		  WANT({ 0x1000, 0x3000, R }) },
		{ "adjacent entries of different types stay apart", BITS(36),
		  RAW({ 0x0000, 0x1000, A }, { 0x1000, 0x1000, R }, { 0x2000, 0x1000, MEM_ACPI }),
		  WANT({ 0x0000, 0x1000, A }, { 0x1000, 0x2000, R }, { 0x2000, 0x3000, MEM_ACPI }) },
		{ "a hole keeps regions of one type apart", BITS(36),
		  RAW({ 0x0000, 0x1000, A }, { 0x2000, 0x1000, A }),
		  WANT({ 0x0000, 0x1000, A }, { 0x2000, 0x3000, A }) },
	};

	CHECK_CASES(t, cases);
}

KTEST(memmap, drops_zero_length_entries)
{
	static const struct sanitize_case cases[] = {
		{ "zero-length entries around one range", BITS(36),
		  RAW({ 0x1000, 0, A }, { 0x100000, 0x100000, A }, { 0x5000, 0, R },
		      { 0, 0, R }),
		  WANT({ 0x100000, 0x200000, A }) },
		{ "a zero-length reserved entry does not split available", BITS(36),
		  RAW({ 0x100000, 0x100000, A }, { 0x180000, 0, R }),
		  WANT({ 0x100000, 0x200000, A }) },
		{ "only zero-length entries", BITS(36),
		  RAW({ 0x1000, 0, A }, { 0x2000, 0, R }),
		  WANT() },
	};

	CHECK_CASES(t, cases);
}

KTEST(memmap, aligns_available_inward_and_reserved_outward)
{
	static const struct sanitize_case cases[] = {
		{ "unaligned available", BITS(36),
		  RAW({ 0x1234, 0x4444, A }),
		  WANT({ 0x2000, 0x5000, A }) },
		{ "unaligned reserved", BITS(36),
		  RAW({ 0x9100, 0x0100, R }),
		  WANT({ 0x9000, 0xa000, R }) },
		{ "available smaller than a page", BITS(36),
		  RAW({ 0x20010, 0x0fe0, A }, { 0x40000, 0x1000, A }),
		  WANT({ 0x40000, 0x41000, A }) },
		{ "available straddling a page boundary, no whole page", BITS(36),
		  RAW({ 0x30800, 0x1000, A }),
		  WANT() },
		{ "the BIOS data area below 640 KiB", BITS(36),
		  RAW({ 0x00000, 0x9fc00, A }, { 0x9fc00, 0x400, R }),
		  WANT({ 0x00000, 0x9f000, A }, { 0x9f000, 0xa0000, R }) },
	};

	CHECK_CASES(t, cases);
}

KTEST(memmap, drops_memory_beyond_the_physical_width)
{
	static const struct sanitize_case cases[] = {
		{ "RAM above 64 GiB on a 36-bit CPU", BITS(36),
		  RAW({ 0x100000, 0xff00000, A }, { GiB(64), GiB(1), A },
		      { GiB(100), 0x1000, R }),
		  WANT({ 0x100000, 0x10000000, A }) },
		{ "an entry starting exactly at the limit", BITS(36),
		  RAW({ GiB(63), GiB(1), A }, { GiB(64), GiB(1), A }),
		  WANT({ GiB(63), GiB(64), A }) },
	};
	u32 head = log_head;

	CHECK_CASES(t, cases);
	EXPECT_TRUE(t, log_contains_since(head, "beyond the CPU's 36-bit physical address width: dropped"));
}

KTEST(memmap, clips_memory_crossing_the_physical_width)
{
	static const struct sanitize_case cases[] = {
		{ "RAM crossing 64 GiB on a 36-bit CPU", BITS(36),
		  RAW({ 0x100000, 0xff00000, A }, { GiB(63), GiB(2), A }),
		  WANT({ 0x100000, 0x10000000, A }, { GiB(63), GiB(64), A }) },
		{ "reserved crossing 4 GiB on a 32-bit CPU", BITS(32),
		  RAW({ 0xfffc0000, 0x80000, R }),
		  WANT({ 0xfffc0000, 0x100000000, R }) },
	};
	u32 head = log_head;

	CHECK_CASES(t, cases);
	EXPECT_TRUE(t, log_contains_since(head, "beyond the CPU's 36-bit physical address width: clipped"));
	EXPECT_TRUE(t, log_contains_since(head, "beyond the CPU's 32-bit physical address width: clipped"));
}

/* QEMU's pc machine with -m 5G: 3 GiB below the PCI hole, 2 GiB above 4 GiB. */
#define QEMU_5G_RAW \
	RAW({ 0x00000000, 0x0009fc00, A }, { 0x0009fc00, 0x00000400, R }, \
	    { 0x000f0000, 0x00010000, R }, { 0x00100000, 0xbfee0000, A }, \
	    { 0xbffe0000, 0x00020000, R }, { 0xfffc0000, 0x00040000, R }, \
	    { 0x100000000, 0x80000000, A })

/*
 * On QEMU's default qemu32 CPU (32 address bits: PAE without PSE-36) the
 * RAM above 4 GiB is out of reach; with +pse36 it is kept.
 */
KTEST(memmap, drops_ram_above_4g_on_a_32_bit_cpu)
{
	static const struct sanitize_case cases[] = {
		{ "qemu32 -m 5G", BITS(32),
		  QEMU_5G_RAW,
		  WANT({ 0x00000000, 0x0009f000, A }, { 0x0009f000, 0x000a0000, R },
		       { 0x000f0000, 0x00100000, R }, { 0x00100000, 0xbffe0000, A },
		       { 0xbffe0000, 0xc0000000, R }, { 0xfffc0000, 0x100000000, R }) },
		{ "qemu32,+pse36 -m 5G", BITS(36),
		  QEMU_5G_RAW,
		  WANT({ 0x00000000, 0x0009f000, A }, { 0x0009f000, 0x000a0000, R },
		       { 0x000f0000, 0x00100000, R }, { 0x00100000, 0xbffe0000, A },
		       { 0xbffe0000, 0xc0000000, R }, { 0xfffc0000, 0x100000000, R },
		       { 0x100000000, 0x180000000, A }) },
	};
	u32 head = log_head;

	CHECK_CASES(t, cases);
	EXPECT_TRUE(t, log_contains_since(head,
		"entry 6 at 0x0000000100000000, length 0x80000000, usable, is beyond the CPU's 32-bit physical address width: dropped"));
}

KTEST(memmap, clips_entries_that_wrap_past_2_64)
{
	static const struct sanitize_case cases[] = {
		{ "a length of 2^64 - 1", BITS(36),
		  RAW({ 0x100000, 0xffffffffffffffff, A }),
		  WANT({ 0x100000, BITS(36), A }) },
		{ "an end of exactly 2^64", BITS(36),
		  RAW({ 0x1000, 0xfffffffffffff000, R }),
		  WANT({ 0x1000, BITS(36), R }) },
		{ "wrapping from the top page", BITS(36),
		  RAW({ 0xfffffffffffff800, 0x1000, R }, { 0, 0x1000, A }),
		  WANT({ 0, 0x1000, A }) },
	};
	u32 head = log_head;

	CHECK_CASES(t, cases);
	EXPECT_TRUE(t, log_contains_since(head,
		"entry 0 at 0x0000000000100000, length 0xffffffffffffffff, wraps past 2^64: clipped at 0xfffffffffffff000"));
}

KTEST(memmap, all_reserved_map_has_no_available_memory)
{
	static const struct sanitize_case cases[] = {
		{ "all reserved", BITS(36),
		  RAW({ 0x000000, 0x100000, R }, { 0x100000, 0x800000, MEM_NVS },
		      { 0x900000, 0x100000, MEM_BAD }),
		  WANT({ 0x000000, 0x100000, R }, { 0x100000, 0x900000, MEM_NVS },
		       { 0x900000, 0xa00000, MEM_BAD }) },
		{ "available covered by reserved or too small", BITS(36),
		  RAW({ 0x100000, 0x100000, A }, { 0x0fff00, 0x200200, R },
		      { 0x400010, 0x00800, A }),
		  WANT({ 0x0ff000, 0x301000, R }) },
	};

	CHECK_CASES(t, cases);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		memmap_sanitize(cases[i].raw, cases[i].n, cases[i].phys_limit, false, &out);
		EXPECT_EQ(t, memmap_total(&out, MEM_AVAILABLE), 0ULL);
		EXPECT_NE(t, memmap_total(&out, MEM_RESERVED), 0ULL);
	}
}

KTEST(memmap, treats_unknown_types_as_reserved)
{
	static const struct sanitize_case cases[] = {
		{ "types 0, 6, 12 and 0xffffffff", BITS(36),
		  RAW({ 0x0000, 0x1000, 0 }, { 0x1000, 0x1000, 6 }, { 0x3000, 0x1000, 12 },
		      { 0x5000, 0x1000, 0xffffffff }),
		  WANT({ 0x0000, 0x2000, R }, { 0x3000, 0x4000, R }, { 0x5000, 0x6000, R }) },
		{ "an unknown type beats available", BITS(36),
		  RAW({ 0x100000, 0x100000, A }, { 0x140000, 0x1000, 0x80 }),
		  WANT({ 0x100000, 0x140000, A }, { 0x140000, 0x141000, R },
		       { 0x141000, 0x200000, A }) },
		{ "ACPI data beats an unknown type", BITS(36),
		  RAW({ 0x1000, 0x3000, 7 }, { 0x2000, 0x1000, MEM_ACPI }),
		  WANT({ 0x1000, 0x2000, R }, { 0x2000, 0x3000, MEM_ACPI }, { 0x3000, 0x4000, R }) },
	};
	u32 head = log_head;

	CHECK_CASES(t, cases);
	EXPECT_TRUE(t, log_contains_since(head, "has unknown type 12: treated as reserved"));
}

KTEST(memmap, falls_back_to_mem_lower_and_mem_upper)
{
	static const struct {
		const char *name;
		u32 lower_kb, upper_kb;
		struct boot_mmap_entry raw[2];
		struct mem_region want[2];
	} cases[] = {
		{ "qemu -m 256M", 639, 261120,
		  { { 0, 0x9fc00, A }, { 0x100000, 0xff00000, A } },
		  { { 0, 0x9f000, A }, { 0x100000, 0x10000000, A } } },
		{ "mem_lower past 640 KiB", 1000, 1024,
		  { { 0, 0xa0000, A }, { 0x100000, 0x100000, A } },
		  { { 0, 0xa0000, A }, { 0x100000, 0x200000, A } } },
		{ "mem_upper up to 4 GiB", 640, 0x3ffc00,
		  { { 0, 0xa0000, A }, { 0x100000, 0xfff00000, A } },
		  { { 0, 0xa0000, A }, { 0x100000, 0x100000000, A } } },
	};
	struct boot_mmap_entry raw[2];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned int n = memmap_from_mem_lower_upper(cases[i].lower_kb,
							     cases[i].upper_kb, raw);

		EXPECT_EQ(t, n, 2u);
		for (unsigned int j = 0; j < 2; j++)
			if (raw[j].addr != cases[i].raw[j].addr || raw[j].len != cases[i].raw[j].len ||
			    raw[j].type != cases[i].raw[j].type)
				KTEST_FAIL(t, "%s: entry %u is { 0x%llx, 0x%llx, %u }, expected { 0x%llx, 0x%llx, %u }",
					   cases[i].name, j, raw[j].addr, raw[j].len, raw[j].type,
					   cases[i].raw[j].addr, cases[i].raw[j].len, cases[i].raw[j].type);
		memmap_sanitize(raw, n, BITS(32), false, &out);
		check_map(t, cases[i].name, &out, BITS(32), cases[i].want, 2);
	}
}

KTEST(memmap, accepts_an_empty_map)
{
	EXPECT_EQ(t, memmap_sanitize(NULL, 0, BITS(36), true, &out), 0u);
	EXPECT_EQ(t, out.nr, 0u);
	EXPECT_EQ(t, memmap_total(&out, MEM_AVAILABLE), 0ULL);
}

/*
 * 2 * MEMMAP_MAX one-page entries alternating available and reserved, fed
 * highest first: the map keeps the lowest MEMMAP_MAX and writes nothing
 * past its array.
 */
KTEST(memmap, stops_at_memmap_max_regions)
{
	static struct {
		struct memmap m;
		u32 guard;
	} big;
	unsigned int n = ARRAY_SIZE(raw_big);
	u32 head = log_head;

	for (unsigned int i = 0; i < n; i++) {
		u64 addr = (u64)(n - 1 - i) * PAGE_SIZE;

		raw_big[i] = (struct boot_mmap_entry){
			.addr = addr, .len = PAGE_SIZE, .type = (addr / PAGE_SIZE) % 2 ? R : A,
		};
	}
	for (unsigned int i = 0; i < MEMMAP_MAX; i++)
		want_big[i] = (struct mem_region){
			.start = (u64)i * PAGE_SIZE, .end = (u64)(i + 1) * PAGE_SIZE,
			.type = i % 2 ? R : A,
		};
	big.guard = 0x600dcafe;

	EXPECT_EQ(t, memmap_sanitize(raw_big, n, BITS(36), false, &big.m), (unsigned int)MEMMAP_MAX);
	check_map(t, "alternating pages", &big.m, BITS(36), want_big, MEMMAP_MAX);
	EXPECT_EQ(t, big.guard, 0x600dcafeu);
	EXPECT_TRUE(t, log_contains_since(head,
		"more than 128 regions: everything from 0x0000000000080000 up left out"));
}

KTEST(memmap, logs_each_decision_when_verbose)
{
	static const struct boot_mmap_entry raw[] = {
		{ 0x0000, 0x1800, A }, { 0x1800, 0x0800, R }, { 0x4000, 0, A },
	};
	u32 head = log_head;

	memmap_sanitize(raw, ARRAY_SIZE(raw), BITS(36), true, &out);
	EXPECT_TRUE(t, log_contains_since(head, "memmap: 3 raw entries, 36-bit physical addresses"));
	EXPECT_TRUE(t, log_contains_since(head,
		"memmap: entry 0 [mem 0x0000000000000000-0x00000000000017ff] usable"));
	EXPECT_TRUE(t, log_contains_since(head,
		"memmap: entry 2 at 0x0000000000004000 has zero length: dropped"));
	EXPECT_TRUE(t, log_contains_since(head,
		"memmap: [mem 0x0000000000000000-0x00000000000017ff] usable shrunk to whole pages: [mem 0x0000000000000000-0x0000000000000fff]"));
	EXPECT_TRUE(t, log_contains_since(head,
		"memmap: [mem 0x0000000000001800-0x0000000000001fff] reserved grown to whole pages: [mem 0x0000000000001000-0x0000000000001fff]"));

	head = log_head;
	memmap_sanitize(raw, ARRAY_SIZE(raw), BITS(36), false, &out);
	EXPECT_FALSE(t, log_contains_since(head, "memmap:"));
}

KTEST(memmap, overlaps_are_logged_when_verbose)
{
	static const struct boot_mmap_entry raw[] = {
		{ 0x0000, 0x4000, A }, { 0x1000, 0x1000, R },
	};
	u32 head = log_head;

	memmap_sanitize(raw, ARRAY_SIZE(raw), BITS(36), true, &out);
	EXPECT_TRUE(t, log_contains_since(head,
		"memmap: [mem 0x0000000000001000-0x0000000000001fff] is both usable and reserved: reserved wins"));
}

KTEST(memmap, prints_a_table_like_linux)
{
	u32 head = log_head;

	memmap_sanitize(qemu_256m.raw, qemu_256m.n, qemu_256m.phys_limit, false, &out);
	memmap_print("test-e820", &out);
	EXPECT_TRUE(t, log_contains_since(head,
		"test-e820: [mem 0x0000000000000000-0x000000000009efff] usable\n"));
	EXPECT_TRUE(t, log_contains_since(head,
		"test-e820: [mem 0x000000000009f000-0x000000000009ffff] reserved\n"));
	EXPECT_TRUE(t, log_contains_since(head,
		"test-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n"));
	EXPECT_TRUE(t, log_contains_since(head, "test-e820: 261628 KiB usable (255 MiB)\n"));
	EXPECT_TRUE(t, log_contains_since(head, "test-e820: 452 KiB reserved (0 MiB)\n"));
}

KTEST(memmap, totals_count_bytes_of_one_type)
{
	static const struct sanitize_case acpi = {
		"ACPI", BITS(36),
		RAW({ 0x0000, 0x8000, A }, { 0x1000, 0x1000, MEM_ACPI },
		    { 0x5000, 0x2000, MEM_ACPI }, { 0x3000, 0x1000, MEM_NVS }),
		WANT(),
	};

	memmap_sanitize(qemu_256m.raw, qemu_256m.n, qemu_256m.phys_limit, false, &out);
	EXPECT_EQ(t, memmap_total(&out, MEM_AVAILABLE), 0x9f000ULL + 0xfee0000ULL);
	EXPECT_EQ(t, memmap_total(&out, MEM_RESERVED), 0x1000ULL + 0x10000 + 0x20000 + 0x40000);
	EXPECT_EQ(t, memmap_total(&out, MEM_ACPI), 0ULL);

	memmap_sanitize(acpi.raw, acpi.n, acpi.phys_limit, false, &out);
	EXPECT_EQ(t, memmap_total(&out, MEM_AVAILABLE), 0x4000ULL);
	EXPECT_EQ(t, memmap_total(&out, MEM_ACPI), 0x3000ULL);
	EXPECT_EQ(t, memmap_total(&out, MEM_NVS), 0x1000ULL);
	EXPECT_EQ(t, memmap_total(&out, MEM_BAD), 0ULL);
}

/*
 * The map this boot's loader really gave, on this CPU: whatever it is, the
 * result keeps the promises, and the RAM multiboot's mem_upper counts
 * (from 1 MiB up to the first hole) is available in it.
 */
KTEST(memmap, sanitizes_the_boot_loaders_map)
{
	u64 limit = BITS(boot_cpu.phys_bits);
	u64 upper_end = (1ULL << 20) + ((u64)boot_params.mem_upper_kb << 10);
	bool covered = false;

	if (!(boot_params.flags & MULTIBOOT_INFO_MEM_MAP)) {
		ktest_skip(t, "the loader gave no memory map");
		return;
	}
	memmap_sanitize(boot_params.mmap, boot_params.nr_mmap, limit, true, &out);
	memmap_print("boot-e820", &out);
	check_invariants(t, "boot map", &out, limit);
	EXPECT_GT(t, memmap_total(&out, MEM_AVAILABLE), 0ULL);
	for (unsigned int i = 0; i < out.nr; i++)
		if (out.r[i].type == MEM_AVAILABLE && out.r[i].start <= (1ULL << 20) &&
		    out.r[i].end >= ALIGN_DOWN(upper_end, PAGE_SIZE))
			covered = true;
	if (boot_params.flags & MULTIBOOT_INFO_MEMORY)
		EXPECT_TRUE(t, covered);
}

KTEST_EXPECT_PANIC(memmap, rejects_a_phys_limit_that_is_not_a_power_of_two,
		   "memmap_sanitize: phys_limit 0x300000000 is not a power of two")
{
	memmap_sanitize(NULL, 0, 3ULL << 32, false, &out);
}
