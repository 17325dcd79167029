/* x86 control registers, CPUID, MSRs and the CPU feature flags. */
#ifndef ASM_PROCESSOR_H
#define ASM_PROCESSOR_H

#include <hilo/types.h>

#define X86_CR0_PE  (1u << 0)
#define X86_CR0_MP  (1u << 1)
#define X86_CR0_EM  (1u << 2)
#define X86_CR0_TS  (1u << 3)
#define X86_CR0_WP  (1u << 16)
#define X86_CR0_PG  (1u << 31)
#define X86_CR4_PSE (1u << 4)
#define X86_CR4_PAE (1u << 5)
#define X86_CR4_PGE (1u << 7)

#define MSR_EFER     0xC0000080u
#define EFER_NXE     (1u << 11)

#define X86_EFLAGS_FIXED (1u << 1)	/* always reads as 1 */
#define X86_EFLAGS_IF (1u << 9)
#define X86_EFLAGS_ID (1u << 21)

/* What the CPU can do, read once at boot by cpu_init(). */
struct cpuinfo {
	char vendor[13];
	char model_name[49];
	u32 family, model, stepping;
	bool pse, pae, pge, pse36, nx, apic, tsc;
	u32 phys_bits;		/* physical address width (docs/design.md section 1) */
	u32 virt_bits;
};
extern struct cpuinfo boot_cpu;

/*
 * hypervisor_name - CPUID's hypervisor signature ("TCGTCGTCGTCG",
 * "KVMKVMKVM") written into sig, or "none" (arch/x86/cpu.c).
 */
const char *hypervisor_name(char sig[13]);

void cpu_init(void);
void cpu_print_info(void);

/*
 * fpu_disable_cpu - make every x87 instruction trap (#NM) and every
 * MMX one fault (#UD) on this CPU: hilo saves no FPU state at a switch,
 * so a process that used the FPU would see another's registers.  It is
 * killed instead, with a line that says so.  Each CPU, at bring-up.
 */
void fpu_disable_cpu(void);

static inline void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	__asm__ __volatile__("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			     : "a"(leaf), "c"(0));
}

#define DEFINE_CR(n)                                                          \
static inline unsigned long read_cr##n(void)                                  \
{                                                                             \
	unsigned long v;                                                      \
	__asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v));                 \
	return v;                                                             \
}                                                                             \
static inline void write_cr##n(unsigned long v)                               \
{                                                                             \
	__asm__ __volatile__("mov %0, %%cr" #n :: "r"(v) : "memory");         \
}
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	__asm__ __volatile__("wrmsr" :: "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}

static inline unsigned long read_eflags(void)
{
	unsigned long f;
	__asm__ __volatile__("pushfl; popl %0" : "=r"(f));
	return f;
}

static inline unsigned long read_ebp(void)
{
	unsigned long v;
	__asm__ __volatile__("mov %%ebp, %0" : "=r"(v));
	return v;
}

static inline void cpu_relax(void) { __asm__ __volatile__("pause" ::: "memory"); }
static inline void halt(void)      { __asm__ __volatile__("hlt" ::: "memory"); }
/* safe_halt - enable interrupts and halt: no interrupt slips in between (sti's shadow). */
static inline void safe_halt(void) { __asm__ __volatile__("sti; hlt" ::: "memory"); }
static inline void local_irq_disable(void) { __asm__ __volatile__("cli" ::: "memory"); }
static inline void local_irq_enable(void)  { __asm__ __volatile__("sti" ::: "memory"); }

#endif
