/*
 * Ending a run under QEMU.  The isa-debug-exit device (iobase 0xf4, 4
 * bytes) makes QEMU exit with status (value << 1) | 1, so the three
 * verdicts below leave QEMU as 33, 35 and 37.  tools/run and
 * tests/host/runner.py turn those into 0 (passed), 1 (failed) and 2 (panic).
 * Without the device (another VM, real hardware) the CPU halts instead.
 */
#ifndef ASM_QEMU_H
#define ASM_QEMU_H

#include <hilo/compiler.h>

#define QEMU_DEBUG_EXIT_PORT 0xf4

#define HILO_EXIT_PASS  0x10	/* every selected test passed: QEMU exits 33 */
#define HILO_EXIT_FAIL  0x11	/* some test failed: QEMU exits 35 */
#define HILO_EXIT_PANIC 0x12	/* kernel panic: QEMU exits 37 */

void qemu_exit(int code) __noreturn;

#endif
