/*
 * x86 descriptor tables: the GDT (with one TSS for normal running and one
 * for the double fault), the IDT, and the selectors the kernel uses.
 *
 * Every CPU has its own GDT and its own pair of TSSes (arrays indexed by
 * CPU number, NR_CPUS); the IDT is shared.  Descriptors are 64-bit values
 * built with shifts and masks, never C bitfields.
 *
 *   GDT index  selector  descriptor
 *   0          0x00      null
 *   1          0x08      kernel code: base 0, limit 4 GiB, 32-bit, ring 0
 *   2          0x10      kernel data: base 0, limit 4 GiB, 32-bit, ring 0
 *   3          0x18      this CPU's TSS (loaded in TR)
 *   4          0x20      this CPU's double-fault TSS (IDT vector 8 is a
 *                        task gate to it: arch/x86/doublefault.c)
 *   5          0x28      per-CPU data: base &percpu[cpu], byte granular,
 *                        loaded in %fs (asm/percpu.h)
 *   6          0x33      user code: base 0, limit 4 GiB, 32-bit, ring 3
 *   7          0x3b      user data: base 0, limit 4 GiB, 32-bit, ring 3
 *
 * User segments are flat like the kernel's: what keeps a process out of
 * the kernel's quarter is the page tables (no _PAGE_USER above
 * PAGE_OFFSET), not a segment limit.  The selectors carry RPL 3.
 */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#define GDT_ENTRY_KERNEL_CS   1
#define GDT_ENTRY_KERNEL_DS   2
#define GDT_ENTRY_TSS         3
#define GDT_ENTRY_DOUBLEFAULT 4
#define GDT_ENTRY_PERCPU      5
#define GDT_ENTRY_USER_CS     6
#define GDT_ENTRY_USER_DS     7
#define GDT_ENTRIES           8

#define __KERNEL_CS       (GDT_ENTRY_KERNEL_CS * 8u)
#define __KERNEL_DS       (GDT_ENTRY_KERNEL_DS * 8u)
#define __TSS             (GDT_ENTRY_TSS * 8u)
#define __DOUBLEFAULT_TSS (GDT_ENTRY_DOUBLEFAULT * 8u)
#define __KERNEL_PERCPU   (GDT_ENTRY_PERCPU * 8u)
#define __USER_CS         (GDT_ENTRY_USER_CS * 8u + 3)
#define __USER_DS         (GDT_ENTRY_USER_DS * 8u + 3)

/* Vectors: 0..31 are the CPU's exceptions, the PICs sit right above. */
#define NR_EXCEPTION_VECTORS 32
#define IDT_ENTRIES          256
#define SYSCALL_VECTOR       0x80	/* int $0x80: the system call gate, DPL 3 */

#ifndef __ASSEMBLER__
#include <hilo/compiler.h>
#include <hilo/threads.h>
#include <hilo/types.h>

/* The operand of lgdt/lidt/sgdt/sidt. */
struct desc_ptr {
	u16 size;		/* limit: bytes - 1 */
	u32 address;
} __packed;

/*
 * The 32-bit TSS as the CPU reads and writes it (Intel SDM vol. 3,
 * figure 8-2).  The selector fields are 16 bits followed by 16 reserved
 * bits; u32 here, the CPU writes zeroes there.
 */
struct x86_hw_tss {
	u32 back_link;		/* previous task's TSS selector (nested task) */
	u32 esp0, ss0, esp1, ss1, esp2, ss2;
	u32 cr3;
	u32 eip, eflags;
	u32 eax, ecx, edx, ebx, esp, ebp, esi, edi;
	u32 es, cs, ss, ds, fs, gs;
	u32 ldt;
	u16 trace;		/* bit 0: debug trap on task switch */
	u16 io_bitmap_base;	/* >= limit: no I/O bitmap */
};

/*
 * A TSS in memory.  The alignment keeps the 104 bytes the CPU reads on a
 * task switch inside one page (SDM vol. 3, 8.2.1).
 */
struct tss_struct {
	struct x86_hw_tss x86_tss;
} __aligned(128);

/* Per-CPU tables, indexed by CPU number (arch/x86/gdt.c). */
extern u64 gdt_table[NR_CPUS][GDT_ENTRIES];
extern struct tss_struct cpu_tss[NR_CPUS];
extern struct tss_struct doublefault_tss[NR_CPUS];

/* The IDT, shared by every CPU (arch/x86/idt.c). */
extern u64 idt_table[IDT_ENTRIES];

/*
 * gdt_init_cpu - fill CPU cpu's GDT, load it, reload every segment
 * register (%fs with the CPU's per-CPU segment: from here on current,
 * smp_processor_id() and spinlocks work) and load TR with the CPU's TSS.
 * The first thing each CPU does in C.  The double-fault TSS must be
 * filled (doublefault_init_cpu) before the first double fault, not before
 * this.  Boot context, on the CPU being set up.
 */
