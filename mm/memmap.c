/*
 * The memory-map sanitizer (see include/hilo/memmap.h for what it
 * guarantees).
 *
 * Two steps, both on the caller's arrays only:
 *
 * 1. A sweep over elementary intervals.  Every start and end of a usable
 *    raw entry is a boundary; between two neighbouring boundaries nothing
 *    changes, so each such interval gets the highest type of the entries
 *    covering it (MEM_AVAILABLE is the lowest number, so "reserved wins
 *    over available" is just "highest wins").  The sweep walks the
 *    boundaries in address order, finding each next one by a scan of the
 *    raw entries: O(n^2), no sorting, no scratch memory, and the result
 *    comes out sorted, disjoint and merged.  It is exact to the byte.
 *
 * 2. Rounding to pages, in place.  Available regions shrink inward,
 *    the others grow outward.  A page that two reserved regions now share
 *    goes to the higher type; an available region never shares a page,
 *    since it gave up its partial pages.
 *
 *   raw      |--avail--------|            (unsorted, overlapping)
 *                   |--rsvd--|--avail--|
 *   step 1   |avail-|--rsvd--|--avail--|  (exact)
 *   step 2   |avl|  |  rsvd     |avl|     (page | page | page ...)
 */
#include <asm/layout.h>
#include <hilo/memmap.h>
#include <hilo/panic.h>
#include <hilo/printk.h>

/* The highest page-aligned address: where an entry wrapping past 2^64 ends. */
#define ADDR_TOP ALIGN_DOWN(~0ULL, PAGE_SIZE)

/* Multiboot's mem_lower never reaches the VGA window at 640 KiB. */
#define MEM_LOWER_MAX_KB 640u

/* "[mem first-last]" with the last byte inclusive, as Linux prints it. */
#define MEM_FMT "[mem 0x%016llx-0x%016llx]"
#define MEM_ARGS(start, end) (start), (end) - 1

/* Step 1 relies on this order: the highest type number wins an overlap. */
BUILD_BUG_ON(!(MEM_AVAILABLE < MEM_RESERVED && MEM_RESERVED < MEM_ACPI &&
	       MEM_ACPI < MEM_NVS && MEM_NVS < MEM_BAD));

struct sanitizer {
	const struct boot_mmap_entry *raw;
	unsigned int n;
	u64 limit;		/* phys_limit */
	unsigned int width;	/* log2(limit): the CPU's physical address bits */
	bool verbose;
	struct memmap *out;
};

const char *memmap_type_name(u32 type)
{
	static const char *const names[] = {
		[MEM_AVAILABLE] = "usable",
		[MEM_RESERVED]  = "reserved",
		[MEM_ACPI]      = "ACPI data",
		[MEM_NVS]       = "ACPI NVS",
		[MEM_BAD]       = "unusable",
	};

	return type < ARRAY_SIZE(names) && names[type] ? names[type] : "unknown";
}

static bool known_type(u32 type)
{
	return type >= MEM_AVAILABLE && type <= MEM_BAD;
}

/*
 * entry_region - the usable part of raw entry i, as a region with a known
 * type; false when nothing of it is left.  Step 1 calls this many times
 * per entry, so it says why it changed or dropped the entry (through log)
 * only when asked: once per entry, before the sweep.
 */
static bool entry_region(const struct sanitizer *s, unsigned int i, bool log,
			 struct mem_region *r)
{
	const struct boot_mmap_entry *e = &s->raw[i];
	bool verbose = log && s->verbose;

