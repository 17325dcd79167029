/*
 * Benchmarks of the ways to map a page (docs/design.md section 3, hilo/bench.h).
 * What live kmap_local slots add to a context switch is measured in
 * mm/kmap_switch_bench.c; both share mm/highmem_bench.h.
 *
 *   kmap_local.*        kmap_local_page + read + kunmap_local
 *   kmap_atomic.*       kmap_atomic + read + kunmap_atomic
 *   kmap.cached         kmap + read + kunmap of one highmem page: after the
 *                       first, each kmap finds the page in the pool (no PTE
 *                       write, no flush) but still takes the global lock
 *   kmap.wrap           the same over WRAP_PAGES pages, more than the pool's
 *                       LAST_PKMAP slots: every kmap writes a PTE, and every
 *                       LAST_PKMAP-th wraps around and flushes the whole pool
 *   kmap_local.nestedN  N nested maps, then N unmaps (cost per map + unmap)
 *   copy.*              copy_highpage between two highmem or two lowmem pages
 *
 * Every map is followed by one read through it: a mapping is used, and the
 * first access after a new PTE pays the TLB miss that is part of its cost.
 * And every iteration also reads the direct map at two places far apart
 * (touch_direct_map): a kernel's own data lives all over lowmem, and part
 * of a mapping's cost is what its TLB flush does to those translations.
 * On a CPU, invlpg drops one entry.  QEMU's TCG keeps the large pages it
 * has seen as one region, and flushes its whole TLB on an invlpg inside
 * it: two 2 MiB pages 3/4 of lowmem apart make that region cover the fixmap and
 * the pool, so with the 2 MiB direct map every invlpg there flushes
 * everything (a run with directmap=4k does not).  Without the two reads
 * these workloads touch no large page at all and both runs measure the same.
 *
 * The pages (a case's ->arg): HIGHMEM from ZONE_HIGHMEM (the case is
 * skipped without highmem); LOWMEM from ZONE_NORMAL, which kmap_local_page
 * returns through the direct map without a slot.  *.lowmem_forced maps the
 * lowmem page through a real slot, as the test build's
 * CONFIG_DEBUG_KMAP_LOCAL_FORCE_MAP does, by calling __kmap_local_pfn_prot.
 *
 * Sanity (besides iterations == operations): the pool and TLB counters
 * move by exactly what each operation must cost (kmap.wrap: one flush per
 * LAST_PKMAP maps), and a copy really copied.
 */
#include <hilo/bench.h>
#include <hilo/highmem.h>
#include <hilo/kthread.h>
#include <hilo/mm.h>
#include <hilo/page_pattern.h>
#include <hilo/preempt.h>
#include <hilo/printk.h>
#include "highmem_bench.h"

/*
 * Iterations per run: short runs (a millisecond or less under TCG) are
 * less often hit by the host's own preemptions, so the median holds.
 */
#define MAP_ITERS     256
#define WRAP_ITERS    (2 * LAST_PKMAP)	/* a multiple of LAST_PKMAP: see run_kmap */
#define NESTED_OPS    256		/* maps per run, whatever the depth */
#define COPY_ITERS    128

_Static_assert(WRAP_ITERS % LAST_PKMAP == 0, "kmap.wrap expects whole flushes per run");
_Static_assert(WRAP_PAGES > LAST_PKMAP, "kmap.wrap must cycle over more pages than slots");
_Static_assert(WRAP_PAGES == 640, "kmap.wrap's description names 640 pages");

struct bench_pages bench_pages[NR_CPUS];

/* ---- pages ---- */

/* put_pages - see mm/highmem_bench.h. */
void put_pages(const struct bench_case *c)
{
	struct bench_pages *bp = this_pages();

	while (bp->n)
		__free_page(bp->pages[--bp->n]);
}

