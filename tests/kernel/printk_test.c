/*
 * Tests for vsnprintf/snprintf (kernel/vsprintf.c) and printk's log
 * buffer (kernel/printk.c).
 *
 * Each formatting case is one line, expected output first, in the manner
 * of Linux's lib/test_printf.c.  expect_fmt() formats it into every buffer
 * size from 0 to one past the full length, so every case also checks the
 * truncation contract: the return value is the full length, exactly
 * size - 1 characters and a NUL are written, nothing past size.
 */
#include <hilo/ktest.h>
#include <hilo/printk.h>
#include <hilo/string.h>

#include "logbuf.h"

/* The cross compiler's <limits.h> pulls in glibc's: take gcc's own. */
#define INT_MAX    __INT_MAX__
#define INT_MIN    (-INT_MAX - 1)
#define UINT_MAX   (INT_MAX * 2u + 1)
#define LONG_MIN   (-__LONG_MAX__ - 1)
#define LLONG_MAX  __LONG_LONG_MAX__
#define LLONG_MIN  (-LLONG_MAX - 1)
#define ULLONG_MAX (LLONG_MAX * 2ULL + 1)

#define FMT_BUF  160
#define GUARD    ((char)0xa5)	/* never produced by the cases below */

/* The output buffer, with one guard byte in front to catch underruns. */
static char area[1 + FMT_BUF];
static char *const buf = area + 1;

static void fill_guard(void)
{
	memset(area, GUARD, sizeof(area));
}

/* Whether nothing was written before buf or at buf[from] and beyond. */
static bool untouched_from(size_t from)
{
	for (size_t i = from; i < FMT_BUF; i++)
		if (buf[i] != GUARD)
			return false;
	return area[0] == GUARD;
}

/* Format into buf with the given size; false (and a report) on failure. */
static bool __printf(5, 0)
fmt_fits(struct ktest *t, const char *want, size_t size, size_t full,
	 const char *fmt, va_list ap)
{
	size_t written = size ? min(size - 1, full) : 0;
	int ret;

	fill_guard();
	ret = vsnprintf(buf, size, fmt, ap);
	if (ret == (int)full && memcmp(buf, want, written) == 0 &&
	    (!size || buf[written] == '\0') && untouched_from(size))
		return true;
	KTEST_FAIL(t, "vsnprintf(buf, %zu, \"%s\") returned %d and wrote \"%.*s\", expected %zu and \"%.*s\"",
		   size, fmt, ret, (int)min(size, (size_t)FMT_BUF), buf,
		   full, (int)written, want);
	return false;
}

static void __printf(3, 4)
expect_fmt(struct ktest *t, const char *want, const char *fmt, ...)
{
	size_t full = strlen(want);
	va_list ap;

	if (full + 2 > FMT_BUF) {
		KTEST_FAIL(t, "expected output of \"%s\" too long for the test", fmt);
		return;
	}
	for (size_t size = 0; size <= full + 1; size++) {
		bool ok;

		va_start(ap, fmt);
		ok = fmt_fits(t, want, size, full, fmt, ap);
		va_end(ap);
		if (!ok)
			return;
	}
}

KTEST(printk, formats_signed_decimal)
{
	expect_fmt(t, "0", "%d", 0);
	expect_fmt(t, "42", "%d", 42);
	expect_fmt(t, "-42", "%d", -42);
	expect_fmt(t, "-7", "%i", -7);
	expect_fmt(t, "2147483647", "%d", INT_MAX);
	expect_fmt(t, "-2147483648", "%d", INT_MIN);
	expect_fmt(t, "-2147483648", "%i", INT_MIN);
}

