/*
 * The properties of a parsed command line (tests/host/cmdline_test.c,
 * fuzz_cmdline.c): a table of distinct, terminated, non-empty keys without
 * control characters; one "cmdline: dropped" warning per dropped word;
 * and a round trip: the table written back as a command line (every key
 * and value quoted) parses to the same table, nothing dropped.  Numbers:
 * cmdline_lookup_ull() agrees with a reference reading of the value.
 */
#ifndef TESTS_HOST_CMDLINE_CHECK_H
#define TESTS_HOST_CMDLINE_CHECK_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hilo/cmdline.h>
#include <hilo/printk.h>

#include "hilo_host.h"

/* Append s to out (size cap), quoted so that the parser gives back s. */
static inline void cc_quote(char *out, size_t *len, size_t cap, const char *s)
{
	char q = 0;

	for (; *s; s++) {
		char want = *s == '"' ? '\'' : '"';

		if (q != want) {
			if (q && *len < cap)
				out[(*len)++] = q;
			if (*len < cap)
				out[(*len)++] = want;
			q = want;
		}
		if (*len < cap)
			out[(*len)++] = *s;
	}
	if (q && *len < cap)
		out[(*len)++] = q;
}

static inline unsigned int cc_count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* The reference reading of a number; false when the parser must refuse it. */
static inline bool cc_number(const char *s, unsigned long long *v)
{
	int base = 10;
	const char *digits = s;
	char *end;
	size_t n;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		digits = s + 2;
	}
	n = strspn(digits, base == 16 ? "0123456789abcdefABCDEF" : "0123456789");
	if (n == 0)
		return false;
	errno = 0;
	*v = strtoull(digits, &end, base);
	if (errno == ERANGE || end != digits + n)
		return false;
	if (*end) {
		const char *sfx = strchr("kKmMgG", *end);
		unsigned int shift = sfx ? 10 * (1 + (unsigned int)(sfx - "kKmMgG") / 2) : 0;

		if (!*end || !sfx || end[1] || *v > (~0ULL >> shift))
			return false;
		*v <<= shift;
	}
	return true;
}

/* NULL when cl is right for a text that logged host_log, else what is wrong. */
static inline const char *cmdline_check(const struct cmdline *cl)
{
	static struct cmdline again;
	static char text[CMDLINE_MAX_PARAMS * 3 * (CMDLINE_MAX_KEY + CMDLINE_MAX_VALUE) + 1];
	size_t len = 0;

	if (cl->count > CMDLINE_MAX_PARAMS)
		return "more than CMDLINE_MAX_PARAMS parameters";
	if (cc_count(host_log, KERN_WARNING "cmdline: dropped \"") != cl->dropped)
		return "the dropped words and the warnings do not match";
	for (unsigned int i = 0; i < cl->count; i++) {
		const struct cmdline_param *p = &cl->params[i];
		size_t kl = strnlen(p->key, CMDLINE_MAX_KEY), vl = strnlen(p->value, CMDLINE_MAX_VALUE);

		if (kl == 0 || kl == CMDLINE_MAX_KEY || vl == CMDLINE_MAX_VALUE)
			return "a key is empty, or a key or value is not terminated";
		if (!p->has_value && vl)
			return "a flag has a value";
		if (strchr(p->key, '='))
			return "a key holds '='";
		for (const char *c = p->key; *c; c++)
			if ((unsigned char)*c < 0x20 ? !strchr(" \t\n\r", *c) : *c == 0x7f)
				return "a key holds a control character";
		for (const char *c = p->value; *c; c++)
			if ((unsigned char)*c < 0x20 ? !strchr(" \t\n\r", *c) : *c == 0x7f)
				return "a value holds a control character";
		for (unsigned int j = 0; j < i; j++)
			if (strcmp(cl->params[j].key, p->key) == 0)
				return "a key is in the table twice";
		if (cmdline_lookup(cl, p->key) != p->value)
			return "cmdline_lookup does not find a key of the table";
	}

	/* Round trip. */
	for (unsigned int i = 0; i < cl->count; i++) {
		const struct cmdline_param *p = &cl->params[i];

		if (i)
			text[len++] = ' ';
		cc_quote(text, &len, sizeof(text) - 2, p->key);
		if (p->has_value) {
			text[len++] = '=';
			cc_quote(text, &len, sizeof(text) - 2, p->value);
			if (!p->value[0]) {
				text[len++] = '"';
				text[len++] = '"';
			}
		}
	}
	text[len] = '\0';
	host_log_clear();
	cmdline_parse_into(&again, text);
	if (again.dropped || again.count != cl->count)
		return "the table written back does not parse to the same number of words";
	for (unsigned int i = 0; i < cl->count; i++)
		if (strcmp(again.params[i].key, cl->params[i].key) ||
		    strcmp(again.params[i].value, cl->params[i].value) ||
		    again.params[i].has_value != cl->params[i].has_value)
			return "the table written back parses to another table";

	/* Numbers. */
	for (unsigned int i = 0; i < cl->count; i++) {
		const struct cmdline_param *p = &cl->params[i];
		unsigned long long want, got, def = 0x5a5a5a5a5a5a5a5aULL;
		bool ok = cc_number(p->value, &want);

		host_log_clear();
		got = cmdline_lookup_ull(cl, p->key, def);
		if (ok && got != want)
			return "cmdline_lookup_ull reads a number otherwise than the reference";
		if (!ok && (got != def || !strstr(host_log, "is not a number")))
			return "cmdline_lookup_ull accepts a value the reference refuses, or refuses it silently";
	}
	return NULL;
}

#endif
