/*
 * Mutexes (see hilo/mutex.h).  The lock is the owner field itself, taken
 * with an atomic compare-and-exchange, so it is correct on SMP; the wait
 * queue only parks the contenders.  An unlock wakes one exclusive waiter,
 * which retries; a task that arrives meanwhile may take the mutex first,
 * and the woken one then sleeps again (no hand-off, as in Linux's fast
 * path).
 */
#include <hilo/mutex.h>
#include <hilo/panic.h>

/* mutex_init - see hilo/mutex.h. */
void mutex_init(struct mutex *m, const char *name)
{
	m->owner = NULL;
	init_waitqueue_head(&m->wait);
	m->name = name;
}

/* mutex_trylock - see hilo/mutex.h.  Panics in interrupt context. */
bool mutex_trylock(struct mutex *m)
{
	struct task_struct *unlocked = NULL;

	if (in_interrupt())
		panic("mutex_trylock: mutex %s taken in interrupt context", m->name);
	return __atomic_compare_exchange_n(&m->owner, &unlocked, current, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* mutex_lock - see hilo/mutex.h. */
void mutex_lock(struct mutex *m)
{
	struct task_struct *self = current;

	might_sleep();
	if (READ_ONCE(m->owner) == self)
		panic("mutex_lock: task %s (pid %d) already holds mutex %s: deadlock",
		      self->comm, self->pid, m->name);
	wait_event_exclusive(m->wait, mutex_trylock(m));
}

/* mutex_unlock - see hilo/mutex.h.  Task context; does not sleep. */
void mutex_unlock(struct mutex *m)
{
	struct task_struct *owner = READ_ONCE(m->owner);

	if (owner != current)
		panic("mutex_unlock: mutex %s is held by %s, not by the caller %s (pid %d)",
		      m->name, owner ? owner->comm : "nobody", current->comm,
		      current->pid);
	__atomic_store_n(&m->owner, NULL, __ATOMIC_RELEASE);
	wake_up(&m->wait);
}
