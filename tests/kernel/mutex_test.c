/*
 * Tests of mutexes: holders that sleep while holding one are serialized,
 * trylock fails while it is held, and misuse (unlock by a task that does
 * not own it, lock under a spinlock) panics.
 */
#include <hilo/ktest.h>
#include <hilo/kthread.h>
#include <hilo/mutex.h>
#include <hilo/sched.h>
#include <hilo/spinlock.h>
#include <hilo/wait.h>

#define MUTEX_THREADS 3
#define MUTEX_ROUNDS  50

struct guarded {
	struct mutex lock;
	int holders, max_holders;
	unsigned long counter;
	unsigned long contended;	/* unlocks that found a waiter */
};

/* Each round holds the mutex across a yield: others must wait, asleep. */
static int mutex_user_fn(void *arg)
{
	struct guarded *g = arg;

	for (int i = 0; i < MUTEX_ROUNDS; i++) {
		unsigned long c;

		mutex_lock(&g->lock);
		g->holders++;
		g->max_holders = max(g->max_holders, g->holders);
		c = g->counter;
		yield();
		g->counter = c + 1;
		g->holders--;
		g->contended += wq_has_sleeper(&g->lock.wait);
		mutex_unlock(&g->lock);
	}
	return 0;
}

KTEST(mutex, serializes_holders_that_sleep)
{
	static struct guarded g;
	struct task_struct *task[MUTEX_THREADS];

	g = (struct guarded){ 0 };
	mutex_init(&g.lock, "guarded");
	for (int i = 0; i < MUTEX_THREADS; i++) {
		task[i] = kthread_create(mutex_user_fn, &g, "locker/%d", i);
		ASSERT_NOT_NULL(t, task[i]);
	}
	/*
	 * All on this CPU (the boot task stays on CPU 0): a holder's yield()
	 * then hands the CPU to the others, which must find the mutex held
	 * and sleep on it.  Spread over CPUs, a yield would return at once.
	 */
	for (int i = 0; i < MUTEX_THREADS; i++) {
		kthread_bind(task[i], smp_processor_id());
		kthread_start(task[i]);
	}
	for (int i = 0; i < MUTEX_THREADS; i++)
		EXPECT_EQ(t, kthread_wait(task[i]), 0);
	EXPECT_EQ(t, g.counter, (unsigned long)MUTEX_THREADS * MUTEX_ROUNDS);
	EXPECT_EQ(t, g.max_holders, 1);
	EXPECT_GT(t, g.contended, 0ul);
	EXPECT_FALSE(t, mutex_is_locked(&g.lock));
}

KTEST(mutex, trylock_fails_while_held)
{
	DEFINE_MUTEX(m);

	EXPECT_TRUE(t, mutex_trylock(&m));
	EXPECT_PTR_EQ(t, m.owner, current);
	EXPECT_FALSE(t, mutex_trylock(&m));
	mutex_unlock(&m);
	EXPECT_FALSE(t, mutex_is_locked(&m));
}

KTEST_EXPECT_PANIC(mutex, unlock_when_not_owner_panics,
		   "mutex_unlock: mutex misused is held by nobody, not by the caller boot")
{
	DEFINE_MUTEX(misused);

	mutex_unlock(&misused);
}

KTEST_EXPECT_PANIC(mutex, lock_under_spinlock_panics,
		   "might_sleep: mutex_lock would sleep with preemption disabled")
{
	DEFINE_SPINLOCK(spin);
	DEFINE_MUTEX(m);

	spin_lock(&spin);
	mutex_lock(&m);
	mutex_unlock(&m);
	spin_unlock(&spin);
}
