/*
 * The tick, jiffies, timers, schedule_timeout and msleep (hilo/timer.h).
 *
 * Pending timers sit in a per-CPU list sorted by expiry, so the tick looks
 * at the head only.  The list's lock is taken with interrupts off (the
 * tick takes it) and is dropped around each callback, which may wake a
 * task (the run queue's lock).
 */
#include <asm/timer.h>
#include <hilo/cmdline.h>
#include <hilo/math64.h>
#include <hilo/panic.h>
#include <hilo/printk.h>
#include <hilo/sched.h>
#include <hilo/spinlock.h>
#include <hilo/timer.h>

struct timer_base {
	spinlock_t lock;
	struct list_head pending;	/* sorted by expires, earliest first */
} ____cacheline_aligned;

volatile unsigned long jiffies;
static unsigned int tick_hz = HZ_DEFAULT;
static unsigned long tick_period_ns = 1000000000UL / HZ_DEFAULT;
static struct timer_base timer_bases[NR_CPUS];

/* timer_hz - see hilo/timer.h. */
unsigned int timer_hz(void)
{
	return READ_ONCE(tick_hz);
}

/* tick_nsec - see hilo/timer.h. */
unsigned long tick_nsec(void)
{
	return READ_ONCE(tick_period_ns);
}

/* msecs_to_jiffies - see hilo/timer.h: rounds up, with the real period. */
unsigned long msecs_to_jiffies(unsigned int ms)
{
	unsigned long period = tick_nsec();

	return (unsigned long)div_u64((u64)ms * 1000000u + period - 1, period);
}

static bool hz_valid(unsigned long long hz)
{
	return hz >= HZ_MIN && hz <= HZ_MAX;
}

/* set_tick_rate - publish the rate the caller just programmed the hardware to. */
static void set_tick_rate(unsigned int hz, unsigned long period_ns)
{
	unsigned long flags = arch_local_irq_save();

	WRITE_ONCE(tick_hz, hz);
	WRITE_ONCE(tick_period_ns, period_ns);
	arch_local_irq_restore(flags);
}

/* timer_init - see hilo/timer.h. */
void timer_init(void)
{
	unsigned long long hz = cmdline_get_ull("hz", HZ_DEFAULT);

	if (!hz_valid(hz)) {
		pr_warn("timer: hz=%llu is outside %u..%u: using %u\n", hz,
			HZ_MIN, HZ_MAX, HZ_DEFAULT);
		hz = HZ_DEFAULT;
	}
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		spin_lock_init(&timer_bases[cpu].lock);
		INIT_LIST_HEAD(&timer_bases[cpu].pending);
	}
	set_tick_rate((unsigned int)hz, tick_init((unsigned int)hz));
	pr_info("timer: %s tick at %u Hz (period %lu ns)\n", tick_source_name(),
		timer_hz(), tick_nsec());
}

/* timer_set_hz - see hilo/timer.h. */
void timer_set_hz(unsigned int hz)
{
	if (!hz_valid(hz))
		panic("timer_set_hz: %u Hz is outside %u..%u", hz, HZ_MIN, HZ_MAX);
	set_tick_rate(hz, tick_set_hz(hz));
}

/* timer_setup - see hilo/timer.h. */
void timer_setup(struct timer_list *timer, void (*function)(struct timer_list *))
{
	INIT_LIST_HEAD(&timer->entry);
	timer->function = function;
	timer->cpu = smp_processor_id();	/* del_timer before add_timer is fine */
}

/* add_timer - see hilo/timer.h. */
void add_timer(struct timer_list *timer)
{
	struct timer_base *base;
	struct list_head *pos;
	unsigned long flags;

	if (!list_empty(&timer->entry))
		panic("add_timer: timer %p (function %p) is already pending",
		      timer, (void *)timer->function);
	timer->cpu = smp_processor_id();	/* any CPU's list would do */
	base = &timer_bases[timer->cpu];
	spin_lock_irqsave(&base->lock, flags);
	list_for_each(pos, &base->pending)
		if (time_before(timer->expires,
				list_entry(pos, struct timer_list, entry)->expires))
			break;
	list_add_tail(&timer->entry, pos);	/* before pos: stays sorted */
	spin_unlock_irqrestore(&base->lock, flags);
}

/* del_timer - see hilo/timer.h. */
bool del_timer(struct timer_list *timer)
{
	struct timer_base *base = &timer_bases[timer->cpu];
	unsigned long flags;
	bool pending;

	spin_lock_irqsave(&base->lock, flags);
	pending = !list_empty(&timer->entry);
	if (pending)
		list_del_init(&timer->entry);
	spin_unlock_irqrestore(&base->lock, flags);
	return pending;
}

/* run_timers - call the expired timers of base, earliest first.  Interrupts off. */
static void run_timers(struct timer_base *base)
{
	arch_spin_lock(&base->lock);
	while (!list_empty(&base->pending)) {
		struct timer_list *timer =
			list_first_entry(&base->pending, struct timer_list, entry);

		if (time_before(jiffies, timer->expires))
			break;
		list_del_init(&timer->entry);
		arch_spin_unlock(&base->lock);
		timer->function(timer);
		arch_spin_lock(&base->lock);
	}
	arch_spin_unlock(&base->lock);
}

/* timer_tick - see hilo/timer.h.  CPU 0 keeps jiffies. */
void timer_tick(void)
{
	if (smp_processor_id() == 0)
		jiffies++;
	run_timers(&timer_bases[smp_processor_id()]);
	scheduler_tick();
}

/* The timer of a sleep in schedule_timeout(). */
struct process_timer {
	struct timer_list timer;
	struct task_struct *task;
};

static void process_timeout(struct timer_list *timer)
{
	wake_up_process(container_of(timer, struct process_timer, timer)->task);
}

/* schedule_timeout - see hilo/sched.h. */
long schedule_timeout(long timeout)
{
	struct process_timer sleeper = { .task = current };
	unsigned long expire = jiffies + timeout;
	long left;

	if (timeout <= 0) {
		set_current_state(TASK_RUNNING);
		return 0;
	}
	timer_setup(&sleeper.timer, process_timeout);
	sleeper.timer.expires = expire;
	add_timer(&sleeper.timer);
	schedule();
	del_timer(&sleeper.timer);
	left = (long)(expire - jiffies);
	return left > 0 ? left : 0;
}

/* schedule_timeout_uninterruptible - see hilo/sched.h. */
long schedule_timeout_uninterruptible(long timeout)
{
	set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(timeout);
}

/* msleep - see hilo/timer.h. */
void msleep(unsigned int ms)
{
	long timeout = (long)msecs_to_jiffies(ms) + 1;

	might_sleep();
	while (timeout)
		timeout = schedule_timeout_uninterruptible(timeout);
}
