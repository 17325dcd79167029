/*
 * Tests of spinlocks against real preemption.
 *
 * RACERS threads increment two shared counters with a wide race window:
 * read both, spin a while, write both plus one.  A thread notices when it
 * was preempted inside the window (its involuntary switch count moved).
 * Without the lock such a preemption lets the others increment meanwhile,
 * and the late write throws their increments away: the counters end below
 * the increments made.  With the lock no preemption ever lands inside the
 * window (spin_lock disables it; it happens at spin_unlock instead) and
 * the counters are exact.  Both runs go at RACE_HZ and last until every
 * thread has been preempted RACE_PREEMPTIONS times where it counts (or
 * RACE_SECONDS pass, which fails the case).
 */
#include <hilo/ktest.h>
#include <hilo/kthread.h>
#include <hilo/preempt.h>
#include <hilo/sched.h>
#include <hilo/spinlock.h>
#include <hilo/timer.h>

#define RACERS            4
#define RACE_HZ           1000
#define RACE_DELAY        200	/* spins between the read and the write */
#define RACE_PREEMPTIONS  3
#define RACE_SECONDS      30	/* a bound for a loaded host, not a figure to meet */

struct race {
	spinlock_t lock;
	bool locked;			/* take the lock around each increment */
	volatile unsigned long counter[2];
	unsigned long deadline;		/* in jiffies */
	int satisfied;			/* racers preempted often enough so far */
};

struct racer {
	struct race *race;
	unsigned long increments;
	unsigned long preempted_inside;	/* preemptions between read and write */
	unsigned long preemptions;	/* all involuntary switches */
};

static void race_delay(void)
{
	for (volatile unsigned int i = 0; i < RACE_DELAY; i++)
		;
}

/* race_increment - one read-delay-write; true if preempted in between. */
static bool race_increment(struct race *race)
{
	unsigned long switches, a, b;
	bool preempted;

	if (race->locked)
		spin_lock(&race->lock);
	switches = current->nivcsw;
	a = race->counter[0];
	b = race->counter[1];
	race_delay();
	race->counter[0] = a + 1;
	race->counter[1] = b + 1;
	preempted = current->nivcsw != switches;
	if (race->locked)
		spin_unlock(&race->lock);
	return preempted;
}

/* racer_satisfied - preempted RACE_PREEMPTIONS times where it counts. */
static bool racer_satisfied(const struct racer *r)
{
	unsigned long seen = r->race->locked ? r->preemptions : r->preempted_inside;

	return seen >= RACE_PREEMPTIONS;
}

/*
 * racer_fn - increment until every racer is satisfied (a satisfied one
 * goes on, so the others still have someone to race with) or time is up.
 */
static int racer_fn(void *arg)
{
	struct racer *r = arg;
	struct race *race = r->race;
	unsigned long start = current->nivcsw;
	bool satisfied = false;

	while (__atomic_load_n(&race->satisfied, __ATOMIC_RELAXED) < RACERS &&
	       time_before(jiffies, race->deadline)) {
		r->preempted_inside += race_increment(race);
		r->increments++;
		r->preemptions = current->nivcsw - start;
		if (!satisfied && racer_satisfied(r)) {
			satisfied = true;
			__atomic_fetch_add(&race->satisfied, 1, __ATOMIC_RELAXED);
		}
	}
	return 0;
}

/*
 * run_race - RACERS threads at RACE_HZ until done; returns the increments
 * made, each racer's counts in r[].
 */
static unsigned long run_race(struct ktest *t, struct race *race, struct racer r[RACERS])
{
	struct task_struct *task[RACERS];
	unsigned int old_hz = timer_hz();
	unsigned long made = 0;

	timer_set_hz(RACE_HZ);
	race->deadline = jiffies + RACE_SECONDS * RACE_HZ;
	race->satisfied = 0;
	for (int i = 0; i < RACERS; i++) {
		r[i] = (struct racer){ .race = race };
		task[i] = kthread_create(racer_fn, &r[i], "racer/%d", i);
	}
	/*
	 * All on this CPU (the boot task stays on CPU 0, and sleeps in
	 * kthread_wait): the race is made by preemption inside the window,
	 * which needs the racers to share one CPU.
	 */
	for (int i = 0; i < RACERS; i++)
		if (task[i]) {
			kthread_bind(task[i], smp_processor_id());
			kthread_start(task[i]);
		}
	for (int i = 0; i < RACERS; i++) {
		if (!task[i]) {
			KTEST_FAIL(t, "kthread_create failed for racer %d", i);
			continue;
		}
		kthread_wait(task[i]);
		made += r[i].increments;
		ktest_log(t, "racer/%d: %lu increments, preempted %lu times, %lu inside the window",
			  i, r[i].increments, r[i].preemptions, r[i].preempted_inside);
	}
	timer_set_hz(old_hz);
	if (race->satisfied < RACERS)
		KTEST_FAIL(t, "the racers were not preempted %d times each in %d s",
			   RACE_PREEMPTIONS, RACE_SECONDS);
	return made;
}

