/*
 * The kernel command line: words separated by blanks (space, tab, CR, LF).
 * A word is key=value or a bare key (a flag).  Quotes ("..." or '...')
 * keep blanks, may start anywhere in a word (key="a b", "key=a b") and are
 * not part of the result; an unterminated quote runs to the end of the
 * line.  The first '=' ends the key, later ones belong to the value.  When
 * a key repeats the last one wins, in place (as in Linux).
 *
 * Parsed once at boot into a fixed table.  A word that cannot be kept is
 * dropped with a warning naming it and counted in ->dropped: an empty key,
 * a key or value too long for its array, a control character, or a new
 * key once the table holds CMDLINE_MAX_PARAMS.
 */
#ifndef HILO_CMDLINE_H
#define HILO_CMDLINE_H

#include <hilo/types.h>

#define CMDLINE_MAX_PARAMS 32
#define CMDLINE_MAX_KEY    32	/* including the NUL: keys of 31 chars */
#define CMDLINE_MAX_VALUE  256	/* including the NUL: values of 255 chars */

struct cmdline_param {
	char key[CMDLINE_MAX_KEY];
	char value[CMDLINE_MAX_VALUE];
	bool has_value;		/* false: a flag, value is "" */
};

struct cmdline {
	unsigned int count;
	struct cmdline_param params[CMDLINE_MAX_PARAMS];
	unsigned int dropped;		/* words that did not fit */
};

/* Parse text into cl (pure, no globals: the tests call it directly). */
void cmdline_parse_into(struct cmdline *cl, const char *text);
/* The value of key in cl, "" for a flag, NULL when absent. */
const char *cmdline_lookup(const struct cmdline *cl, const char *key);
/* Integer value of key in cl (see cmdline_get_ull), or def. */
unsigned long long cmdline_lookup_ull(const struct cmdline *cl, const char *key,
				      unsigned long long def);

/* The boot command line, parsed by cmdline_init(). */
void cmdline_init(const char *text);
const char *cmdline_get(const char *key);
bool cmdline_has(const char *key);
/* Integer value of key (decimal, 0x hex, optional k/M/G suffix), or def. */
unsigned long long cmdline_get_ull(const char *key, unsigned long long def);

#endif
