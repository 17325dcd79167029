/*
 * Bringing up the other CPUs (asm/smpboot.h).
 *
 * The boot CPU finds the CPUs (smp_find_config: ACPI's MADT, the MP
 * table, or itself alone), then starts them one at a time:
 *
 *   boot CPU                                   AP
 *   sched_init_cpu(cpu): run queue, idle task
 *   percpu[cpu].current_task = idle
 *   trampoline parameters: stack, cpu, ...
 *   INIT, STARTUP, STARTUP  ------------------> real mode at TRAMPOLINE_PHYS
 *                                              protected mode, paging
 *                                              secondary_startup, kernel CR3
 *                                              start_secondary(cpu):
 *                                                GDT, TSS, %fs, IDT, APIC,
 *                                                its APIC timer
 *   waits for cpu's online bit  <------------- sets its online bit
 *                                              idles, takes tasks
 *
 * Only one AP runs the trampoline at a time, so one parameter block is
 * enough.  An AP that does not set its bit within AP_BOOT_TIMEOUT_MS is
 * sent INIT again (which parks it, waiting for a STARTUP that never
 * comes), named in the log and left out; its CPU number goes to the next.
 */
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/layout.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/smp_config.h>
#include <asm/smpboot.h>
#include <asm/timer.h>
#include <asm/tsc.h>
#include <hilo/cmdline.h>
#include <hilo/panic.h>
#include <hilo/printk.h>
#include <hilo/sched.h>
#include <hilo/smp.h>
#include <hilo/string.h>
#include <hilo/timer.h>

#define AP_BOOT_TIMEOUT_MS 2000

static struct smp_config smp_cfg;
static u32 apic_ids[NR_CPUS];

/* cpu_apic_id - see asm/smpboot.h. */
u32 cpu_apic_id(unsigned int cpu)
{
	return apic_ids[cpu];
}

void arch_send_call_function_ipi(unsigned int cpu)
{
	lapic_send_ipi(apic_ids[cpu], CALL_FUNCTION_VECTOR);
}

void arch_send_reschedule_ipi(unsigned int cpu)
{
	lapic_send_ipi(apic_ids[cpu], RESCHEDULE_VECTOR);
}

/* smp_send_stop - see hilo/smp.h. */
void smp_send_stop(void)
{
	if (lapic_in_use && num_online_cpus() > 1)
		lapic_send_nmi_allbutself();
}

/* stop_this_cpu - see hilo/smp.h. */
void stop_this_cpu(void)
{
	local_irq_disable();
	for (;;)
		halt();
}

/* need_resched is already set: the interrupt's return path acts on it. */
static void reschedule_interrupt(struct pt_regs *regs)
{
}

static void call_function_interrupt(struct pt_regs *regs)
{
	generic_smp_call_function_interrupt();
}

/* The APIC ID of the CPU running this, from CPUID (no APIC mapping needed). */
static u8 cpuid_apic_id(void)
{
	u32 a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	return (u8)(b >> 24);
}

/* smp_prepare_boot_cpu - see asm/smpboot.h. */
void smp_prepare_boot_cpu(void)
{
	smp_find_config(&smp_cfg, cpuid_apic_id());
	if (!lapic_init(smp_cfg.lapic_phys)) {
		smp_cfg.nr_cpus = 1;
		return;
	}
	apic_ids[0] = lapic_id();
	set_system_vector_handler(RESCHEDULE_VECTOR, reschedule_interrupt);
	set_system_vector_handler(CALL_FUNCTION_VECTOR, call_function_interrupt);
}

/* Copy the trampoline to its page and fill what every AP shares. */
static struct trampoline_params *trampoline_setup(void)
{
	size_t len = (size_t)(trampoline_end - trampoline_start);
	char *page = __va(TRAMPOLINE_PHYS);
	struct trampoline_params *tp = (void *)(page + TRAMPOLINE_PARAMS);
	u64 *pdpt = (u64 *)(page + TRAMPOLINE_PDPT);
	u64 *pd = (u64 *)(page + TRAMPOLINE_PD);