	if (e->len == 0) {
		if (verbose)
			pr_info("memmap: entry %u at 0x%016llx has zero length: dropped\n",
				i, e->addr);
		return false;
	}
	r->start = e->addr;
	r->end = e->addr + e->len;
	r->type = known_type(e->type) ? e->type : MEM_RESERVED;
	if (log && !known_type(e->type))
		pr_warn("memmap: entry %u at 0x%016llx has unknown type %u: treated as reserved\n",
			i, e->addr, e->type);
	if (r->start >= s->limit) {
		if (log)
			pr_info("memmap: entry %u at 0x%016llx, length 0x%llx, %s, is beyond the CPU's %u-bit physical address width: dropped\n",
				i, e->addr, e->len, memmap_type_name(r->type), s->width);
		return false;
	}
	if (r->end < r->start) {	/* start < limit <= 2^63: the clip keeps some */
		if (log)
			pr_warn("memmap: entry %u at 0x%016llx, length 0x%llx, wraps past 2^64: clipped at 0x%016llx\n",
				i, e->addr, e->len, ADDR_TOP);
		r->end = ADDR_TOP;
	}
	if (r->end > s->limit) {
		if (log)
			pr_info("memmap: entry %u " MEM_FMT " %s: " MEM_FMT " is beyond the CPU's %u-bit physical address width: clipped\n",
				i, MEM_ARGS(r->start, r->end), memmap_type_name(r->type),
				MEM_ARGS(s->limit, r->end), s->width);
		r->end = s->limit;
	}
	if (verbose)
		pr_info("memmap: entry %u " MEM_FMT " %s\n",
			i, MEM_ARGS(r->start, r->end), memmap_type_name(r->type));
	return true;
}

/* The lowest boundary (start or end of a usable entry) above pos, if any. */
static bool next_boundary(const struct sanitizer *s, u64 pos, u64 *next)
{
	bool found = false;
	struct mem_region r;

	for (unsigned int i = 0; i < s->n; i++) {
		if (!entry_region(s, i, false, &r))
			continue;
		if (r.start > pos && (!found || r.start < *next)) {
			*next = r.start;
			found = true;
		}
		if (r.end > pos && (!found || r.end < *next)) {
			*next = r.end;
			found = true;
		}
	}
	return found;
}

/*
 * The type of the elementary interval [start, end): the highest type of
 * the entries covering it, 0 if none does.  No boundary lies inside it,
 * so an entry covers all of it or none.
 */
static u32 interval_type(const struct sanitizer *s, u64 start, u64 end)
{
	u32 type = 0, lowest = 0;
	struct mem_region r;

	for (unsigned int i = 0; i < s->n; i++) {
		if (!entry_region(s, i, false, &r) || r.start > start || r.end < end)
			continue;
		type = max(type, r.type);
		lowest = lowest ? min(lowest, r.type) : r.type;
	}
	if (s->verbose && lowest != type)
		pr_info("memmap: " MEM_FMT " is both %s and %s: %s wins\n",
			MEM_ARGS(start, end), memmap_type_name(lowest),
			memmap_type_name(type), memmap_type_name(type));
	return type;
}

/* Append a region to m, merged with the last one if they touch; false if m is full. */
static bool append(struct memmap *m, u64 start, u64 end, u32 type)
{
	struct mem_region *last = m->nr ? &m->r[m->nr - 1] : NULL;

	if (last && last->type == type && last->end == start) {
		last->end = end;
		return true;
	}
	if (m->nr == MEMMAP_MAX)
		return false;
	m->r[m->nr++] = (struct mem_region){ .start = start, .end = end, .type = type };
	return true;
}

/* Step 1: the exact map, sorted, disjoint and merged, into s->out. */
static void sweep(const struct sanitizer *s)
{
	u64 pos = 0, next;

	for (; next_boundary(s, pos, &next); pos = next) {
		u32 type = interval_type(s, pos, next);

		if (type && !append(s->out, pos, next, type)) {
			pr_warn("memmap: more than %d regions: everything from 0x%016llx up left out\n",
				MEMMAP_MAX, pos);
			return;
		}
	}
}

/*
 * Put the page-aligned region r after the first nr regions of m (sorted,
 * disjoint, all starting at or below r.start), settling any page r shares
 * with them: the higher type keeps it.  Returns the new count.
 */
static unsigned int place(const struct sanitizer *s, unsigned int nr,
			  struct mem_region r)
{
	struct memmap *m = s->out;

	while (nr && m->r[nr - 1].end > r.start) {
		struct mem_region *last = &m->r[nr - 1];

		if (s->verbose && last->type != r.type)
			pr_info("memmap: " MEM_FMT " is both %s and %s: %s wins\n",
				MEM_ARGS(r.start, last->end), memmap_type_name(last->type),
				memmap_type_name(r.type),
				memmap_type_name(max(last->type, r.type)));
		if (last->type > r.type)
			r.start = last->end;
		else
			last->end = r.start;
		if (r.start >= r.end)
			return nr;
		if (last->start < last->end)
			break;
		nr--;			/* last lay inside the shared page */
	}
	if (nr && m->r[nr - 1].type == r.type && m->r[nr - 1].end == r.start) {
		m->r[nr - 1].end = r.end;
		return nr;
	}
	m->r[nr] = r;
	return nr + 1;
}

