/*
 * Counters of user memory (hilo/vmstat.h) and the memory report's user
 * lines.
 */
#include <hilo/mm.h>
#include <hilo/mm_user.h>
#include <hilo/printk.h>
#include <hilo/vmstat.h>

struct vm_counters vm_counters;

/* read_vm_counters - see hilo/vmstat.h. */
void read_vm_counters(struct vm_counters *out)
{
	out->faults = READ_ONCE(vm_counters.faults);
	out->zero_fills = READ_ONCE(vm_counters.zero_fills);
	out->cow_copies = READ_ONCE(vm_counters.cow_copies);
	out->cow_reuses = READ_ONCE(vm_counters.cow_reuses);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		out->user_pages[z] = READ_ONCE(vm_counters.user_pages[z]);
		out->pt_pages[z] = READ_ONCE(vm_counters.pt_pages[z]);
	}
}

/* show_user_mem - see hilo/vmstat.h. */
void show_user_mem(void)
{
	struct vm_counters c;

	read_vm_counters(&c);
	pr_info("user memory: pages DMA %ld, Normal %ld, HighMem %ld; page tables DMA %ld, Normal %ld, HighMem %ld (%s)\n",
		c.user_pages[ZONE_DMA], c.user_pages[ZONE_NORMAL], c.user_pages[ZONE_HIGHMEM],
		c.pt_pages[ZONE_DMA], c.pt_pages[ZONE_NORMAL], c.pt_pages[ZONE_HIGHMEM],
		highpte ? "PTE pages in highmem" : "nohighpte: PTE pages in lowmem");
	pr_info("user memory: %lu faults: %lu demand-zero, %lu copy-on-write copies, %lu reuses\n",
		c.faults, c.zero_fills, c.cow_copies, c.cow_reuses);
}