void gdt_init_cpu(unsigned int cpu);

/* idt_init - fill the shared IDT (trap stubs, the double-fault task gate). */
void idt_init(void);
/* idt_load - load the shared IDT on the calling CPU. */
void idt_load(void);

/*
 * doublefault_init_cpu - fill CPU cpu's double-fault TSS: its own stack,
 * the current CR3 (the boot page tables) and the handler as its EIP.
 */
void doublefault_init_cpu(unsigned int cpu);
/* Point the double-fault task at new page tables (after mm_init). */
void doublefault_set_cr3(unsigned int cpu, unsigned long cr3);

/*
 * load_sp0 - the stack the CPU switches to on a trap from ring 3: the top
 * of the next task's kernel stack, set at every switch on that CPU.
 */
static inline void load_sp0(unsigned int cpu, unsigned long sp0)
{
	cpu_tss[cpu].x86_tss.esp0 = sp0;
}

/* Byte 5 of a descriptor: present, ring 0, and the type. */
#define DESC_P          (1u << 7)
#define DESC_DPL3       (3u << 5)	/* reachable from ring 3 */
#define DESC_S          (1u << 4)	/* code/data (not system) */
#define DESC_CODE_READ  (DESC_P | DESC_S | 0xA)	/* execute/read */
#define DESC_DATA_WRITE (DESC_P | DESC_S | 0x2)	/* read/write */
#define DESC_TSS_AVAIL  (DESC_P | 0x9)	/* 32-bit TSS, not busy */
#define DESC_TSS_BUSY   0x2		/* type bit set by ltr / task switch */
#define DESC_INTR_GATE  (DESC_P | 0xE)	/* 32-bit interrupt gate (IF cleared) */
#define DESC_TASK_GATE  (DESC_P | 0x5)

/* The flags nibble of a segment descriptor. */
#define DESC_FLAG_DB    (1u << 2)	/* 32-bit segment */
#define DESC_FLAG_G     (1u << 3)	/* limit in 4 KiB units */

/* A segment descriptor: base, 20-bit limit, access byte, flags nibble. */
static inline u64 gdt_entry(u32 base, u32 limit, u8 access, u8 flags)
{
	return (u64)(limit & 0xFFFF) |
	       (u64)(base & 0xFFFFFF) << 16 |
	       (u64)access << 40 |
	       (u64)((limit >> 16) & 0xF) << 48 |
	       (u64)(flags & 0xF) << 52 |
	       (u64)(base >> 24) << 56;
}

/* A gate: the target's selector and offset, and the type byte. */
static inline u64 idt_gate(u16 selector, u32 offset, u8 type)
{
	return (u64)(offset & 0xFFFF) |
	       (u64)selector << 16 |
	       (u64)type << 40 |
	       (u64)(offset >> 16) << 48;
}

/* The fields of a descriptor, for checks and tests. */
static inline u8 desc_type(u64 d)       { return (u8)(d >> 40); }
static inline u16 gate_selector(u64 d)  { return (u16)(d >> 16); }
static inline u32 gate_offset(u64 d)
{
	return (u32)(d & 0xFFFF) | (u32)(d >> 32 & 0xFFFF0000u);
}
static inline u32 desc_base(u64 d)
{
	return (u32)(d >> 16 & 0xFFFFFF) | (u32)(d >> 56) << 24;
}

static inline void load_gdt(const struct desc_ptr *p)
{
	__asm__ __volatile__("lgdt %0" :: "m"(*p) : "memory");
}

static inline void load_idt(const struct desc_ptr *p)
{
	__asm__ __volatile__("lidt %0" :: "m"(*p) : "memory");
}

static inline void store_gdt(struct desc_ptr *p)
{
	__asm__ __volatile__("sgdt %0" : "=m"(*p));
}

static inline void store_idt(struct desc_ptr *p)
{
	__asm__ __volatile__("sidt %0" : "=m"(*p));
}

static inline void load_tr(u16 selector)
{
	__asm__ __volatile__("ltr %0" :: "rm"(selector) : "memory");
}

/* lldt: hilo has no LDT; loading the null selector makes every LDT selector fault. */
static inline void load_ldt(u16 selector)
{
	__asm__ __volatile__("lldt %0" :: "rm"(selector) : "memory");
}

static inline u16 store_tr(void)
{
	u16 sel;

	__asm__ __volatile__("str %0" : "=rm"(sel));
	return sel;
}

/* Read a segment register: savesegment(cs, v). */
#define savesegment(seg, v) \
	__asm__ __volatile__("mov %%" #seg ", %0" : "=rm"(v))

#endif /* !__ASSEMBLER__ */
#endif
