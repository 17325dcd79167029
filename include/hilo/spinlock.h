/*
 * Spinlocks: real test-and-set locks (xchg), so they stay correct when
 * SMP comes.  As in Linux, holding one disables preemption (spin_lock to
 * spin_unlock): on one CPU that is what makes a lock exclusive between
 * tasks, and on SMP it keeps a holder from being switched away while
 * other CPUs spin.  The _irqsave variants also disable interrupts, which
 * makes them exclusive against interrupt handlers.  A spinlock holder
 * must not sleep (might_sleep() panics).
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
	volatile u32 locked;
	const char *name;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(n) { .locked = 0, .name = #n }
#define DEFINE_SPINLOCK(n) spinlock_t n = __SPIN_LOCK_UNLOCKED(n)

static inline void __spin_lock_init(spinlock_t *l, const char *name)
{
	l->locked = 0;
	l->name = name;
}
#define spin_lock_init(l) __spin_lock_init(l, #l)

static inline bool arch_spin_trylock(spinlock_t *l)
{
	return __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) == 0;
}

/*
 * arch_spin_lock - spin until the lock is ours.  With one CPU a lock that
 * is taken can never be released while we spin (its holder cannot run:
 * preemption is off, or we are its interrupt handler), so finding it
 * taken is a deadlock: a panic naming the lock, not a silent hang.
 */
static inline void arch_spin_lock(spinlock_t *l)
{
	while (!arch_spin_trylock(l)) {
		if (NR_CPUS == 1)
			panic("spin_lock: lock %s is already held on this CPU: deadlock",
			      l->name ? l->name : "(unnamed)");
		while (l->locked)
			cpu_relax();
	}
}

static inline void arch_spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
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

static inline bool spin_is_locked(const spinlock_t *l)
{
	return l->locked;
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
