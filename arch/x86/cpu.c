/*
 * What the boot CPU can do, read once from CPUID.  The physical address
 * width follows docs/design.md section 1: leaf 0x80000008 when present, else 36
 * bits with PSE-36 and 32 without (QEMU's qemu32 really drops bit 32 up).
 */
#include <asm/processor.h>
#include <asm/timer.h>
#include <hilo/printk.h>
#include <hilo/string.h>

struct cpuinfo boot_cpu;

#define CPUID1_EDX_TSC   (1u << 4)
#define CPUID1_EDX_PSE   (1u << 3)
#define CPUID1_EDX_PAE   (1u << 6)
#define CPUID1_EDX_APIC  (1u << 9)
#define CPUID1_EDX_PGE   (1u << 13)
#define CPUID1_EDX_PSE36 (1u << 17)
#define CPUID81_EDX_NX   (1u << 20)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID_HYPERVISOR_LEAF 0x40000000u

static void cpu_read_names(struct cpuinfo *c, u32 max_ext)
{
	u32 a, b, d, x;

	cpuid(0, &a, &b, &x, &d);
	memcpy(c->vendor + 0, &b, 4);
	memcpy(c->vendor + 4, &d, 4);
	memcpy(c->vendor + 8, &x, 4);
	c->vendor[12] = '\0';

	if (max_ext < 0x80000004) {
		strlcpy(c->model_name, "unknown", sizeof(c->model_name));
		return;
	}
	for (u32 i = 0; i < 3; i++) {
		u32 r[4];

		cpuid(0x80000002 + i, &r[0], &r[1], &r[2], &r[3]);
		memcpy(c->model_name + 16 * i, r, 16);
	}
	c->model_name[48] = '\0';
}

/* fpu_disable_cpu - see asm/processor.h (the kernel is built without FPU code). */
void fpu_disable_cpu(void)
{
	write_cr0((read_cr0() | X86_CR0_EM) & ~(X86_CR0_MP | X86_CR0_TS));
}

/** cpu_init - fill boot_cpu from CPUID.  Boot CPU, once, before mm. */
void cpu_init(void)
{
	struct cpuinfo *c = &boot_cpu;
	u32 a, b, x, d, max_ext;

	cpuid(1, &a, &b, &x, &d);
	c->family = (a >> 8) & 0xF;
	c->model = (a >> 4) & 0xF;
	c->stepping = a & 0xF;
	if (c->family == 0xF)
		c->family += (a >> 20) & 0xFF;
	if (c->family >= 6)
		c->model |= ((a >> 16) & 0xF) << 4;
	c->tsc = d & CPUID1_EDX_TSC;
	c->pse = d & CPUID1_EDX_PSE;
	c->pae = d & CPUID1_EDX_PAE;
	c->apic = d & CPUID1_EDX_APIC;
	c->pge = d & CPUID1_EDX_PGE;
	c->pse36 = d & CPUID1_EDX_PSE36;

	cpuid(0x80000000, &max_ext, &b, &x, &d);
	if (max_ext < 0x80000000)
		max_ext = 0;
	if (max_ext >= 0x80000001) {
		cpuid(0x80000001, &a, &b, &x, &d);
		c->nx = d & CPUID81_EDX_NX;
	}
	if (max_ext >= 0x80000008) {
		cpuid(0x80000008, &a, &b, &x, &d);
		c->phys_bits = a & 0xFF;
		c->virt_bits = (a >> 8) & 0xFF;
	} else {
		c->phys_bits = c->pse36 ? 36 : 32;
		c->virt_bits = 32;
	}
	cpu_read_names(c, max_ext);
	if (c->tsc)
		pit_calibrate_tsc();	/* tsc_khz: timeouts, the APIC timer */
}

/** cpu_print_info - one boot line naming the CPU and the features hilo uses. */
void cpu_print_info(void)
{
	const struct cpuinfo *c = &boot_cpu;

	pr_info("cpu: %s \"%s\" family %u model %u stepping %u\n",
		c->vendor, c->model_name, c->family, c->model, c->stepping);
	pr_info("cpu: pae=%d pse=%d pge=%d pse36=%d nx=%d apic=%d tsc=%d, %u-bit physical addresses\n",
		c->pae, c->pse, c->pge, c->pse36, c->nx, c->apic, c->tsc,
		c->phys_bits);
}

/* hypervisor_name - see asm/processor.h. */
const char *hypervisor_name(char sig[13])
{
	u32 a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	if (!(c & CPUID1_ECX_HYPERVISOR))
		return "none";
	cpuid(CPUID_HYPERVISOR_LEAF, &a, &b, &c, &d);
	memcpy(sig + 0, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	return sig[0] ? sig : "none";
}
