/*
 * The boot-time check whether the CPU can walk page tables above 4 GiB
 * (arch/x86/walk_probe.c).  The user page tables of hilo/mm_user.h are
 * placed by its answer.
 */
#ifndef HILO_WALK_PROBE_H
#define HILO_WALK_PROBE_H

enum walk_probe_result {
	WALK_PROBE_OK,			/* a table above 4 GiB works */
	WALK_PROBE_TRUNCATES,		/* it does not (QEMU's i386 emulator) */
	WALK_PROBE_NO_RAM_ABOVE_4G,	/* nothing to ask: no free page up there */
	WALK_PROBE_NOT_RUN,		/* no scratch page or no free 2 MiB of kernel space */
};

/*
 * walk_probe - hang a scratch page table above 4 GiB and read through it.
 * Boot, after the page allocator and kmap_local are up, before vmalloc
 * covers the top of its area.
 */
enum walk_probe_result walk_probe(void);

#endif
