/*
 * A fake physical memory for the firmware-table parsers' host tests and
 * fuzzers, and builders that write valid ACPI and MP tables into it (with
 * correct checksums).  Everything is little-endian, as on x86.
 */
#ifndef TESTS_HOST_SMP_FAKEMEM_H
#define TESTS_HOST_SMP_FAKEMEM_H

#include <asm/smp_config.h>

struct fake_mem {
	u8 *b;
	size_t size;		/* bytes [0, size) exist; the rest cannot be read */
};

/* The reader over a fake_mem (ctx); refuses anything outside it. */
bool fake_read(void *ctx, u64 phys, void *buf, size_t len);

/* Zeroed memory with a BIOS data area: no EBDA, 639 KiB of base memory. */
void fm_init(struct fake_mem *m, size_t size);
void fm_free(struct fake_mem *m);
struct phys_reader fm_reader(struct fake_mem *m);

void put16(u8 *p, u16 v);
void put32(u8 *p, u32 v);
void put64(u8 *p, u64 v);
/* Set p[csum_off] so that the len bytes at p sum to zero. */
void fix_checksum(u8 *p, size_t len, size_t csum_off);

/* An RSDP at phys: revision 0 (20 bytes) or 2 (36, with the XSDT). */
void fm_put_rsdp(struct fake_mem *m, u64 phys, u8 revision, u32 rsdt, u64 xsdt);

/* A table being built: header first (36 bytes), then the body. */
struct table {
	u8 b[8192];
	size_t len;
};

void table_begin(struct table *t, const char *sig);
void table_add(struct table *t, const void *bytes, size_t n);
/* Write the length and checksum and copy it to phys. */
void fm_put_table(struct fake_mem *m, u64 phys, struct table *t);

/* RSDT (32-bit entries) or XSDT (64-bit) listing n tables. */
void fm_put_rsdt(struct fake_mem *m, u64 phys, const u32 *tables, unsigned int n);
void fm_put_xsdt(struct fake_mem *m, u64 phys, const u64 *tables, unsigned int n);

/* MADT: header with the local APIC address and flags, then entries. */
void madt_begin(struct table *t, u32 lapic);
void madt_lapic(struct table *t, u8 acpi_id, u8 apic_id, u32 flags);
void madt_x2apic(struct table *t, u32 x2apic_id, u32 flags);
void madt_ioapic(struct table *t, u8 id, u32 addr);
void madt_iso(struct table *t, u8 irq, u32 gsi);
void madt_lapic_nmi(struct table *t);
void madt_override(struct table *t, u64 addr);

/* MP floating pointer (16 bytes) at phys. */
void fm_put_mpf(struct fake_mem *m, u64 phys, u32 table, u8 feature1);
/* MP configuration table: built like an ACPI table, "PCMP" header 44 bytes. */
void mpc_begin(struct table *t, u32 lapic);
void mpc_cpu(struct table *t, u8 apic_id, u8 flags);
void mpc_bus(struct table *t, u8 id);
void mpc_ioapic(struct table *t, u8 id, u32 addr);
void mpc_intsrc(struct table *t, u8 type);	/* type 3 or 4 */
/* Write base length, entry count and checksum; copy to phys. */
void fm_put_mpc(struct fake_mem *m, u64 phys, struct table *t);

/* Where the QEMU-like layout puts things. */
#define FM_SIZE       0x200000u
#define FM_RSDP       0xF5A00u
#define FM_RSDT       0x1FE000u
#define FM_XSDT       0x1FE080u
#define FM_FACP       0x1FE400u
#define FM_MADT       0x1FE800u
#define FM_MADT2      0x1FF000u
#define FM_MPF        0xF5B00u
#define FM_MPC        0xF5C00u

/*
 * A QEMU/SeaBIOS-like machine with ncpu CPUs (APIC IDs 0..ncpu-1): RSDP
 * (revision 0) -> RSDT -> FACP, APIC; and an MP table listing the same
 * CPUs, ID 0 as the BSP.  Either part can be left out.
 */
void fm_qemu_like(struct fake_mem *m, unsigned int ncpu, bool acpi, bool mp);

#endif
