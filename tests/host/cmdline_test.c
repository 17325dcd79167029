/*
 * Host unit tests of the command line parser (kernel/cmdline.c): a few
 * tables, the limits, and every result checked by cmdline_check.h.
 */
#include <stdio.h>
#include <string.h>

#include <hilo/compiler.h>

#include "cmdline_check.h"
#include "host_test.h"

static struct cmdline cl;

/* Parse a text held in a heap block of exactly its size, then check cl. */
static bool parse(const char *text)
{
	size_t n = strlen(text) + 1;
	char *copy = malloc(n);
	const char *why;

	memcpy(copy, text, n);
	host_log_clear();
	cmdline_parse_into(&cl, copy);
	free(copy);
	why = cmdline_check(&cl);
	if (why)
		printf("  \"%s\": %s\n", text, why);
	return why == NULL;
}

static void words_flags_and_quotes(void)
{
	CHECK(parse("  console=ttyS0,115200 quiet\tmem=512M\n'a b'=\"c d\" \"e=f g\" x=\"\" "));
	CHECK(cl.count == 6 && cl.dropped == 0);
	CHECK(strcmp(cmdline_lookup(&cl, "console"), "ttyS0,115200") == 0);
	CHECK(strcmp(cmdline_lookup(&cl, "quiet"), "") == 0 && !cl.params[1].has_value);
	CHECK(strcmp(cmdline_lookup(&cl, "a b"), "c d") == 0);
	CHECK(strcmp(cmdline_lookup(&cl, "e"), "f g") == 0);
	CHECK(cl.params[5].has_value && cmdline_lookup(&cl, "x")[0] == '\0');
	CHECK(cmdline_lookup_ull(&cl, "mem", 0) == 512ULL << 20);
	CHECK(cmdline_lookup(&cl, "absent") == NULL && cmdline_lookup(&cl, NULL) == NULL);
}

static void last_one_wins_in_place(void)
{
	CHECK(parse("a=1 b=2 a=3 a"));
	CHECK(cl.count == 2 && strcmp(cl.params[0].key, "a") == 0);
	CHECK(!cl.params[0].has_value && strcmp(cmdline_lookup(&cl, "b"), "2") == 0);
}

static void drops_what_it_cannot_keep(void)
{
	char text[600];

	CHECK(parse("=x ok \x01" "bad k=\x7f" "v"));
	CHECK(cl.count == 1 && cl.dropped == 3);
	CHECK(strstr(host_log, "empty key") == NULL);	/* cmdline_check cleared it */
	memset(text, 'k', 32);
	strcpy(text + 32, "=v short=");
	memset(text + 41, 'v', 256);
	text[297] = '\0';
	CHECK(parse(text));
	CHECK(cl.count == 0 && cl.dropped == 2);
	text[31] = '=';
	text[41 + 255] = '\0';
	CHECK(parse(text));
	CHECK(cl.count == 2 && cl.dropped == 0);
}

static void at_most_max_params(void)
{
	char text[CMDLINE_MAX_PARAMS * 8 + 16] = "";

	for (int i = 0; i < CMDLINE_MAX_PARAMS + 2; i++)
		sprintf(text + strlen(text), "p%d ", i);
	strcat(text, "p0=again");
	CHECK(parse(text));
	CHECK(cl.count == CMDLINE_MAX_PARAMS && cl.dropped == 2);
	CHECK(strcmp(cmdline_lookup(&cl, "p0"), "again") == 0);
}

static void unterminated_quote_runs_to_the_end(void)
{
	CHECK(parse("a=\"b c d"));
	CHECK(cl.count == 1 && strcmp(cmdline_lookup(&cl, "a"), "b c d") == 0);
	CHECK(parse("\""));
	CHECK(cl.count == 0 && cl.dropped == 1);
}

static void numbers(void)
{
	CHECK(parse("a=0x10 b=16k c=18446744073709551615 d=18446744073709551616 "
		    "e=0x g=16T h=-1 i=0xFFFFFFFFFFFFFFFFk j=17179869183G flag"));
	CHECK(cmdline_lookup_ull(&cl, "a", 0) == 16);
	CHECK(cmdline_lookup_ull(&cl, "b", 0) == 16384);
	CHECK(cmdline_lookup_ull(&cl, "c", 0) == ~0ULL);
	CHECK(cmdline_lookup_ull(&cl, "d", 7) == 7);
	CHECK(cmdline_lookup_ull(&cl, "e", 7) == 7);
	CHECK(cmdline_lookup_ull(&cl, "g", 7) == 7);
	CHECK(cmdline_lookup_ull(&cl, "h", 7) == 7);
	CHECK(cmdline_lookup_ull(&cl, "i", 7) == 7);
	CHECK(cmdline_lookup_ull(&cl, "j", 7) == 17179869183ULL << 30);
	host_log_clear();
	CHECK(cmdline_lookup_ull(&cl, "flag", 7) == 7);
	CHECK(strstr(host_log, "flag=\"\" is not a number") != NULL);
}

static void null_and_empty(void)
{
	host_log_clear();
	cmdline_parse_into(&cl, NULL);
	CHECK(cl.count == 0 && cl.dropped == 0);
	CHECK(parse(""));
	CHECK(parse(" \t\r\n "));
	CHECK(cl.count == 0);
}

static const struct host_case cases[] = {
	HOST_CASE(words_flags_and_quotes),
	HOST_CASE(last_one_wins_in_place),
	HOST_CASE(drops_what_it_cannot_keep),
	HOST_CASE(at_most_max_params),
	HOST_CASE(unterminated_quote_runs_to_the_end),
	HOST_CASE(numbers),
	HOST_CASE(null_and_empty),
};

int main(void)
{
	return host_run("cmdline", cases, ARRAY_SIZE(cases));
}
