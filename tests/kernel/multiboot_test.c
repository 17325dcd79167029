/*
 * The multiboot hand-over: the loader's data was copied before anything
 * could reuse its memory, and a wrong magic is refused by name.
 */
#include <hilo/cmdline.h>
#include <hilo/ktest.h>
#include <hilo/multiboot.h>
#include <hilo/string.h>

/* The copy holds what the parser read: the command line this boot got. */
KTEST(multiboot, command_line_and_memory_map_were_copied)
{
	EXPECT_NE(t, boot_params.nr_mmap, 0);
	EXPECT_TRUE(t, boot_params.flags & MULTIBOOT_INFO_MEM_MAP);
	if (cmdline_get("test"))
		EXPECT_NOT_NULL(t, strstr(boot_params.cmdline, cmdline_get("test")));
	for (unsigned int i = 0; i < boot_params.nr_mmap; i++)
		EXPECT_NE(t, boot_params.mmap[i].type, 0);
}

KTEST_EXPECT_PANIC(multiboot, wrong_magic_panics,
		   "bad multiboot magic 0x12345678 (expected 0x2badb002)")
{
	multiboot_copy(0x12345678, 0);
}
