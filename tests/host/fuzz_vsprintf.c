/*
 * libFuzzer target: vsnprintf (kernel/vsprintf.c) with fuzzed format
 * strings and buffer sizes.
 *
 * The input is read as a format string, except that each '%' starts a
 * directive the harness builds from the bytes that follow, within what
 * hilo supports: flags, a width (digits or '*'), a precision, a length
 * modifier and a conversion (or an unknown one, or the end of the string).
 * Widths and precisions stay below 1000.  So that every argument is read
 * with the type it was passed with, one format uses one kind of argument
 * (the first byte chooses): ints (d i u x X o c with hh/h, '*'), long longs
 * (ll) or strings (s, p).  At most MAX_DIRECTIVES directives.
 *
 * Properties: the return value is the full length (as formatted into a
 * large buffer); into a heap buffer of exactly the fuzzed size (NULL for
 * 0) nothing is written past it, and it holds the first size - 1
 * characters of the full output and a NUL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hilo_vsprintf.h"

#define MAX_DIRECTIVES 8
#define NARGS (3 * MAX_DIRECTIVES)
#define FMT_MAX 1024
#define FULL_MAX 65536

typedef unsigned char u8;

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

struct in {
	const u8 *p;
	size_t left;
};

static unsigned int next(struct in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static const char *const strings[] = {
	"", "a", "hello, world", NULL,
	"0123456789012345678901234567890123456789012345678901234567890123456789",
};
static const long long longs[] = {
	0, 1, -1, 42, -42, 0x7fffffffffffffffLL, -0x7fffffffffffffffLL - 1,
	0xffffffffLL, 0x100000000LL, -0x80000000LL,
};

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static char fmt[FMT_MAX + 64], full[FULL_MAX];
	struct in in = { data, size };
	unsigned int kind, nd = 0, na = 0;
	int iargs[NARGS] = { 0 };
	long long largs[NARGS] = { 0 };
	const char *sargs[NARGS] = { 0 };
	size_t len = 0, bufsize;
	int n, m;
	char *buf;

	if (size < 3)
		return 0;
	kind = next(&in) % 3;
	bufsize = next(&in);
	bufsize |= (size_t)(next(&in) & 1) << 8;
	while (in.left && len < FMT_MAX) {
		unsigned int c = next(&in), f, w, pr, l, conv;

		if (c != '%' || nd == MAX_DIRECTIVES) {
			if (c && c != '%')
				fmt[len++] = (char)c;
			continue;
		}
		nd++;
		fmt[len++] = '%';
		if (!in.left)
			break;			/* a '%' at the very end */
		f = next(&in);
		for (unsigned int b = 0; b < 5; b++)
			if (f & (1u << b))
				fmt[len++] = "-0+ #"[b];
		w = next(&in);
		if (w % 4 == 1) {
			len += (size_t)sprintf(fmt + len, "%u", next(&in) * 3 % 1000);
		} else if (w % 4 == 2 && kind == 0) {
			fmt[len++] = '*';
			iargs[na++] = (int)(next(&in) % 64) - 32;
		}
		pr = next(&in);
		if (pr % 4 == 1) {
			len += (size_t)sprintf(fmt + len, ".%u", next(&in) * 3 % 1000);
		} else if (pr % 4 == 2) {
			fmt[len++] = '.';
		} else if (pr % 4 == 3 && kind == 0) {
			len += (size_t)sprintf(fmt + len, ".*");
			iargs[na++] = (int)(next(&in) % 64) - 32;
		}
		l = next(&in);
		conv = next(&in);
		if (kind == 0) {
			static const char *const lens[] = { "", "hh", "h" };
			static const char convs[] = "diuxXoc%y";

			len += (size_t)sprintf(fmt + len, "%s", lens[l % 3]);
			fmt[len++] = convs[conv % (sizeof(convs) - 1)];
			if (fmt[len - 1] != '%' && fmt[len - 1] != 'y') {
				unsigned int v = next(&in);

				iargs[na++] = v < 200 ? (int)(v | next(&in) << 8 | next(&in) << 16 | next(&in) << 24)
						      : (int)longs[v % 10];
			}
		} else if (kind == 1) {
			static const char convs[] = "diuxXo";

			fmt[len++] = 'l';
			fmt[len++] = 'l';
			fmt[len++] = convs[conv % (sizeof(convs) - 1)];
			largs[na++] = longs[l % 10] ^ (long long)((unsigned long long)next(&in) << (8 * (l % 8)));
		} else {
			fmt[len++] = conv & 1 ? 'p' : 's';
			sargs[na++] = strings[l % 5];
		}
	}
	fmt[len] = '\0';

#define ARGS(a) a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], \
		a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], \
		a[21], a[22], a[23]
#define FORMAT(b, s) (kind == 0 ? hilo_snprintf(b, s, fmt, ARGS(iargs)) :	\
		      kind == 1 ? hilo_snprintf(b, s, fmt, ARGS(largs)) :	\
				  hilo_snprintf(b, s, fmt, ARGS(sargs)))
#pragma clang diagnostic ignored "-Wformat-nonliteral"
#pragma clang diagnostic ignored "-Wformat-security"
	n = FORMAT(full, sizeof(full));
	if (n < 0 || n >= FULL_MAX) {
		printf("vsprintf property failed: \"%s\" returned %d\n", fmt, n);
		abort();
	}
	buf = bufsize ? malloc(bufsize) : NULL;
	if (buf)
		memset(buf, 0xa5, bufsize);
	m = FORMAT(buf, bufsize);
	if (m != n || (bufsize && (memcmp(buf, full, bufsize - 1 < (size_t)n ? bufsize - 1 : (size_t)n) ||
				    buf[bufsize - 1 < (size_t)n ? bufsize - 1 : (size_t)n] != '\0'))) {
		printf("vsprintf property failed: \"%s\" into %zu bytes returned %d (full %d)\n",
		       fmt, bufsize, m, n);
		abort();
	}
	free(buf);
	return 0;
}
