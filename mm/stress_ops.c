/*
 * The stress run's operations (see mm/stress.h, and mm/stress.c for the
 * threads that run them): each takes the pool pages it touches with
 * stress_trylock, checks every page it reads through its mapping and
 * bumps the generation of every page it writes.
 */
#include <hilo/highmem-internal.h>
#include <hilo/sched.h>
#include <hilo/smp.h>
#include <hilo/timer.h>
#include <hilo/vmalloc.h>

#include "stress.h"

unsigned int stress_burst_max;
unsigned int stress_depth_max[NR_CPUS];	/* each CPU's deepest stack since the last sample */
static u32 burst_busy;			/* a burst is running */
static struct stress_page *burst_pages[LAST_PKMAP];

/* ---- small helpers ---- */

unsigned int stress_local_depth(void)
{
	return (unsigned int)current->kmap_ctrl.idx / KM_INCR;
}

/* The local stack's depth after a map, for the samples and the report. */
void stress_note_depth(unsigned int *max_seen)
{
	unsigned int d = stress_local_depth();
	unsigned int *cpu_max = &stress_depth_max[smp_processor_id()];

	if (d > *cpu_max)
		WRITE_ONCE(*cpu_max, d);
	if (d > *max_seen)
		*max_seen = d;
}

/* Map, check, maybe rewrite, unmap one locked page through a local map. */
static void local_check(struct stress_thread *t, struct stress_page *sp, const char *kind)
{
	void *va = kmap_local_page(sp->page);

	stress_note_depth(&t->max_depth);
	if (stress_check(va, page_to_pfn(sp->page), sp->key, kind) && stress_below(&t->rng, 2))
		stress_fill(va, stress_bump(sp));
	kunmap_local(va);
}

/* ---- kmap: held maps, and the burst ---- */

static void kmap_release(struct stress_thread *t, unsigned int i)
{
	struct stress_page *sp = t->held[i];

	if (stress_check(t->held_va[i], page_to_pfn(sp->page), sp->key, "kmap") &&
	    stress_below(&t->rng, 2))
		stress_fill(t->held_va[i], stress_bump(sp));
	kunmap(sp->page);
	stress_unlock(sp);
	t->ops[OP_KUNMAP]++;
	t->nheld--;
	t->held[i] = t->held[t->nheld];
	t->held_va[i] = t->held_va[t->nheld];
}

static void op_kmap(struct stress_thread *t)
{
	struct stress_page *sp;

	/* While a burst runs, lean towards holding K - 1 or K: the pool fills up. */
	unsigned int release = READ_ONCE(burst_busy) ? 8 : 2;

	if (t->nheld == STRESS_KMAP_HOLD || (t->nheld && !stress_below(&t->rng, release))) {
		kmap_release(t, stress_below(&t->rng, t->nheld));
		return;
	}
	sp = stress_trylock(&t->rng, t->id);
	if (!sp)
		return;
	t->held_va[t->nheld] = kmap(sp->page);
	t->held[t->nheld++] = sp;
	t->ops[OP_KMAP]++;
	stress_check(t->held_va[t->nheld - 1], page_to_pfn(sp->page), sp->key, "kmap");
}

