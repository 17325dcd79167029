/*
 * Mutexes: sleeping locks for task context.  A contender sleeps on the
 * mutex's wait queue as an exclusive waiter, so an unlock wakes one.
 * Unlike a spinlock a mutex may be held across a sleep, and holding one
 * does not disable preemption.  The owner is recorded: unlocking a mutex
 * the caller does not hold, and locking one it holds already, are panics.
 */
#ifndef HILO_MUTEX_H
#define HILO_MUTEX_H

#include <hilo/sched.h>
#include <hilo/wait.h>

struct mutex {
	struct task_struct *owner;	/* NULL: unlocked */
	struct wait_queue_head wait;
	const char *name;
};

#define __MUTEX_INITIALIZER(n) \
	{ .owner = NULL, .wait = __WAIT_QUEUE_HEAD_INITIALIZER(n.wait), .name = #n }
#define DEFINE_MUTEX(n) struct mutex n = __MUTEX_INITIALIZER(n)

/* mutex_init - an unlocked mutex called name.  Any context. */
void mutex_init(struct mutex *m, const char *name);

/* mutex_lock - take m, sleeping while another task holds it.  May sleep. */
void mutex_lock(struct mutex *m);

/* mutex_trylock - take m if it is free; true if taken.  Task context. */
bool mutex_trylock(struct mutex *m);

/* mutex_unlock - release m (the caller must hold it), wake one waiter. */
void mutex_unlock(struct mutex *m);

/* mutex_is_locked - some task holds m (a racy hint).  Any context. */
static inline bool mutex_is_locked(const struct mutex *m)
{
	return READ_ONCE(m->owner) != NULL;
}

#endif