/* get_pages - see mm/highmem_bench.h. */
const char *get_pages(enum page_kind kind, unsigned int n)
{
	struct bench_pages *bp = this_pages();
	gfp_t gfp = kind == HIGHMEM ? GFP_HIGHUSER : GFP_KERNEL;

	bp->cursor = 0;
	bp->bad_reads = 0;
	for (bp->n = 0; bp->n < n; bp->n++) {
		struct page *page = alloc_page(gfp);

		if (page && PageHighMem(page) == (kind == HIGHMEM)) {
			bp->pages[bp->n] = page;
			bp->first[bp->n] = page_pattern(page, 0);
			fill_pattern(page);
			continue;
		}
		if (page)
			__free_page(page);
		put_pages(NULL);
		return kind == HIGHMEM ? "no free highmem page (no highmem in this configuration?)"
				       : "no free lowmem page";
	}
	return NULL;
}

/* check_pages - see mm/highmem_bench.h. */
const char *check_pages(const struct bench_case *c)
{
	static char why[NR_CPUS][BENCH_WHY_LEN];
	struct bench_pages *bp = this_pages();
	unsigned int cpu = smp_processor_id(), torn = 0;

	for (unsigned int i = 0; i < bp->n; i++) {
		u32 *va = kmap_local_page(bp->pages[i]);

		torn += pattern_errors(va, bp->pages[i]) != 0;
		kunmap_local(va);
	}
	if (!bp->bad_reads && !torn)
		return NULL;
	snprintf(why[cpu], sizeof(why[cpu]),
		 "CPU %u: %lu reads through a mapping missed its page's pattern, %u of %u pages no longer hold it",
		 cpu, bp->bad_reads, torn, bp->n);
	return why[cpu];
}

/* ---- the counters the sanity checks read ---- */

static unsigned long read_local_maps(const struct bench_case *c) { return kmap_local_count(); }
static unsigned long read_kmap_maps(const struct bench_case *c) { return kmap_stats.maps; }
static unsigned long read_kmap_reuses(const struct bench_case *c) { return kmap_stats.reuses; }
static unsigned long read_kmap_flushes(const struct bench_case *c) { return kmap_stats.flushes; }

/*
 * kmap_stats and kmap_local_count() are global (on several CPUs each is
 * checked over every CPU's runs); tlb_stats.one is this CPU's own.  kmap.wrap's flushes are reported, and on several CPUs
 * only bounded (hilo/bench.h, smp_approx).
 */
#define LOCAL_MAPS(n) { "kmap_local_count()", read_local_maps, n, 1 }
#define INVLPG(n)     { "tlb_stats.one", read_invlpg, n, 1, .percpu = true }
#define KMAP_MAPS(n)  { "kmap_stats.maps", read_kmap_maps, n, 1 }
#define REUSES(n)     { "kmap_stats.reuses", read_kmap_reuses, n, 1 }
#define FLUSHES(n, d) { "kmap_stats.flushes", read_kmap_flushes, n, d, true, .smp_approx = true }

/* ---- map + read + unmap ---- */

typedef void *(*map_fn)(struct page *page);
typedef void (*unmap_fn)(struct page *page, void *va);

/*
 * map_loop - iters times: map the next page, read a word through the
 * mapping and compare it with the page's pattern (a miss is counted, and
 * check_pages fails the case), unmap it.  The pages are taken in turn from
 * the cursor, which carries over to the next run.  Always inlined with constant map and
 * unmap, so the calls are direct.
 */
static __always_inline unsigned int map_loop(unsigned int iters, map_fn map, unmap_fn unmap)
{
	struct bench_pages *bp = this_pages();
	unsigned int i, k = bp->cursor, bad = 0;

	for (i = 0; i < iters; i++) {
		struct page *page = bp->pages[k];
		void *va = map(page);

		bad += READ_ONCE(*(u32 *)va) != bp->first[k];
		unmap(page, va);
		touch_direct_map();
		if (++k == bp->n)
			k = 0;
	}
	bp->cursor = k;
	bp->bad_reads += bad;
	return i;
}

/* A real slot for any page: what kmap_local_page does to highmem. */
static void *map_local_forced(struct page *page)
{
	return __kmap_local_pfn_prot(page_to_pfn(page), PAGE_KERNEL);
}

