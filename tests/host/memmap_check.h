/*
 * The properties of memmap_sanitize()'s result, checked against the raw
 * entries it was given (tests/host/memmap_test.c, fuzz_memmap.c):
 *   - at most MEMMAP_MAX regions, each non-empty, of a known type,
 *     page-aligned and below the physical limit;
 *   - sorted, disjoint, and two regions of one type never touch;
 *   - exact: each page's type is what the raw map says of it, page by page.
 *     A page any byte of which some raw entry of another type than
 *     available covers has the highest such type (reserved wins, grown
 *     outward); a page all of whose bytes are available and nothing else
 *     is available (shrunk inward); any other page is in no region.
 * When the sanitizer ran out of regions (it then warns "more than"), the
 * pages from the start of its last region up are not compared.
 */
#ifndef TESTS_HOST_MEMMAP_CHECK_H
#define TESTS_HOST_MEMMAP_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include <hilo/compiler.h>
#include <hilo/memmap.h>

#define MC_PAGE 4096ULL
#define MC_ADDR_TOP (~0ULL & ~(MC_PAGE - 1))

/* Raw entry i as the sanitizer must read it: false when it holds nothing. */
static inline bool mc_entry(const struct boot_mmap_entry *e, u64 limit,
			    u64 *start, u64 *end, u32 *type)
{
	if (e->len == 0 || e->addr >= limit)
		return false;
	*start = e->addr;
	*end = e->addr + e->len;
	if (*end < *start)
		*end = MC_ADDR_TOP;
	if (*end > limit)
		*end = limit;
	*type = e->type >= MEM_AVAILABLE && e->type <= MEM_BAD ? e->type : MEM_RESERVED;
	return true;
}

/* The highest raw type covering byte x (0: none). */
static inline u32 mc_raw_type(const struct boot_mmap_entry *raw, unsigned int n,
			      u64 limit, u64 x)
{
	u32 best = 0, t;
	u64 s, e;

	for (unsigned int i = 0; i < n; i++)
		if (mc_entry(&raw[i], limit, &s, &e, &t) && s <= x && x < e && t > best)
			best = t;
	return best;
}

/* The type the page at p must have in the result (0: none). */
static inline u32 mc_page_type(const struct boot_mmap_entry *raw, unsigned int n,
			       u64 limit, u64 p)
{
	u32 worst = 0, t;
	bool all_available = true;
	u64 pos = p, s, e;

	/* Walk the raw boundaries inside the page, lowest first. */
	while (pos < p + MC_PAGE) {
		u64 next = p + MC_PAGE;
		u32 here = mc_raw_type(raw, n, limit, pos);

		for (unsigned int i = 0; i < n; i++) {
			if (!mc_entry(&raw[i], limit, &s, &e, &t))
				continue;
			if (s > pos && s < next)
				next = s;
			if (e > pos && e < next)
				next = e;
		}
		if (here != MEM_AVAILABLE)
			all_available = false;
		if (here > MEM_AVAILABLE && here > worst)
			worst = here;
		pos = next;
	}
	if (worst)
		return worst;
	return all_available ? MEM_AVAILABLE : 0;
}

static inline u32 mc_out_type(const struct memmap *m, u64 p)
{
	for (unsigned int i = 0; i < m->nr; i++)
		if (m->r[i].start <= p && p < m->r[i].end)
			return m->r[i].type;
	return 0;
}

static inline int mc_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* NULL when out is right for raw, else what is wrong (in a static buffer). */
static inline const char *memmap_check(const struct boot_mmap_entry *raw, unsigned int n,
				       u64 limit, const struct memmap *out, bool truncated)
{
	static char why[256];
	u64 *pts, s, e, cut = ~0ULL;
	unsigned int np = 0;
	u32 t;

	if (out->nr > MEMMAP_MAX)
		return "more than MEMMAP_MAX regions";
	for (unsigned int i = 0; i < out->nr; i++) {
		const struct mem_region *r = &out->r[i];

		if (r->start >= r->end || r->type < MEM_AVAILABLE || r->type > MEM_BAD ||
		    r->start % MC_PAGE || r->end % MC_PAGE || r->end > limit) {
			snprintf(why, sizeof(why), "region %u [%#llx-%#llx) type %u is empty, unaligned, of a bad type or beyond the limit",
				 i, r->start, r->end, r->type);
			return why;
		}
		if (i && r->start < out->r[i - 1].end) {
			snprintf(why, sizeof(why), "region %u [%#llx-%#llx) overlaps or precedes the one before", i, r->start, r->end);
			return why;
		}
		if (i && r->start == out->r[i - 1].end && r->type == out->r[i - 1].type) {
			snprintf(why, sizeof(why), "region %u [%#llx-%#llx) is not merged with the one before", i, r->start, r->end);
			return why;
		}
	}
	if (truncated && out->nr)
		cut = out->r[out->nr - 1].start;

	/*
	 * Between two neighbouring points of pts (all page-aligned) every page
	 * has the same raw coverage and the same result: compare the first.
	 */
	pts = malloc(sizeof(*pts) * (4 * n + 2 * out->nr + 2));
	if (!pts)
		abort();
	pts[np++] = 0;
	pts[np++] = limit;
	for (unsigned int i = 0; i < n; i++) {
		if (!mc_entry(&raw[i], limit, &s, &e, &t))
			continue;
		pts[np++] = s & ~(MC_PAGE - 1);
		pts[np++] = (s + MC_PAGE - 1) & ~(MC_PAGE - 1);
		pts[np++] = e & ~(MC_PAGE - 1);
		pts[np++] = (e + MC_PAGE - 1) & ~(MC_PAGE - 1);	/* e <= limit: no wrap */
	}
	for (unsigned int i = 0; i < out->nr; i++) {
		pts[np++] = out->r[i].start;
		pts[np++] = out->r[i].end;
	}
	qsort(pts, np, sizeof(*pts), mc_cmp_u64);
	for (unsigned int i = 0; i + 1 < np; i++) {
		u64 p = pts[i];
		u32 want, got;

		if (p == pts[i + 1] || p >= limit || p >= cut)
			continue;
		want = mc_page_type(raw, n, limit, p);
		got = mc_out_type(out, p);
		if (want != got) {
			snprintf(why, sizeof(why), "page %#llx is of type %u, the raw map makes it %u",
				 p, got, want);
			free(pts);
			return why;
		}
	}
	free(pts);
	return NULL;
}

#endif
