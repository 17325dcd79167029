/* Host shim for include/hilo/spinlock.h: one thread, so locks do nothing. */
#ifndef HILO_SPINLOCK_H
#define HILO_SPINLOCK_H

#include <hilo/compiler.h>
#include <hilo/types.h>

typedef struct {
	int held;
} spinlock_t;

#define DEFINE_SPINLOCK(n) spinlock_t n = { 0 }

#define spin_lock_irqsave(l, flags) \
	do { (flags) = 0; (l)->held++; } while (0)
#define spin_unlock_irqrestore(l, flags) \
	do { (void)(flags); (l)->held--; } while (0)

#endif
