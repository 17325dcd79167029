/*
 * Copy what hilo needs from the multiboot information into boot_params,
 * first thing at boot: the loader may have left it in memory that the
 * page allocator will hand out later.  The loader's structures are read
 * through the boot direct map, which covers the first BOOT_MAP_SIZE bytes.
 */
#include <asm/layout.h>
#include <hilo/multiboot.h>
#include <hilo/panic.h>
#include <hilo/printk.h>
#include <hilo/string.h>

struct boot_params boot_params;

/* The loader's physical range [phys, phys + len) as a pointer, or panic. */
static const void *mb_ptr(u32 phys, u32 len, const char *what)
{
	if ((u64)phys + len > BOOT_MAP_SIZE)
		panic("multiboot_copy: %s at %#x (+%u bytes) lies outside the boot map (%lu MiB)",
		      what, phys, len, BOOT_MAP_SIZE >> 20);
	return __va(phys);
}

static void copy_string(char *dst, size_t size, u32 phys, const char *what)
{
	const char *src = mb_ptr(phys, 1, what);
	size_t n = 0;

	/* Bounded: read no further than the copy can hold. */
	while (n + 1 < size && (u64)phys + n + 1 < BOOT_MAP_SIZE && src[n])
		n++;
	memcpy(dst, src, n);
	dst[n] = '\0';
	if (src[n] && n + 1 == size)
		pr_warn("multiboot: %s longer than %zu bytes, cut\n", what, size - 1);
}

static void copy_mmap(const struct multiboot_info *mbi)
{
	const u8 *p = mb_ptr(mbi->mmap_addr, mbi->mmap_length, "memory map");
	const u8 *end = p + mbi->mmap_length;

	while (p + sizeof(u32) <= end) {
		const struct multiboot_mmap_entry *e = (const void *)p;

		if (e->size < 20 || p + sizeof(u32) + e->size > end) {
			pr_warn("multiboot: malformed memory map entry (size %u), map cut\n",
				e->size);
			break;
		}
		if (boot_params.nr_mmap == BOOT_MMAP_MAX) {
			pr_warn("multiboot: more than %d memory map entries, rest ignored\n",
				BOOT_MMAP_MAX);
			break;
		}
		boot_params.mmap[boot_params.nr_mmap++] = (struct boot_mmap_entry){
			.addr = e->addr, .len = e->len, .type = e->type,
		};
		p += sizeof(u32) + e->size;
	}
}

/**
 * multiboot_copy - check the loader's magic and copy its information.
 * Boot CPU, once, before any memory is allocated.  A wrong magic means
 * hilo was not started by a multiboot loader: panic, naming both values.
 */
void multiboot_copy(u32 magic, u32 info_phys)
{
	const struct multiboot_info *mbi;

	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		panic("start_kernel: bad multiboot magic %#x (expected %#x): not started by a multiboot loader",
		      magic, MULTIBOOT_BOOTLOADER_MAGIC);
	mbi = mb_ptr(info_phys, sizeof(*mbi), "multiboot info");

	boot_params.flags = mbi->flags;
	if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
		boot_params.mem_lower_kb = mbi->mem_lower;
		boot_params.mem_upper_kb = mbi->mem_upper;
	}
	if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
		copy_string(boot_params.cmdline, sizeof(boot_params.cmdline),
			    mbi->cmdline, "command line");
	if (mbi->flags & MULTIBOOT_INFO_LOADER)
		copy_string(boot_params.loader, sizeof(boot_params.loader),
			    mbi->boot_loader_name, "boot loader name");
	else
		strlcpy(boot_params.loader, "unknown loader", sizeof(boot_params.loader));
	if (mbi->flags & MULTIBOOT_INFO_MEM_MAP)
		copy_mmap(mbi);
}
