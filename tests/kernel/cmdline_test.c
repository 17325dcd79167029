/*
 * Tests for the command line parser (kernel/cmdline.c).
 *
 * Most cases are tables: a command line and the table it must parse to,
 * written as "key=value|flag|..." in table order, plus the number of
 * words that must be dropped.
 */
#include <hilo/cmdline.h>
#include <hilo/ktest.h>
#include <hilo/string.h>

#include "logbuf.h"

struct parse_case {
	const char *text;
	const char *want;	/* the parsed table, rendered */
	unsigned int dropped;
};

struct number_case {
	const char *value;
	unsigned long long want;
};

/* About 9 KB: too big for a test's stack. */
static struct cmdline cl;
static char text[CMDLINE_MAX_KEY + CMDLINE_MAX_VALUE + 64];
static char rendered[1024];

static void append(char *buf, size_t size, const char *s)
{
	size_t len = strlen(buf);

	strlcpy(buf + len, s, size - len);
}

/* Render cl as "key=value|flag|...": a flag has no '=', "k=" is empty. */
static const char *render(const struct cmdline *c)
{
	rendered[0] = '\0';
	for (unsigned int i = 0; i < c->count; i++) {
		const struct cmdline_param *p = &c->params[i];

		if (i)
			append(rendered, sizeof(rendered), "|");
		append(rendered, sizeof(rendered), p->key);
		if (p->has_value) {
			append(rendered, sizeof(rendered), "=");
			append(rendered, sizeof(rendered), p->value);
		}
	}
	return rendered;
}

static void check_parses(struct ktest *t, const struct parse_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct parse_case *c = &cases[i];
		const char *got;

		cmdline_parse_into(&cl, c->text);
		got = render(&cl);
		if (strcmp(got, c->want) != 0 || cl.dropped != c->dropped)
			KTEST_FAIL(t, "parsing \"%s\" gave \"%s\" (%u dropped), expected \"%s\" (%u dropped)",
				   c->text, got, cl.dropped, c->want, c->dropped);
	}
}

#define CHECK_PARSES(t, cases) check_parses(t, cases, ARRAY_SIZE(cases))

KTEST(cmdline, splits_words_on_blanks)
{
	static const struct parse_case cases[] = {
		{ "a=1 b=2",              "a=1|b=2", 0 },
		{ "  a=1\t\tb=2  ",       "a=1|b=2", 0 },
		{ "a=1\r\nb=2\n",         "a=1|b=2", 0 },
		{ "",                     "",        0 },
		{ " \t ",                 "",        0 },
	};

	CHECK_PARSES(t, cases);
}

KTEST(cmdline, bare_word_is_a_flag_and_first_equals_ends_the_key)
{
	static const struct parse_case cases[] = {
		{ "quiet",                "quiet",          0 },
		{ "quiet debug",          "quiet|debug",    0 },
		{ "empty=",               "empty=",         0 },
		{ "a=b=c",                "a=b=c",          0 },
		{ "root=/dev/sda1 ro",    "root=/dev/sda1|ro", 0 },
	};

	CHECK_PARSES(t, cases);
}

KTEST(cmdline, quotes_keep_blanks_and_are_removed)
{
	static const struct parse_case cases[] = {
		{ "k=\"a b\"",            "k=a b",          0 },
		{ "k='a b'",              "k=a b",          0 },
		{ "\"k=a b\" x",          "k=a b|x",        0 },
		{ "k=pre\"a b\"post",     "k=prea bpost",   0 },
		{ "k=\"it's\"",           "k=it's",         0 },
		{ "k='say \"hi\"'",       "k=say \"hi\"",   0 },
		{ "k=\"\"",               "k=",             0 },
		{ "k=\"a=b\tc\" d",       "k=a=b\tc|d",     0 },
	};

	CHECK_PARSES(t, cases);
}

KTEST(cmdline, unterminated_quote_runs_to_end_of_line)
{
	static const struct parse_case cases[] = {
		{ "k=\"a b c",            "k=a b c",        0 },
		{ "a=1 k='x y=z",         "a=1|k=x y=z",    0 },
		{ "k=\"",                 "k=",             0 },
		{ "\"",                   "",               1 },
	};

	CHECK_PARSES(t, cases);
}