static void unmap_local(struct page *page, void *va)
{
	kunmap_local(va);
}

/* kmap_atomic's own steps (hilo/highmem.h), around a forced slot. */
static void *map_atomic_forced(struct page *page)
{
	preempt_disable();
	pagefault_disable();
	return map_local_forced(page);
}

static void unmap_atomic_forced(struct page *page, void *va)
{
	kunmap_local(va);
	pagefault_enable();
	preempt_enable();
}

static void unmap_atomic(struct page *page, void *va)
{
	kunmap_atomic(va);
}

static void unmap_kmap(struct page *page, void *va)
{
	kunmap(page);
}

static unsigned int run_local(const struct bench_case *c, unsigned int iters)
{
	return map_loop(iters, kmap_local_page, unmap_local);
}

static unsigned int run_local_forced(const struct bench_case *c, unsigned int iters)
{
	return map_loop(iters, map_local_forced, unmap_local);
}

static unsigned int run_atomic(const struct bench_case *c, unsigned int iters)
{
	return map_loop(iters, kmap_atomic, unmap_atomic);
}

static unsigned int run_atomic_forced(const struct bench_case *c, unsigned int iters)
{
	return map_loop(iters, map_atomic_forced, unmap_atomic_forced);
}

/*
 * run_kmap - kmap + read + kunmap over the case's pages in turn.  One page
 * (kmap.cached): it stays in the pool with count 1 between uses, so every
 * kmap is a reuse.  WRAP_PAGES pages (kmap.wrap): a page comes back after
 * WRAP_PAGES - 1 others, at least LAST_PKMAP new maps, so a wraparound has
 * unmapped it: every kmap is a new map, and once the warm-up has run
 * every slot is free and flushed, so the cursor takes the next slot on each
 * map and wraps (one flush) every LAST_PKMAP maps.  A run of a multiple of
 * LAST_PKMAP maps therefore flushes exactly iters / LAST_PKMAP times,
 * wherever the cursor starts.
 */
static unsigned int run_kmap(const struct bench_case *c, unsigned int iters)
{
	return map_loop(iters, kmap, unmap_kmap);
}

static const char *setup_map(const struct bench_case *c)
{
	return get_pages(c->arg, 1);
}

static const char *setup_wrap(const struct bench_case *c)
{
	return get_pages(HIGHMEM, WRAP_PAGES);
}

#define MAP_BENCH(id, name_, what_, kind, run_, ...)                          \
	BENCH(id, .name = name_, .what = what_, .iters = MAP_ITERS,           \
	      .arg = kind, .setup = setup_map, .run = run_,                   \
	      .check = check_pages, .teardown = put_pages, .smp = true,       \
	      .expect = { __VA_ARGS__ })

/* Lowmem pages get slots only in a build that forces real mappings. */
#define FORCED IS_ENABLED_FORCE_MAP

MAP_BENCH(local_highmem, "kmap_local.highmem", "kmap_local_page + read + kunmap_local",
	  HIGHMEM, run_local, LOCAL_MAPS(1), INVLPG(1));
MAP_BENCH(local_lowmem, "kmap_local.lowmem", "the same, lowmem page (direct map)",
	  LOWMEM, run_local, LOCAL_MAPS(FORCED), INVLPG(FORCED));
MAP_BENCH(local_forced, "kmap_local.lowmem_forced", "the same, lowmem page in a slot",
	  LOWMEM, run_local_forced, LOCAL_MAPS(1), INVLPG(1));
MAP_BENCH(atomic_highmem, "kmap_atomic.highmem", "kmap_atomic + read + kunmap_atomic",
	  HIGHMEM, run_atomic, LOCAL_MAPS(1), INVLPG(1));
MAP_BENCH(atomic_lowmem, "kmap_atomic.lowmem", "the same, lowmem page (direct map)",
	  LOWMEM, run_atomic, LOCAL_MAPS(FORCED), INVLPG(FORCED));