/* One thread maps up to stress_burst_max pages at once: the pool wraps, others sleep. */
static void op_burst(struct stress_thread *t)
{
	unsigned int n = 0, want;
	u32 idle = 0;

	if (!stress_pool_high)
		return;		/* no highmem: a kmap takes no slot */
	if (!__atomic_compare_exchange_n(&burst_busy, &idle, 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	while (t->nheld)	/* the burst counts for this thread's K */
		kmap_release(t, 0);
	want = stress_burst_max;
	for (unsigned int tries = 0; n < want && tries < 2 * want && !stress_stop; tries++) {
		/* highmem only: each map takes a slot */
		struct stress_page *sp = stress_trylock_in(&t->rng, t->id, stress_pool_high);
		void *va;

		if (!sp)
			continue;
		va = kmap(sp->page);
		stress_check(va, page_to_pfn(sp->page), sp->key, "kmap (burst)");
		burst_pages[n++] = sp;
		t->ops[OP_BURST_MAP]++;
	}
	/* Hold the pool a while: the other threads fill the rest, and sleep in kmap(). */
	msleep(10 + stress_below(&t->rng, 40));
	for (unsigned int i = 0; i < n; i++) {
		struct stress_page *sp = burst_pages[i];

		stress_check(kmap(sp->page), page_to_pfn(sp->page), sp->key, "kmap (burst, again)");
		kunmap(sp->page);	/* the second kmap found the page in the pool */
		kunmap(sp->page);
		stress_unlock(sp);
	}
	t->bursts++;
	__atomic_store_n(&burst_busy, 0, __ATOMIC_RELEASE);
}

/* ---- kmap_local: nested, with work, yields and sleeps in between ---- */

/* Out-of-line work between two local maps: check, and now and then give up the CPU. */
static __noinline void local_between(struct stress_thread *t, void *va, struct stress_page *sp)
{
	stress_check(va, page_to_pfn(sp->page), sp->key, "kmap_local");
	switch (stress_below(&t->rng, 32)) {
	case 0:
		yield();
		t->ops[OP_YIELD]++;
		break;
	case 1:
		msleep(1 + stress_below(&t->rng, 3));
		t->ops[OP_MSLEEP]++;
		break;
	}
}

static void op_local(struct stress_thread *t)
{
	struct stress_page *sp[KM_MAX_NESTING];
	void *va[KM_MAX_NESTING];
	unsigned int depth = stress_below(&t->rng, 8) ? 1 + stress_below(&t->rng, KM_MAX_NESTING)
						      : KM_MAX_NESTING;
	unsigned long switches = current->nivcsw;
	unsigned int n = 0;

	while (n < depth) {
		sp[n] = stress_trylock(&t->rng, t->id);
		if (!sp[n])
			break;
		va[n] = kmap_local_page(sp[n]->page);
		stress_note_depth(&t->max_depth);
		t->ops[OP_LOCAL]++;
		local_between(t, va[n], sp[n]);
		n++;
	}
	while (n--) {
		if (stress_check(va[n], page_to_pfn(sp[n]->page), sp[n]->key, "kmap_local") &&
		    stress_below(&t->rng, 2))
			stress_fill(va[n], stress_bump(sp[n]));
		kunmap_local(va[n]);
		stress_unlock(sp[n]);
	}
	if (current->nivcsw != switches)
		t->preempted++;
}

static void op_atomic(struct stress_thread *t)
{
	struct stress_page *sp = stress_trylock(&t->rng, t->id);
	void *va;

	if (!sp)
		return;
	va = kmap_atomic(sp->page);
	stress_note_depth(&t->max_depth);
	if (stress_check(va, page_to_pfn(sp->page), sp->key, "kmap_atomic") &&
	    stress_below(&t->rng, 2))
		stress_fill(va, stress_bump(sp));
	kunmap_atomic(va);
	stress_unlock(sp);
	t->ops[OP_ATOMIC]++;
}

/* ---- the helpers: copy_highpage, memcpy_from_page/memcpy_to_page ---- */

static void op_copy(struct stress_thread *t)
{
	struct stress_page *src = stress_trylock(&t->rng, t->id), *dst;

	if (!src)
		return;
	dst = stress_trylock(&t->rng, t->id);
	if (dst) {
		local_check(t, src, "kmap_local (copy source)");
		copy_highpage(dst->page, src->page);
		dst->gen++;		/* a write, of the source's bytes */
		dst->key = src->key;
		local_check(t, dst, "copy_highpage");
		stress_unlock(dst);
		t->ops[OP_COPY]++;
	}
	stress_unlock(src);
}

static void op_memcpy(struct stress_thread *t)
{
	struct stress_page *sp = stress_trylock(&t->rng, t->id);
	size_t split = stress_below(&t->rng, PAGE_SIZE + 1);

	if (!sp)
		return;
	memcpy_from_page((char *)t->buf, sp->page, 0, split);
	memcpy_from_page((char *)t->buf + split, sp->page, split, PAGE_SIZE - split);
	if (stress_check(t->buf, page_to_pfn(sp->page), sp->key, "memcpy_from_page")) {
		stress_fill(t->buf, stress_bump(sp));
		memcpy_to_page(sp->page, split, (char *)t->buf + split, PAGE_SIZE - split);
		memcpy_to_page(sp->page, 0, (char *)t->buf, split);
		local_check(t, sp, "memcpy_to_page");
	}
	stress_unlock(sp);
	t->ops[OP_MEMCPY]++;
}

/* ---- vmap of a random set ---- */

static void op_vmap(struct stress_thread *t)
{
	struct stress_page *sp[STRESS_VMAP_MAX];
	struct page *pages[STRESS_VMAP_MAX];
	unsigned int want = 1 + stress_below(&t->rng, STRESS_VMAP_MAX), n = 0;
	char *va;

	while (n < want && (sp[n] = stress_trylock(&t->rng, t->id))) {
		pages[n] = sp[n]->page;
		n++;
	}
	va = n ? vmap(pages, n) : NULL;
	if (va) {
		unsigned int w = stress_below(&t->rng, n);

		for (unsigned int i = 0; i < n; i++)
			stress_check(va + i * PAGE_SIZE, page_to_pfn(pages[i]), sp[i]->key, "vmap");
		if (!stress_stop)
			stress_fill(va + w * PAGE_SIZE, stress_bump(sp[w]));
		vunmap(va);
		t->ops[OP_VMAP]++;
	} else if (n) {
		t->vmap_failed++;
	}
	while (n--)
		stress_unlock(sp[n]);
}

/* ---- page allocation in every zone ---- */

static void block_check_free(struct stress_thread *t, unsigned int i)
{
	struct stress_block *b = &t->blocks[i];

	for (unsigned int p = 0; p < 1u << b->order; p++) {
		void *va = kmap_local_page(b->page + p);

		stress_check(va, page_to_pfn(b->page + p), b->key + p, "kmap_local (allocated block)");
		kunmap_local(va);
	}
	__free_pages(b->page, b->order);
	t->ops[OP_FREE]++;
	t->blocks[i] = t->blocks[--t->nblocks];
}

static void op_alloc(struct stress_thread *t)
{
	static const gfp_t gfps[] = { GFP_DMA, GFP_KERNEL, GFP_HIGHUSER };
	struct stress_block *b;

	if (t->nblocks == STRESS_BLOCKS || (t->nblocks && stress_below(&t->rng, 2))) {
		block_check_free(t, stress_below(&t->rng, t->nblocks));
		return;
	}
	b = &t->blocks[t->nblocks];
	b->order = stress_below(&t->rng, STRESS_MAX_ORDER + 1);
	b->page = alloc_pages(gfps[stress_below(&t->rng, ARRAY_SIZE(gfps))], b->order);
	if (!b->page) {
		t->alloc_failed++;
		return;
	}
	b->key = stress_rand(&t->rng);
	for (unsigned int p = 0; p < 1u << b->order; p++) {
		void *va = kmap_local_page(b->page + p);

		stress_fill(va, b->key + p);
		kunmap_local(va);
	}
	t->nblocks++;
	t->ops[OP_ALLOC]++;
}

/* ---- one operation ---- */

void stress_op(struct stress_thread *t)
{
	u32 r = stress_below(&t->rng, 1000);

	if (r == 0)
		op_burst(t);
	else if (READ_ONCE(burst_busy) && r < 500)
		op_kmap(t);	/* fill the rest of the pool */
	else if (r < 200)
		op_kmap(t);
	else if (r < 450)
		op_local(t);
	else if (r < 600)
		op_atomic(t);
	else if (r < 700)
		op_copy(t);
	else if (r < 800)
		op_memcpy(t);
	else if (r < 880)
		op_vmap(t);
	else
		op_alloc(t);
}

void stress_drop(struct stress_thread *t)
{
	while (t->nheld)
		kmap_release(t, 0);
	while (t->nblocks)
		block_check_free(t, 0);
}
