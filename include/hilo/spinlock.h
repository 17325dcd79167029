/*
 * Spinlocks: real test-and-set locks (xchg), so they stay correct when
 * SMP comes.  On one CPU the _irqsave variants are what makes them
 * exclusive against interrupt handlers.
 */
#ifndef HILO_SPINLOCK_H
#define HILO_SPINLOCK_H

#include <asm/processor.h>
#include <hilo/compiler.h>
#include <hilo/types.h>

typedef struct {
	volatile u32 locked;
	const char *name;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(n) { .locked = 0, .name = #n }
#define DEFINE_SPINLOCK(n) spinlock_t n = __SPIN_LOCK_UNLOCKED(n)

static inline void spin_lock_init(spinlock_t *l)
{
	l->locked = 0;
}

static inline bool spin_trylock(spinlock_t *l)
{
	return __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) == 0;
}

static inline void spin_lock(spinlock_t *l)
{
	while (!spin_trylock(l))
		while (l->locked)
			cpu_relax();
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
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

#define spin_lock_irqsave(l, flags) \
	do { (flags) = arch_local_irq_save(); spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags) \
	do { spin_unlock(l); arch_local_irq_restore(flags); } while (0)

#endif
