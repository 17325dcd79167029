/*
 * The runner's self-check: deliberately broken cases, one for each way a
 * boot can go wrong, so that tests/host/runner.py proves it classifies each one
 * correctly (a failed case, an unexpected panic, a hang, a triple fault, a
 * boot that exits before its plan is complete).
 *
 * They are KTEST_MANUAL: an ordinary run never lists them; the self-check
 * lines of tests/matrix boot each one on its own with
 * test=selfcheck.<name>.
 */
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/qemu.h>
#include <hilo/ktest.h>
#include <hilo/panic.h>

KTEST_MANUAL(selfcheck, fails)
{
	EXPECT_EQ(t, 1, 2);
}

KTEST_MANUAL(selfcheck, panics)
{
	panic("selfcheck: deliberate panic");
}

/* Only the runner's timeout ends this boot. */
KTEST_MANUAL(selfcheck, hangs)
{
	local_irq_disable();
	for (;;)
		halt();
}

/*
 * With an IDT of limit 0 the breakpoint cannot be delivered, nor the #GP
 * that raises, nor the double fault after it: the CPU shuts down.
 */
KTEST_MANUAL(selfcheck, triple_faults)
{
	static const struct desc_ptr no_idt = { .size = 0, .address = 0 };

	load_idt(&no_idt);
	__asm__ __volatile__("int3");
}

/* The plan said 1..1, the boot exits with the pass code before the result. */
KTEST_MANUAL(selfcheck, exits_early)
{
	qemu_exit(HILO_EXIT_PASS);
}
