/*
 * The time-stamp counter, as Linux's asm/tsc.h: rdtsc(), and
 * rdtsc_ordered(), a read that no earlier instruction completes after and
 * no later one starts before.  Whether the CPU has a TSC at all is
 * boot_cpu.tsc (asm/processor.h).
 */
#ifndef ASM_TSC_H
#define ASM_TSC_H

#include <asm/processor.h>
#include <hilo/compiler.h>
#include <hilo/types.h>

#define CPUID1_EDX_SSE2 (1u << 26)

static inline u64 rdtsc(void)
{
	u32 lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/*
 * tsc_lfence_orders - can lfence order rdtsc?  It needs SSE2, which
 * QEMU's qemu32 and 486-class models may lack; cpuid serializes on every
 * CPU but is a VM exit under KVM (slow, and noisier).
 */
static inline bool tsc_lfence_orders(void)
{
	u32 a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	return d & CPUID1_EDX_SSE2;
}

/*
 * rdtsc_ordered - the TSC, read after every earlier instruction completed
 * and before any later one starts: fenced by lfence, or (lfence false,
 * see tsc_lfence_orders) serialized by cpuid.
 */
static __always_inline u64 rdtsc_ordered(bool lfence)
{
	u32 lo, hi;

	if (lfence)
		__asm__ __volatile__("lfence; rdtsc; lfence"
				     : "=a"(lo), "=d"(hi) :: "memory");
	else
		__asm__ __volatile__("cpuid; rdtsc"
				     : "=a"(lo), "=d"(hi) : "a"(0) : "ebx", "ecx", "memory");
	return ((u64)hi << 32) | lo;
}

/*
 * tsc_khz - the TSC's rate, measured against the PIT at boot
 * (pit_calibrate_tsc, arch/x86/pit.c); until then a generous 4 GHz, so
 * that a timeout counted in TSC cycles is never shorter than meant.
 */
extern unsigned long tsc_khz;

/* tsc_delay_us - busy-wait at least us microseconds.  Any context. */
static inline void tsc_delay_us(unsigned long us)
{
	u64 start = rdtsc(), cycles = (u64)us * (tsc_khz / 1000);

	while (rdtsc() - start < cycles)
		cpu_relax();
}

#endif
