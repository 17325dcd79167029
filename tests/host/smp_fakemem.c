/* The fake physical memory and table builders: see smp_fakemem.h. */
#include <stdlib.h>
#include <string.h>

#include "smp_fakemem.h"

bool fake_read(void *ctx, u64 phys, void *buf, size_t len)
{
	const struct fake_mem *m = ctx;

	if (phys > m->size || len > m->size - phys)
		return false;
	memcpy(buf, m->b + phys, len);
	return true;
}

void fm_init(struct fake_mem *m, size_t size)
{
	if (!m->b || m->size != size) {
		free(m->b);
		m->b = malloc(size);
		if (!m->b)
			abort();
		m->size = size;
	}
	memset(m->b, 0, size);
	put16(m->b + 0x413, 639);
}

void fm_free(struct fake_mem *m)
{
	free(m->b);
	m->b = NULL;
	m->size = 0;
}

struct phys_reader fm_reader(struct fake_mem *m)
{
	return (struct phys_reader){ fake_read, m };
}

void put16(u8 *p, u16 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
}

void put32(u8 *p, u32 v)
{
	put16(p, (u16)v);
	put16(p + 2, (u16)(v >> 16));
}

void put64(u8 *p, u64 v)
{
	put32(p, (u32)v);
	put32(p + 4, (u32)(v >> 32));
}

void fix_checksum(u8 *p, size_t len, size_t csum_off)
{
	u8 sum = 0;

	p[csum_off] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (u8)(sum + p[i]);
	p[csum_off] = (u8)-sum;
}

static u8 *at(struct fake_mem *m, u64 phys, size_t len)
{
	if (phys > m->size || len > m->size - phys)
		abort();	/* a test bug: builders write inside memory only */
	return m->b + phys;
}

void fm_put_rsdp(struct fake_mem *m, u64 phys, u8 revision, u32 rsdt, u64 xsdt)
{
	u8 *p = at(m, phys, 36);

	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "BOCHS ", 6);
	p[15] = revision;
	put32(p + 16, rsdt);
	fix_checksum(p, 20, 8);
	if (revision >= 2) {
		put32(p + 20, 36);
		put64(p + 24, xsdt);
		fix_checksum(p, 36, 32);
	}
}

void table_begin(struct table *t, const char *sig)
{
	memset(t->b, 0, sizeof(t->b));
	memcpy(t->b, sig, 4);
	t->b[8] = 1;				/* revision */
	memcpy(t->b + 10, "BOCHS ", 6);
	memcpy(t->b + 16, "BXPC    ", 8);
	t->len = 36;
}

void table_add(struct table *t, const void *bytes, size_t n)
{
	if (n > sizeof(t->b) - t->len)
		abort();
	memcpy(t->b + t->len, bytes, n);
	t->len += n;
}

void fm_put_table(struct fake_mem *m, u64 phys, struct table *t)
{
	put32(t->b + 4, (u32)t->len);
	fix_checksum(t->b, t->len, 9);
	memcpy(at(m, phys, t->len), t->b, t->len);
}

void fm_put_rsdt(struct fake_mem *m, u64 phys, const u32 *tables, unsigned int n)
{
	struct table t;
	u8 e[4];

	table_begin(&t, "RSDT");
	for (unsigned int i = 0; i < n; i++) {
		put32(e, tables[i]);
		table_add(&t, e, 4);
	}
	fm_put_table(m, phys, &t);
}

void fm_put_xsdt(struct fake_mem *m, u64 phys, const u64 *tables, unsigned int n)
{
	struct table t;
	u8 e[8];

	table_begin(&t, "XSDT");
	for (unsigned int i = 0; i < n; i++) {
		put64(e, tables[i]);
		table_add(&t, e, 8);
	}
	fm_put_table(m, phys, &t);
}

void madt_begin(struct table *t, u32 lapic)
{
	u8 h[8];

	table_begin(t, "APIC");
	put32(h, lapic);
	put32(h + 4, 1);		/* PCAT_COMPAT */
	table_add(t, h, 8);
}

void madt_lapic(struct table *t, u8 acpi_id, u8 apic_id, u32 flags)
{
	u8 e[8] = { 0, 8, acpi_id, apic_id };

	put32(e + 4, flags);
	table_add(t, e, 8);
}

void madt_x2apic(struct table *t, u32 x2apic_id, u32 flags)
{
	u8 e[16] = { 9, 16 };

	put32(e + 4, x2apic_id);
	put32(e + 8, flags);
	put32(e + 12, x2apic_id);
	table_add(t, e, 16);
}

