/*
 * The two 8259A PICs of the PC: master (IRQ 0..7) and slave (IRQ 8..15,
 * wired to the master's IRQ 2).  Remapped to vectors IRQ0_VECTOR.. so
 * that IRQs do not land on the CPU's exception vectors.
 *
 * A line's state is its bit in irq_masked (1: masked), written to the
 * PICs whole; the cascade line is derived (open iff a slave line is).
 * Spurious interrupts: the PIC raises IRQ 7 (or IRQ 15 on the slave) when
 * a request vanishes before the CPU acknowledges it; such an interrupt is
 * not in service (its ISR bit is clear) and must not get an EOI.
 *
 * The PIC is one device for the whole machine: the mask is global, the
 * counters per CPU.  The mask and the PIC's registers change under
 * pic_lock, with interrupts off (do_irq masks a line too).
 */
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/ptrace.h>
#include <hilo/panic.h>
#include <hilo/preempt.h>
#include <hilo/printk.h>
#include <hilo/smp.h>
#include <hilo/spinlock.h>

struct pic {
	u16 cmd, data;
};

static const struct pic pics[2] = {
	{ 0x20, 0x21 },		/* master: IRQ 0..7 */
	{ 0xA0, 0xA1 },		/* slave: IRQ 8..15 */
};

#define ICW1_INIT_ICW4  0x11	/* edge triggered, cascaded, ICW4 follows */
#define ICW4_8086       0x01
#define OCW2_EOI        0x20	/* non-specific end of interrupt */
#define OCW3_READ_ISR   0x0B

/* The initialization sequence, ICW1..ICW4, for each PIC. */
static const u8 pic_icw[4][2] = {
	{ ICW1_INIT_ICW4, ICW1_INIT_ICW4 },
	{ IRQ0_VECTOR, IRQ0_VECTOR + 8 },	/* vector base */
	{ 1u << IRQ_CASCADE, IRQ_CASCADE },	/* master: slave's line; slave: its id */
	{ ICW4_8086, ICW4_8086 },
};

static u16 irq_masked = 0xFFFF;
static DEFINE_SPINLOCK(pic_lock);
static irq_handler_t irq_handlers[NR_IRQS];
static unsigned long irq_stats[NR_CPUS][NR_IRQS];
static unsigned long irq_spurious[NR_CPUS];

/* pic_of - the PIC that line irq belongs to. */
static const struct pic *pic_of(unsigned int irq)
{
	return &pics[irq >= 8];
}

/* pic_write_masks - send irq_masked to both PICs. */
static void pic_write_masks(void)
{
	u8 master = irq_masked & 0xFF, slave = irq_masked >> 8;

	if (slave != 0xFF)
		master &= ~(1u << IRQ_CASCADE);
	outb(pics[0].data, master);
	outb(pics[1].data, slave);
}

/* pic_init - see asm/irq.h. */
void pic_init(void)
{
	for (unsigned int step = 0; step < ARRAY_SIZE(pic_icw); step++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(pics); i++) {
			outb(step == 0 ? pics[i].cmd : pics[i].data, pic_icw[step][i]);
			io_wait();
		}
	}
	pic_write_masks();
}

/* pic_eoi - end of interrupt for line irq: the slave's, then the master's. */
static void pic_eoi(unsigned int irq)
{
	if (irq >= 8)
		outb(pics[1].cmd, OCW2_EOI);
	outb(pics[0].cmd, OCW2_EOI);
}

/*
 * irq_is_spurious - true for an IRQ 7 or 15 that is not in service.  A
 * spurious IRQ 15 was a real IRQ 2 for the master, which gets its EOI.
 */
static bool irq_is_spurious(unsigned int irq)
{
	const struct pic *pic = pic_of(irq);

	if ((irq & 7) != 7)
		return false;
	outb(pic->cmd, OCW3_READ_ISR);
	if (inb(pic->cmd) & 0x80)
		return false;
	if (irq >= 8)
		outb(pics[0].cmd, OCW2_EOI);
	return true;
}

/* irq_check_line - panic, naming func, unless irq is a line of the PICs. */
static void irq_check_line(const char *func, unsigned int irq)
{
	if (irq >= NR_IRQS)
		panic("%s: IRQ %u out of range (0..%u)", func, irq, NR_IRQS - 1);
}

/* irq_register - see asm/irq.h. */
void irq_register(unsigned int irq, irq_handler_t handler)
{
	irq_check_line(__func__, irq);
	if (irq == IRQ_CASCADE)
		panic("irq_register: IRQ %u is the slave PIC's cascade", irq);
	if (irq_handlers[irq])
		panic("irq_register: IRQ %u already has handler %p", irq,
		      (void *)irq_handlers[irq]);
	irq_handlers[irq] = handler;
}

/* irq_unregister - see asm/irq.h. */
void irq_unregister(unsigned int irq)
{
	irq_mask(irq);
	irq_handlers[irq] = NULL;
}

/* irq_mask - see asm/irq.h. */
void irq_mask(unsigned int irq)
{
	unsigned long flags;

	irq_check_line(__func__, irq);
	spin_lock_irqsave(&pic_lock, flags);
	irq_masked |= 1u << irq;
	pic_write_masks();
	spin_unlock_irqrestore(&pic_lock, flags);
}

/* irq_unmask - see asm/irq.h. */
void irq_unmask(unsigned int irq)
{
	unsigned long flags;

	irq_check_line(__func__, irq);
	spin_lock_irqsave(&pic_lock, flags);
	irq_masked &= ~(1u << irq);
	pic_write_masks();
	spin_unlock_irqrestore(&pic_lock, flags);
}

/* irq_count - see asm/irq.h. */
unsigned long irq_count(unsigned int irq)
{
	unsigned long sum = 0;

	irq_check_line(__func__, irq);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		sum += irq_stats[cpu][irq];
	return sum;
}

/* irq_spurious_count - see asm/irq.h. */
unsigned long irq_spurious_count(void)
{
	unsigned long sum = 0;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		sum += irq_spurious[cpu];
	return sum;
}

/* do_irq - see asm/irq.h. */
void do_irq(struct pt_regs *regs)
{
	unsigned int irq = regs->vector - IRQ0_VECTOR;
	unsigned int cpu = smp_processor_id();
	irq_handler_t handler = irq_handlers[irq];

	if (irq_is_spurious(irq)) {
		irq_spurious[cpu]++;
		return;
	}
	irq_stats[cpu][irq]++;
	pic_eoi(irq);
	irq_enter();		/* in_interrupt() holds: the handler may not sleep */
	if (handler) {
		handler(irq, regs);
	} else {
		pr_warn("irq %u: no handler: masking the line\n", irq);
		irq_mask(irq);
	}
	irq_exit();
}