MAP_BENCH(atomic_forced, "kmap_atomic.lowmem_forced", "the same, lowmem page in a slot",
	  LOWMEM, run_atomic_forced, LOCAL_MAPS(1), INVLPG(1));
MAP_BENCH(kmap_cached, "kmap.cached", "kmap + read + kunmap, one page (pool hit)",
	  HIGHMEM, run_kmap, REUSES(1), KMAP_MAPS(0), INVLPG(0), FLUSHES(0, 1));

BENCH(kmap_wrap, .name = "kmap.wrap",
      .what = "kmap + read + kunmap cycling over 640 pages: new PTEs, wraparounds",
      .iters = WRAP_ITERS, .setup = setup_wrap, .run = run_kmap, .check = check_pages,
      .teardown = put_pages, .smp = true,
      .expect = { KMAP_MAPS(1), REUSES(0), FLUSHES(1, LAST_PKMAP) });

/* ---- nested local maps ---- */

static const char *setup_nested(const struct bench_case *c)
{
	return get_pages(HIGHMEM, c->arg);
}

/* run_nested - map every page held, innermost last, then unmap in reverse. */
static unsigned int run_nested(const struct bench_case *c, unsigned int iters)
{
	struct bench_pages *bp = this_pages();
	void *va[KM_MAX_NESTING];
	unsigned int i, d;

	for (i = 0; i < iters; i++) {
		for (d = 0; d < bp->n; d++) {
			va[d] = kmap_local_page(bp->pages[d]);
			(void)READ_ONCE(*(u32 *)va[d]);
		}
		while (d--)
			kunmap_local(va[d]);
		touch_direct_map();
	}
	return i;
}

#define NESTED_BENCH(depth)                                                   \
	BENCH(nested##depth, .name = "kmap_local.nested" #depth,              \
	      .what = "one map + read + unmap of " #depth " nested",          \
	      .iters = NESTED_OPS / (depth), .ops_per_iter = depth,           \
	      .arg = depth, .setup = setup_nested, .run = run_nested,         \
	      .check = check_pages, .teardown = put_pages,                    \
	      .expect = { LOCAL_MAPS(depth), INVLPG(depth) })

NESTED_BENCH(1);
NESTED_BENCH(4);
NESTED_BENCH(8);
NESTED_BENCH(16);
_Static_assert(16 <= KM_MAX_NESTING, "kmap_local.nested16 needs 16 live maps");

/* ---- copy_highpage ---- */

static const char *setup_copy(const struct bench_case *c)
{
	const char *why = get_pages(c->arg, 2);

	if (why)
		return why;
	clear_highpage(this_pages()->pages[1]);
	return NULL;
}

static unsigned int run_copy(const struct bench_case *c, unsigned int iters)
{
	struct bench_pages *bp = this_pages();
	unsigned int i;

	for (i = 0; i < iters; i++) {
		copy_highpage(bp->pages[1], bp->pages[0]);
		touch_direct_map();
	}
	return i;
}

/* check_copy - the destination holds the source's pattern: a copy happened. */
static const char *check_copy(const struct bench_case *c)
{
	struct bench_pages *bp = this_pages();
	u32 *to = kmap_local_page(bp->pages[1]);
	bool copied = !pattern_errors(to, bp->pages[0]);

	kunmap_local(to);
	return copied ? NULL : "copy_highpage left the destination without the source's bytes";
}

#define COPY_BENCH(id, name_, kind)                                           \
	BENCH(id, .name = name_, .what = "copy_highpage (4 KiB)",             \
	      .iters = COPY_ITERS, .arg = kind, .setup = setup_copy,          \
	      .run = run_copy, .check = check_copy, .teardown = put_pages,    \
	      .expect = { LOCAL_MAPS(kind == HIGHMEM || FORCED ? 2 : 0) })

COPY_BENCH(copy_highmem, "copy.highmem", HIGHMEM);
COPY_BENCH(copy_lowmem, "copy.lowmem", LOWMEM);
