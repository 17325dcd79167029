/*
 * ulib: strings and memory, the formatting behind printf, CHECK's
 * failure report.  memcpy and memset use the string instructions (as
 * kernel/string.c does): GCC emits calls to them on its own, and a plain
 * loop in memset could itself be compiled into a call to memset.
 */
#include "ulib.h"

unsigned int ulib_checks;

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;

	__asm__ __volatile__("rep movsl\n\tmovl %4, %%ecx\n\trep movsb"
			     : "+D"(d), "+S"(src), "=c"(n)
			     : "2"(n / 4), "r"(n % 4)
			     : "memory");
	return dst;
}

void *memset(void *s, int c, size_t n)
{
	void *d = s;
	uint32_t v = (uint8_t)c * 0x01010101u;

	__asm__ __volatile__("rep stosl\n\tmovl %3, %%ecx\n\trep stosb"
			     : "+D"(d), "=c"(n)
			     : "1"(n / 4), "r"(n % 4), "a"(v)
			     : "memory");
	return s;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

int atoi(const char *s)
{
	int neg = 0, v = 0;

	while (*s == ' ')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}

struct out {
	char *buf;
	size_t size;
	size_t pos;
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

/* *n /= base, returning the remainder: 64 bits by 32 without libgcc. */
static unsigned int divmod(unsigned long long *n, unsigned int base)
{
	unsigned int hi = (unsigned int)(*n >> 32), lo = (unsigned int)*n;
	unsigned int qhi = hi / base, rem = hi % base, qlo;

	/* rem < base: the quotient of rem:lo fits in 32 bits. */
	__asm__("divl %4" : "=a"(qlo), "=d"(rem) : "0"(lo), "1"(rem), "rm"(base));
	*n = (unsigned long long)qhi << 32 | qlo;
	return rem;
}

/* One conversion's text, padded to width. */
static void field(struct out *o, const char *sign, const char *s, size_t len,
		  int width, int left, int zero)
{
	int fill = width - (int)(strlen(sign) + len);

	if (!left && !zero)
		pad(o, ' ', fill);
	while (*sign)
		put(o, *sign++);
	if (!left && zero)
		pad(o, '0', fill);
	while (len--)
		put(o, *s++);
	if (left)
		pad(o, ' ', fill);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int left = 0, zero = 0, width = 0, longs = 0;
		unsigned int base = 10;
		unsigned long long v;
		const char *sign = "";
		char digits[24], *d;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		for (fmt++; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-')
				left = 1;
			else
				zero = 1;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		for (; *fmt == 'l'; fmt++)
			longs++;

		switch (*fmt) {
		case 'c':
			digits[0] = (char)va_arg(ap, int);
			field(&o, "", digits, 1, width, left, 0);
			continue;
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			field(&o, "", s, strlen(s), width, left, 0);
			continue;
		}
		case 'd':
		case 'i': {
			long long x = longs >= 2 ? va_arg(ap, long long) :
				      longs ? va_arg(ap, long) : va_arg(ap, int);

			if (x < 0)
				sign = "-";
			v = x < 0 ? -(unsigned long long)x : (unsigned long long)x;
			break;
		}
		case 'u':
		case 'x':
			v = longs >= 2 ? va_arg(ap, unsigned long long) :
			    longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			base = *fmt == 'x' ? 16 : 10;
			break;
		case 'p':
			v = (unsigned long)va_arg(ap, void *);
			base = 16;
			sign = "0x";
			break;
		case '\0':
			fmt--;	/* a lone '%' at the end: print nothing */
			continue;
		default:	/* "%%", or an unknown conversion printed as is */
			put(&o, *fmt);
			continue;
		}

		d = digits + sizeof(digits);
		do
			*--d = "0123456789abcdef"[divmod(&v, base)];
		while (v);
		field(&o, sign, d, (size_t)(digits + sizeof(digits) - d), width, left, zero);
	}
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

int printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	len = (size_t)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	sys_write(1, buf, len);
	return (int)len;
}

void ulib_fail(const char *file, int line, int code, const char *fmt, ...)
{
	const char *base = file;
	char name[32], buf[512];
	size_t i, len;
	va_list ap;

	for (const char *p = file; *p; p++)
		if (*p == '/')
			base = p + 1;
	for (i = 0; base[i] && base[i] != '.' && i < sizeof(name) - 1; i++)
		name[i] = base[i];
	name[i] = '\0';

	/* One line, one write(): the prefix, the message, the newline. */
	len = (size_t)snprintf(buf, sizeof(buf), "FAIL %s: line %d: ", name, line);
	va_start(ap, fmt);
	len += (size_t)vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	va_end(ap);
	if (len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	sys_write(1, buf, len);
	sys_exit(code);
}
