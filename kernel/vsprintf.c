/*
 * vsnprintf: the formatting behind printk.  The conversions and flags are
 * listed in include/hilo/printk.h.  Output is bounded by the buffer size;
 * the return value is the length the full output would have had.
 */
#include <hilo/math64.h>
#include <hilo/printk.h>
#include <hilo/string.h>

#define F_LEFT  (1u << 0)	/* '-' */
#define F_ZERO  (1u << 1)	/* '0' */
#define F_PLUS  (1u << 2)	/* '+' */
#define F_SPACE (1u << 3)	/* ' ' */
#define F_ALT   (1u << 4)	/* '#' */
#define F_UPPER (1u << 5)

struct out {
	char *buf;
	size_t size;
	size_t pos;
};

struct spec {
	unsigned int flags;
	int width;
	int precision;		/* -1: none */
	int length;		/* 'H' hh, 'h', 'l', 'L' ll, 'z' */
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_string(struct out *o, const char *s, const struct spec *sp)
{
	size_t len;

	if (!s)
		s = "(null)";
	len = sp->precision >= 0 ? strnlen(s, (size_t)sp->precision) : strlen(s);
	if (!(sp->flags & F_LEFT))
		pad(o, ' ', sp->width - (int)len);
	for (size_t i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->flags & F_LEFT)
		pad(o, ' ', sp->width - (int)len);
}

static void put_number(struct out *o, u64 v, bool negative, u32 base,
		       const struct spec *sp)
{
	const char *digits = (sp->flags & F_UPPER) ? "0123456789ABCDEF"
						   : "0123456789abcdef";
	char tmp[24], prefix[3];
	int n = 0, np = 0, zeros, width;

	do
		tmp[n++] = digits[do_div64(&v, base)];
	while (v);
	if (sp->precision == 0 && n == 1 && tmp[0] == '0')
		n = 0;				/* "%.0d" of 0 prints nothing */

	if (negative)
		prefix[np++] = '-';
	else if (sp->flags & F_PLUS)
		prefix[np++] = '+';
	else if (sp->flags & F_SPACE)
		prefix[np++] = ' ';
	if ((sp->flags & F_ALT) && base == 16) {
		prefix[np++] = '0';
		prefix[np++] = (sp->flags & F_UPPER) ? 'X' : 'x';
	} else if ((sp->flags & F_ALT) && base == 8 && !(n && tmp[n - 1] == '0')) {
		prefix[np++] = '0';
	}

	zeros = sp->precision > n ? sp->precision - n : 0;
	width = sp->width - np - zeros - n;
	if ((sp->flags & F_ZERO) && !(sp->flags & F_LEFT) && sp->precision < 0) {
		zeros += width > 0 ? width : 0;
		width = 0;
	}
	if (!(sp->flags & F_LEFT))
		pad(o, ' ', width);
	for (int i = 0; i < np; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->flags & F_LEFT)
		pad(o, ' ', width);
}

/*
 * Widths and precisions are capped at FIELD_MAX: a larger one is no
 * format anyone means, and reading it digit by digit (or negating a
 * '*' argument of INT_MIN) would overflow an int.
 */
#define FIELD_MAX 4096

static int clamp_field(int v)
{
	return v > FIELD_MAX ? FIELD_MAX : v;
}

/* read_field - add the decimal digits at f to *v, saturating at FIELD_MAX. */
static const char *read_field(const char *f, int *v)
{
	while (*f >= '0' && *f <= '9') {
		*v = clamp_field(*v * 10 + (*f++ - '0'));
		if (*v == FIELD_MAX)
			while (*f >= '0' && *f <= '9')
				f++;
	}
	return f;
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	sp->flags = 0;
	for (;; f++) {
		if (*f == '-')
			sp->flags |= F_LEFT;
		else if (*f == '0')
			sp->flags |= F_ZERO;
		else if (*f == '+')
			sp->flags |= F_PLUS;
		else if (*f == ' ')
			sp->flags |= F_SPACE;
		else if (*f == '#')
			sp->flags |= F_ALT;
		else
			break;
	}

	sp->width = 0;
	if (*f == '*') {
		int w = va_arg(*ap, int);

		if (w < 0) {
			sp->flags |= F_LEFT;
			w = w < -FIELD_MAX ? FIELD_MAX : -w;
		}
		sp->width = clamp_field(w);
		f++;
	}
	f = read_field(f, &sp->width);

	sp->precision = -1;
	if (*f == '.') {
		f++;
		sp->precision = 0;
		if (*f == '*') {
			sp->precision = va_arg(*ap, int);
			f++;
		}
		if (sp->precision < 0)
			sp->precision = -1;
		else
			f = read_field(f, &sp->precision);
		sp->precision = sp->precision < 0 ? -1 : clamp_field(sp->precision);
	}

	sp->length = 0;
	if (f[0] == 'h' && f[1] == 'h') {
		sp->length = 'H';
		f += 2;
	} else if (f[0] == 'l' && f[1] == 'l') {
		sp->length = 'L';
		f += 2;
	} else if (*f == 'h' || *f == 'l' || *f == 'z') {
		sp->length = *f++;
	}
	return f;
}

static u64 fetch_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H': return (unsigned char)va_arg(*ap, unsigned int);
	case 'h': return (unsigned short)va_arg(*ap, unsigned int);
	case 'l': return va_arg(*ap, unsigned long);
	case 'L': return va_arg(*ap, unsigned long long);
	case 'z': return va_arg(*ap, size_t);
	default:  return va_arg(*ap, unsigned int);
	}
}

static s64 fetch_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H': return (signed char)va_arg(*ap, int);
	case 'h': return (short)va_arg(*ap, int);
	case 'l': return va_arg(*ap, long);
	case 'L': return va_arg(*ap, long long);
	case 'z': return va_arg(*ap, ssize_t);
	default:  return va_arg(*ap, int);
	}
}

static void convert(struct out *o, char c, struct spec *sp, va_list *ap)
{
	s64 sv;
	char ch;

	switch (c) {
	case 'd':
	case 'i':
		sv = fetch_signed(sp, ap);
		put_number(o, sv < 0 ? -(u64)sv : (u64)sv, sv < 0, 10, sp);
		break;
	case 'u':
		put_number(o, fetch_unsigned(sp, ap), false, 10, sp);
		break;
	case 'X':
		sp->flags |= F_UPPER;
		/* fall through */
	case 'x':
		put_number(o, fetch_unsigned(sp, ap), false, 16, sp);
		break;
	case 'o':
		put_number(o, fetch_unsigned(sp, ap), false, 8, sp);
		break;
	case 'p':
		sp->flags = (sp->flags & F_LEFT) | F_ALT | F_ZERO;
		sp->width = 10;
		sp->precision = -1;
		put_number(o, (unsigned long)va_arg(*ap, void *), false, 16, sp);
		break;
	case 'c':
		ch = (char)va_arg(*ap, int);
		if (!(sp->flags & F_LEFT))
			pad(o, ' ', sp->width - 1);
		put(o, ch);
		if (sp->flags & F_LEFT)
			pad(o, ' ', sp->width - 1);
		break;
	case 's':
		put_string(o, va_arg(*ap, const char *), sp);
		break;
	case '%':
		put(o, '%');
		break;
	default:			/* unknown: print it as written */
		put(o, '%');
		if (c)
			put(o, c);
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .pos = 0 };
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &args);
		convert(&o, *fmt, &sp, &args);
		if (*fmt)
			fmt++;
	}
	va_end(args);
	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

