/*
 * Constants for assembly and for the GDB scripts, taken from the C
 * headers so they are written once.  Compiled to assembly only; the
 * Makefile turns each "->NAME value" marker into $(BUILD)/include/
 * asm-offsets.inc (NASM %define) and asm-offsets.py (Python).
 */
#include <asm/desc.h>
#include <asm/layout.h>
#include <asm/ptrace.h>
#include <asm/qemu.h>
#include <asm/traps.h>
#include <hilo/multiboot.h>

#define DEFINE(sym, val) \
	__asm__ __volatile__("\n.ascii \"->" #sym " %c0\"" :: "i"(val))

void asm_offsets(void);
void asm_offsets(void)
{
	DEFINE(PAGE_SHIFT, PAGE_SHIFT);
	DEFINE(PAGE_SIZE, PAGE_SIZE);
	DEFINE(PAGE_OFFSET, PAGE_OFFSET);
	DEFINE(KERNEL_PHYS, KERNEL_PHYS);
	DEFINE(KERNEL_VIRT, KERNEL_VIRT);
	DEFINE(BOOT_PT_SIZE, BOOT_PT_SIZE);
	DEFINE(BOOT_MAP_SIZE, BOOT_MAP_SIZE);
	DEFINE(BOOT_STACK_SIZE, BOOT_STACK_SIZE);
	DEFINE(QEMU_DEBUG_EXIT_PORT, QEMU_DEBUG_EXIT_PORT);
	DEFINE(HILO_EXIT_PASS, HILO_EXIT_PASS);
	DEFINE(HILO_EXIT_FAIL, HILO_EXIT_FAIL);
	DEFINE(HILO_EXIT_PANIC, HILO_EXIT_PANIC);
	DEFINE(MULTIBOOT_BOOTLOADER_MAGIC, MULTIBOOT_BOOTLOADER_MAGIC);
	DEFINE(__KERNEL_DS, __KERNEL_DS);
	DEFINE(IDT_STUB_VECTORS, IDT_STUB_VECTORS);
	DEFINE(PT_EIP, __builtin_offsetof(struct pt_regs, eip));
}