KTEST(spinlock, counters_exact_under_lock_at_high_tick_rate)
{
	static struct race race = { .lock = __SPIN_LOCK_UNLOCKED(race.lock), .locked = true };
	struct racer r[RACERS];
	unsigned long made = run_race(t, &race, r);

	EXPECT_EQ(t, race.counter[0], made);
	EXPECT_EQ(t, race.counter[1], made);
	for (int i = 0; i < RACERS; i++) {
		EXPECT_GE(t, r[i].preemptions, (unsigned long)RACE_PREEMPTIONS);
		EXPECT_EQ(t, r[i].preempted_inside, 0ul);
	}
	EXPECT_FALSE(t, spin_is_locked(&race.lock));
}

KTEST(spinlock, race_without_lock_loses_updates)
{
	static struct race race = { .lock = __SPIN_LOCK_UNLOCKED(race.lock), .locked = false };
	struct racer r[RACERS];
	unsigned long made = run_race(t, &race, r);

	ktest_log(t, "%lu increments made, counter %lu: %lu lost", made,
		  race.counter[0], made - race.counter[0]);
	EXPECT_LT(t, race.counter[0], made);
	EXPECT_EQ(t, race.counter[1], race.counter[0]);	/* read and written together */
	for (int i = 0; i < RACERS; i++)
		EXPECT_GE(t, r[i].preempted_inside, (unsigned long)RACE_PREEMPTIONS);
}

KTEST(spinlock, lock_disables_preemption_until_unlock)
{
	DEFINE_SPINLOCK(lock);

	spin_lock(&lock);
	EXPECT_TRUE(t, spin_is_locked(&lock));
	EXPECT_EQ(t, preempt_count(), 1);
	EXPECT_FALSE(t, irqs_disabled());
	EXPECT_FALSE(t, spin_trylock(&lock));
	EXPECT_EQ(t, preempt_count(), 1);	/* a failed trylock gives it back */
	spin_unlock(&lock);
	EXPECT_FALSE(t, spin_is_locked(&lock));
	EXPECT_EQ(t, preempt_count(), 0);
	EXPECT_TRUE(t, spin_trylock(&lock));
	EXPECT_EQ(t, preempt_count(), 1);
	spin_unlock(&lock);
}

KTEST(spinlock, irqsave_disables_and_restores_interrupts)
{
	DEFINE_SPINLOCK(outer);
	DEFINE_SPINLOCK(inner);
	unsigned long f1, f2;

	spin_lock_irqsave(&outer, f1);
	EXPECT_TRUE(t, irqs_disabled());
	spin_lock_irqsave(&inner, f2);
	EXPECT_EQ(t, preempt_count(), 2);
	spin_unlock_irqrestore(&inner, f2);
	EXPECT_TRUE(t, irqs_disabled());	/* restored to what it was: off */
	spin_unlock_irqrestore(&outer, f1);
	EXPECT_FALSE(t, irqs_disabled());
	EXPECT_EQ(t, preempt_count(), 0);
}

/* On one CPU a lock found taken can never be released: a named panic. */
KTEST_EXPECT_PANIC(spinlock, taking_a_held_lock_panics,
		   "spin_lock: lock recursive_lock is already held on this CPU: deadlock")
{
	static DEFINE_SPINLOCK(recursive_lock);
	unsigned long flags;

	spin_lock(&recursive_lock);
	spin_lock_irqsave(&recursive_lock, flags);
	spin_unlock_irqrestore(&recursive_lock, flags);	/* never reached */
}
