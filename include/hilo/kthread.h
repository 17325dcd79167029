/*
 * Kernel threads: create, start, exit, wait (kernel/kthread.c).  The
 * task they run as, its states and the scheduler are in hilo/sched.h.
 *
 * A thread is created TASK_NEW and runs once kthread_start()ed; it ends
 * by returning from its fn or calling kthread_exit(), and stays TASK_DEAD
 * until its one waiter's kthread_wait() frees it.
 */
#ifndef HILO_KTHREAD_H
#define HILO_KTHREAD_H

#include <hilo/compiler.h>
#include <hilo/sched.h>

/*
 * kthread_create - a new kernel thread that will run fn(arg) on its own
 * THREAD_SIZE stack (vmalloc, with guard pages) under the printf-style
 * name, in state TASK_NEW: it runs once kthread_start()ed.  Returns NULL
 * when the task pool or memory runs out.  Not in interrupt context (a
 * panic); it does not sleep, so sched_init() makes the idle task with it.
 */
struct task_struct *kthread_create(int (*fn)(void *), void *arg,
				   const char *namefmt, ...) __printf(3, 4);

/*
 * kthread_bind - make a TASK_NEW thread run on cpu only (its affinity
 * becomes that one CPU).  cpu must be online; a panic otherwise.
 */
void kthread_bind(struct task_struct *task, unsigned int cpu);

/*
 * kthread_start - queue a TASK_NEW thread to run, on the least loaded
 * online CPU of its cpus_allowed (the creating CPU on a tie).  Any context.
 */
void kthread_start(struct task_struct *task);

/* kthread_run - kthread_create, then kthread_start.  Not in interrupts. */
#define kthread_run(fn, arg, ...) ({                                          \
	struct task_struct *__k = kthread_create(fn, arg, __VA_ARGS__);      \
	if (__k)                                                              \
		kthread_start(__k);                                           \
	__k; })

/*
 * kthread_run_on_cpu - kthread_create, kthread_bind to cpu, kthread_start:
 * a thread that runs on cpu only.  Tests use it, with cpu the test task's
 * own, where their point is an interleaving on one CPU.
 */
#define kthread_run_on_cpu(fn, arg, cpu, ...) ({                              \
	struct task_struct *__k = kthread_create(fn, arg, __VA_ARGS__);      \
	if (__k) {                                                            \
		kthread_bind(__k, cpu);                                       \
		kthread_start(__k);                                           \
	}                                                                     \
	__k; })

/*
 * kthread_exit - end the current kernel thread with status code (as does
 * returning code from its fn).  Only kernel threads exit; preemptible
 * task context.  Never returns.
 */
void __noreturn kthread_exit(int code);

/*
 * kthread_wait - wait for a kernel thread to exit, free its stack and its
 * task, and return its exit status.  One waiter per thread, never the
 * thread itself.  Task context, may sleep.
 */
int kthread_wait(struct task_struct *task);

#endif
