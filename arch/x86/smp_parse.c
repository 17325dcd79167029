/*
 * What the firmware-table parsers (acpi.c, mptable.c) share: the result's
 * bookkeeping, a tiny formatter for cfg->why, and reading physical memory
 * through a struct phys_reader.  Pure code (see asm/smp_config.h): it
 * builds in the kernel and on the host alike.
 */
#include <asm/smp_config.h>

void smp_config_init(struct smp_config *cfg)
{
	u8 *p = (u8 *)cfg;

	for (size_t i = 0; i < sizeof(*cfg); i++)
		p[i] = 0;
	cfg->lapic_phys = SMP_CONFIG_DEFAULT_LAPIC;
}

void smp_config_add_cpu(struct smp_config *cfg, u8 apic_id)
{
	if (apic_id == 0xFF) {		/* the broadcast ID names no CPU */
		cfg->nr_ignored_ids++;
		return;
	}
	for (unsigned int i = 0; i < cfg->nr_cpus; i++) {
		if (cfg->apic_id[i] == apic_id) {
			cfg->nr_ignored_ids++;
			return;
		}
	}
	/* Distinct IDs below 255: there is always room. */
	if (cfg->nr_cpus < SMP_CONFIG_MAX_CPUS)
		cfg->apic_id[cfg->nr_cpus++] = apic_id;
}

/* A string being built in a fixed buffer: never overflows, always ends in NUL. */
struct why_buf {
	char *buf;
	size_t size, len;
};

static void why_putc(struct why_buf *w, char c)
{
	if (w->len + 1 < w->size) {
		w->buf[w->len++] = c;
		w->buf[w->len] = '\0';
	}
}

static void why_puts(struct why_buf *w, const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		why_putc(w, *s++);
}

static void why_putnum(struct why_buf *w, unsigned long long v, unsigned int base)
{
	char digits[24];
	unsigned int n = 0;

	if (base == 10) {		/* 32-bit: no libgcc division */
		u32 d32 = v > 0xFFFFFFFFu ? 0xFFFFFFFFu : (u32)v;

		do {
			digits[n++] = (char)('0' + d32 % 10);
			d32 /= 10;
		} while (d32);
	} else {
		do {
			unsigned int d = (unsigned int)(v & 15);

			digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
			v >>= 4;
		} while (v);
	}
	while (n)
		why_putc(w, digits[--n]);
}

/*
 * The formats the parsers use: %s, %u, %x, %llu, %llx, %%.  Decimal
 * numbers are only ever lengths and counts here: printed as 32-bit
 * (larger ones as 4294967295), so the kernel needs no libgcc division.
 */
static void why_vformat(struct why_buf *w, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		bool ll = false;

		if (*fmt != '%') {
			why_putc(w, *fmt);
			continue;
		}
		fmt++;
		if (fmt[0] == 'l' && fmt[1] == 'l') {
			ll = true;
			fmt += 2;
		}
		switch (*fmt) {
		case 's':
			why_puts(w, va_arg(ap, const char *));
			break;
		case 'u':
			why_putnum(w, ll ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int), 10);
			break;
		case 'x':
			why_putnum(w, ll ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int), 16);
			break;
		case '%':
			why_putc(w, '%');
			break;
		case '\0':
			return;
		default:
			why_putc(w, '?');
			break;
		}
	}
}

static void why_vnote(struct smp_config *cfg, const char *fmt, va_list ap)
{
	struct why_buf w = { cfg->why, sizeof(cfg->why), 0 };

	while (w.len < w.size && cfg->why[w.len])
		w.len++;
	if (w.len >= w.size)		/* never NUL-terminated: start over */
		w.len = 0;
	cfg->why[w.len] = '\0';
	if (w.len)
		why_puts(&w, "; ");
	why_vformat(&w, fmt, ap);
}

void smp_config_note(struct smp_config *cfg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	why_vnote(cfg, fmt, ap);
	va_end(ap);
}

bool smp_config_fail(struct smp_config *cfg, const char *fmt, ...)
{
	va_list ap;

	cfg->nr_cpus = 0;
	cfg->bsp_known = false;
	cfg->why[0] = '\0';
	va_start(ap, fmt);
	why_vnote(cfg, fmt, ap);
	va_end(ap);
	return false;
}

bool phys_read(const struct phys_reader *r, u64 phys, void *buf, size_t len)
{
	if (len && phys + (len - 1) < phys)
		return false;
	return r->read(r->ctx, phys, buf, len);
}

bool phys_checksum(const struct phys_reader *r, u64 phys, u32 len, u8 *sum)
{
	u8 chunk[64];
	u8 s = 0;

	if (len && phys + (len - 1) < phys)
		return false;
	while (len) {
		u32 n = len < sizeof(chunk) ? len : (u32)sizeof(chunk);

		if (!phys_read(r, phys, chunk, n))
			return false;
		for (u32 i = 0; i < n; i++)
			s = (u8)(s + chunk[i]);
		phys += n;
		len -= n;
	}
	*sum = s;
	return true;
}

u16 get_le16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

u32 get_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

u64 get_le64(const u8 *p)
{
	return (u64)get_le32(p) | (u64)get_le32(p + 4) << 32;
}

#define EBDA_SEG_PTR 0x40E		/* BIOS data area: the EBDA's segment */

/* ebda_base - see asm/smp_config.h. */
bool ebda_base(const struct phys_reader *r, u64 *base)
{
	u8 b[2];

	if (!phys_read(r, EBDA_SEG_PTR, b, 2))
		return false;
	*base = (u64)get_le16(b) << 4;
	return *base >= 0x400 && *base < 0xA0000;
}

/* smp_config_set_lapic - see asm/smp_config.h. */
void smp_config_set_lapic(struct smp_config *cfg, u32 lapic)
{
	if (lapic && !(lapic & 0xFFF))
		cfg->lapic_phys = lapic;
	else
		smp_config_note(cfg, "ignored local APIC address 0x%x", lapic);
}

/* smp_config_done - see asm/smp_config.h. */
bool smp_config_done(struct smp_config *cfg, const char *source, u64 phys, u32 len)
{
	if (cfg->nr_disabled)
		smp_config_note(cfg, "ignored %u disabled processors", cfg->nr_disabled);
	if (cfg->nr_x2apic_skipped)
		smp_config_note(cfg, "skipped %u x2APIC processors (APIC ID above 254, xAPIC only)",
				cfg->nr_x2apic_skipped);
	if (cfg->nr_ignored_ids)
		smp_config_note(cfg, "ignored %u duplicate or broadcast APIC IDs",
				cfg->nr_ignored_ids);
	cfg->source = source;
	cfg->table_phys = phys;
	cfg->table_len = len;
	return true;
}
