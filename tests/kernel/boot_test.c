/*
 * Tests of the machine state boot/head.asm hands to start_kernel(): PAE
 * paging on, the kernel mapped through PDPT[3] exactly where the linker
 * put it, the boot stack's guard page left out, the identity map gone,
 * PGE and NX used when the CPU has them.
 *
 * By the time the tests run, mm_init() has moved CR3 to the kernel's own
 * tables (swapper_pg_dir), so each check of a mapping walks both the boot
 * tables (boot_pdpt, still in memory) and the tables in CR3: the boot
 * state, and what boot promised the rest of the kernel.  The walk is our
 * own, done the way the CPU does it, independent of mm/.
 */
#include <asm/layout.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <hilo/ktest.h>

#define NOT_MAPPED (~0ULL)

/* The PDPT head.asm built, and the one the CPU uses now. */
static const pgd_t *boot_tables(void)
{
	return (const pgd_t *)boot_pdpt;
}

static const pgd_t *cr3_tables(void)
{
	return __va(read_cr3() & ~31UL);
}

/* walk - the physical address virt maps to through pdpt, or NOT_MAPPED. */
static u64 walk(const pgd_t *pdpt, unsigned long virt)
{
	pgd_t pgd = pdpt[pgd_index(virt)];
	pmd_t pmd;
	pte_t pte;

	if (!pgd_present(pgd))
		return NOT_MAPPED;
	pmd = ((const pmd_t *)__va(pgd_phys(pgd)))[pmd_index(virt)];
	if (!pmd_present(pmd))
		return NOT_MAPPED;
	if (pmd_large(pmd))
		return (pmd_val(pmd) & PMD_PAGE_MASK) | (virt & ~PMD_MASK);
	pte = ((const pte_t *)__va(pmd_phys(pmd)))[pte_index(virt)];
	if (!pte_present(pte))
		return NOT_MAPPED;
	return (pte_val(pte) & PTE_PFN_MASK) | (virt & ~PAGE_MASK);
}

KTEST(boot, cr4_pae_set)
{
	EXPECT_TRUE(t, read_cr4() & X86_CR4_PAE);
	EXPECT_TRUE(t, read_cr0() & X86_CR0_PG);
}

/* PAE's CR3 holds a 32-byte aligned PDPT: the boot one, or mm's since. */
KTEST(boot, cr3_is_aligned_pdpt)
{
	unsigned long cr3 = read_cr3();

	EXPECT_EQ(t, __pa(boot_pdpt) & 31, 0UL);
	EXPECT_EQ(t, cr3 & 31, 0UL);
	EXPECT_LT(t, cr3, __pa(_end));
	ktest_log(t, "CR3 %08lx, boot_pdpt at %08lx", cr3, __pa(boot_pdpt));
}

KTEST(boot, pdpt3_maps_kernel_where_linked)
{
	/* Addresses whose physical address the linker fixed, then the edges
	 * of the boot map's 4 KiB and 2 MiB parts (boot tables only). */
	const unsigned long image[] = {
		KERNEL_VIRT, (unsigned long)_text, (unsigned long)_etext - 1,
		(unsigned long)_rodata, (unsigned long)_data, (unsigned long)_end - 1,
		(unsigned long)boot_stack, (unsigned long)boot_stack_top - 1,
	};
	const unsigned long boot_map[] = {
		PAGE_OFFSET + BOOT_PT_SIZE - 1, PAGE_OFFSET + BOOT_PT_SIZE + 0x1234,
		PAGE_OFFSET + BOOT_MAP_SIZE - 1,
	};

	ASSERT_TRUE(t, pgd_present(boot_tables()[3]));
	ASSERT_TRUE(t, pgd_present(cr3_tables()[3]));
	for (size_t i = 0; i < ARRAY_SIZE(image); i++) {
		EXPECT_EQ(t, walk(boot_tables(), image[i]), (u64)__pa(image[i]));
		EXPECT_EQ(t, walk(cr3_tables(), image[i]), (u64)__pa(image[i]));
	}
	for (size_t i = 0; i < ARRAY_SIZE(boot_map); i++)
		EXPECT_EQ(t, walk(boot_tables(), boot_map[i]), (u64)__pa(boot_map[i]));
}

KTEST(boot, stack_guard_page_not_mapped)
{
	const pgd_t *tables[] = { boot_tables(), cr3_tables() };

	for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
		EXPECT_EQ(t, walk(tables[i], (unsigned long)boot_stack_guard), NOT_MAPPED);
		EXPECT_EQ(t, walk(tables[i], (unsigned long)boot_stack - 1), NOT_MAPPED);
		EXPECT_EQ(t, walk(tables[i], (unsigned long)boot_stack), (u64)__pa(boot_stack));
	}
}

KTEST(boot, pdpt0_not_present)
{
	EXPECT_FALSE(t, pgd_present(boot_tables()[0]));
	EXPECT_FALSE(t, pgd_present(cr3_tables()[0]));
	EXPECT_EQ(t, walk(cr3_tables(), 0x1000), NOT_MAPPED);
}

KTEST(boot, pge_iff_cpu_has_it)
{
	EXPECT_EQ(t, !!(read_cr4() & X86_CR4_PGE), boot_cpu.pge);
}

KTEST(boot, nxe_iff_cpu_has_nx)
{
	/* Without NX the CPU may have no EFER at all: nothing to read. */
	if (!boot_cpu.nx) {
		ktest_log(t, "CPU has no NX: EFER.NXE cannot be set");
		return;
	}
	EXPECT_TRUE(t, rdmsr(MSR_EFER) & EFER_NXE);
}

/* A low address was identity mapped only until the jump to the higher half. */
KTEST_EXPECT_PANIC(boot, identity_map_is_gone, "page fault at 0x00001000")
{
	const volatile u32 *low = (const volatile u32 *)0x1000;

	ktest_log(t, "read 0x1000 returned %08x", *low);
}