void madt_ioapic(struct table *t, u8 id, u32 addr)
{
	u8 e[12] = { 1, 12, id };

	put32(e + 4, addr);
	table_add(t, e, 12);
}

void madt_iso(struct table *t, u8 irq, u32 gsi)
{
	u8 e[10] = { 2, 10, 0, irq };

	put32(e + 4, gsi);
	table_add(t, e, 10);
}

void madt_lapic_nmi(struct table *t)
{
	u8 e[6] = { 4, 6, 0xFF, 0, 0, 1 };

	table_add(t, e, 6);
}

void madt_override(struct table *t, u64 addr)
{
	u8 e[12] = { 5, 12 };

	put64(e + 4, addr);
	table_add(t, e, 12);
}

void fm_put_mpf(struct fake_mem *m, u64 phys, u32 table, u8 feature1)
{
	u8 *p = at(m, phys, 16);

	memset(p, 0, 16);
	memcpy(p, "_MP_", 4);
	put32(p + 4, table);
	p[8] = 1;
	p[9] = 4;
	p[11] = feature1;
	fix_checksum(p, 16, 10);
}

void mpc_begin(struct table *t, u32 lapic)
{
	memset(t->b, 0, sizeof(t->b));
	memcpy(t->b, "PCMP", 4);
	t->b[6] = 4;
	memcpy(t->b + 8, "BOCHSCPU", 8);
	memcpy(t->b + 16, "0.1         ", 12);
	put32(t->b + 36, lapic);
	t->len = 44;
}

static void mpc_entry(struct table *t, const u8 *e, size_t n)
{
	table_add(t, e, n);
	put16(t->b + 34, (u16)(t->b[34] + (t->b[35] << 8) + 1));
}

void mpc_cpu(struct table *t, u8 apic_id, u8 flags)
{
	u8 e[20] = { 0, apic_id, 0x14, flags };

	put32(e + 4, 0x663);
	put32(e + 8, 0x201);
	mpc_entry(t, e, 20);
}

void mpc_bus(struct table *t, u8 id)
{
	u8 e[8] = { 1, id, 'I', 'S', 'A', ' ', ' ', ' ' };

	mpc_entry(t, e, 8);
}

void mpc_ioapic(struct table *t, u8 id, u32 addr)
{
	u8 e[8] = { 2, id, 0x11, 1 };

	put32(e + 4, addr);
	mpc_entry(t, e, 8);
}

void mpc_intsrc(struct table *t, u8 type)
{
	u8 e[8] = { type, 0, 0, 0, 0, 0, 0xFF, 0 };

	mpc_entry(t, e, 8);
}

void fm_put_mpc(struct fake_mem *m, u64 phys, struct table *t)
{
	put16(t->b + 4, (u16)t->len);
	fix_checksum(t->b, t->len, 7);
	memcpy(at(m, phys, t->len), t->b, t->len);
}

void fm_qemu_like(struct fake_mem *m, unsigned int ncpu, bool acpi, bool mp)
{
	static struct table t;

	fm_init(m, FM_SIZE);
	if (acpi) {
		u32 tables[] = { FM_FACP, FM_MADT };

		fm_put_rsdp(m, FM_RSDP, 0, FM_RSDT, 0);
		fm_put_rsdt(m, FM_RSDT, tables, 2);
		table_begin(&t, "FACP");
		table_add(&t, (const u8[80]){ 0 }, 80);
		fm_put_table(m, FM_FACP, &t);
		madt_begin(&t, 0xFEE00000);
		for (unsigned int i = 0; i < ncpu; i++)
			madt_lapic(&t, (u8)i, (u8)i, 1);
		madt_ioapic(&t, 0, 0xFEC00000);
		madt_iso(&t, 0, 2);
		madt_iso(&t, 5, 5);
		madt_iso(&t, 9, 9);
		madt_lapic_nmi(&t);
		fm_put_table(m, FM_MADT, &t);
	}
	if (mp) {
		fm_put_mpf(m, FM_MPF, FM_MPC, 0);
		mpc_begin(&t, 0xFEE00000);
		for (unsigned int i = 0; i < ncpu; i++)
			mpc_cpu(&t, (u8)i, i == 0 ? 3 : 1);
		mpc_bus(&t, 0);
		mpc_ioapic(&t, (u8)ncpu, 0xFEC00000);
		mpc_intsrc(&t, 3);
		mpc_intsrc(&t, 4);
		fm_put_mpc(m, FM_MPC, &t);
	}
}
