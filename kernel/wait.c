/*
 * Wait queues (see hilo/wait.h for the protocol).  A queue's lock guards
 * its list and is taken with interrupts off, since interrupt handlers
 * wake queues; wake_up_process() takes the run queue's lock inside it.
 */
#include <hilo/sched.h>
#include <hilo/wait.h>

/* init_waitqueue_head - see hilo/wait.h. */
void init_waitqueue_head(struct wait_queue_head *wq)
{
	spin_lock_init(&wq->lock);
	INIT_LIST_HEAD(&wq->head);
}

/*
 * __prepare_to_wait - queue wait at the tail unless it is queued, then set
 * the state: both under the queue's lock, so a waker either finds the
 * entry or runs before it was queued and before the condition is tested.
 */
static void __prepare_to_wait(struct wait_queue_head *wq,
			      struct wait_queue_entry *wait, unsigned int state,
			      bool exclusive)
{
	unsigned long flags;

	spin_lock_irqsave(&wq->lock, flags);
	wait->exclusive = exclusive;
	if (list_empty(&wait->entry))
		list_add_tail(&wait->entry, &wq->head);
	set_current_state(state);
	spin_unlock_irqrestore(&wq->lock, flags);
}

/* prepare_to_wait - see hilo/wait.h. */
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait,
		     unsigned int state)
{
	__prepare_to_wait(wq, wait, state, false);
}

/* prepare_to_wait_exclusive - see hilo/wait.h. */
void prepare_to_wait_exclusive(struct wait_queue_head *wq,
			       struct wait_queue_entry *wait, unsigned int state)
{
	__prepare_to_wait(wq, wait, state, true);
}

/* finish_wait - see hilo/wait.h. */
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait)
{
	unsigned long flags;

	set_current_state(TASK_RUNNING);
	spin_lock_irqsave(&wq->lock, flags);
	if (!list_empty(&wait->entry))
		list_del_init(&wait->entry);
	spin_unlock_irqrestore(&wq->lock, flags);
}

/*
 * __wake_up - wake the waiters of wq in queue order, stopping after
 * nr_exclusive exclusive ones (0: no limit).  A waiter that is woken
 * leaves the queue, and counts: that includes one between its
 * prepare_to_wait and its schedule (its state already says it sleeps, so
 * the wake-up makes its schedule() return at once).  One already running
 * (woken by someone else) stays queued and does not count, so an
 * exclusive wake-up always reaches a waiter if there is one.
 */
static void __wake_up(struct wait_queue_head *wq, unsigned int nr_exclusive)
{
	struct wait_queue_entry *wait, *next;
	unsigned long flags;

	spin_lock_irqsave(&wq->lock, flags);
	list_for_each_entry_safe(wait, next, &wq->head, entry) {
		if (!wake_up_process(wait->task))
			continue;
		list_del_init(&wait->entry);
		if (wait->exclusive && nr_exclusive && !--nr_exclusive)
			break;
	}
	spin_unlock_irqrestore(&wq->lock, flags);
}

/* wake_up - see hilo/wait.h. */
void wake_up(struct wait_queue_head *wq)
{
	__wake_up(wq, 1);
}

/* wake_up_all - see hilo/wait.h. */
void wake_up_all(struct wait_queue_head *wq)
{
	__wake_up(wq, 0);
}

/* wq_has_sleeper - see hilo/wait.h. */
bool wq_has_sleeper(struct wait_queue_head *wq)
{
	return !list_empty(&wq->head);
}
