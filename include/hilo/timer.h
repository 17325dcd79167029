/*
 * Time: the periodic timer tick, jiffies, timers and msleep.
 *
 * The tick comes from each CPU's local APIC timer, or from the PIT on a
 * CPU without one (arch/x86/tick.c), at hz ticks a second:
 * hz= on the command line (default HZ_DEFAULT), or timer_set_hz() at run
 * time (tests raise it to make preemption frequent).  Each tick advances
 * jiffies, runs the expired timers, and charges the running task a tick
 * of CPU time (ending its time slice when used up).  The rate decides the
 * resolution of everything time-based: msleep() rounds up to whole ticks,
 * and a time slice is SCHED_SLICE_MS rounded to ticks, at least one.
 *
 * The PIT divides 1193182 Hz by an integer, so the real rate is close to,
 * not exactly, hz; conversions from milliseconds use the real tick period
 * and round up, so a sleep is never shorter than asked.
 */
#ifndef HILO_TIMER_H
#define HILO_TIMER_H

#include <hilo/list.h>
#include <hilo/types.h>

#define HZ_DEFAULT 100
#define HZ_MIN     19		/* the PIT's 16-bit divisor: 18.2 Hz and up */
#define HZ_MAX     10000

/* Ticks since the timer started.  Wraps: compare with time_after(). */
extern volatile unsigned long jiffies;

/* time_after(a, b) - tick a is later than tick b, across a wrap. */
#define time_after(a, b)     ((long)((b) - (a)) < 0)
#define time_before(a, b)    time_after(b, a)
#define time_after_eq(a, b)  ((long)((a) - (b)) >= 0)

/* timer_hz - the tick rate asked for (hz=, timer_set_hz). */
unsigned int timer_hz(void);

/* tick_nsec - the length of a tick as the hardware runs it, rounded down. */
unsigned long tick_nsec(void);

/*
 * timer_init - start the tick at the rate hz= asks (out of range: a
 * warning and HZ_DEFAULT).  Called by sched_init(), interrupts disabled.
 */
void timer_init(void);

/*
 * timer_set_hz - change the tick rate now.  Pending timers keep their
 * expiry in ticks, so they end sooner or later in real time.  A rate out
 * of HZ_MIN..HZ_MAX is a panic.  Task context.
 */
void timer_set_hz(unsigned int hz);

/* msecs_to_jiffies - the ticks that last at least ms milliseconds. */
unsigned long msecs_to_jiffies(unsigned int ms);

/*
 * msleep - sleep at least ms milliseconds: until msecs_to_jiffies(ms) full
 * ticks have passed (one more than that is counted from the next tick).
 * Task context, preemptible (might_sleep).
 */
void msleep(unsigned int ms);

/*
 * A one-shot timer: function(timer) runs in the timer interrupt at the
 * first tick at which jiffies reaches expires.  Set up with timer_setup();
 * the callback must not sleep.
 */
struct timer_list {
	struct list_head entry;		/* in a CPU's pending list, or empty */
	unsigned long expires;
	void (*function)(struct timer_list *timer);
	unsigned int cpu;		/* whose list: add_timer's CPU */
};

/* timer_setup - a timer that is not pending.  Any context. */
void timer_setup(struct timer_list *timer, void (*function)(struct timer_list *));

/* add_timer - make a timer pending (it must not be).  Any context. */
void add_timer(struct timer_list *timer);

/* del_timer - cancel a timer; returns whether it was pending.  Any context. */
bool del_timer(struct timer_list *timer);

/*
 * timer_tick - one tick of the periodic timer: jiffies, expired timers,
 * the scheduler's accounting.  Called by the tick's interrupt handler.
 */
void timer_tick(void);

#endif
