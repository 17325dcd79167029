/*
 * The out-of-line halves of the ticket spinlock (hilo/spinlock.h): the
 * wait for a ticket, and the two panics that replace a silent hang.
 */
#include <asm/processor.h>
#include <asm/timer.h>
#include <asm/tsc.h>
#include <hilo/panic.h>
#include <hilo/spinlock.h>

/* spin_lock_recursion - see hilo/spinlock.h. */
void spin_lock_recursion(const spinlock_t *l)
{
	panic("spin_lock: lock %s is already held on this CPU: deadlock",
	      l->name ? l->name : "(unnamed)");
}

unsigned int spin_lock_limit_ms = SPIN_LOCK_LIMIT_MS;

/* The longest wait in TSC cycles before spin_lock_wait() gives up. */
static u64 spin_limit_cycles(void)
{
	return (u64)READ_ONCE(spin_lock_limit_ms) * tsc_khz;
}

/*
 * spin_lock_wait - spin until head reaches ticket.  A holder that keeps a
 * lock for spin_lock_limit_ms is stuck (or the lock is corrupt): panic
 * with the lock's name and the CPU that holds it (-1: no CPU does).
 */
void spin_lock_wait(spinlock_t *l, u16 ticket)
{
	u64 start = rdtsc();

	while (__atomic_load_n(&l->tickets.head, __ATOMIC_ACQUIRE) != ticket) {
		cpu_relax();
		if (unlikely(rdtsc() - start > spin_limit_cycles())) {
			u32 owner = READ_ONCE(l->owner);

			panic("spin_lock: lock %s not released for %u ms: held by CPU %d, CPU %u waits with ticket %u (head %u)",
			      l->name ? l->name : "(unnamed)", spin_lock_limit_ms,
			      (int)owner - 1, smp_processor_id(), ticket,
			      READ_ONCE(l->tickets.head));
		}
	}
}
