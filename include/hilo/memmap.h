/*
 * The physical memory map: what the boot loader says about physical
 * memory, made safe to build an allocator on (docs/design.md section 2).
 *
 * The loader's map may be anything: unsorted, overlapping, zero-length or
 * absurd entries, types nobody knows.  memmap_sanitize() turns it into a
 * struct memmap, which is always
 *   - sorted by address, with no two regions overlapping;
 *   - merged: two regions of one type never touch;
 *   - page-aligned: available regions shrunk inward to whole pages,
 *     every other type grown outward to whole pages;
 *   - below the CPU's physical address limit.
 * Where entries overlap, reserved wins over available: any other type
 * beats MEM_AVAILABLE, and among the others the higher type number wins.
 *
 * Everything here is plain computation on the arrays it is given (no
 * hardware, no globals), so the tests feed it synthetic maps.
 */
#ifndef HILO_MEMMAP_H
#define HILO_MEMMAP_H

#include <hilo/multiboot.h>
#include <hilo/types.h>

/* The multiboot / e820 numbering.  Any other value counts as MEM_RESERVED. */
enum mem_type {
	MEM_AVAILABLE = 1,	/* RAM the kernel may use */
	MEM_RESERVED  = 2,
	MEM_ACPI      = 3,	/* ACPI tables (reclaimable once read) */
	MEM_NVS       = 4,	/* ACPI non-volatile storage */
	MEM_BAD       = 5,	/* RAM the firmware found defective */
};

/* [start, end): end is exclusive, so a region never reaches 2^64. */
struct mem_region {
	u64 start, end;
	u32 type;		/* an enum mem_type */
};

#define MEMMAP_MAX 128

struct memmap {
	unsigned int nr;
	struct mem_region r[MEMMAP_MAX];
};

/**
 * memmap_sanitize - turn the loader's raw entries into a clean memory map.
 * @raw, @n:    the loader's entries, in any order (n may be 0, raw then NULL).
 * @phys_limit: 1ULL << the CPU's physical address width, a power of two
 *              from 2^32 to 2^63 (anything else is a panic): memory at or
 *              above it is left out, memory crossing it is cut there.
 * @verbose:    log every decision (each entry's fate, each overlap settled,
 *              each alignment change) with pr_info.  Whatever leaves
 *              memory out or repairs garbage (beyond the physical width,
 *              wrapping past 2^64, an unknown type, more than MEMMAP_MAX
 *              regions) is logged either way.
 * @out:        the result (see the top of this file).
 *
 * When the result would need more than MEMMAP_MAX regions, everything from
 * the address where it runs out upward is left out, with a warning: the
 * map stays true, only shorter.  Any context; does not sleep.
 * Returns out->nr.
 */
unsigned int memmap_sanitize(const struct boot_mmap_entry *raw, unsigned int n,
			     u64 phys_limit, bool verbose, struct memmap *out);

/**
 * memmap_from_mem_lower_upper - a raw map for a loader that gave none.
 * Multiboot's mem_lower and mem_upper (KiB) describe RAM from 0 and from
 * 1 MiB up to the first hole: two available entries, written to raw[0]
 * and raw[1] (mem_lower is capped at 640 KiB: above it lie the VGA window
 * and the BIOS).  Returns the number of entries written: 2.
 */
unsigned int memmap_from_mem_lower_upper(u32 mem_lower_kb, u32 mem_upper_kb,
					 struct boot_mmap_entry *raw);

/**
 * memmap_print - log the map as Linux does its e820 table:
 *   <title>: [mem 0x0000000000000000-0x000000000009efff] usable
 * (end inclusive), then the total of each type present.
 */
void memmap_print(const char *title, const struct memmap *m);

/* Bytes of memory of the given type in m. */
u64 memmap_total(const struct memmap *m, u32 type);

/* The e820-style name of a type ("usable", "reserved", ...). */
const char *memmap_type_name(u32 type);

#endif
