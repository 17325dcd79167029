/*
 * mm_init: from the loader's memory map to a running page allocator and
 * the kernel's own page tables.
 *
 *   1. the memory map: raw (as the loader gave it), then sanitized, with
 *      RAM beyond the CPU's physical address width left out;
 *   2. the limits: max_pfn (end of RAM), max_low_pfn (end of the direct
 *      map: RAM's end or MAXMEM, whichever is lower), high_memory;
 *   3. memblock: RAM, and the reservations (first MiB, kernel image,
 *      which holds the boot page tables and the copied multiboot data);
 *   4. the kernel page tables: the lowmem direct map (2 MiB pages where
 *      the CPU has PSE unless directmap=4k, 4 KiB around the kernel image
 *      so text can be read-only), the empty page tables behind the pkmap
 *      pool and the fixmap; then CR3 switches to them;
 *   5. mem_map and the zones, then memblock hands its free pages over.
 */
#include <asm/desc.h>
#include <asm/layout.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>
#include <hilo/smp.h>
#include <hilo/cmdline.h>
#include <hilo/highmem.h>
#include <hilo/memblock.h>
#include <hilo/memmap.h>
#include <hilo/mm.h>
#include <hilo/mm_user.h>
#include <hilo/multiboot.h>
#include <hilo/printk.h>
#include <hilo/string.h>

void *high_memory;
struct memmap memmap;
bool direct_map_large_pages;

/* The raw map is logged entry by entry by memmap_sanitize(verbose). */
static void setup_memory_map(void)
{
	struct boot_mmap_entry fallback[2];
	const struct boot_mmap_entry *raw = boot_params.mmap;
	unsigned int n = boot_params.nr_mmap;

	if (!n) {
		pr_warn("mm: the boot loader gave no memory map: using mem_lower/mem_upper (%u/%u KiB)\n",
			boot_params.mem_lower_kb, boot_params.mem_upper_kb);
		n = memmap_from_mem_lower_upper(boot_params.mem_lower_kb,
						boot_params.mem_upper_kb, fallback);
		raw = fallback;
	}
	memmap_sanitize(raw, n, 1ULL << boot_cpu.phys_bits, true, &memmap);
	memmap_print("sanitized", &memmap);
}

static void find_limits(void)
{
	u64 end = 0;

	for (unsigned int i = 0; i < memmap.nr; i++)
		if (memmap.r[i].type == MEM_AVAILABLE)
			end = memmap.r[i].end;
	if (!end)
		panic("mm_init: the memory map has no usable RAM");
	max_pfn = (unsigned long)(end >> PAGE_SHIFT);
	max_low_pfn = min(max_pfn, (unsigned long)MAXMEM_PFN);
	high_memory = __va(max_low_pfn << PAGE_SHIFT);
	if (max_pfn > max_low_pfn)
		pr_info("mm: %lu MiB of highmem above the direct map's %lu MiB\n",
			(max_pfn - max_low_pfn) >> (20 - PAGE_SHIFT),
			max_low_pfn >> (20 - PAGE_SHIFT));
}

static void setup_memblock(void)
{
	for (unsigned int i = 0; i < memmap.nr; i++)
		if (memmap.r[i].type == MEM_AVAILABLE)
			memblock_add(memmap.r[i].start, memmap.r[i].end - memmap.r[i].start);
	memblock.limit = (phys_addr_t)max_low_pfn << PAGE_SHIFT;
	memblock_reserve(0, 1UL << 20, "first MiB (BIOS, real-mode data)");
	/* The image holds the boot page tables and the copied multiboot data. */
	memblock_reserve(KERNEL_PHYS, __pa(_end) - KERNEL_PHYS, "kernel image");
}

