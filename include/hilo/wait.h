/*
 * Wait queues, as in Linux: a task sleeps on a queue until a condition
 * holds; whoever makes it hold calls wake_up() on the queue.
 *
 *   waiter:                         waker:
 *     wait_event(wq, done);           done = true;
 *                                     wake_up(&wq);
 *
 * No wake-up is lost: the waiter queues itself and sets its state to
 * TASK_UNINTERRUPTIBLE before it tests the condition (prepare_to_wait),
 * so a wake_up() that comes after the test finds it queued and makes it
 * runnable again, and its schedule() returns at once.  Sleeps are
 * uninterruptible (hilo has no signals).
 *
 * An exclusive waiter (wait_event_exclusive) is one of which a wake_up()
 * wakes only one, in queue order: the mutex uses it so that an unlock
 * wakes one contender, not all.  wake_up_all() wakes everyone.
 */
#ifndef HILO_WAIT_H
#define HILO_WAIT_H

#include <hilo/list.h>
#include <hilo/preempt.h>
#include <hilo/sched.h>
#include <hilo/spinlock.h>

struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;		/* of wait_queue_entry.entry */
};
typedef struct wait_queue_head wait_queue_head_t;

struct wait_queue_entry {
	struct task_struct *task;
	bool exclusive;
	struct list_head entry;		/* empty: not queued */
};

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) \
	{ .lock = __SPIN_LOCK_UNLOCKED(name.lock), .head = LIST_HEAD_INIT(name.head) }
#define DECLARE_WAIT_QUEUE_HEAD(name) \
	struct wait_queue_head name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

/* init_waitqueue_head - an empty queue.  Any context. */
void init_waitqueue_head(struct wait_queue_head *wq);

/* DEFINE_WAIT - an on-stack entry for the current task, not queued. */
#define DEFINE_WAIT(name)                                                     \
	struct wait_queue_entry name = {                                      \
		.task = current, .entry = LIST_HEAD_INIT(name.entry),         \
	}

/*
 * prepare_to_wait / prepare_to_wait_exclusive - queue wait (unless it is
 * queued already) and set the current task's state to state.  Then test
 * the condition and schedule() if it does not hold.  Task context.
 */
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait,
		     unsigned int state);
void prepare_to_wait_exclusive(struct wait_queue_head *wq,
			       struct wait_queue_entry *wait, unsigned int state);

/* finish_wait - back to TASK_RUNNING, off the queue.  Task context. */
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait);

/*
 * wake_up - wake every non-exclusive waiter of wq and the first exclusive
 * one; wake_up_all - wake every waiter.  A woken waiter leaves the queue.
 * Any context, including interrupt handlers; they never sleep.
 */
void wake_up(struct wait_queue_head *wq);
void wake_up_all(struct wait_queue_head *wq);

/*
 * wq_has_sleeper - some task is queued on wq.  Exact only while the
 * waiters' condition cannot change (kunmap_high calls it under kmap_lock);
 * otherwise a hint.
 */
bool wq_has_sleeper(struct wait_queue_head *wq);

/*
 * ___wait_event - the body of wait_event and wait_event_exclusive; prepare
 * is prepare_to_wait or prepare_to_wait_exclusive.
 */
#define ___wait_event(wq, condition, prepare)                                 \
do {                                                                          \
	DEFINE_WAIT(__wait);                                                  \
	might_sleep();                                                        \
	if (condition)                                                        \
		break;                                                        \
	for (;;) {                                                            \
		prepare(&(wq), &__wait, TASK_UNINTERRUPTIBLE);                \
		if (condition)                                                \
			break;                                                \
		schedule();                                                   \
	}                                                                     \
	finish_wait(&(wq), &__wait);                                          \
} while (0)

/*
 * wait_event - sleep until condition is true; it is tested before each
 * sleep and after each wake-up.  Task context, preemptible (might_sleep).
 */
#define wait_event(wq, condition) ___wait_event(wq, condition, prepare_to_wait)

/* wait_event_exclusive - wait_event as an exclusive waiter (see above). */
#define wait_event_exclusive(wq, condition) \
	___wait_event(wq, condition, prepare_to_wait_exclusive)

/*
 * wait_event_timeout - wait_event for at most timeout ticks.  Returns 0
 * when the condition is still false after the timeout, otherwise the
 * ticks that were left (at least 1).  Task context, preemptible.
 */
#define wait_event_timeout(wq, condition, timeout) ({                         \
	long __ret = (timeout);                                               \
	might_sleep();                                                        \
	if (!(condition)) {                                                   \
		DEFINE_WAIT(__wait);                                          \
		for (;;) {                                                    \
			prepare_to_wait(&(wq), &__wait, TASK_UNINTERRUPTIBLE); \
			if (condition)                                        \
				break;                                        \
			__ret = schedule_timeout(__ret);                      \
			if (!__ret) {                                         \
				__ret = !!(condition);                        \
				break;                                        \
			}                                                     \
		}                                                             \
		finish_wait(&(wq), &__wait);                                  \
	} else if (!__ret) {                                                  \
		__ret = 1;                                                    \
	}                                                                     \
	__ret; })

#endif
