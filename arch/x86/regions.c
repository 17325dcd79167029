/*
 * What an address is: the regions of the kernel's virtual layout (a
 * table, so a new region is a new row, not new code) and the kernel
 * stacks (the tasks' stacks), for fault reports.
 *
 *   0xFFFFFFFF +----------------------------+
 *              | fixmap                     |  FIXADDR_START .. FIXADDR_TOP
 *              | pkmap                      |  PKMAP_BASE .. PKMAP_END
 *              | vmalloc                    |  VMALLOC_START .. VMALLOC_END
 *              +----------------------------+  high_memory (the boot map's
 *              | lowmem direct map          |  end, 4 GiB, before mm_init())
 *              |   kernel data/bss          |  _data .. _end
 *              |     boot stack             |  boot_stack .. boot_stack_top
 *              |     boot stack guard page  |  boot_stack_guard (unmapped)
 *              |   kernel rodata            |  _rodata .. _erodata
 *              |   kernel text              |  _text .. _etext
 *   0xC0000000 +----------------------------+  PAGE_OFFSET
 *              | user space                 |  (the boot identity map is gone)
 *   0x00000000 +----------------------------+
 *
 * Anything else (the holes around vmalloc) is "unmapped".
 */
#include <asm/layout.h>
#include <asm/traps.h>
#include <hilo/compiler.h>
#include <hilo/sched.h>

/* One region, [start, end): end 0 means the top of the address space. */
struct layout_region {
	unsigned long start, end;
	const char *name;
	const char *hint;	/* the usual cause of a fault there, or NULL */
};

#define ADDR(sym) ((unsigned long)(sym))

/* Whether r holds addr: end - 1 is its last byte, also when end wraps to 0. */
static bool region_contains(const struct layout_region *r, unsigned long addr)
{
	return addr >= r->start && addr <= r->end - 1;
}

/*
 * lowmem_end - the end of the direct map: high_memory once mm_init() has
 * set it, before that the boot map's (which wraps to 0: all of the top GiB).
 */
static unsigned long lowmem_end(void)
{
	return high_memory ? ADDR(high_memory) : PAGE_OFFSET + BOOT_MAP_SIZE;
}

/*
 * layout_region_of - the row naming addr.  The table is built on each
 * call because high_memory moves the bounds at boot; rows go innermost
 * first and the first row that contains addr wins.  Before mm_init() the
 * direct map row spans the whole top GiB, hiding the rows after it.
 */
static struct layout_region layout_region_of(unsigned long addr)
{
	const struct layout_region rows[] = {
		{ ADDR(boot_stack_guard), ADDR(boot_stack), "boot stack guard page", NULL },
		{ ADDR(boot_stack), ADDR(boot_stack_top), "boot stack", NULL },
		{ ADDR(_text), ADDR(_etext), "kernel text", NULL },
		{ ADDR(_rodata), ADDR(_erodata), "kernel rodata", NULL },
		{ ADDR(_data), ADDR(_end), "kernel data/bss", NULL },
		{ PAGE_OFFSET, lowmem_end(), "lowmem direct map", NULL },
		{ 0, PAGE_OFFSET, "user space, below PAGE_OFFSET",
		  "the boot identity map is gone: physical addresses need __va()" },
		{ VMALLOC_START, VMALLOC_END, "vmalloc", NULL },
		{ PKMAP_BASE, PKMAP_END, "pkmap", NULL },
		{ FIXADDR_START, FIXADDR_TOP + PAGE_SIZE, "fixmap", NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		if (region_contains(&rows[i], addr))
			return rows[i];
	return (struct layout_region){ 0, 0, "unmapped", NULL };
}

/* layout_region - see asm/traps.h. */
const char *layout_region(unsigned long addr)
{
	return layout_region_of(addr).name;
}

/* layout_region_hint - see asm/traps.h. */
const char *layout_region_hint(unsigned long addr)
{
	return layout_region_of(addr).hint;
}

/*
 * The kernel stacks are the tasks' (hilo/sched.h): the boot task's is the
 * boot stack, a kernel thread's is a vmalloc area.  Each has one unmapped
 * guard page directly below its base.  kernel_stack_of - the bounds
 * [base, top) of the stack whose body or guard page holds addr.
 */
static bool kernel_stack_of(unsigned long addr, unsigned long *base, unsigned long *top)
{
	const struct task_struct *task = task_of_stack(addr);

	if (!task)
		return false;
	*base = ADDR(task->stack);
	*top = *base + task->stack_size;
	return true;
}

/* stack_guard_near - see asm/traps.h. */
bool stack_guard_near(unsigned long addr)
{
	unsigned long base, top;

	return kernel_stack_of(addr, &base, &top) && addr < base + PAGE_SIZE;
}

/* on_kernel_stack - see asm/traps.h. */
bool on_kernel_stack(unsigned long addr, unsigned long size)
{
	unsigned long base, top;

	return kernel_stack_of(addr, &base, &top) && addr >= base &&
	       size <= top - addr;
}
