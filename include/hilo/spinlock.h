/*
 * Spinlocks: ticket locks, fair in arrival order (FIFO), so a CPU that
 * waits is served after at most one holder per other waiting CPU, and the
 * contention figures of the kmap pool mean what they say.  As in Linux,
 * holding one disables preemption (spin_lock to spin_unlock), so a holder
 * is never switched away while other CPUs spin; the _irqsave variants
 * also disable interrupts, which makes them exclusive against interrupt
 * handlers.  A spinlock holder must not sleep (might_sleep() panics).
 *
 * A lock is two 16-bit counters in one word: tail, the next ticket to
 * hand out, and head, the ticket being served.  spin_lock takes a ticket
 * with one atomic add on the word and waits until head reaches it;
 * spin_unlock, done by the holder only, advances head.  Locked means
 * head != tail.
 *
 * Two mistakes are named panics rather than silent hangs: taking a lock
 * this CPU already holds (its holder cannot run again until we stop
 * spinning: preemption is off, or we are its interrupt handler), found
 * through the lock's owner field, and a spin longer than SPIN_LOCK_LIMIT_MS,
 * which no correct holder takes (a stuck holder, or a corrupt lock).
 *
 * arch_spin_* are the bare lock without the preemption count, for the
 * scheduler, which holds the count itself.
 */
#ifndef HILO_SPINLOCK_H
#define HILO_SPINLOCK_H

#include <asm/processor.h>
#include <hilo/compiler.h>
#include <hilo/panic.h>
#include <hilo/preempt.h>
#include <hilo/smp.h>
#include <hilo/types.h>

typedef struct {
	union {
		u32 val;		/* both counters, for the atomic add */
		struct {
			u16 head;	/* the ticket being served */
			u16 tail;	/* the next ticket to hand out */
		} tickets;
	};
	u32 owner;			/* holder's CPU + 1, 0 when free */
	const char *name;
} spinlock_t;

#define TICKET_SHIFT 16			/* tail's place in val */
#define SPIN_LOCK_LIMIT_MS 20000	/* a longer spin is a panic */

/* The spin limit in force (SPIN_LOCK_LIMIT_MS; tests lower it). */
extern unsigned int spin_lock_limit_ms;

#define __SPIN_LOCK_UNLOCKED(n) { .val = 0, .owner = 0, .name = #n }
#define DEFINE_SPINLOCK(n) spinlock_t n = __SPIN_LOCK_UNLOCKED(n)

static inline void __spin_lock_init(spinlock_t *l, const char *name)
{
	l->val = 0;
	l->owner = 0;
	l->name = name;
}
#define spin_lock_init(l) __spin_lock_init(l, #l)

/* Out of line (kernel/spinlock.c): the named panics, and the slow wait. */
void __noreturn spin_lock_recursion(const spinlock_t *l);
void spin_lock_wait(spinlock_t *l, u16 ticket);

static inline bool spin_is_locked(const spinlock_t *l)
{
	u32 v = READ_ONCE(l->val);

	return (u16)v != (u16)(v >> TICKET_SHIFT);
}

/* The lock is ours: record the owner for the recursion check. */
static inline void spin_lock_acquired(spinlock_t *l)
{
	WRITE_ONCE(l->owner, smp_processor_id() + 1);
}

static inline bool arch_spin_trylock(spinlock_t *l)
{
	u32 old = READ_ONCE(l->val);

	if ((u16)old != (u16)(old >> TICKET_SHIFT))
		return false;
	if (!__atomic_compare_exchange_n(&l->val, &old, old + (1u << TICKET_SHIFT),
					 false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	spin_lock_acquired(l);
	return true;
}

/*
 * arch_spin_lock - take a ticket and wait for it to be served.  Taking a
 * lock this CPU holds panics before the ticket is taken, naming the lock.
 */
static inline void arch_spin_lock(spinlock_t *l)
{
	u32 old;

	if (unlikely(READ_ONCE(l->owner) == smp_processor_id() + 1))
		spin_lock_recursion(l);
	old = __atomic_fetch_add(&l->val, 1u << TICKET_SHIFT, __ATOMIC_ACQUIRE);
	if (unlikely((u16)old != (u16)(old >> TICKET_SHIFT)))
		spin_lock_wait(l, (u16)(old >> TICKET_SHIFT));
	spin_lock_acquired(l);
}

/* arch_spin_unlock - serve the next ticket.  The holder only. */
static inline void arch_spin_unlock(spinlock_t *l)
{
	WRITE_ONCE(l->owner, 0);
	__atomic_store_n(&l->tickets.head, (u16)(l->tickets.head + 1), __ATOMIC_RELEASE);
}

/* spin_trylock - take the lock if it is free; preemption stays off if so. */
static inline bool spin_trylock(spinlock_t *l)
{
	preempt_disable();
	if (arch_spin_trylock(l))
		return true;
	preempt_enable();
	return false;
}

static inline void spin_lock(spinlock_t *l)
{
	preempt_disable();
	arch_spin_lock(l);
}

/* spin_unlock - release; a preemption that waited for it happens here. */
static inline void spin_unlock(spinlock_t *l)
{
	arch_spin_unlock(l);
	preempt_enable();
}

static inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags = read_eflags();

	local_irq_disable();
	return flags;
}

static inline void arch_local_irq_restore(unsigned long flags)
{
	if (flags & X86_EFLAGS_IF)
		local_irq_enable();
}

/*
 * Interrupts go off before preemption and come back on before it, as in
 * Linux, so that a preemption held back by the lock happens at the
 * preempt_enable() rather than at the next tick.
 */
#define spin_lock_irqsave(l, flags)                                           \
	do {                                                                  \
		(flags) = arch_local_irq_save();                              \
		preempt_disable();                                            \
		arch_spin_lock(l);                                            \
	} while (0)
#define spin_unlock_irqrestore(l, flags)                                      \
	do {                                                                  \
		arch_spin_unlock(l);                                          \
		arch_local_irq_restore(flags);                                \
		preempt_enable();                                             \
	} while (0)

#endif
