/*
 * Tests for the string and memory functions (kernel/string.c).  Each
 * function gets a table of inputs and expected results; buffers are
 * pre-filled with a guard byte to catch writes outside the range.
 */
#include <hilo/ktest.h>
#include <hilo/printk.h>
#include <hilo/string.h>

#define GUARD '#'

static char buf[16];

static void fill_guard(void)
{
	memset(buf, GUARD, sizeof(buf));
}

/* -1, 0 or 1: comparison functions only promise the sign. */
static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* The offset of p in s, or -1 for NULL. */
static int offset_in(const char *s, const char *p)
{
	return p ? (int)(p - s) : -1;
}

KTEST(string, memcpy_copies_exactly_n_bytes)
{
	static const struct {
		size_t off, n;
		const char *want;	/* all of buf, guards included */
	} cases[] = {
		{ 1, 3, "#abc############" },
		{ 0, 5, "abcde###########" },
		{ 4, 0, "################" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		fill_guard();
		EXPECT_PTR_EQ(t, memcpy(buf + cases[i].off, "abcde", cases[i].n),
			      buf + cases[i].off);
		EXPECT_MEMEQ(t, buf, cases[i].want, sizeof(buf));
	}
}

KTEST(string, memmove_handles_overlap_in_both_directions)
{
	static const struct {
		size_t dst, src, n;
		const char *want;
	} cases[] = {
		{ 2, 0, 5,  "0101234789" },	/* dst above src */
		{ 0, 2, 5,  "2345656789" },	/* dst below src */
		{ 1, 0, 9,  "0012345678" },
		{ 0, 1, 9,  "1234567899" },
		{ 3, 3, 4,  "0123456789" },	/* onto itself */
		{ 0, 9, 0,  "0123456789" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		strlcpy(buf, "0123456789", sizeof(buf));
		EXPECT_PTR_EQ(t, memmove(buf + cases[i].dst, buf + cases[i].src, cases[i].n),
			      buf + cases[i].dst);
		EXPECT_STREQ(t, buf, cases[i].want);
	}
}

KTEST(string, memset_fills_with_the_low_byte_of_c)
{
	static const struct {
		size_t off, n;
		int c;
		const char *want;
	} cases[] = {
		{ 1, 3, 'x',   "#xxx############" },
		{ 0, 2, 0x141, "AA##############" },
		{ 5, 0, 'x',   "################" },
		{ 0, 16, 'z',  "zzzzzzzzzzzzzzzz" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		fill_guard();
		EXPECT_PTR_EQ(t, memset(buf + cases[i].off, cases[i].c, cases[i].n),
			      buf + cases[i].off);
		EXPECT_MEMEQ(t, buf, cases[i].want, sizeof(buf));
	}
}

KTEST(string, memcmp_sign_follows_first_differing_unsigned_byte)
{
	static const struct {
		const char *a, *b;
		size_t n;
		int sign;
	} cases[] = {
		{ "abc",       "abc",       3, 0 },
		{ "abc",       "abd",       3, -1 },
		{ "abd",       "abc",       3, 1 },
		{ "abc",       "abd",       2, 0 },
		{ "abc",       "xyz",       0, 0 },
		{ "\x80",      "\x01",      1, 1 },
		{ "ab\0x",     "ab\0y",     4, -1 },	/* NUL is not the end */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int got = sign(memcmp(cases[i].a, cases[i].b, cases[i].n));

		if (got != cases[i].sign)
			KTEST_FAIL(t, "memcmp(\"%s\", \"%s\", %zu) has sign %d, expected %d",
				   cases[i].a, cases[i].b, cases[i].n, got, cases[i].sign);
	}
}

KTEST(string, strlen_and_strnlen_stop_at_nul_or_max)
{
	static const struct {
		const char *s;
		size_t max, len, nlen;
	} cases[] = {
		{ "",      5,   0, 0 },
		{ "a",     5,   1, 1 },
		{ "hello", 3,   5, 3 },
		{ "hello", 0,   5, 0 },
		{ "hello", 5,   5, 5 },
		{ "hello", 100, 5, 5 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(t, strlen(cases[i].s), cases[i].len);
		EXPECT_EQ(t, strnlen(cases[i].s, cases[i].max), cases[i].nlen);
	}
}

KTEST(string, strcmp_and_strncmp_sign_follows_first_difference)
{
	static const struct {
		const char *a, *b;
		size_t n;
		int cmp, ncmp;	/* signs of strcmp and strncmp(n) */
	} cases[] = {
		{ "abc",  "abc",  3, 0,  0 },
		{ "abc",  "abd",  2, -1, 0 },
		{ "abd",  "abc",  3, 1,  1 },
		{ "ab",   "abc",  5, -1, -1 },
		{ "abc",  "ab",   2, 1,  0 },
		{ "abc",  "ab",   3, 1,  1 },
		{ "",     "",     1, 0,  0 },
		{ "a",    "",     1, 1,  1 },
		{ "abc",  "abd",  0, -1, 0 },
		{ "\x80", "a",    1, 1,  1 },	/* bytes compare unsigned */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *a = cases[i].a, *b = cases[i].b;
		size_t n = cases[i].n;
		int cmp = sign(strcmp(a, b)), ncmp = sign(strncmp(a, b, n));

		if (cmp != cases[i].cmp || ncmp != cases[i].ncmp)
			KTEST_FAIL(t, "\"%s\" vs \"%s\": strcmp sign %d, strncmp(%zu) sign %d; expected %d and %d",
				   a, b, cmp, n, ncmp, cases[i].cmp, cases[i].ncmp);
	}
}

KTEST(string, strchr_finds_first_match_or_the_terminator)
{
	static const struct {
		const char *s;
		int c;
		int off;	/* -1: NULL */
	} cases[] = {
		{ "abcabc", 'c',  2 },
		{ "abcabc", 'a',  0 },
		{ "abc",    'z',  -1 },
		{ "",       'a',  -1 },
		{ "abc",    '\0', 3 },
		{ "a\x80",  0x80, 1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int got = offset_in(cases[i].s, strchr(cases[i].s, cases[i].c));

		if (got != cases[i].off)
			KTEST_FAIL(t, "strchr(\"%s\", 0x%x) at %d, expected %d",
				   cases[i].s, cases[i].c, got, cases[i].off);
	}
}

KTEST(string, strstr_finds_first_occurrence)
{
	static const struct {
		const char *haystack, *needle;
		int off;	/* -1: NULL */
	} cases[] = {
		{ "hello world", "world", 6 },
		{ "hello",       "",      0 },
		{ "",            "",      0 },
		{ "",            "a",     -1 },
		{ "hello",       "xyz",   -1 },
		{ "aaab",        "aab",   1 },	/* retry after a partial match */
		{ "abcabc",      "cab",   2 },
		{ "ab",          "abc",   -1 },	/* needle runs off the end */
		{ "abcab",       "ab",    0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *h = cases[i].haystack, *n = cases[i].needle;
		int got = offset_in(h, strstr(h, n));

		if (got != cases[i].off)
			KTEST_FAIL(t, "strstr(\"%s\", \"%s\") at %d, expected %d",
				   h, n, got, cases[i].off);
	}
}

KTEST(string, strlcpy_truncates_terminates_and_returns_source_length)
{
	static const struct {
		size_t size;
		const char *want;	/* all of buf, guards included */
	} cases[] = {
		{ 0,  "################" },
		{ 1,  "\0###############" },
		{ 3,  "he\0#############" },
		{ 5,  "hell\0###########" },
		{ 6,  "hello\0##########" },
		{ 16, "hello\0##########" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		fill_guard();
		EXPECT_EQ(t, strlcpy(buf, "hello", cases[i].size), (size_t)5);
		EXPECT_MEMEQ(t, buf, cases[i].want, sizeof(buf));
	}
}

KTEST(string, glob_match_matches_the_whole_string)
{
	static const struct {
		const char *pattern, *str;
		bool match;
	} cases[] = {
		{ "",      "",        true },
		{ "",      "a",       false },
		{ "*",     "",        true },
		{ "*",     "abc",     true },
		{ "**",    "x",       true },
		{ "abc",   "abc",     true },
		{ "abc",   "ab",      false },	/* string is a prefix */
		{ "ab",    "abc",     false },	/* pattern is a prefix */
		{ "a?c",   "abc",     true },
		{ "a?c",   "ac",      false },
		{ "?",     "",        false },
		{ "a*",    "a",       true },
		{ "*c",    "abcc",    true },
		{ "a*b*c", "abc",     true },
		{ "a*b*c", "axxbyyc", true },
		{ "a*b*c", "abcx",    false },
		{ "a*b*c", "acb",     false },
		{ "pk*",   "pkmap",   true },
		{ "*map",  "pkmap",   true },
		{ "*.x",   "s.y",     false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		bool got = glob_match(cases[i].pattern, cases[i].str);

		if (got != cases[i].match)
			KTEST_FAIL(t, "glob_match(\"%s\", \"%s\") is %s",
				   cases[i].pattern, cases[i].str, got ? "true" : "false");
	}
}
