/*
 * The CPUs themselves: every online CPU answers a call-function IPI and
 * ticks on its own APIC timer, cross-CPU calls refuse the contexts that
 * could deadlock, and the ticket spinlock serves waiting CPUs in turn.
 */
#include <asm/apic.h>
#include <asm/smpboot.h>
#include <hilo/ktest.h>
#include <hilo/preempt.h>
#include <hilo/sched.h>
#include <hilo/spinlock.h>
#include <hilo/timer.h>
#include "smp_test_util.h"

static void record_cpu(void *arg)
{
	volatile u32 *seen = arg;

	__atomic_or_fetch(seen, 1u << smp_processor_id(), __ATOMIC_SEQ_CST);
}

KTEST(smp, on_each_cpu_runs_on_every_online_cpu)
{
	volatile u32 seen = 0;
	unsigned long before[NR_CPUS];
	unsigned int cpu;

	for_each_online_cpu(cpu)
		before[cpu] = smp_call_ipis(cpu);
	on_each_cpu(record_cpu, (void *)&seen, true);
	EXPECT_EQ(t, seen, cpu_online_mask);
	preempt_disable();
	for_each_online_cpu(cpu)	/* an IPI each, none to the caller */
		EXPECT_EQ(t, smp_call_ipis(cpu),
			  before[cpu] + (cpu != smp_processor_id()));
	preempt_enable();
}

/* Every online CPU took at least n ticks since before[]. */
static bool all_ticked(const unsigned long *before, unsigned long n)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		if (system_vector_count(cpu, LOCAL_TIMER_VECTOR) - before[cpu] < n)
			return false;
	return true;
}

KTEST(smp, every_cpu_ticks_on_its_apic_timer)
{
	unsigned long before[NR_CPUS];
	unsigned int cpu;

	if (!lapic_in_use) {
		ktest_skip(t, "no local APIC: the PIT ticks");
		return;
	}
	for_each_online_cpu(cpu)
		before[cpu] = system_vector_count(cpu, LOCAL_TIMER_VECTOR);
	/*
	 * Three ticks each: 30 ms at 100 Hz.  The bound is for a host so
	 * loaded that a vCPU runs rarely (its missed ticks then coalesce).
	 */
	for (int ms = 0; ms < 10000 && !all_ticked(before, 3); ms += 10)
		msleep(10);
	for_each_online_cpu(cpu) {
		unsigned long ticks = system_vector_count(cpu, LOCAL_TIMER_VECTOR) - before[cpu];

		if (ticks < 3)
			KTEST_FAIL(t, "CPU %u took %lu timer ticks in 10 s", cpu, ticks);
	}
}

static void record_apic_id(void *arg)
{
	volatile u32 *ids = arg;

	ids[smp_processor_id()] = lapic_id();
}

KTEST(smp, apic_ids_are_distinct_and_match_each_cpu)
{
	static volatile u32 ids[NR_CPUS];
	unsigned int cpu, other;

	if (!lapic_in_use) {
		ktest_skip(t, "no local APIC");
		return;
	}
	on_each_cpu(record_apic_id, (void *)ids, true);
	for_each_online_cpu(cpu) {
		EXPECT_EQ(t, ids[cpu], cpu_apic_id(cpu));
		for_each_online_cpu(other)
			if (other < cpu && ids[other] == ids[cpu])
				KTEST_FAIL(t, "CPUs %u and %u share APIC ID %u", other, cpu, ids[cpu]);
	}
}

KTEST_EXPECT_PANIC(smp, on_each_cpu_with_interrupts_off_panics,
		   "on_each_cpu: called with interrupts disabled")
{
	volatile u32 seen = 0;

	local_irq_disable();
	on_each_cpu(record_cpu, (void *)&seen, true);
	local_irq_enable();
}

/* ---- the ticket lock: FIFO between CPUs ---- */

#define FIFO_ROUNDS 20

