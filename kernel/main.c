/*
 * start_kernel: the C entry, called by boot/head.asm on the boot stack in
 * the higher half with the identity map gone.  Brings the machine up in
 * dependency order, runs the self-tests the command line selects, and
 * ends the run with their verdict.
 */
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/qemu.h>
#include <asm/smpboot.h>
#include <asm/traps.h>
#include <hilo/bench.h>
#include <hilo/build_id.h>
#include <hilo/cmdline.h>
#include <hilo/console.h>
#include <hilo/highmem.h>
#include <hilo/ktest.h>
#include <hilo/mm.h>
#include <hilo/multiboot.h>
#include <hilo/printk.h>
#include <hilo/sched.h>
#include <hilo/stress.h>
#include <hilo/string.h>
#include <hilo/vmstat.h>

void start_kernel(u32 magic, u32 mbi_phys) __noreturn;

static void __noreturn idle(void)
{
	pr_info("hilo: boot complete, nothing to run (test=none): idle\n");
	for (;;)
		halt();
}

void start_kernel(u32 magic, u32 mbi_phys)
{
	const char *test;
	int verdict;

	gdt_init_cpu(0);	/* %fs: current, preempt count, spinlocks */
	serial_init();
	vga_init();
	multiboot_copy(magic, mbi_phys);
	cmdline_init(boot_params.cmdline);

	pr_info("hilo: build %s\n", hilo_build_id);
	pr_info("hilo: booted by %s\n", boot_params.loader);
	pr_info("hilo: command line: %s\n", boot_params.cmdline);
	cpu_init();
	cpu_print_info();
	fpu_disable_cpu();
	trap_init();
	mm_init();
	smp_prepare_boot_cpu();	/* the CPUs, this one's local APIC */
	sched_init();		/* from here on this code is task 0, "boot" */
	local_irq_enable();	/* the tick starts: tasks are preempted */
	smp_boot_cpus();

	if (cmdline_get("bench"))	/* benchmarks instead of the self-tests */
		qemu_exit(bench_run_all(cmdline_get("bench")));
	if (cmdline_get("stress"))	/* the stress run instead of the self-tests */
		qemu_exit(stress_run(cmdline_get("stress")));
	test = cmdline_get("test");
	if (test && !strcmp(test, "none")) {
		if (cmdline_has("poweroff"))
			qemu_exit(HILO_EXIT_PASS);
		idle();
	}
	verdict = ktest_run_all(test);
	show_kmap_stats();
	show_user_mem();
	pr_info("hilo: self-tests %s\n", verdict == HILO_EXIT_PASS ? "passed" : "FAILED");
	qemu_exit(verdict);
}