KTEST(cmdline, last_repeated_key_wins)
{
	static const struct parse_case cases[] = {
		{ "a=1 a=2",              "a=2",            0 },
		{ "a=1 b=2 a=3",          "a=3|b=2",        0 },
		{ "a=1 a",                "a",              0 },
		{ "a a=1",                "a=1",            0 },
		{ "a=1 a= b",             "a=|b",           0 },
	};

	CHECK_PARSES(t, cases);
}

KTEST(cmdline, garbage_is_dropped_without_crashing)
{
	static const struct parse_case cases[] = {
		{ NULL,                   "",               0 },
		{ "=",                    "",               1 },
		{ "==x",                  "",               1 },
		{ "=value",               "",               1 },
		{ "= = =",                "",               3 },
		{ "''",                   "",               1 },
		{ "\"\"=x ok",            "ok",             1 },
		{ "a\001b=1 ok",          "ok",             1 },
		{ "k=v\177 ok",           "ok",             1 },
		{ "k=\"a\033[2J\" ok",    "ok",             1 },
		{ "\"\"\"",                "",               1 },
	};

	CHECK_PARSES(t, cases);
}

KTEST(cmdline, dropped_word_is_named_in_a_warning)
{
	static const struct {
		const char *text;
		const char *warning;
	} cases[] = {
		{ "ok =oops",  "cmdline: dropped \"=oops\": empty key" },
		{ "x\001y",    "cmdline: dropped \"x...\": control character" },
		{ "key_of_thirty_two_characters_xxx=1",
		  "cmdline: dropped \"key_of_thirty_two_characters_xxx=1\": key too long" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 head = log_head;

		cmdline_parse_into(&cl, cases[i].text);
		if (!log_contains_since(head, cases[i].warning))
			KTEST_FAIL(t, "parsing \"%s\" did not log '%s'",
				   cases[i].text, cases[i].warning);
	}
}

/* text = <key_len x 'k'>=<value_len x 'v'> ok=1 */
static void make_long_word(size_t key_len, size_t value_len)
{
	char *p = text;

	memset(p, 'k', key_len);
	p += key_len;
	*p++ = '=';
	memset(p, 'v', value_len);
	p += value_len;
	strlcpy(p, " ok=1", sizeof(text) - (size_t)(p - text));
}

KTEST(cmdline, word_that_does_not_fit_is_dropped)
{
	static const struct {
		size_t key_len, value_len;
		const char *why;	/* NULL: the word fits */
	} cases[] = {
		{ CMDLINE_MAX_KEY - 1, CMDLINE_MAX_VALUE - 1, NULL },
		{ 1,                   0,                     NULL },
		{ CMDLINE_MAX_KEY,     1,                     "key too long" },
		{ 1,                   CMDLINE_MAX_VALUE,     "value too long" },
		{ CMDLINE_MAX_KEY + 9, CMDLINE_MAX_VALUE + 9, "key too long" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t key_len = cases[i].key_len, value_len = cases[i].value_len;
		bool fits = !cases[i].why;
		u32 head = log_head;

		make_long_word(key_len, value_len);
		cmdline_parse_into(&cl, text);
		EXPECT_EQ(t, cl.count, fits ? 2u : 1u);
		EXPECT_EQ(t, cl.dropped, fits ? 0u : 1u);
		EXPECT_STREQ(t, cmdline_lookup(&cl, "ok"), "1");
		if (fits) {
			EXPECT_EQ(t, strlen(cl.params[0].key), key_len);
			EXPECT_EQ(t, strlen(cl.params[0].value), value_len);
		} else if (!log_contains_since(head, cases[i].why)) {
			KTEST_FAIL(t, "key of %zu, value of %zu: no '%s' warning",
				   key_len, value_len, cases[i].why);
		}
	}
}

/* text = "aa ab ... " with n two-letter flags, then tail. */
static void make_many_words(unsigned int n, const char *tail)
{
	char *p = text;

	for (unsigned int i = 0; i < n; i++) {
		*p++ = (char)('a' + i / 26);
		*p++ = (char)('a' + i % 26);
		*p++ = ' ';
	}
	strlcpy(p, tail, sizeof(text) - (size_t)(p - text));
}

KTEST(cmdline, words_beyond_max_params_are_dropped_but_repeats_still_replace)
{
	u32 head = log_head;

	/* Words 0..31 fit; 32 ("bg") and 33 ("bh") do not. */
	BUILD_BUG_ON(CMDLINE_MAX_PARAMS != 32);
	make_many_words(CMDLINE_MAX_PARAMS + 2, "aa=again");
	cmdline_parse_into(&cl, text);

	EXPECT_EQ(t, cl.count, (unsigned int)CMDLINE_MAX_PARAMS);
	EXPECT_EQ(t, cl.dropped, 2u);
	EXPECT_STREQ(t, cmdline_lookup(&cl, "aa"), "again");
	EXPECT_STREQ(t, cmdline_lookup(&cl, "bf"), "");
	EXPECT_NULL(t, cmdline_lookup(&cl, "bg"));
	EXPECT_NULL(t, cmdline_lookup(&cl, "bh"));
	EXPECT_TRUE(t, log_contains_since(head, "\"bg\": too many parameters"));
}

KTEST(cmdline, absent_key_is_null_and_flag_is_empty)
{
	cmdline_parse_into(&cl, "flag k=v");
	EXPECT_STREQ(t, cmdline_lookup(&cl, "flag"), "");
	EXPECT_STREQ(t, cmdline_lookup(&cl, "k"), "v");
	EXPECT_NULL(t, cmdline_lookup(&cl, "absent"));
	EXPECT_NULL(t, cmdline_lookup(&cl, "fla"));
	EXPECT_NULL(t, cmdline_lookup(&cl, ""));
	EXPECT_NULL(t, cmdline_lookup(&cl, NULL));
}

/* Parse "n=<value>" and read n as a number, with def as the default. */
static unsigned long long number_of(const char *value, unsigned long long def)
{
	strlcpy(text, "n=", sizeof(text));
	append(text, sizeof(text), value);
	cmdline_parse_into(&cl, text);
	return cmdline_lookup_ull(&cl, "n", def);
}

KTEST(cmdline, numbers_read_in_decimal_or_hex_with_suffixes)
{
	static const struct number_case cases[] = {
		{ "0",                     0 },
		{ "42",                    42 },
		{ "007",                   7 },
		{ "0x10",                  16 },
		{ "0XfF",                  255 },
		{ "4k",                    4096 },
		{ "4K",                    4096 },
		{ "2m",                    2097152 },
		{ "2M",                    2097152 },
		{ "1g",                    1073741824 },
		{ "3G",                    3221225472ULL },
		{ "0x10k",                 16384 },
		{ "0x1G",                  1073741824 },
		{ "18446744073709551615",  18446744073709551615ULL },
		{ "0xffffffffffffffff",    18446744073709551615ULL },
		{ "17179869183G",          18446744072635809792ULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned long long got = number_of(cases[i].value, 77);

		if (got != cases[i].want)
			KTEST_FAIL(t, "n=%s read as %llu, expected %llu",
				   cases[i].value, got, cases[i].want);
	}
}

KTEST(cmdline, malformed_number_gives_default_with_a_warning)
{
	static const char *const values[] = {
		"", "abc", "12x", "0x", "x10", "-1", "+1", "1kk", "k", "1.5",
		"'1 2'", "18446744073709551616", "0x10000000000000000",
		"17179869184G",
	};

	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		u32 head = log_head;
		unsigned long long got = number_of(values[i], 77);

		if (got != 77)
			KTEST_FAIL(t, "n=%s read as %llu, expected the default",
				   values[i], got);
		if (!log_contains_since(head, "is not a number"))
			KTEST_FAIL(t, "n=%s: no warning", values[i]);
	}
}

KTEST(cmdline, flag_or_absent_key_gives_default_as_number)
{
	u32 head = log_head;

	cmdline_parse_into(&cl, "flag");
	EXPECT_EQ(t, cmdline_lookup_ull(&cl, "absent", 5), 5ull);
	EXPECT_FALSE(t, log_contains_since(head, "is not a number"));
	EXPECT_EQ(t, cmdline_lookup_ull(&cl, "flag", 6), 6ull);
	EXPECT_TRUE(t, log_contains_since(head, "flag=\"\" is not a number"));
}

KTEST(cmdline, boot_getters_agree_with_each_other)
{
	const char *test = cmdline_get("test");

	EXPECT_EQ(t, cmdline_has("test"), test != NULL);
	EXPECT_FALSE(t, cmdline_has("cmdline_test.absent"));
	EXPECT_NULL(t, cmdline_get("cmdline_test.absent"));
	EXPECT_EQ(t, cmdline_get_ull("cmdline_test.absent", 123), 123ull);
}