	if (len > TRAMPOLINE_PARAMS)
		panic("smpboot: the trampoline code (%zu bytes) overlaps its parameters at %#x",
		      len, TRAMPOLINE_PARAMS);
	memcpy(page, trampoline_start, len);
	memset(tp, 0, sizeof(*tp));
	tp->gdt[1] = gdt_entry(0, 0xFFFFF, DESC_CODE_READ, DESC_FLAG_G | DESC_FLAG_DB);
	tp->gdt[2] = gdt_entry(0, 0xFFFFF, DESC_DATA_WRITE, DESC_FLAG_G | DESC_FLAG_DB);
	tp->gdt_limit = sizeof(tp->gdt) - 1;
	tp->gdt_base = TRAMPOLINE_PHYS + TRAMPOLINE_PARAMS +
		       offsetof(struct trampoline_params, gdt);
	tp->far_offset = TRAMPOLINE_PHYS + (u32)(trampoline_protected - trampoline_start);
	tp->far_selector = TRAMPOLINE_CS;
	tp->cr4 = read_cr4();
	tp->efer_nxe = boot_cpu.nx && (rdmsr(MSR_EFER) & EFER_NXE);
	tp->kernel_cr3 = __pa(swapper_pg_dir);
	tp->entry = (u32)secondary_startup;
	/* The identity-mapped first 2 MiB, and the kernel at PAGE_OFFSET. */
	memset(pd, 0, PAGE_SIZE);
	pd[0] = _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE;
	memset(pdpt, 0, 4 * sizeof(u64));
	pdpt[0] = (TRAMPOLINE_PHYS + TRAMPOLINE_PD) | _PAGE_PRESENT;
	pdpt[3] = pgd_val(swapper_pg_dir[3]);
	return tp;
}

/* Wait for cpu's online bit, up to AP_BOOT_TIMEOUT_MS. */
static bool wait_cpu_online(unsigned int cpu)
{
	u64 start = rdtsc(), limit = (u64)AP_BOOT_TIMEOUT_MS * tsc_khz;

	while (!cpu_online(cpu)) {
		if (rdtsc() - start > limit)
			return false;
		cpu_relax();
	}
	return true;
}

/* Start the AP with APIC ID apicid as CPU cpu; false when it did not come. */
static bool boot_cpu_as(struct trampoline_params *tp, unsigned int cpu, u32 apicid)
{
	struct task_struct *idle = sched_init_cpu(cpu);

	apic_ids[cpu] = apicid;
	per_cpu(cpu)->current_task = idle;
	tp->stack = (u32)idle->stack + idle->stack_size;
	tp->cpu = cpu;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!lapic_wakeup_cpu(apicid, TRAMPOLINE_PHYS >> PAGE_SHIFT))
		pr_warn("smp: sending INIT/STARTUP to APIC %#x reported an APIC error\n", apicid);
	if (wait_cpu_online(cpu))
		return true;
	lapic_park_cpu(apicid);
	pr_warn("smp: CPU with APIC ID %#x did not come up within %u ms: left out\n",
		apicid, AP_BOOT_TIMEOUT_MS);
	return false;
}

#ifdef CONFIG_DEBUG_SMP
/*
 * Debug: `phantom_apic=ID` adds a CPU with APIC ID ID to the list, as a
 * broken firmware table would: it never answers, which the test build
 * uses to prove that such a CPU is named, left out, and the boot goes on.
 */
static void add_phantom_cpu(void)
{
	const char *arg = cmdline_get("phantom_apic");
	unsigned long long id = cmdline_get_ull("phantom_apic", 0);

	if (!arg || id > 0xFE || smp_cfg.nr_cpus >= SMP_CONFIG_MAX_CPUS)
		return;
	smp_cfg.apic_id[smp_cfg.nr_cpus++] = (u8)id;
	pr_info("smp: phantom_apic: pretending a CPU with APIC ID %#llx exists\n", id);
}
#else
static void add_phantom_cpu(void) { }
#endif

/* smp_boot_cpus - see asm/smpboot.h. */
void smp_boot_cpus(void)
{
	struct trampoline_params *tp;
	unsigned int cpu = 1;

	if (lapic_in_use)
		add_phantom_cpu();
	if (smp_cfg.nr_cpus > 1) {
		tp = trampoline_setup();
		for (unsigned int i = 1; i < smp_cfg.nr_cpus && cpu < NR_CPUS; i++)
			if (boot_cpu_as(tp, cpu, smp_cfg.apic_id[i]))
				cpu++;
	}
	pr_info("hilo: smp: %u CPU%s online\n", num_online_cpus(),
		num_online_cpus() == 1 ? "" : "s");
}

/* start_secondary - see asm/smpboot.h. */
void start_secondary(unsigned int cpu)
{
	gdt_init_cpu(cpu);		/* %fs first: current, spinlocks */
	fpu_disable_cpu();
	doublefault_init_cpu(cpu);
	idt_load();
	lapic_setup_cpu();
	tick_start_secondary();
	__atomic_or_fetch(&cpu_online_mask, 1u << cpu, __ATOMIC_SEQ_CST);
	cpu_idle();
}
