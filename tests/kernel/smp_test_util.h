/*
 * Shared by the multi-CPU suites: a thread started on a chosen CPU, a
 * spinning barrier, and the skip for machines with too few CPUs.
 */
#ifndef TESTS_SMP_TEST_UTIL_H
#define TESTS_SMP_TEST_UTIL_H

#include <asm/processor.h>
#include <hilo/ktest.h>
#include <hilo/kthread.h>
#include <hilo/smp.h>

/* True when at least n CPUs are online; else the case is skipped. */
static inline bool need_cpus(struct ktest *t, unsigned int n)
{
	if (num_online_cpus() >= n)
		return true;
	ktest_skip(t, n == 2 ? "needs 2 CPUs online (boot with SMP=2 or more)"
			     : "needs more CPUs online");
	return false;
}

/* A kernel thread running fn(arg) on cpu only; NULL when out of tasks. */
static inline struct task_struct *start_on_cpu(int (*fn)(void *), void *arg,
					       unsigned int cpu, const char *name)
{
	struct task_struct *task = kthread_create(fn, arg, "%s/%u", name, cpu);

	if (task) {
		kthread_bind(task, cpu);
		kthread_start(task);
	}
	return task;
}

/* The first online CPU other than cpu (there must be one). */
static inline unsigned int other_cpu(unsigned int cpu)
{
	unsigned int c;

	for_each_online_cpu(c)
		if (c != cpu)
			return c;
	return cpu;
}

/* A barrier of n parties: each arrives, then spins until all have. */
static inline void barrier_wait(volatile unsigned int *arrived, unsigned int n)
{
	__atomic_add_fetch(arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(arrived, __ATOMIC_ACQUIRE) < n)
		cpu_relax();
}

/* Spin until *flag reaches value. */
static inline void spin_until(volatile int *flag, int value)
{
	while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) != value)
		cpu_relax();
}

static inline void set_flag(volatile int *flag, int value)
{
	__atomic_store_n(flag, value, __ATOMIC_RELEASE);
}

#endif
