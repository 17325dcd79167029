/*
 * The local APIC: mapping, per-CPU set-up, IPIs, the per-CPU timer and
 * the system vectors (asm/apic.h).
 *
 * The page at FIX_APIC_BASE is mapped uncached (PCD|PWT): registers are
 * not memory.  Each CPU that touches it reaches its own APIC, so nothing
 * here takes a lock across CPUs; what a CPU must not interleave with
 * itself (the two halves of the ICR) is done with interrupts off.
 */
#include <asm/apic.h>
#include <asm/layout.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/tsc.h>
#include <hilo/math64.h>
#include <hilo/panic.h>
#include <hilo/preempt.h>
#include <hilo/printk.h>
#include <hilo/spinlock.h>

#define MSR_IA32_APICBASE        0x1Bu
#define MSR_IA32_APICBASE_ENABLE (1u << 11)
#define APIC_LVT_EXTINT          0x700
#define APIC_LVT_NMI             0x400
#define TIMER_CALIBRATE_US       20000
#define NR_SYSTEM_VECTORS        (256 - FIRST_SYSTEM_VECTOR)

bool lapic_in_use;
static u32 lapic_timer_rate;		/* timer counts a second, after the divisor */
static system_vector_handler_t system_handlers[NR_SYSTEM_VECTORS];
static unsigned long system_counts[NR_CPUS][NR_SYSTEM_VECTORS];

static volatile u32 *apic_reg(u32 reg)
{
	return (volatile u32 *)(__fix_to_virt(FIX_APIC_BASE) + reg);
}

static u32 apic_read(u32 reg)
{
	return *apic_reg(reg);
}

static void apic_write(u32 reg, u32 v)
{
	*apic_reg(reg) = v;
}

/* lapic_id - see asm/apic.h. */
u32 lapic_id(void)
{
	return apic_read(APIC_ID) >> 24;
}

/* lapic_eoi - see asm/apic.h. */
void lapic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

/* The ICR is free again: the previous IPI left this APIC. */
static void wait_icr_idle(void)
{
	u64 start = rdtsc();

	while (apic_read(APIC_ICR) & APIC_ICR_BUSY) {
		cpu_relax();
		if (rdtsc() - start > (u64)tsc_khz * 1000)
			panic("lapic: CPU %u's interrupt command register stays busy for 1 s (ICR %#x)",
			      smp_processor_id(), apic_read(APIC_ICR));
	}
}

/* Send one IPI (ICR high half, then the low half that sends). */
static void apic_icr_write(u32 low, u32 apicid)
{
	unsigned long flags = arch_local_irq_save();

	wait_icr_idle();
	apic_write(APIC_ICR2, apicid << 24);
	apic_write(APIC_ICR, low);
	arch_local_irq_restore(flags);
}

/* lapic_send_ipi - see asm/apic.h. */
void lapic_send_ipi(u32 apicid, u32 vector)
{
	apic_icr_write(APIC_DM_FIXED | vector, apicid);
}

/* lapic_send_nmi_allbutself - see asm/apic.h. */
void lapic_send_nmi_allbutself(void)
{
	apic_icr_write(APIC_DEST_ALLBUT | APIC_DM_NMI, 0);
}

/* The error status register's current errors (it latches on a write). */
static u32 apic_read_esr(void)
{
	apic_write(APIC_ESR, 0);
	return apic_read(APIC_ESR);
}

/* lapic_wakeup_cpu - see asm/apic.h.  Delays as SDM 8.4.4.1 gives them. */
bool lapic_wakeup_cpu(u32 apicid, u32 start_page)
{
	apic_read_esr();
	apic_icr_write(APIC_DM_INIT | APIC_INT_LEVELTRIG | APIC_INT_ASSERT, apicid);
	wait_icr_idle();
	tsc_delay_us(10000);
	for (int i = 0; i < 2; i++) {
		apic_icr_write(APIC_DM_STARTUP | start_page, apicid);
		tsc_delay_us(200);
		wait_icr_idle();
	}
	return (apic_read_esr() & 0xEF) == 0;
}

/* lapic_park_cpu - see asm/apic.h. */
void lapic_park_cpu(u32 apicid)
{
	apic_icr_write(APIC_DM_INIT | APIC_INT_LEVELTRIG | APIC_INT_ASSERT, apicid);
	wait_icr_idle();
}

/*
 * lapic_setup_cpu - see asm/apic.h.  The boot CPU keeps LINT0 as ExtINT,
 * through which the 8259 PICs still reach it, and LINT1 as NMI; the
 * others mask both, as Linux does.
 */