/* Step 2: round s->out to whole pages, in place (writes never pass reads). */
static void align_to_pages(const struct sanitizer *s)
{
	struct memmap *m = s->out;
	unsigned int nr = 0;

	for (unsigned int i = 0; i < m->nr; i++) {
		struct mem_region r = m->r[i];
		const char *name = memmap_type_name(r.type);

		if (r.type == MEM_AVAILABLE) {
			r.start = ALIGN_UP(r.start, PAGE_SIZE);
			r.end = ALIGN_DOWN(r.end, PAGE_SIZE);
		} else {
			r.start = ALIGN_DOWN(r.start, PAGE_SIZE);
			r.end = ALIGN_UP(r.end, PAGE_SIZE);
		}
		if (r.start >= r.end) {
			if (s->verbose)
				pr_info("memmap: " MEM_FMT " %s holds no whole page: dropped\n",
					MEM_ARGS(m->r[i].start, m->r[i].end), name);
			continue;
		}
		if (s->verbose && (r.start != m->r[i].start || r.end != m->r[i].end))
			pr_info("memmap: " MEM_FMT " %s %s to whole pages: " MEM_FMT "\n",
				MEM_ARGS(m->r[i].start, m->r[i].end), name,
				r.type == MEM_AVAILABLE ? "shrunk" : "grown",
				MEM_ARGS(r.start, r.end));
		nr = place(s, nr, r);
	}
	m->nr = nr;
}

unsigned int memmap_sanitize(const struct boot_mmap_entry *raw, unsigned int n,
			     u64 phys_limit, bool verbose, struct memmap *out)
{
	struct sanitizer s = {
		.raw = raw, .n = n, .limit = phys_limit, .verbose = verbose, .out = out,
	};
	struct mem_region unused;

	if (phys_limit < (1ULL << 32) || (phys_limit & (phys_limit - 1)))
		panic("memmap_sanitize: phys_limit %#llx is not a power of two from 2^32 to 2^63",
		      phys_limit);
	while ((1ULL << s.width) < phys_limit)
		s.width++;
	if (verbose)
		pr_info("memmap: %u raw entries, %u-bit physical addresses\n", n, s.width);

	for (unsigned int i = 0; i < n; i++)
		entry_region(&s, i, true, &unused);
	out->nr = 0;
	sweep(&s);
	align_to_pages(&s);
	return out->nr;
}

unsigned int memmap_from_mem_lower_upper(u32 mem_lower_kb, u32 mem_upper_kb,
					 struct boot_mmap_entry *raw)
{
	raw[0] = (struct boot_mmap_entry){
		.addr = 0, .len = (u64)min(mem_lower_kb, MEM_LOWER_MAX_KB) << 10,
		.type = MEM_AVAILABLE,
	};
	raw[1] = (struct boot_mmap_entry){
		.addr = 1ULL << 20, .len = (u64)mem_upper_kb << 10,
		.type = MEM_AVAILABLE,
	};
	return 2;
}

u64 memmap_total(const struct memmap *m, u32 type)
{
	u64 bytes = 0;

	for (unsigned int i = 0; i < m->nr; i++)
		if (m->r[i].type == type)
			bytes += m->r[i].end - m->r[i].start;
	return bytes;
}

void memmap_print(const char *title, const struct memmap *m)
{
	for (unsigned int i = 0; i < m->nr; i++)
		pr_info("%s: " MEM_FMT " %s\n", title,
			MEM_ARGS(m->r[i].start, m->r[i].end), memmap_type_name(m->r[i].type));
	for (u32 type = MEM_AVAILABLE; type <= MEM_BAD; type++) {
		u64 bytes = memmap_total(m, type);

		if (bytes || type == MEM_AVAILABLE)
			pr_info("%s: %llu KiB %s (%llu MiB)\n", title,
				bytes >> 10, memmap_type_name(type), bytes >> 20);
	}
}
