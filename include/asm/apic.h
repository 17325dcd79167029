/*
 * The local APIC (xAPIC, memory-mapped), one per CPU, at the same
 * physical address on each: every CPU reaches its own through the one
 * uncached fixmap page FIX_APIC_BASE.  hilo uses it for three things:
 * interprocessor interrupts (start-up, reschedule, call-function), the
 * per-CPU timer that drives each CPU's tick, and the CPU's APIC ID.
 * Intel SDM vol. 3, chapter 11.
 *
 * System vectors, above every device vector (as in Linux):
 *
 *   0xEC  LOCAL_TIMER_VECTOR     this CPU's tick
 *   0xFB  CALL_FUNCTION_VECTOR   run a function for another CPU (kernel/smp.c)
 *   0xFD  RESCHEDULE_VECTOR      look at need_resched on the way out
 *   0xFE  ERROR_APIC_VECTOR      the APIC reports an error (logged)
 *   0xFF  SPURIOUS_APIC_VECTOR   spurious: no EOI, counted
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <hilo/types.h>

#define APIC_DEFAULT_PHYS 0xFEE00000u

/* Registers: byte offsets in the APIC page. */
#define APIC_ID         0x020	/* bits 31..24: this CPU's APIC ID */
#define APIC_LVR        0x030	/* version; bits 23..16: max LVT entry */
#define APIC_TASKPRI    0x080
#define APIC_EOI        0x0B0
#define APIC_SPIV       0x0F0	/* spurious vector; bit 8: APIC enabled */
#define APIC_ESR        0x280	/* error status (write before reading) */
#define APIC_ICR        0x300	/* interrupt command, low half (sends) */
#define APIC_ICR2       0x310	/* high half: bits 31..24 destination */
#define APIC_LVTT       0x320	/* timer */
#define APIC_LVT0       0x350
#define APIC_LVT1       0x360
#define APIC_LVTERR     0x370
#define APIC_TMICT      0x380	/* timer initial count */
#define APIC_TMCCT      0x390	/* timer current count */
#define APIC_TDCR       0x3E0	/* timer divide configuration */

#define APIC_SPIV_ENABLE     (1u << 8)
#define APIC_LVT_MASKED      (1u << 16)
#define APIC_LVT_PERIODIC    (1u << 17)
#define APIC_TDR_DIV_16      0x3
#define APIC_TIMER_DIVISOR   16

/* ICR low half. */
#define APIC_DM_FIXED        0x000
#define APIC_DM_INIT         0x500
#define APIC_DM_STARTUP      0x600
#define APIC_DM_NMI          0x400
#define APIC_DEST_ALLBUT     (3u << 18)	/* shorthand: all but self */
#define APIC_ICR_BUSY        (1u << 12)	/* delivery status: send pending */
#define APIC_INT_ASSERT      (1u << 14)
#define APIC_INT_LEVELTRIG   (1u << 15)

#define LOCAL_TIMER_VECTOR   0xEC
#define CALL_FUNCTION_VECTOR 0xFB
#define RESCHEDULE_VECTOR    0xFD
#define ERROR_APIC_VECTOR    0xFE
#define SPURIOUS_APIC_VECTOR 0xFF
#define FIRST_SYSTEM_VECTOR  LOCAL_TIMER_VECTOR

#ifndef __ASSEMBLER__
struct pt_regs;

/* True once lapic_init() mapped and enabled the boot CPU's APIC. */
extern bool lapic_in_use;

/*
 * lapic_init - map the APIC page (phys, from the firmware tables or the
 * default) uncached, enable the boot CPU's APIC and measure its timer
 * against the TSC.  Boot CPU, after mm_init, interrupts off.  Returns
 * false, with a log line, when the CPU has no APIC.
 */
bool lapic_init(u32 phys);
/* lapic_setup_cpu - enable the calling CPU's APIC (spurious, error vectors; TPR 0). */
void lapic_setup_cpu(void);
/* lapic_id - the calling CPU's APIC ID. */
u32 lapic_id(void);
void lapic_eoi(void);

/*
 * lapic_send_ipi - a fixed interrupt of vector to the CPU with APIC ID
 * apicid.  Any context; waits only for the previous send to leave.
 */
void lapic_send_ipi(u32 apicid, u32 vector);
/* lapic_send_nmi_allbutself - an NMI to every other CPU (panic's stop). */
void lapic_send_nmi_allbutself(void);

/*
 * lapic_wakeup_cpu - INIT, then two STARTUPs at page start_page (a
 * physical page number below 0x100): the universal start-up algorithm
 * (SDM 8.4.4.1).  Returns false when the APIC reports a send error.
 */
bool lapic_wakeup_cpu(u32 apicid, u32 start_page);

/* lapic_park_cpu - INIT the CPU with APIC ID apicid: it waits for a STARTUP. */
void lapic_park_cpu(u32 apicid);

/*
 * lapic_timer_start - the calling CPU's APIC timer in periodic mode, hz
 * interrupts a second on LOCAL_TIMER_VECTOR.  Returns the real period in
 * nanoseconds (lapic_timer_period_ns).  Interrupts may be on.
 */
unsigned long lapic_timer_start(unsigned int hz);
unsigned long lapic_timer_period_ns(unsigned int hz);

/*
 * do_system_vector - a trap on a vector of FIRST_SYSTEM_VECTOR and above
 * (arch/x86/traps.c): acknowledges, counts and dispatches it.
 */
void do_system_vector(struct pt_regs *regs);
/* system_vector_count - interrupts taken on vector by cpu. */
unsigned long system_vector_count(unsigned int cpu, unsigned int vector);

/* Handlers of the system vectors, set by their owners. */
typedef void (*system_vector_handler_t)(struct pt_regs *regs);
void set_system_vector_handler(unsigned int vector, system_vector_handler_t handler);
#endif

#endif
