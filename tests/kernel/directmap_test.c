/*
 * The lowmem direct map and the page-table walker: every check goes
 * through memory or the live page tables, not through return values.
 */
#include <asm/layout.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <hilo/cmdline.h>
#include <hilo/ktest.h>
#include <hilo/mm.h>
#include <hilo/spinlock.h>
#include <hilo/vmalloc.h>
#include "highmem_test_util.h"

extern bool direct_map_large_pages;

#define SAMPLES 64

/*
 * For pages spread over lowmem: a value written through page_address() is
 * read through a second mapping of the same frame (vmap), and back.
 */
KTEST(directmap, page_address_and_vmap_see_the_same_frame)
{
	unsigned long step = max_low_pfn / SAMPLES, checked = 0;

	for (unsigned long pfn = step; pfn < max_low_pfn; pfn += step) {
		struct page *page = pfn_to_page(pfn);
		volatile u32 *direct, *alias;
		u32 seen_alias, seen_direct, saved;
		unsigned long flags;

		if (PageReserved(page))
			continue;	/* not RAM, or the kernel's (text, mem_map) */
		direct = page_address(page);
		alias = vmap(&page, 1);
		ASSERT_NOT_NULL(t, alias);
		/*
		 * The page may be in use (a stack, a page table): change one
		 * word and put it back with interrupts off, so nothing runs
		 * in between.
		 */
		flags = arch_local_irq_save();
		saved = direct[7];
		direct[7] = 0xC0FFEE00u ^ pfn;
		seen_alias = alias[7];
		alias[7] = 0xBADC0DEu ^ pfn;
		seen_direct = direct[7];
		direct[7] = saved;
		arch_local_irq_restore(flags);
		EXPECT_EQ(t, seen_alias, 0xC0FFEE00u ^ pfn);
		EXPECT_EQ(t, seen_direct, 0xBADC0DEu ^ pfn);
		vunmap((void *)alias);
		checked++;
	}
	EXPECT_GE(t, checked, SAMPLES / 2);
}

KTEST(directmap, walker_translates_lowmem)
{
	unsigned long step = max_low_pfn / SAMPLES;

	for (unsigned long pfn = 0; pfn < max_low_pfn; pfn += step) {
		unsigned long va = PAGE_OFFSET + (pfn << PAGE_SHIFT) + 0x123;
		phys_addr_t phys = 0;

		if (va >= (unsigned long)boot_stack_guard &&
		    va < (unsigned long)boot_stack)
			continue;
		EXPECT_TRUE(t, virt_to_phys_walk(va, &phys));
		EXPECT_EQ(t, phys, ((phys_addr_t)pfn << PAGE_SHIFT) + 0x123);
	}
}

KTEST(directmap, walker_returns_the_pte_that_was_set)
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	void *va = vmap(&page, 1);
	enum pg_level level;
	pte_t *pte = lookup_address((unsigned long)va, &level);
	pte_t want = pfn_pte(page_to_pfn(page), PAGE_KERNEL);

	ASSERT_NOT_NULL(t, pte);
	EXPECT_EQ(t, level, PG_LEVEL_4K);
	EXPECT_EQ(t, pte_val(*pte), pte_val(want));
	EXPECT_EQ(t, pte_pfn(*pte), page_to_pfn(page));
	vunmap(va);
	EXPECT_TRUE(t, pte_none(*pte));
	__free_page(page);
}

KTEST(directmap, ends_at_high_memory)
{
	unsigned long last = (unsigned long)high_memory - 1;
	phys_addr_t phys;

	EXPECT_TRUE(t, virt_to_phys_walk(last, &phys));
	EXPECT_EQ(t, phys, ((phys_addr_t)max_low_pfn << PAGE_SHIFT) - 1);
	EXPECT_FALSE(t, virt_to_phys_walk((unsigned long)high_memory, &phys));
	EXPECT_LE(t, max_low_pfn, MAXMEM_PFN);
	EXPECT_EQ(t, max_low_pfn, min(max_pfn, (unsigned long)MAXMEM_PFN));
}

