/*
 * The PIT as the tick: channel 0 in mode 2 (rate generator), which pulses
 * IRQ 0 once every `divisor` cycles of its 1.193182 MHz clock.  The
 * divisor is written low byte then high byte after a command byte that
 * says so (Intel 8254 data sheet).
 */
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/timer.h>
#include <hilo/math64.h>
#include <hilo/panic.h>
#include <hilo/spinlock.h>
#include <hilo/timer.h>

#define PIT_CH0_DATA  0x40
#define PIT_COMMAND   0x43
#define PIT_CMD_CH0_LOHI_RATE 0x34	/* channel 0, lobyte/hibyte, mode 2, binary */

static DEFINE_SPINLOCK(pit_lock);

/* pit_set_hz - see asm/timer.h. */
unsigned long pit_set_hz(unsigned int hz)
{
	unsigned long flags;
	u32 divisor;

	if (hz == 0 || hz > PIT_TICK_RATE)
		panic("pit_set_hz: %u Hz is outside 1..%u", hz, PIT_TICK_RATE);
	divisor = (PIT_TICK_RATE + hz / 2) / hz;
	if (divisor > 0xFFFF)
		panic("pit_set_hz: %u Hz needs divisor %u, over the PIT's 65535", hz, divisor);
	spin_lock_irqsave(&pit_lock, flags);
	outb(PIT_COMMAND, PIT_CMD_CH0_LOHI_RATE);
	outb(PIT_CH0_DATA, divisor & 0xFF);
	outb(PIT_CH0_DATA, divisor >> 8);
	spin_unlock_irqrestore(&pit_lock, flags);
	return (unsigned long)div_u64((u64)divisor * 1000000000u, PIT_TICK_RATE);
}

/* The IRQ 0 handler: one tick.  Interrupt context. */
static void pit_interrupt(unsigned int irq, struct pt_regs *regs)
{
	timer_tick();
}

/* pit_init - see asm/timer.h. */
unsigned long pit_init(unsigned int hz)
{
	unsigned long period = pit_set_hz(hz);

	irq_register(PIT_IRQ, pit_interrupt);
	irq_unmask(PIT_IRQ);
	return period;
}
