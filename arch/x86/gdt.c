/*
 * The GDT and the TSS, one of each per CPU (see the table in asm/desc.h).
 *
 * hilo uses flat segments, so the GDT matters for five things: the code
 * and data selectors the trap entry loads, the user code and data
 * selectors of ring 3, the per-CPU segment in %fs, the TSS (esp0 for a
 * trap from ring 3; the interrupted state on a double fault), and the
 * double-fault TSS.
 */
#include <asm/desc.h>
#include <hilo/compiler.h>
#include <hilo/percpu.h>

u64 gdt_table[NR_CPUS][GDT_ENTRIES] __aligned(8);
struct tss_struct cpu_tss[NR_CPUS];
struct tss_struct doublefault_tss[NR_CPUS];

BUILD_BUG_ON(sizeof(struct x86_hw_tss) != 104);
BUILD_BUG_ON(sizeof(struct desc_ptr) != 6);

/* The descriptor of a TSS: byte granular, exactly the hardware part. */
static u64 tss_descriptor(const struct tss_struct *tss)
{
	return gdt_entry((u32)&tss->x86_tss, sizeof(tss->x86_tss) - 1,
			 DESC_TSS_AVAIL, 0);
}

/*
 * tss_init - the running TSS: ss0 here, esp0 at every task switch
 * (load_sp0), read by the CPU on a trap from ring 3; it also receives the
 * interrupted state on a double fault.  No I/O bitmap: ring 3 has no port
 * access (IOPL 0).
 */
static void tss_init(struct x86_hw_tss *tss)
{
	tss->ss0 = __KERNEL_DS;
	tss->io_bitmap_base = sizeof(*tss);
}

/*
 * load_segments - reload cs (far jump) and every data segment register;
 * %fs gets the per-CPU segment.
 */
static void load_segments(void)
{
	__asm__ __volatile__("ljmp %[cs], $1f\n"
			     "1:\n\t"
			     "mov %[ds], %%ds\n\t"
			     "mov %[ds], %%es\n\t"
			     "mov %[fs], %%fs\n\t"
			     "mov %[ds], %%gs\n\t"
			     "mov %[ds], %%ss"
			     :: [cs] "i"(__KERNEL_CS), [ds] "r"((u32)__KERNEL_DS),
				[fs] "r"((u32)__KERNEL_PERCPU)
			     : "memory");
}

/*
 * gdt_init_cpu - see asm/desc.h.  The LDT register is loaded with null:
 * the loader may leave anything there, and a stray LDT selector must
 * fault rather than read a descriptor from wherever that points.
 */
void gdt_init_cpu(unsigned int cpu)
{
	u64 *gdt = gdt_table[cpu];
	struct desc_ptr ptr = {
		.size = sizeof(gdt_table[cpu]) - 1,
		.address = (u32)gdt,
	};

	gdt[0] = 0;
	gdt[GDT_ENTRY_KERNEL_CS] = gdt_entry(0, 0xFFFFF, DESC_CODE_READ,
					     DESC_FLAG_G | DESC_FLAG_DB);
	gdt[GDT_ENTRY_KERNEL_DS] = gdt_entry(0, 0xFFFFF, DESC_DATA_WRITE,
					     DESC_FLAG_G | DESC_FLAG_DB);
	gdt[GDT_ENTRY_TSS] = tss_descriptor(&cpu_tss[cpu]);
	gdt[GDT_ENTRY_DOUBLEFAULT] = tss_descriptor(&doublefault_tss[cpu]);
	gdt[GDT_ENTRY_PERCPU] = gdt_entry((u32)&percpu[cpu], sizeof(percpu[cpu]) - 1,
					  DESC_DATA_WRITE, DESC_FLAG_DB);
	gdt[GDT_ENTRY_USER_CS] = gdt_entry(0, 0xFFFFF, DESC_CODE_READ | DESC_DPL3,
					   DESC_FLAG_G | DESC_FLAG_DB);
	gdt[GDT_ENTRY_USER_DS] = gdt_entry(0, 0xFFFFF, DESC_DATA_WRITE | DESC_DPL3,
					   DESC_FLAG_G | DESC_FLAG_DB);
	percpu[cpu].self = &percpu[cpu];
	percpu[cpu].cpu = cpu;
	tss_init(&cpu_tss[cpu].x86_tss);

	load_gdt(&ptr);
	load_segments();
	load_ldt(0);
	load_tr(__TSS);
}
