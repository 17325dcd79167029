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

/* The longest wait in TSC cycles before spin_lock_wait() gives up. */
static u64 spin_limit_cycles(void)
{
	return (u64)SPIN_LOCK_LIMIT_S * tsc_khz * 1000;
}

/*
 * spin_lock_wait - spin until head reaches ticket.  A holder that keeps a
 * lock for SPIN_LOCK_LIMIT_S seconds is stuck (or the lock is corrupt):
 * panic with the lock's name and the CPU that holds it.
 */
void spin_lock_wait(spinlock_t *l, u16 ticket)
{
	u64 start = rdtsc();

	while (__atomic_load_n(&l->tickets.head, __ATOMIC_ACQUIRE) != ticket) {
		cpu_relax();
		if (unlikely(rdtsc() - start > spin_limit_cycles())) {
			u32 owner = READ_ONCE(l->owner);

			panic("spin_lock: lock %s not released for %d s: held by CPU %d, CPU %u waits with ticket %u (head %u)",
			      l->name ? l->name : "(unnamed)", SPIN_LOCK_LIMIT_S,
			      (int)owner - 1, smp_processor_id(), ticket,
			      READ_ONCE(l->tickets.head));
		}
	}
}