KTEST(printk, formats_unsigned_hex_and_octal)
{
	expect_fmt(t, "0", "%u", 0u);
	expect_fmt(t, "4294967295", "%u", UINT_MAX);
	expect_fmt(t, "deadbeef", "%x", 0xdeadbeefu);
	expect_fmt(t, "DEADBEEF", "%X", 0xdeadbeefu);
	expect_fmt(t, "0", "%x", 0u);
	expect_fmt(t, "10", "%o", 8u);
	expect_fmt(t, "0", "%o", 0u);
	expect_fmt(t, "37777777777", "%o", UINT_MAX);
}

KTEST(printk, formats_chars_strings_and_percent)
{
	expect_fmt(t, "A", "%c", 'A');
	expect_fmt(t, "hello", "%s", "hello");
	expect_fmt(t, "", "%s", "");
	expect_fmt(t, "%", "%%");
	expect_fmt(t, "100%", "100%%");
	expect_fmt(t, "plain text", "plain text");
	expect_fmt(t, "a1b-2cxyzd", "a%db%dc%sd", 1, -2, "xyz");
}

KTEST(printk, prints_null_string_as_null)
{
	const char *volatile nothing = NULL;	/* hide NULL from -Wformat */

	expect_fmt(t, "(null)", "%s", nothing);
	expect_fmt(t, "[(null)]", "[%s]", nothing);
}

KTEST(printk, formats_pointer_as_0x_and_eight_hex_digits)
{
	expect_fmt(t, "0x00000000", "%p", (void *)0);
	expect_fmt(t, "0x00001234", "%p", (void *)0x1234);
	expect_fmt(t, "0xc0100000", "%p", (void *)0xc0100000);
}

KTEST(printk, formats_64_bit_values)
{
	expect_fmt(t, "0", "%llu", 0ULL);
	expect_fmt(t, "0", "%lld", 0LL);
	expect_fmt(t, "-1", "%lld", -1LL);
	expect_fmt(t, "10000000000", "%llu", 10000000000ULL);
	expect_fmt(t, "18446744073709551615", "%llu", ULLONG_MAX);
	expect_fmt(t, "ffffffffffffffff", "%llx", ULLONG_MAX);
	expect_fmt(t, "123456789abcdef0", "%llx", 0x123456789abcdef0ULL);
	expect_fmt(t, "9223372036854775807", "%lld", LLONG_MAX);
	expect_fmt(t, "-9223372036854775808", "%lld", LLONG_MIN);
}

KTEST(printk, applies_length_modifiers)
{
	expect_fmt(t, "ff", "%hhx", 0x1ff);
	expect_fmt(t, "-1", "%hhd", 0xff);
	expect_fmt(t, "2345", "%hx", 0x12345);
	expect_fmt(t, "-32768", "%hd", 0x8000);
	expect_fmt(t, "deadbeef", "%lx", 0xdeadbeefUL);
	expect_fmt(t, "-2147483648", "%ld", LONG_MIN);
	expect_fmt(t, "4294967295", "%zu", (size_t)-1);
	expect_fmt(t, "12345", "%zu", (size_t)12345);
}

KTEST(printk, pads_to_width)
{
	expect_fmt(t, "   42", "%5d", 42);
	expect_fmt(t, "42   |", "%-5d|", 42);
	expect_fmt(t, "00042", "%05d", 42);
	expect_fmt(t, "-0042", "%05d", -42);
	expect_fmt(t, "12345", "%3d", 12345);
	expect_fmt(t, "0000beef", "%08x", 0xbeefu);
	expect_fmt(t, "0000000000000abc", "%016llx", 0xabcULL);
	expect_fmt(t, "     abc", "%8s", "abc");
	expect_fmt(t, "abc     |", "%-8s|", "abc");
	expect_fmt(t, "  x", "%3c", 'x');
	expect_fmt(t, "x  |", "%-3c|", 'x');
}

KTEST(printk, applies_sign_flags)
{
	expect_fmt(t, "+42", "%+d", 42);
	expect_fmt(t, "-42", "%+d", -42);
	expect_fmt(t, "+0", "%+d", 0);
	expect_fmt(t, " 42", "% d", 42);
	expect_fmt(t, "-42", "% d", -42);
	expect_fmt(t, "   42", "% 5d", 42);
	expect_fmt(t, "+0042", "%+05d", 42);
	expect_fmt(t, "+9223372036854775807", "%+lld", LLONG_MAX);
}

