/*
 * Cross-CPU calls: smp_call_function_many(), on_each_cpu() and the
 * reschedule IPI (hilo/smp.h), on top of the architecture's IPI
 * (arch_send_ipi, arch/x86/smpboot.c).
 *
 * One request is in flight at a time, under call_lock: the caller fills
 * a call_request on its own stack, publishes it, sends the IPIs and spins
 * until every target has cleared its bit of ->pending; a target clears
 * it after running func when the caller waits, before running it when
 * not.  Either way the caller returns only once no target will read the
 * request again, so a stack request is safe.
 *
 * Deadlock rule: the caller spins with interrupts enabled, and so does
 * every CPU that waits for call_lock, so a CPU can always take the IPI
 * it is sent.  Calling with interrupts disabled is a panic (even while
 * one CPU is online, so that the mistake shows on every machine); so is
 * calling from an interrupt handler.
 */
#include <asm/processor.h>
#include <asm/tsc.h>
#include <hilo/panic.h>
#include <hilo/preempt.h>
#include <hilo/smp.h>
#include <hilo/spinlock.h>

volatile cpumask_t cpu_online_mask = 1;		/* the boot CPU */

struct call_request {
	void (*func)(void *info);
	void *info;
	bool wait;
	cpumask_t pending;		/* targets that have not finished */
};

static DEFINE_SPINLOCK(call_lock);
static struct call_request *call_request;	/* under call_lock */
static unsigned long call_ipis[NR_CPUS];	/* requests received */

/* generic_smp_call_function_interrupt - the call-function IPI's handler. */
void generic_smp_call_function_interrupt(void)
{
	struct call_request *req = READ_ONCE(call_request);
	cpumask_t me = 1u << smp_processor_id();
	void (*func)(void *) ;
	void *info;

	if (!req || !(READ_ONCE(req->pending) & me))
		panic("smp: call-function IPI on CPU %u without a request for it",
		      smp_processor_id());
	func = req->func;
	info = req->info;
	call_ipis[smp_processor_id()]++;
	if (!req->wait) {
		__atomic_and_fetch(&req->pending, ~me, __ATOMIC_RELEASE);
		func(info);
		return;
	}
	func(info);
	__atomic_and_fetch(&req->pending, ~me, __ATOMIC_RELEASE);
}

/* The context rules of hilo/smp.h. */
static void check_call_context(const char *fn, void (*func)(void *))
{
	if (in_interrupt())
		panic("%s: called from interrupt context on CPU %u (func %p)",
		      fn, smp_processor_id(), (void *)func);
	if (irqs_disabled())
		panic("%s: called with interrupts disabled on CPU %u (func %p): a CPU that IPIs another with interrupts off can deadlock",
		      fn, smp_processor_id(), (void *)func);
}

/*
 * Spin until every target cleared its bit.  A CPU that does not answer
 * within the spin-lock limit has interrupts off for good (or lost the
 * IPI): a panic naming it, not a hang.
 */
static void wait_for_targets(struct call_request *req)
{
	u64 start = rdtsc(), limit = (u64)READ_ONCE(spin_lock_limit_ms) * tsc_khz;
	cpumask_t pending;

	while ((pending = __atomic_load_n(&req->pending, __ATOMIC_ACQUIRE))) {
		cpu_relax();
		if (unlikely(rdtsc() - start > limit))
			panic("smp: CPUs %#x did not run call-function %p from CPU %u within %u ms",
			      pending, (void *)req->func, smp_processor_id(),
			      spin_lock_limit_ms);
	}
}

/* Send the request to mask (not the caller) and wait.  call_lock held. */
static void call_function_many_locked(cpumask_t mask, void (*func)(void *),
				      void *info, bool wait)
{
	struct call_request req = { func, info, wait, mask };
	unsigned int cpu;

	WRITE_ONCE(call_request, &req);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for_each_cpu_in(cpu, mask)
		arch_send_call_function_ipi(cpu);
	wait_for_targets(&req);
	WRITE_ONCE(call_request, NULL);
}

/* smp_call_function_many - see hilo/smp.h. */
void smp_call_function_many(cpumask_t mask, void (*func)(void *), void *info, bool wait)
{
	check_call_context("smp_call_function_many", func);
	spin_lock(&call_lock);		/* also pins us: preemption is off */
	mask &= READ_ONCE(cpu_online_mask) & ~(1u << smp_processor_id());
	if (mask)
		call_function_many_locked(mask, func, info, wait);
	spin_unlock(&call_lock);
}

/* on_each_cpu - see hilo/smp.h. */
void on_each_cpu(void (*func)(void *), void *info, bool wait)
{
	unsigned long flags;

	check_call_context("on_each_cpu", func);
	spin_lock(&call_lock);
	if (READ_ONCE(cpu_online_mask) & ~(1u << smp_processor_id()))
		call_function_many_locked(READ_ONCE(cpu_online_mask) &
					  ~(1u << smp_processor_id()),
					  func, info, wait);
	flags = arch_local_irq_save();
	func(info);
	arch_local_irq_restore(flags);
	spin_unlock(&call_lock);
}

/* smp_call_ipis - call-function requests cpu has received. */
unsigned long smp_call_ipis(unsigned int cpu)
{
	return READ_ONCE(call_ipis[cpu]);
}

/* smp_send_reschedule - see hilo/smp.h. */
void smp_send_reschedule(unsigned int cpu)
{
	if (cpu != smp_processor_id() && cpu_online(cpu))
		arch_send_reschedule_ipi(cpu);
}
