/*
 * The stress run's internals, shared by its two halves:
 * mm/stress_pages.c, the page pool and its bookkeeping (patterns,
 * generations, page locks, the corruption record), and mm/stress.c, the
 * operations, the threads, the sampler and the report.
 *
 * Page ownership: every page of the pool has a lock of its own, a word
 * taken with cmpxchg and never waited for (stress_trylock).  A thread or
 * a timer callback reads or writes a pool page only while it holds that
 * lock, so two writers never meet on one page and no reader sees a page
 * half rewritten.  Nobody spins or sleeps on a page lock, so page locks
 * cannot deadlock, whatever else (kmap slots, local maps, sleeps) their
 * holder waits for.  Pages from stress_alloc (the allocation operation)
 * belong to the thread that allocated them and take no lock.
 */
#ifndef MM_STRESS_H
#define MM_STRESS_H

#include <hilo/mm.h>
#include <hilo/threads.h>
#include <hilo/types.h>

/* One page of the pool: what its contents must be. */
struct stress_page {
	struct page *page;
	u32 lock;		/* 0 free, else the holder's id + 1 */
	u32 gen;		/* writes so far */
	u32 key;		/* the pattern: stress_key(pfn, gen), or a copy's source key */
};

extern struct stress_page *stress_pool;
extern unsigned int stress_pool_size;
extern unsigned int stress_pool_high;	/* how many of them are highmem */

#define STRESS_IRQ_OWNER 0xffffu	/* a timer callback's id for the page locks */

/* A PRNG stream (xorshift64*): each thread and CPU timer has its own. */
struct stress_rng {
	u64 s;
};

void stress_rng_init(struct stress_rng *r, u64 seed, unsigned int stream);
u32 stress_rand(struct stress_rng *r);
static inline u32 stress_below(struct stress_rng *r, u32 n)
{
	return (u32)(((u64)stress_rand(r) * n) >> 32);
}

/* The key of the pattern of frame pfn at generation gen. */
u32 stress_key(unsigned long pfn, u32 gen);
/* Word i of the pattern with that key. */
static inline u32 stress_word(u32 key, unsigned int i)
{
	return key + i * 0x9E3779B1u;
}

/*
 * The pool: stress_pool_init allocates up to want pages (highmem first,
 * then lowmem) and writes each one's generation-0 pattern; returns the
 * number.  stress_pool_free gives them all back.
 */
unsigned int stress_pool_init(unsigned int want);
void stress_pool_free(void);

/*
 * Lock a random page of the first n of the pool (a few tries), or NULL;
 * stress_trylock from the whole pool; the highmem pages come first.
 */
struct stress_page *stress_trylock_in(struct stress_rng *r, u32 owner, unsigned int n);
static inline struct stress_page *stress_trylock(struct stress_rng *r, u32 owner)
{
	return stress_trylock_in(r, owner, stress_pool_size);
}
void stress_unlock(struct stress_page *sp);

/*
 * Check a whole page seen at va against key; kind names the mapping.  A
 * mismatch is recorded (the first one in full) and makes it return
 * false.  stress_fill writes the pattern of key at va.
 */
bool stress_check(const void *va, unsigned long pfn, u32 key, const char *kind);
void stress_fill(void *va, u32 key);

/* A write: the page's next generation; returns its new key (fill it). */
u32 stress_bump(struct stress_page *sp);

/* The corruption record. */
extern unsigned long stress_corruptions;
void stress_report_corruption(void);

/* The run stops early (a corruption, or time is up). */
extern volatile bool stress_stop;

/* ---- the operations (mm/stress_ops.c) and their threads (mm/stress.c) ---- */

#define STRESS_THREADS_PER_CPU 3
#define STRESS_MAX_THREADS     (STRESS_THREADS_PER_CPU * NR_CPUS)
#define STRESS_KMAP_HOLD       4	/* K: pool maps a thread may hold */
#define STRESS_VMAP_MAX        8
#define STRESS_BLOCKS          6	/* allocated blocks a thread may hold */
#define STRESS_MAX_ORDER       3

enum {
	OP_KMAP, OP_KUNMAP, OP_BURST_MAP, OP_LOCAL, OP_ATOMIC, OP_COPY,
	OP_MEMCPY, OP_VMAP, OP_ALLOC, OP_FREE, OP_YIELD, OP_MSLEEP, NR_OPS
};

struct stress_block {
	struct page *page;
	unsigned int order;
	u32 key;		/* page i of the block holds key + i's pattern */
};

/* A thread's state: only it touches it, until the report sums it up. */
struct stress_thread {
	unsigned int id;
	struct task_struct *task;
	struct stress_rng rng;
	struct stress_page *held[STRESS_KMAP_HOLD];
	void *held_va[STRESS_KMAP_HOLD];
	unsigned int nheld;
	struct stress_block blocks[STRESS_BLOCKS];
	unsigned int nblocks;
	u32 *buf;		/* a lowmem page for memcpy_page */
	unsigned long ops[NR_OPS];
	unsigned long bursts, preempted, alloc_failed, vmap_failed;
	unsigned int max_depth;
} ____cacheline_aligned;

/* burst_max - the most pool maps a burst takes (mm/stress.c says why). */
extern unsigned int stress_burst_max;
/* Each CPU's deepest local map stack since the last sample. */
extern unsigned int stress_depth_max[NR_CPUS];

/*
 * stress_op - one random operation of thread t; stress_drop - give back
 * every map and block t still holds.  Task context, may sleep.
 */
void stress_op(struct stress_thread *t);
void stress_drop(struct stress_thread *t);

/* The local map stack's depth; note it (after a map) for the samples and *max_seen. */
unsigned int stress_local_depth(void);
void stress_note_depth(unsigned int *max_seen);

#endif
