/*
 * CPUs: numbering, the online mask, and the cross-CPU calls.
 *
 * CPU numbers are dense, 0 .. NR_CPUS - 1, 0 being the boot CPU (the
 * BSP); arch/x86/smpboot.c gives the others their numbers in the order it
 * starts them.  A CPU is online from the moment it runs kernel code on
 * its own stack until the machine stops: hilo never takes one down.
 */
#ifndef HILO_SMP_H
#define HILO_SMP_H

#include <hilo/threads.h>

#ifndef __ASSEMBLER__
#include <hilo/compiler.h>
#include <hilo/percpu.h>
#include <hilo/types.h>

/* A set of CPUs: bit n is CPU n. */
typedef u32 cpumask_t;
_Static_assert(NR_CPUS <= 32, "cpumask_t holds 32 CPUs");
#define CPU_MASK_ALL ((cpumask_t)((1ULL << NR_CPUS) - 1))

/* The number of the CPU running the caller; see hilo/percpu.h for when it is stable. */
static inline unsigned int smp_processor_id(void)
{
	return this_cpu_read(cpu);
}

/* The online CPUs (arch/x86/smpboot.c sets a CPU's bit as it comes up). */
extern volatile cpumask_t cpu_online_mask;

static inline bool cpu_online(unsigned int cpu)
{
	return cpu < NR_CPUS && (READ_ONCE(cpu_online_mask) & (1u << cpu));
}

static inline unsigned int num_online_cpus(void)
{
	cpumask_t mask = READ_ONCE(cpu_online_mask);
	unsigned int n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

#define for_each_online_cpu(cpu)                                              \
	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++)                             \
		if (cpu_online(cpu))

#define for_each_cpu_in(cpu, mask)                                            \
	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++)                             \
		if ((mask) & (1u << (cpu)))

/*
 * smp_call_function_many - run func(info) on every online CPU of mask but
 * the caller's, from their call-function IPI; with wait, return only when
 * each has finished it.  Task context or a spinlock holder, but with
 * interrupts enabled: two CPUs that IPI each other with interrupts off
 * would wait for each other forever (a panic says so).  func runs in
 * interrupt context on the other CPUs.
 */
void smp_call_function_many(cpumask_t mask, void (*func)(void *info),
			    void *info, bool wait);

/*
 * on_each_cpu - func(info) on every online CPU: the others by IPI (as
 * above), then this one with interrupts off.  Same context rules.
 */
void on_each_cpu(void (*func)(void *info), void *info, bool wait);

/* smp_send_reschedule - make cpu look at need_resched now (an IPI).  Any context. */
void smp_send_reschedule(unsigned int cpu);

/* smp_call_ipis - call-function requests cpu has received since boot. */
unsigned long smp_call_ipis(unsigned int cpu);

/* The call-function IPI's handler (kernel/smp.c), interrupt context. */
void generic_smp_call_function_interrupt(void);

/*
 * smp_send_stop - stop every other online CPU (an NMI: interrupts off do
 * not hold it back), for a panic.  stop_this_cpu - halt for good.
 */
void smp_send_stop(void);
void __noreturn stop_this_cpu(void);

/* The architecture's IPIs (arch/x86/smpboot.c).  Any context. */
void arch_send_call_function_ipi(unsigned int cpu);
void arch_send_reschedule_ipi(unsigned int cpu);
#endif

#endif
