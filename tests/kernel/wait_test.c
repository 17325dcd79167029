/*
 * Tests of sleeping on wait queues: a producer and a consumer hand over
 * thousands of items one at a time without losing a wake-up; a wake-up
 * that lands between a waiter's test and its sleep, forced there by a
 * preemption, is not lost; timeouts; exclusive waiters.  The mutexes,
 * which sleep on a wait queue, are tested in mutex_test.c.
 *
 * A lost wake-up would leave a waiter asleep with its condition true.
 * Rather than hang, the waiters here sleep with a timeout of a second and
 * count every timeout: the count must stay 0.
 */
#include <hilo/ktest.h>
#include <hilo/kthread.h>
#include <hilo/percpu.h>
#include <hilo/preempt.h>
#include <hilo/sched.h>
#include <hilo/timer.h>
#include <hilo/wait.h>

/* ---- producer / consumer ---- */

#define HANDOFFS    10000
#define HANDOFF_HZ  1000	/* frequent ticks: preemption between test and sleep */

/* A one-item channel: every item costs a wake-up each way. */
struct channel {
	spinlock_t lock;
	struct wait_queue_head not_empty, not_full;
	bool full;
	bool aborted;			/* a sleep timed out: both sides stop */
	unsigned long item;
	unsigned long tests;		/* failed condition tests, both sides */
	unsigned long timeouts;		/* sleeps that ended by timeout */
	unsigned long out_of_order;	/* items the consumer did not expect */
};

static void preempt_here(void);

/*
 * flag_is - the wait condition.  Every other time it fails, the caller is
 * preempted right after the test: inside wait_event's window between the
 * test and the sleep, where a wake-up that the waiter is not yet queued
 * for would be lost.  Without this the two sides alternate strictly and a
 * tick almost never lands there.
 */
static bool flag_is(struct channel *ch, const bool *flag, bool want)
{
	bool ok = READ_ONCE(*flag) == want || READ_ONCE(ch->aborted);

	if (!ok && (__atomic_add_fetch(&ch->tests, 1, __ATOMIC_RELAXED) & 1))
		preempt_here();
	return ok;
}

/*
 * channel_wait - sleep on wq until *flag == want.  A sleep that times out
 * (a lost wake-up) is counted and stops both sides at once, so the case
 * fails quickly instead of running into the boot's timeout.  Returns
 * false when the hand-offs must stop.
 */
static bool channel_wait(struct channel *ch, struct wait_queue_head *wq,
			 const bool *flag, bool want)
{
	if (!wait_event_timeout(*wq, flag_is(ch, flag, want), timer_hz())) {
		__atomic_fetch_add(&ch->timeouts, 1, __ATOMIC_RELAXED);
		WRITE_ONCE(ch->aborted, true);
		wake_up(&ch->not_empty);
		wake_up(&ch->not_full);
	}
	return !READ_ONCE(ch->aborted);
}

static int producer_fn(void *arg)
{
	struct channel *ch = arg;
	unsigned long flags;

	for (unsigned long i = 1; i <= HANDOFFS; i++) {
		if (!channel_wait(ch, &ch->not_full, &ch->full, false))
			break;
		spin_lock_irqsave(&ch->lock, flags);
		ch->item = i;
		WRITE_ONCE(ch->full, true);
		spin_unlock_irqrestore(&ch->lock, flags);
		wake_up(&ch->not_empty);
	}
	return 0;
}

static int consumer_fn(void *arg)
{
	struct channel *ch = arg;
	unsigned long flags, item;

	for (unsigned long i = 1; i <= HANDOFFS; i++) {
		if (!channel_wait(ch, &ch->not_empty, &ch->full, true))
			break;
		spin_lock_irqsave(&ch->lock, flags);
		item = ch->item;
		WRITE_ONCE(ch->full, false);
		spin_unlock_irqrestore(&ch->lock, flags);
		wake_up(&ch->not_full);
		ch->out_of_order += item != i;
	}
	return 0;
}

KTEST(wait, producer_consumer_loses_no_wakeup)
{
	static struct channel ch;
	struct task_struct *producer, *consumer;
	unsigned int old_hz = timer_hz();
	unsigned long switches = nr_context_switches();

	ch = (struct channel){ .lock = __SPIN_LOCK_UNLOCKED(ch.lock) };
	init_waitqueue_head(&ch.not_empty);
	init_waitqueue_head(&ch.not_full);
	consumer = kthread_create(consumer_fn, &ch, "consumer");
	producer = kthread_create(producer_fn, &ch, "producer");
	ASSERT_NOT_NULL(t, consumer);
	ASSERT_NOT_NULL(t, producer);
	timer_set_hz(HANDOFF_HZ);
	kthread_start(consumer);
	kthread_start(producer);
	EXPECT_EQ(t, kthread_wait(producer), 0);
	EXPECT_EQ(t, kthread_wait(consumer), 0);
	timer_set_hz(old_hz);

	switches = nr_context_switches() - switches;
	ktest_log(t, "%d hand-offs, %lu task switches", HANDOFFS, switches);
	EXPECT_EQ(t, ch.timeouts, 0ul);
	EXPECT_FALSE(t, ch.aborted);
	EXPECT_EQ(t, ch.out_of_order, 0ul);
	EXPECT_FALSE(t, ch.full);
	EXPECT_GE(t, ch.tests, (unsigned long)HANDOFFS);	/* the window was hit */
	EXPECT_GE(t, switches, (unsigned long)HANDOFFS);	/* they did sleep */
}

