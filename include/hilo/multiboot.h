/*
 * Multiboot 1: what the boot loader hands the kernel.  start_kernel()
 * copies the parts hilo needs (boot_params) before anything can reuse the
 * memory the loader left them in.
 */
#ifndef HILO_MULTIBOOT_H
#define HILO_MULTIBOOT_H

#include <hilo/types.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u

#define MULTIBOOT_INFO_MEMORY   (1u << 0)
#define MULTIBOOT_INFO_CMDLINE  (1u << 2)
#define MULTIBOOT_INFO_MEM_MAP  (1u << 6)
#define MULTIBOOT_INFO_LOADER   (1u << 9)

struct multiboot_info {
	u32 flags;
	u32 mem_lower, mem_upper;	/* KiB below 1 MiB, KiB above 1 MiB */
	u32 boot_device;
	u32 cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr;
	u32 config_table;
	u32 boot_loader_name;
} __attribute__((packed));

#define MULTIBOOT_MEMORY_AVAILABLE 1
#define MULTIBOOT_MEMORY_RESERVED  2
#define MULTIBOOT_MEMORY_ACPI      3
#define MULTIBOOT_MEMORY_NVS       4
#define MULTIBOOT_MEMORY_BADRAM    5

struct multiboot_mmap_entry {
	u32 size;			/* of the rest of the entry */
	u64 addr;
	u64 len;
	u32 type;
} __attribute__((packed));

#define BOOT_CMDLINE_MAX  1024
#define BOOT_MMAP_MAX     128
#define BOOT_LOADER_MAX   64

struct boot_mmap_entry {
	u64 addr, len;
	u32 type;
};

/* The copy of the multiboot information, made early in start_kernel(). */
struct boot_params {
	u32 flags;
	u32 mem_lower_kb, mem_upper_kb;
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[BOOT_LOADER_MAX];
	unsigned int nr_mmap;
	struct boot_mmap_entry mmap[BOOT_MMAP_MAX];
};
extern struct boot_params boot_params;

/* Check the magic (panic if wrong) and copy the loader's data. */
void multiboot_copy(u32 magic, u32 info_phys);

#endif
