/*
 * Hardware interrupts: the two 8259A PICs, remapped to vectors 32..47
 * (arch/x86/pic.c).  Lines are numbered 0..15 (IRQ 2 is the cascade from
 * the slave PIC).  Every line starts masked; a driver registers a handler
 * and then unmasks its line.  Interrupts stay disabled until the
 * scheduler enables them.
 */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H

#include <hilo/types.h>

#define NR_IRQS          16
#define IRQ0_VECTOR      32	/* vector of IRQ 0; IRQ n is IRQ0_VECTOR + n */
#define IRQ_CASCADE      2	/* master line the slave PIC is wired to */

struct pt_regs;

/*
 * A line's handler.  Runs with interrupts disabled, after the PIC has had
 * its EOI (so a handler that switches tasks does not block the line).
 */
typedef void (*irq_handler_t)(unsigned int irq, struct pt_regs *regs);

/*
 * irq_register - make handler the handler of line irq.  The line stays
 * masked (irq_unmask() it).  A bad line or a line that already has a
 * handler is a bug (panic).  Any context with interrupts disabled.
 */
void irq_register(unsigned int irq, irq_handler_t handler);

/* irq_unregister - mask line irq and forget its handler. */
void irq_unregister(unsigned int irq);

/* irq_mask / irq_unmask - stop / let line irq interrupt the CPU. */
void irq_mask(unsigned int irq);
void irq_unmask(unsigned int irq);

/* irq_count - interrupts taken on line irq since boot (spurious ones excluded). */
unsigned long irq_count(unsigned int irq);

/* irq_spurious_count - spurious IRQ 7 / IRQ 15 interrupts since boot. */
unsigned long irq_spurious_count(void);

/*
 * pic_init - remap both PICs to IRQ0_VECTOR.., mask every line.
 * Boot CPU, interrupts disabled.
 */
void pic_init(void);

/*
 * do_irq - handle vector regs->vector from line regs->vector - IRQ0_VECTOR:
 * filter spurious interrupts, count, send the EOI, call the handler
 * between irq_enter() and irq_exit() (so in_interrupt() holds in it and
 * might_sleep() panics).  Called by do_trap().
 */
void do_irq(struct pt_regs *regs);

#endif