/* Protection of one 4 KiB page of the direct map. */
static pgprot_t direct_map_prot(unsigned long va)
{
	if (va >= (unsigned long)_text && va < (unsigned long)_etext)
		return PAGE_KERNEL_EXEC;
	if (va >= (unsigned long)_rodata && va < (unsigned long)_erodata)
		return PAGE_KERNEL_RO;
	return PAGE_KERNEL;
}

/* Can the 2 MiB chunk at pfn be one large page? */
static bool chunk_can_be_large(unsigned long pfn)
{
	unsigned long end = pfn + (PMD_SIZE >> PAGE_SHIFT);
	unsigned long img_start = KERNEL_PHYS >> PAGE_SHIFT;
	unsigned long img_end = __pa(_end) >> PAGE_SHIFT;

	return direct_map_large_pages && end <= max_low_pfn &&
	       (end <= img_start || pfn >= img_end);
}

static void map_direct_chunk(unsigned long pfn)
{
	unsigned long va = PAGE_OFFSET + (pfn << PAGE_SHIFT);
	unsigned long end = min(pfn + (PMD_SIZE >> PAGE_SHIFT), max_low_pfn);

	if (chunk_can_be_large(pfn)) {
		set_pmd(&kernel_pmd[pmd_index(va)],
			pfn_pte(pfn, PAGE_KERNEL_LARGE).pte);
		return;
	}
	for (; pfn < end; pfn++, va += PAGE_SIZE) {
		if (va == (unsigned long)boot_stack_guard)
			continue;	/* an overflow of the boot stack must fault */
		map_kernel_page(va, pfn, direct_map_prot(va));
	}
}

static void paging_init(void)
{
	const char *dm = cmdline_get("directmap");

	if (!(read_cr4() & X86_CR4_PGE))
		__supported_pte_mask &= ~_PAGE_GLOBAL;
	if (!(rdmsr(MSR_EFER) & EFER_NXE))
		__supported_pte_mask &= ~_PAGE_NX;
	direct_map_large_pages = boot_cpu.pse && !(dm && !strcmp(dm, "4k"));

	for (unsigned long pfn = 0; pfn < max_low_pfn; pfn += PMD_SIZE >> PAGE_SHIFT)
		map_direct_chunk(pfn);
	kmap_init();		/* the empty pkmap and fixmap page tables */

	swapper_pg_dir[3].pgd = __pa(kernel_pmd) | _PAGE_PRESENT;
	write_cr3(__pa(swapper_pg_dir));
	flush_tlb_all();	/* the boot map's global entries too */
	doublefault_set_cr3(smp_processor_id(), __pa(swapper_pg_dir));
	pr_info("mm: direct map of %lu MiB in %s pages, text read-only%s%s\n",
		max_low_pfn >> (20 - PAGE_SHIFT),
		direct_map_large_pages ? "2 MiB" : "4 KiB",
		(__supported_pte_mask & _PAGE_NX) ? ", data no-exec" : "",
		(__supported_pte_mask & _PAGE_GLOBAL) ? ", global" : "");
}

/*
 * directmap_page_size - how the middle of lowmem is mapped, as the page
 * tables say (not as paging_init meant to): "2M" or "4K".
 */
const char *directmap_page_size(void)
{
	unsigned long mid = PAGE_OFFSET + (((max_low_pfn << PAGE_SHIFT) / 2) & PMD_MASK);
	enum pg_level level;

	lookup_address(mid, &level);
	return level == PG_LEVEL_2M ? "2M" : "4K";
}

struct layout_row {
	const char *name;
	unsigned long start, end;
	int indent;
};

/*
 * Print the virtual layout in the style of Linux's old boot table: each
 * region's start, end (exclusive) and size.
 */