/* 2 MiB pages away from the kernel image, unless directmap=4k or no PSE. */
KTEST(directmap, page_size_follows_pse_and_command_line)
{
	unsigned long va = PAGE_OFFSET + (16UL << 20);
	enum pg_level level;

	if (va + PMD_SIZE > (unsigned long)high_memory) {
		ktest_skip(t, "lowmem ends below 18 MiB");
		return;
	}
	ASSERT_NOT_NULL(t, lookup_address(va, &level));
	EXPECT_EQ(t, level, direct_map_large_pages ? PG_LEVEL_2M : PG_LEVEL_4K);
	EXPECT_EQ(t, direct_map_large_pages,
		  boot_cpu.pse && ktest_strcmp(cmdline_get("directmap"), "4k"));
}

KTEST(directmap, kernel_sections_have_their_protections)
{
	enum pg_level level;
	pte_t text = *lookup_address((unsigned long)_text, &level);
	pte_t ro = *lookup_address((unsigned long)_rodata, &level);
	pte_t data = *lookup_address((unsigned long)_data, &level);

	EXPECT_EQ(t, level, PG_LEVEL_4K);
	EXPECT_FALSE(t, pte_val(text) & _PAGE_RW);
	EXPECT_FALSE(t, pte_val(text) & _PAGE_NX);
	EXPECT_FALSE(t, pte_val(ro) & _PAGE_RW);
	EXPECT_TRUE(t, pte_val(data) & _PAGE_RW);
	EXPECT_EQ(t, !!(pte_val(ro) & _PAGE_NX), boot_cpu.nx);
	EXPECT_EQ(t, !!(pte_val(data) & _PAGE_NX), boot_cpu.nx);
	EXPECT_EQ(t, !!(pte_val(data) & _PAGE_GLOBAL), boot_cpu.pge);
}

KTEST(directmap, kernel_tables_replaced_the_boot_ones)
{
	EXPECT_EQ(t, read_cr3(), __pa(swapper_pg_dir));
	EXPECT_EQ(t, pgd_phys(swapper_pg_dir[3]), __pa(kernel_pmd));
	EXPECT_FALSE(t, pgd_present(swapper_pg_dir[0]));
}

KTEST_EXPECT_PANIC(directmap, writing_kernel_text_faults, "(kernel text)")
{
	*(volatile u8 *)_text = 0x90;
}

/*
 * A highmem page above 4 GiB (36-bit CPU, more than 4 GiB of RAM): written
 * through one mapping, read through another.
 */
KTEST(directmap, highmem_above_4g_holds_data)
{
	struct high_blocks blocks;
	struct page *block = alloc_block_above_4g(t, &blocks), *page;
	u32 *a, *b;

	if (!block)
		return;
	page = block + 77;
	a = vmap(&page, 1);
	b = vmap(&page, 1);
	if (!a || !b) {
		KTEST_FAIL(t, "vmap failed: %p, %p", a, b);
	} else {
		EXPECT_NE(t, (unsigned long)a, (unsigned long)b);
		EXPECT_GE(t, pte_pfn(*kernel_pte((unsigned long)a)), PFN_4G);
		for (unsigned int i = 0; i < PAGE_SIZE / 4; i++)
			a[i] = i * 2654435761u;
		for (unsigned int i = 0; i < PAGE_SIZE / 4; i++)
			if (b[i] != i * 2654435761u)
				KTEST_FAIL(t, "word %u reads %#x through the second mapping", i, b[i]);
	}
	if (a)
		vunmap(a);
	if (b)
		vunmap(b);
	free_high_blocks(&blocks);
}

/* With plain qemu32 (32-bit physical addresses) RAM above 4 GiB is left out. */
KTEST(directmap, ram_beyond_the_address_width_is_left_out)
{
	EXPECT_LE(t, (u64)max_pfn << PAGE_SHIFT, 1ULL << boot_cpu.phys_bits);
}
