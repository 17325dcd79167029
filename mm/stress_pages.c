/*
 * The stress run's page pool and bookkeeping (see mm/stress.h): the
 * PRNG streams, the patterns and their generations, the page locks and
 * the record of the first corruption.
 *
 * A page's contents are always the pattern of its key: word i is
 * stress_word(key, i).  The key is stress_key(pfn, gen), derived from the
 * frame and its generation, which every write bumps; a copy
 * (copy_highpage) gives the destination the source's key instead, since
 * the destination then holds the source's bytes.
 */
#include <hilo/highmem.h>
#include <hilo/printk.h>
#include <hilo/sched.h>
#include <hilo/spinlock.h>
#include <hilo/vmalloc.h>

#include "stress.h"

struct stress_page *stress_pool;
unsigned int stress_pool_size;
unsigned int stress_pool_high;
unsigned long stress_corruptions;
volatile bool stress_stop;

/* ---- PRNG ---- */

static u64 splitmix64(u64 *x)
{
	u64 z = (*x += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* stream n of seed: a state of its own, never 0 */
void stress_rng_init(struct stress_rng *r, u64 seed, unsigned int stream)
{
	u64 x = seed ^ ((u64)stream << 32 | stream);

	splitmix64(&x);
	r->s = splitmix64(&x) | 1;
}

u32 stress_rand(struct stress_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (u32)((r->s * 0x2545F4914F6CDD1Dull) >> 32);
}

/* ---- patterns ---- */

u32 stress_key(unsigned long pfn, u32 gen)
{
	u32 k = (u32)pfn * 0x85EBCA77u ^ gen * 0xC2B2AE3Du;

	k ^= k >> 15;
	k *= 0x27D4EB2Fu;
	return k ^ (k >> 13);
}

void stress_fill(void *va, u32 key)
{
	u32 *p = va;

	for (unsigned int i = 0; i < PAGE_SIZE / 4; i++)
		p[i] = stress_word(key, i);
}

u32 stress_bump(struct stress_page *sp)
{
	sp->gen++;
	sp->key = stress_key(page_to_pfn(sp->page), sp->gen);
	return sp->key;
}

/* ---- the corruption record ---- */

static DEFINE_SPINLOCK(corruption_lock);
static struct {
	unsigned long pfn;
	const char *kind;
	unsigned int word;
	u32 expected, found;
	unsigned int cpu;
	char task[16];
} first;

bool stress_check(const void *va, unsigned long pfn, u32 key, const char *kind)
{
	const volatile u32 *p = va;
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / 4; i++)
		if (p[i] != stress_word(key, i))
			break;
	if (i == PAGE_SIZE / 4)
		return true;
	flags = arch_local_irq_save();
	spin_lock(&corruption_lock);
	if (!stress_corruptions++) {
		first.pfn = pfn;
		first.kind = kind;
		first.word = i;
		first.expected = stress_word(key, i);
		first.found = p[i];
		first.cpu = smp_processor_id();
		memcpy(first.task, current->comm, sizeof(first.task));
	}
	spin_unlock(&corruption_lock);
	arch_local_irq_restore(flags);
	stress_stop = true;	/* stop early: the report names the first */
	return false;
}

void stress_report_corruption(void)
{
	if (!stress_corruptions) {
		pr_info("stress: 0 corruptions\n");
		return;
	}
	pr_info("stress: CORRUPTION: %lu corrupted page reads; the first: pfn %#lx (%s) through %s, "
		"byte offset %u: expected %08x, found %08x (CPU %u, task %s)\n",
		stress_corruptions, first.pfn,
		first.pfn >= max_low_pfn ? "highmem" : "lowmem", first.kind,
		first.word * 4, first.expected, first.found, first.cpu, first.task);
}

/* ---- the pool ---- */

unsigned int stress_pool_init(unsigned int want)
{
	unsigned int n = 0;

	stress_pool = vmalloc(want * sizeof(*stress_pool), GFP_KERNEL);
	if (!stress_pool)
		return 0;
	/* Highmem for up to 3/4 of the pool, lowmem for the rest. */
	for (; n < want * 3 / 4; n++) {
		struct page *p = alloc_page(GFP_HIGHUSER);

		if (!p)
			break;
		if (!PageHighMem(p)) {
			__free_page(p);
			break;
		}
		stress_pool[n].page = p;
	}
	stress_pool_high = n;
	for (; n < want; n++) {
		struct page *p = alloc_page(GFP_KERNEL);

		if (!p)
			break;
		stress_pool[n].page = p;
	}
	stress_pool_size = n;
	for (unsigned int i = 0; i < n; i++) {
		struct stress_page *sp = &stress_pool[i];
		void *va = kmap_local_page(sp->page);

		sp->lock = 0;
		sp->gen = 0;
		sp->key = stress_key(page_to_pfn(sp->page), 0);
		stress_fill(va, sp->key);
		kunmap_local(va);
	}
	return n;
}

void stress_pool_free(void)
{
	for (unsigned int i = 0; i < stress_pool_size; i++)
		__free_page(stress_pool[i].page);
	vfree(stress_pool);
	stress_pool = NULL;
	stress_pool_size = 0;
}

/* ---- page locks: tried, never waited for ---- */

struct stress_page *stress_trylock_in(struct stress_rng *r, u32 owner, unsigned int n)
{
	for (int tries = 0; tries < 8; tries++) {
		struct stress_page *sp = &stress_pool[stress_below(r, n)];
		u32 unlocked = 0;

		if (!READ_ONCE(sp->lock) &&
		    __atomic_compare_exchange_n(&sp->lock, &unlocked, owner + 1, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return sp;
	}
	return NULL;
}

void stress_unlock(struct stress_page *sp)
{
	__atomic_store_n(&sp->lock, 0, __ATOMIC_RELEASE);
}
