/*
 * Host unit tests of vsnprintf (kernel/vsprintf.c): each case is formatted
 * into a heap buffer of every size from 0 to one past its full length, so
 * that each also checks the truncation contract under ASan: the return
 * value is the full length, size - 1 characters and a NUL are written,
 * nothing past size.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hilo_vsprintf.h"
#include "host_test.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static bool fmt_is(const char *want, const char *fmt, ...)
{
	size_t full = strlen(want);

	for (size_t size = 0; size <= full + 1; size++) {
		char *buf = size ? malloc(size) : NULL;
		size_t written = size ? (size - 1 < full ? size - 1 : full) : 0;
		va_list ap;
		int ret;

		va_start(ap, fmt);
		ret = hilo_vsnprintf(buf, size, fmt, ap);
		va_end(ap);
		if (ret != (int)full || (size && (memcmp(buf, want, written) || buf[written]))) {
			printf("  \"%s\" in %zu bytes: returned %d, wrote \"%.*s\", expected \"%s\"\n",
			       fmt, size, ret, (int)written, buf ? buf : "", want);
			free(buf);
			return false;
		}
		free(buf);
	}
	return true;
}

static void integers(void)
{
	CHECK(fmt_is("42 -42 4294967254 2a 2A 52", "%d %i %u %x %X %o", 42, -42, -42, 42, 42, 42));
	CHECK(fmt_is("-2147483648 2147483647", "%d %d", INT_MIN, INT_MAX));
	CHECK(fmt_is("-9223372036854775808 18446744073709551615", "%lld %llu", LLONG_MIN, ULLONG_MAX));
	CHECK(fmt_is("-1 255 -1 65535", "%hhd %hhu %hd %hu", (char)255, (unsigned char)255, (short)65535, (unsigned short)-1));
	CHECK(fmt_is("18446744073709551615", "%zu", (size_t)-1));
}

static void flags_width_precision(void)
{
	CHECK(fmt_is("[   42][42   ][00042][+42][ 42]", "[%5d][%-5d][%05d][%+d][% d]", 42, 42, 42, 42, 42));
	CHECK(fmt_is("[  042][-0042][0x2a][052][0]", "[%5.3d][%05.4d][%#x][%#o][%#o]", 42, -42, 42, 42, 0));
	CHECK(fmt_is("[][    ][  -1]", "[%.0d][%4.0d][%*d]", 0, 0, 4, -1));
	CHECK(fmt_is("[1   ][ab]", "[%*d][%.*s]", -4, 1, 2, "abc"));
	CHECK(fmt_is("[0x0000002a]", "[%p]", (void *)42));
}

static void strings_and_chars(void)
{
	CHECK(fmt_is("[abc][  abc][abc  ][ab][(null)]", "[%s][%5s][%-5s][%.2s][%s]",
		     "abc", "abc", "abc", "abc", (char *)NULL));
	CHECK(fmt_is("[x][  x][x  ][%]", "[%c][%3c][%-3c][%%]", 'x', 'x', 'x'));
}

static void unknown_and_trailing(void)
{
	const char *unknown = "%y %";	/* not a literal: -Wformat would refuse it */

	CHECK(fmt_is("%y %", unknown));
	CHECK(fmt_is("", ""));
}

static void long_output_is_cut_not_overrun(void)
{
	char *buf = malloc(8);

	CHECK(hilo_snprintf(buf, 8, "%300d|%s", 1, "tail") == 305);
	CHECK(memcmp(buf, "       ", 7) == 0 && buf[7] == '\0');
	free(buf);
	CHECK(hilo_snprintf(NULL, 0, "%-300s", "x") == 300);
}

/* Absurd widths and precisions are capped at 4096, not overflowed. */
static void huge_fields_are_capped(void)
{
	CHECK(hilo_snprintf(NULL, 0, "%99999999999d", 1) == 4096);
	CHECK(hilo_snprintf(NULL, 0, "%*d", INT_MIN, 1) == 4096);
	CHECK(hilo_snprintf(NULL, 0, "%*d", INT_MAX, 1) == 4096);
	CHECK(hilo_snprintf(NULL, 0, "%.99999999999d", 1) == 4096);
	CHECK(fmt_is("[7]", "[%.*d]", INT_MIN, 7));
}

static const struct host_case cases[] = {
	HOST_CASE(integers),
	HOST_CASE(flags_width_precision),
	HOST_CASE(strings_and_chars),
	HOST_CASE(unknown_and_trailing),
	HOST_CASE(long_output_is_cut_not_overrun),
	HOST_CASE(huge_fields_are_capped),
};

int main(void)
{
	return host_run("vsprintf", cases, ARRAY_SIZE(cases));
}
