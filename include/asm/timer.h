/*
 * The PC's programmable interval timer (8253/8254 PIT), channel 0, as the
 * periodic tick on IRQ 0 (arch/x86/pit.c).  The generic side is
 * hilo/timer.h.
 */
#ifndef ASM_TIMER_H
#define ASM_TIMER_H

#include <hilo/types.h>

#define PIT_TICK_RATE 1193182u	/* the PIT's input clock, Hz */
#define PIT_IRQ       0

/*
 * pit_set_hz - program channel 0 to interrupt hz times a second (the
 * divisor rounded to nearest) and return the real tick period in
 * nanoseconds, rounded down.  hz must be at least 19 (16-bit divisor).
 * Interrupts may be on: the port writes are done with them off.
 */
unsigned long pit_set_hz(unsigned int hz);

/*
 * pit_init - register the tick handler on IRQ 0 (it calls timer_tick()),
 * program the rate, unmask the line.  Returns the tick period as
 * pit_set_hz().  Boot, interrupts disabled.
 */
unsigned long pit_init(unsigned int hz);

/*
 * The tick source (arch/x86/tick.c): each CPU's APIC timer when the boot
 * CPU's local APIC is in use, else the PIT on the boot CPU alone.
 *
 * tick_init - start the boot CPU's tick at hz; returns the real period
 * in nanoseconds.  Boot, interrupts off.
 * tick_set_hz - change every online CPU's tick to hz; returns the period.
 * Task context, interrupts on (the other CPUs are told by IPI).
 * tick_start_secondary - start an AP's tick at the current rate.
 * tick_source_name - "APIC timer" or "PIT", for the log.
 */
unsigned long tick_init(unsigned int hz);
unsigned long tick_set_hz(unsigned int hz);
void tick_start_secondary(void);
const char *tick_source_name(void);

/* pit_calibrate_tsc - measure tsc_khz over PIT channel 2.  Boot, interrupts off. */
void pit_calibrate_tsc(void);

#endif
