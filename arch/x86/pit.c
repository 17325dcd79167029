/*
 * The PIT as the tick: channel 0 in mode 2 (rate generator), which pulses
 * IRQ 0 once every `divisor` cycles of its 1.193182 MHz clock.  The
 * divisor is written low byte then high byte after a command byte that
 * says so (Intel 8254 data sheet).
 */
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/timer.h>
#include <asm/tsc.h>
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

/* ---- TSC calibration on channel 2 ---- */

#define PIT_CH2_DATA  0x42
#define PIT_CMD_CH2_LOHI_ONESHOT 0xB0	/* channel 2, lobyte/hibyte, mode 0, binary */
#define PORT_B        0x61		/* bit 0: channel 2 gate, 1: speaker, 5: OUT2 */
#define CALIBRATE_MS  20

unsigned long tsc_khz = 4000000;

/*
 * pit_calibrate_tsc - see asm/timer.h.  Channel 2 counts CALIBRATE_MS
 * down in mode 0 with the speaker off; OUT2 (port 0x61 bit 5) rises at
 * the end, and the TSC cycles in between give the rate.  Channel 2 is
 * not the tick (channel 0), so the tick goes on meanwhile.
 */
void pit_calibrate_tsc(void)
{
	u32 latch = PIT_TICK_RATE / (1000 / CALIBRATE_MS);
	u64 start, cycles;
	u8 portb = inb(PORT_B);

	outb(PORT_B, (portb & ~0x02) | 0x01);
	outb(PIT_COMMAND, PIT_CMD_CH2_LOHI_ONESHOT);
	outb(PIT_CH2_DATA, latch & 0xFF);
	outb(PIT_CH2_DATA, latch >> 8);
	start = rdtsc();
	while (!(inb(PORT_B) & 0x20))
		cpu_relax();
	cycles = rdtsc() - start;
	outb(PORT_B, portb);
	if (cycles < CALIBRATE_MS * 1000ULL)
		panic("pit_calibrate_tsc: %llu TSC cycles in %u ms: no working PIT channel 2 or TSC",
		      cycles, CALIBRATE_MS);
	tsc_khz = (unsigned long)div_u64(cycles, CALIBRATE_MS);
}