KTEST(printk, alternate_form_adds_base_prefix)
{
	expect_fmt(t, "0x1f", "%#x", 0x1fu);
	expect_fmt(t, "0X1F", "%#X", 0x1fu);
	expect_fmt(t, "010", "%#o", 8u);
	expect_fmt(t, "0x0000beef", "%#010x", 0xbeefu);
	expect_fmt(t, "  0xbeef", "%#8x", 0xbeefu);
	expect_fmt(t, "0xbeef  |", "%#-8x|", 0xbeefu);
	expect_fmt(t, "0xffffffffffffffff", "%#llx", ULLONG_MAX);
}

KTEST(printk, precision_limits_strings)
{
	expect_fmt(t, "abc", "%.3s", "abcdef");
	expect_fmt(t, "", "%.0s", "abc");
	expect_fmt(t, "abc", "%.10s", "abc");
	expect_fmt(t, "   ab", "%5.2s", "abcdef");
	expect_fmt(t, "ab   |", "%-5.2s|", "abcdef");
}

KTEST(printk, star_takes_width_from_arguments)
{
	expect_fmt(t, "   42", "%*d", 5, 42);
	expect_fmt(t, "42   |", "%-*d|", 5, 42);
	expect_fmt(t, "42   |", "%*d|", -5, 42);
	expect_fmt(t, "    ab", "%*s", 6, "ab");
	expect_fmt(t, "000a", "%0*x", 4, 0xau);
}

KTEST(printk, truncates_to_size_and_returns_full_length)
{
	static const struct {
		size_t size;
		const char *want;
	} cases[] = {
		{ 1,  "" },
		{ 5,  "1234" },
		{ 6,  "12345" },
		{ 9,  "12345-ab" },
		{ 10, "12345-abc" },
		{ 64, "12345-abc" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t size = cases[i].size;

		fill_guard();
		EXPECT_EQ(t, snprintf(buf, size, "%d-%s", 12345, "abc"), 9);
		EXPECT_STREQ(t, buf, cases[i].want);
		EXPECT_TRUE(t, untouched_from(size));
	}
}

KTEST(printk, size_zero_writes_nothing)
{
	fill_guard();
	EXPECT_EQ(t, snprintf(buf, 0, "%s", "hello"), 5);
	EXPECT_TRUE(t, untouched_from(0));
	EXPECT_EQ(t, snprintf(NULL, 0, "%d", -12345), 6);
}

/* vprintk the format and check that want, and no level prefix, was logged. */
static void __printf(3, 4)
expect_logged(struct ktest *t, const char *want, const char *fmt, ...)
{
	u32 head = log_head;
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	if (!log_contains_since(head, want))
		KTEST_FAIL(t, "\"%s\" did not reach the log buffer", want);
	if (log_contains_since(head, KERN_SOH))
		KTEST_FAIL(t, "a level prefix reached the log buffer with \"%s\"", want);
}

KTEST(printk, message_reaches_log_buffer)
{
	u32 head = log_head;

	printk("printk_test: marker %d\n", 31337);
	EXPECT_TRUE(t, log_contains_since(head, "printk_test: marker 31337\n"));
	EXPECT_FALSE(t, log_contains_since(head, "printk_test: marker %d"));
}

KTEST(printk, every_level_reaches_log_buffer_without_its_prefix)
{
	expect_logged(t, "printk_test: default 1\n", KERN_DEFAULT "printk_test: default %d\n", 1);
	expect_logged(t, "printk_test: info 2\n", KERN_INFO "printk_test: info %d\n", 2);
	expect_logged(t, "printk_test: debug 3\n", KERN_DEBUG "printk_test: debug %d\n", 3);
}