/*
 * The same hand-off through plain wait_event() (which backs the mutex and
 * kthread_wait too): no timeout of its own, so a watchdog timer stops both
 * sides if a wake-up is lost.
 */
#define PINGPONG_ROUNDS   2000
#define WATCHDOG_SECONDS  10

static struct channel pingpong;
static struct timer_list pingpong_watchdog;

static void pingpong_bark(struct timer_list *timer)
{
	WRITE_ONCE(pingpong.aborted, true);
	wake_up_all(&pingpong.not_empty);
	wake_up_all(&pingpong.not_full);
}

/* ping (arg 0) hands the token over when it is false, pong when true. */
static int pingpong_fn(void *arg)
{
	bool side = arg != NULL;
	struct channel *ch = &pingpong;

	for (int i = 0; i < PINGPONG_ROUNDS && !READ_ONCE(ch->aborted); i++) {
		wait_event(*(side ? &ch->not_empty : &ch->not_full),
			   flag_is(ch, &ch->full, side));
		WRITE_ONCE(ch->full, !side);
		wake_up(side ? &ch->not_full : &ch->not_empty);
	}
	return 0;
}

KTEST(wait, wait_event_loses_no_wakeup_in_its_window)
{
	struct task_struct *ping, *pong;
	unsigned int old_hz = timer_hz();

	pingpong = (struct channel){ .lock = __SPIN_LOCK_UNLOCKED(pingpong.lock) };
	init_waitqueue_head(&pingpong.not_empty);
	init_waitqueue_head(&pingpong.not_full);
	timer_set_hz(HANDOFF_HZ);
	timer_setup(&pingpong_watchdog, pingpong_bark);
	pingpong_watchdog.expires = jiffies + WATCHDOG_SECONDS * HANDOFF_HZ;
	add_timer(&pingpong_watchdog);
	ping = kthread_run(pingpong_fn, NULL, "ping");
	pong = kthread_run(pingpong_fn, (void *)1, "pong");
	ASSERT_NOT_NULL(t, ping);
	ASSERT_NOT_NULL(t, pong);
	EXPECT_EQ(t, kthread_wait(ping), 0);
	EXPECT_EQ(t, kthread_wait(pong), 0);
	del_timer(&pingpong_watchdog);
	timer_set_hz(old_hz);
	EXPECT_FALSE(t, pingpong.aborted);	/* the watchdog never barked */
	EXPECT_GE(t, pingpong.tests, (unsigned long)PINGPONG_ROUNDS);
}

/* ---- the window between the test and the sleep ---- */

/*
 * preempt_here - be preempted at this very point, as when the tick ends
 * the slice here: the window in which a wake-up could be lost.
 */
static void preempt_here(void)
{
	preempt_disable();
	WRITE_ONCE(this_cpu()->need_resched, true);
	preempt_enable();
}

struct window {
	struct wait_queue_head wq;
	bool flag;
	bool wake;		/* set the flag and wake the queue, or do nothing */
};

static int window_fn(void *arg)
{
	struct window *w = arg;

	if (w->wake) {
		WRITE_ONCE(w->flag, true);
		wake_up(&w->wq);
	}
	return 0;
}

/*
 * preempt_in_window - queue on w->wq as a sleeper, test the flag (false),
 * then get preempted before schedule(): the thread runs meanwhile.
 * Returns the thread's exit status.
 */
static int preempt_in_window(struct ktest *t, struct window *w, struct wait_queue_entry *wait)
{
	struct task_struct *task = kthread_create(window_fn, w, "window");
	unsigned long preempted = current->nivcsw;

	if (!task) {
		KTEST_FAIL(t, "kthread_create failed");
		return -1;
	}
	/*
	 * On this CPU (the boot task stays on CPU 0), queued behind us: round
	 * robin runs it exactly in the window, not beside us on another CPU.
	 */
	kthread_bind(task, smp_processor_id());
	kthread_start(task);
	prepare_to_wait(&w->wq, wait, TASK_UNINTERRUPTIBLE);
	EXPECT_FALSE(t, READ_ONCE(w->flag));	/* so we are about to sleep ... */
	preempt_here();				/* ... but the thread runs first */
	EXPECT_GT(t, current->nivcsw, preempted);
	return kthread_wait(task);		/* dead already: no sleep */
}