struct fifo {
	spinlock_t lock;
	unsigned int n;			/* participants, one per CPU */
	volatile int round;		/* the round the holder opened */
	volatile unsigned int served;	/* acquisitions logged so far */
	volatile bool go;		/* every worker exists: start */
	unsigned int order[FIFO_ROUNDS * NR_CPUS];
};

/* Tickets handed out and not yet served: the holder plus the waiters. */
static unsigned int tickets_out(const spinlock_t *l)
{
	u32 v = READ_ONCE(l->val);

	return (u16)((u16)(v >> TICKET_SHIFT) - (u16)v);
}

static void fifo_log(struct fifo *f, unsigned int rank)
{
	f->order[f->served] = rank;
	WRITE_ONCE(f->served, f->served + 1);
}

/*
 * Rank 0 holds the lock while ranks 1..n-1 queue behind it one after the
 * other (each takes its ticket only once the one before it is waiting),
 * then releases it and at once asks for it again: FIFO serves 1, 2, ...,
 * n-1 and only then 0, the releasing CPU, which an unfair lock would
 * serve first.
 */
static int fifo_worker(void *arg)
{
	struct fifo *f = (void *)((unsigned long)arg & ~0xFUL);
	unsigned int rank = (unsigned long)arg & 0xF;

	/*
	 * Rank 0 spins holding the lock (preemption off) until every other
	 * worker queues; the worker of the boot CPU must not start that
	 * before the boot task, on the same CPU, has created them all.
	 */
	while (!f->go)
		cpu_relax();
	for (int r = 0; r < FIFO_ROUNDS; r++) {
		if (rank == 0) {
			while (READ_ONCE(f->served) != (unsigned int)r * f->n)
				cpu_relax();
			spin_lock(&f->lock);
			WRITE_ONCE(f->round, r);
			while (tickets_out(&f->lock) != f->n)
				cpu_relax();
			spin_unlock(&f->lock);
		} else {
			while (READ_ONCE(f->round) != r || tickets_out(&f->lock) != rank)
				cpu_relax();
		}
		spin_lock(&f->lock);
		fifo_log(f, rank);
		spin_unlock(&f->lock);
	}
	return 0;
}

KTEST(smp, ticket_lock_serves_waiting_cpus_in_arrival_order)
{
	static struct fifo f __aligned(16);
	struct task_struct *task[NR_CPUS] = { NULL };
	unsigned int cpu, rank = 0, wrong = 0;

	if (!need_cpus(t, 2))
		return;
	f = (struct fifo){ .lock = __SPIN_LOCK_UNLOCKED(f.lock), .round = -1,
			   .n = num_online_cpus() };
	for_each_online_cpu(cpu) {
		task[cpu] = start_on_cpu(fifo_worker, (void *)((unsigned long)&f | rank++),
					 cpu, "fifo");
		ASSERT_NOT_NULL(t, task[cpu]);
	}
	f.go = true;
	for_each_online_cpu(cpu)
		EXPECT_EQ(t, kthread_wait(task[cpu]), 0);
	ASSERT_EQ(t, f.served, FIFO_ROUNDS * f.n);
	for (unsigned int i = 0; i < f.served; i++)
		wrong += f.order[i] != (i % f.n + 1) % f.n;
	ktest_log(t, "%u CPUs, %u rounds: %u acquisitions out of arrival order",
		  f.n, FIFO_ROUNDS, wrong);
	EXPECT_EQ(t, wrong, 0);
}

/*
 * A lock whose ticket was taken by no one who will ever release it (as a
 * holder that died, or a corrupt lock would leave it): the waiter must
 * panic with the lock's name after the spin limit, not hang.
 */
KTEST_EXPECT_PANIC(smp, spin_that_never_ends_panics,
		   "spin_lock: lock stuck not released for 200 ms: held by CPU -1")
{
	static spinlock_t stuck = __SPIN_LOCK_UNLOCKED(stuck);

	stuck.tickets.tail++;		/* a ticket out, never served */
	spin_lock_limit_ms = 200;
	spin_lock(&stuck);
}