static void print_layout(void)
{
	const struct layout_row rows[] = {
		{ "fixmap", FIXADDR_START, FIXADDR_TOP, 0 },	/* + the hole at TOP */
		{ "pkmap", PKMAP_BASE, PKMAP_END, 0 },
		{ "vmalloc", VMALLOC_START, VMALLOC_END, 0 },
		{ "lowmem", PAGE_OFFSET, (unsigned long)high_memory, 0 },
		{ ".text", (unsigned long)_text, (unsigned long)_etext, 1 },
		{ ".rodata", (unsigned long)_rodata, (unsigned long)_erodata, 1 },
		{ ".data", (unsigned long)_data, (unsigned long)_edata, 1 },
		{ ".bss", (unsigned long)_bss, (unsigned long)_ebss, 1 },
	};

	pr_info("virtual kernel memory layout:\n");
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		unsigned long kb = (rows[i].end - rows[i].start + 1023) >> 10;

		pr_info("    %s%-8s: 0x%08lx - 0x%08lx   (%5lu %s)\n",
			rows[i].indent ? "  " : "", rows[i].name, rows[i].start,
			rows[i].end, kb >= 10240 ? kb >> 10 : kb,
			kb >= 10240 ? "MiB" : "KiB");
	}
	pr_info("    kmap_local: %d slots per CPU x %d CPUs at 0x%08lx (FIX_KMAP_BEGIN), pool: %d slots\n",
		KM_MAX_IDX, NR_CPUS, __fix_to_virt(FIX_KMAP_BEGIN), LAST_PKMAP);
}

/* RAM pages of the sanitized map inside [start_pfn, end_pfn). */
static unsigned long ram_pages_in(unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long n = 0;

	for (unsigned int i = 0; i < memmap.nr; i++) {
		const struct mem_region *r = &memmap.r[i];
		u64 s = max(r->start >> PAGE_SHIFT, (u64)start_pfn);
		u64 e = min(r->end >> PAGE_SHIFT, (u64)end_pfn);

		if (r->type == MEM_AVAILABLE && e > s)
			n += (unsigned long)(e - s);
	}
	return n;
}

/*
 * Every page is accounted: per zone, RAM in the map = free + reserved, and
 * the zones together hold all the RAM the map lists.
 */
static void print_zones(void)
{
	unsigned long present = 0, managed = 0;

	pr_info("Zone ranges:\n");
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &zones[i];

		z->present_pages = ram_pages_in(z->start_pfn, z->end_pfn);
		present += z->present_pages;
		managed += z->managed_pages;
		pr_info("  %-7s [pfn %#09lx-%#09lx) %8lu KiB: present %7lu, free %7lu, reserved %7lu pages\n",
			z->name, z->start_pfn, z->end_pfn,
			(z->end_pfn - z->start_pfn) << (PAGE_SHIFT - 10),
			z->present_pages, z->free_pages,
			z->present_pages - z->managed_pages);
		if (z->managed_pages > z->present_pages || z->free_pages != z->managed_pages)
			panic("mm_init: zone %s accounts %lu free of %lu managed, %lu present pages",
			      z->name, z->free_pages, z->managed_pages, z->present_pages);
	}
	if (present != memmap_total(&memmap, MEM_AVAILABLE) >> PAGE_SHIFT)
		panic("mm_init: zones hold %lu RAM pages, the map lists %llu",
		      present, memmap_total(&memmap, MEM_AVAILABLE) >> PAGE_SHIFT);
	pr_info("Memory: %lu KiB RAM = %lu KiB free + %lu KiB reserved (kernel %llu KiB, mem_map %llu KiB, page tables %llu KiB)\n",
		present << 2, managed << 2, (present - managed) << 2,
		memblock_reserved_size("kernel image") >> 10,
		memblock_reserved_size("mem_map") >> 10,
		memblock_reserved_size("page tables") >> 10);
}

/** mm_init - see the top of this file.  Boot CPU, once, before tasks. */
void mm_init(void)
{
	setup_memory_map();
	find_limits();
	setup_memblock();
	paging_init();
	zones_init();
	memblock_print();
	memblock_free_all();
	print_zones();
	print_layout();
	show_buddyinfo();
	user_mm_init();
}
