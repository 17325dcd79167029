/* Ending a run: the isa-debug-exit device (see include/asm/qemu.h). */
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/qemu.h>

/**
 * qemu_exit - leave QEMU with status (code << 1) | 1.  Without the device
 * the write does nothing and the CPU halts with interrupts off.
 */
void qemu_exit(int code)
{
	outl(QEMU_DEBUG_EXIT_PORT, (u32)code);
	for (;;) {
		local_irq_disable();
		halt();
	}
}
