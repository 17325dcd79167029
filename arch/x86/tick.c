/*
 * The tick source (asm/timer.h): every CPU's local APIC timer, each
 * interrupting its own CPU on LOCAL_TIMER_VECTOR, or, on a CPU without a
 * local APIC, the PIT on IRQ 0 (one CPU only: nothing else can tick the
 * others).  Either way each interrupt calls timer_tick() (kernel/timer.c),
 * which keeps jiffies on CPU 0 and runs this CPU's timers and scheduler
 * tick.
 */
#include <asm/apic.h>
#include <asm/irq.h>
#include <asm/timer.h>
#include <hilo/smp.h>
#include <hilo/timer.h>

static void apic_timer_interrupt(struct pt_regs *regs)
{
	timer_tick();
}

/* tick_init - see asm/timer.h. */
unsigned long tick_init(unsigned int hz)
{
	if (!lapic_in_use)
		return pit_init(hz);
	set_system_vector_handler(LOCAL_TIMER_VECTOR, apic_timer_interrupt);
	return lapic_timer_start(hz);
}

static void set_hz_this_cpu(void *hz)
{
	lapic_timer_start(*(unsigned int *)hz);
}

/* tick_set_hz - see asm/timer.h. */
unsigned long tick_set_hz(unsigned int hz)
{
	if (!lapic_in_use)
		return pit_set_hz(hz);
	on_each_cpu(set_hz_this_cpu, &hz, true);
	return lapic_timer_period_ns(hz);
}

/* tick_start_secondary - see asm/timer.h. */
void tick_start_secondary(void)
{
	lapic_timer_start(timer_hz());
}

/* tick_source_name - see asm/timer.h. */
const char *tick_source_name(void)
{
	return lapic_in_use ? "APIC timer" : "PIT";
}