void lapic_setup_cpu(void)
{
	bool bsp = smp_processor_id() == 0;

	apic_write(APIC_TASKPRI, 0);
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | SPURIOUS_APIC_VECTOR);
	apic_write(APIC_LVT0, bsp ? APIC_LVT_EXTINT : APIC_LVT_MASKED);
	apic_write(APIC_LVT1, bsp ? APIC_LVT_NMI : APIC_LVT_MASKED);
	apic_write(APIC_LVTERR, ERROR_APIC_VECTOR);
	apic_read_esr();
	apic_write(APIC_LVTT, APIC_LVT_MASKED);
	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
}

/*
 * Measure the timer against the TSC (itself measured against the PIT):
 * counts of a one-shot run from the top over TIMER_CALIBRATE_US.
 */
static void lapic_timer_calibrate(void)
{
	u32 left;

	apic_write(APIC_LVTT, APIC_LVT_MASKED);
	apic_write(APIC_TMICT, 0xFFFFFFFFu);
	tsc_delay_us(TIMER_CALIBRATE_US);
	left = apic_read(APIC_TMCCT);
	apic_write(APIC_TMICT, 0);
	lapic_timer_rate = (u32)div_u64((u64)(0xFFFFFFFFu - left) * 1000000u,
					TIMER_CALIBRATE_US);
	if (lapic_timer_rate < 10000)
		panic("lapic: the APIC timer counted %u in %u us: it does not run",
		      0xFFFFFFFFu - left, TIMER_CALIBRATE_US);
}

/* The initial count of a periodic timer at hz, rounded to nearest. */
static u32 lapic_timer_count(unsigned int hz)
{
	return (lapic_timer_rate + hz / 2) / hz;
}

/* lapic_timer_period_ns - see asm/apic.h. */
unsigned long lapic_timer_period_ns(unsigned int hz)
{
	return (unsigned long)div_u64((u64)lapic_timer_count(hz) * 1000000000u,
				      lapic_timer_rate);
}

/* lapic_timer_start - see asm/apic.h. */
unsigned long lapic_timer_start(unsigned int hz)
{
	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_PERIODIC | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, lapic_timer_count(hz));
	return lapic_timer_period_ns(hz);
}

/* ---- system vectors ---- */

/* set_system_vector_handler - see asm/apic.h.  Boot. */
void set_system_vector_handler(unsigned int vector, system_vector_handler_t handler)
{
	if (vector < FIRST_SYSTEM_VECTOR || vector > 0xFF)
		panic("set_system_vector_handler: vector %#x is not a system vector", vector);
	system_handlers[vector - FIRST_SYSTEM_VECTOR] = handler;
}

/* system_vector_count - see asm/apic.h. */
unsigned long system_vector_count(unsigned int cpu, unsigned int vector)
{
	return READ_ONCE(system_counts[cpu][vector - FIRST_SYSTEM_VECTOR]);
}

static void apic_error_interrupt(struct pt_regs *regs)
{
	pr_warn("lapic: APIC error on CPU %u: ESR %#x\n", smp_processor_id(),
		apic_read_esr());
}

/*
 * do_system_vector - see asm/apic.h.  The EOI goes out before the return
 * path may switch tasks, so a preempted handler's CPU is not left with
 * its APIC blocking every vector of this priority class.
 */
void do_system_vector(struct pt_regs *regs)
{
	unsigned int idx = regs->vector - FIRST_SYSTEM_VECTOR;
	system_vector_handler_t handler = system_handlers[idx];

	system_counts[smp_processor_id()][idx]++;
	if (regs->vector == SPURIOUS_APIC_VECTOR)
		return;			/* the APIC expects no EOI */
	irq_enter();
	if (handler)
		handler(regs);
	else
		pr_warn("lapic: vector %#x on CPU %u has no handler\n",
			regs->vector, smp_processor_id());
	irq_exit();
	lapic_eoi();
}

/* lapic_init - see asm/apic.h. */
bool lapic_init(u32 phys)
{
	u64 base;

	if (!boot_cpu.apic) {
		pr_info("lapic: the CPU has no local APIC: one CPU, PIT tick\n");
		return false;
	}
	base = rdmsr(MSR_IA32_APICBASE);
	if (!(base & MSR_IA32_APICBASE_ENABLE))
		wrmsr(MSR_IA32_APICBASE, base | MSR_IA32_APICBASE_ENABLE);
	map_kernel_page(__fix_to_virt(FIX_APIC_BASE), phys >> PAGE_SHIFT,
			PAGE_KERNEL_NOCACHE);
	set_system_vector_handler(ERROR_APIC_VECTOR, apic_error_interrupt);
	lapic_setup_cpu();
	lapic_timer_calibrate();
	lapic_in_use = true;
	pr_info("lapic: APIC %#x at %#x (mapped at %#lx), version %#x, timer %u kHz, TSC %lu kHz\n",
		lapic_id(), phys, __fix_to_virt(FIX_APIC_BASE),
		apic_read(APIC_LVR) & 0xFF, lapic_timer_rate / 1000, tsc_khz);
	return true;
}