KTEST(wait, task_preempted_before_sleeping_stays_runnable)
{
	struct window w = { .wake = false };
	DEFINE_WAIT(wait);

	init_waitqueue_head(&w.wq);
	EXPECT_EQ(t, preempt_in_window(t, &w, &wait), 0);
	/* Nobody woke us, yet we ran again: the preemption kept us queued. */
	EXPECT_EQ(t, current->state, TASK_UNINTERRUPTIBLE);
	finish_wait(&w.wq, &wait);
	EXPECT_EQ(t, current->state, TASK_RUNNING);
}

KTEST(wait, wakeup_between_test_and_sleep_is_not_lost)
{
	struct window w = { .wake = true };
	DEFINE_WAIT(wait);
	long left;

	init_waitqueue_head(&w.wq);
	EXPECT_EQ(t, preempt_in_window(t, &w, &wait), 0);
	EXPECT_TRUE(t, READ_ONCE(w.flag));
	EXPECT_EQ(t, current->state, TASK_RUNNING);	/* the wake-up landed */
	left = schedule_timeout(timer_hz());		/* so this returns at once */
	finish_wait(&w.wq, &wait);
	EXPECT_GT(t, left, 0l);
}

/* ---- timeouts ---- */

KTEST(wait, event_timeout_expires_when_condition_stays_false)
{
	DECLARE_WAIT_QUEUE_HEAD(wq);
	unsigned long start = jiffies;
	long left = wait_event_timeout(wq, false, 5);

	EXPECT_EQ(t, left, 0l);
	EXPECT_GE(t, jiffies - start, 5ul);
	EXPECT_FALSE(t, wq_has_sleeper(&wq));
	EXPECT_EQ(t, wait_event_timeout(wq, true, 5), 5l);	/* no sleep at all */
}

struct flag_waker {
	struct wait_queue_head wq;
	bool flag;
};

static int set_flag_fn(void *arg)
{
	struct flag_waker *w = arg;

	msleep(10);
	WRITE_ONCE(w->flag, true);
	wake_up(&w->wq);
	return 0;
}

KTEST(wait, event_timeout_returns_time_left_when_woken)
{
	struct flag_waker w = { .flag = false };
	struct task_struct *task;
	long left;

	init_waitqueue_head(&w.wq);
	task = kthread_run(set_flag_fn, &w, "waker");
	ASSERT_NOT_NULL(t, task);
	left = wait_event_timeout(w.wq, READ_ONCE(w.flag), 10 * (long)timer_hz());
	EXPECT_GT(t, left, 0l);
	EXPECT_LT(t, left, 10l * timer_hz());
	EXPECT_TRUE(t, w.flag);
	EXPECT_EQ(t, kthread_wait(task), 0);
}

/* ---- exclusive waiters ---- */

#define TICKET_WAITERS 3

struct tickets {
	struct wait_queue_head wq;
	int available;
	int served;
};

/* take_ticket - atomically take one if any is left. */
static bool take_ticket(struct tickets *tk)
{
	int n = __atomic_load_n(&tk->available, __ATOMIC_RELAXED);

	while (n > 0)
		if (__atomic_compare_exchange_n(&tk->available, &n, n - 1, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return true;
	return false;
}

static int ticket_fn(void *arg)
{
	struct tickets *tk = arg;

	wait_event_exclusive(tk->wq, take_ticket(tk));
	__atomic_fetch_add(&tk->served, 1, __ATOMIC_RELAXED);
	return 0;
}

/* all_asleep - every task in tasks[] is in TASK_UNINTERRUPTIBLE. */
static bool all_asleep(struct task_struct *const tasks[], int n)
{
	for (int i = 0; i < n; i++)
		if (READ_ONCE(tasks[i]->state) != TASK_UNINTERRUPTIBLE)
			return false;
	return true;
}

KTEST(wait, wake_up_wakes_one_exclusive_waiter)
{
	struct tickets tk = { .available = 0 };
	struct task_struct *task[TICKET_WAITERS];
	int asleep = 0;

	init_waitqueue_head(&tk.wq);
	for (int i = 0; i < TICKET_WAITERS; i++) {
		task[i] = kthread_create(ticket_fn, &tk, "ticket/%d", i);
		ASSERT_NOT_NULL(t, task[i]);
	}
	for (int i = 0; i < TICKET_WAITERS; i++)
		kthread_start(task[i]);
	while (!all_asleep(task, TICKET_WAITERS))
		msleep(1);

	tk.available = TICKET_WAITERS;	/* enough for all, but wake only one */
	wake_up(&tk.wq);
	msleep(20);
	EXPECT_EQ(t, tk.served, 1);
	for (int i = 0; i < TICKET_WAITERS; i++)
		asleep += READ_ONCE(task[i]->state) == TASK_UNINTERRUPTIBLE;
	EXPECT_EQ(t, asleep, TICKET_WAITERS - 1);

	wake_up_all(&tk.wq);
	for (int i = 0; i < TICKET_WAITERS; i++)
		EXPECT_EQ(t, kthread_wait(task[i]), 0);
	EXPECT_EQ(t, tk.served, TICKET_WAITERS);
}
