/*
 * The kernel command line (see include/hilo/cmdline.h for the syntax).
 *
 * The parser reads one word at a time into a struct word: the parameter
 * it would become, the lengths the key and value wanted (which may exceed
 * their arrays), and where the raw word lies in the text for warnings.
 * Only then does it decide whether the word is kept, so no half-parsed
 * word ever reaches the table.  Nothing here touches hardware: the tests
 * feed it arbitrary text.
 */
#include <hilo/cmdline.h>
#include <hilo/printk.h>
#include <hilo/string.h>

/* A dropped word is quoted in its warning up to this many characters. */
#define CMDLINE_WARN_CHARS 48

struct word {
	struct cmdline_param param;
	size_t key_len;		/* characters the key wanted */
	size_t value_len;	/* characters the value wanted */
	const char *start;	/* the raw word, quotes included */
	const char *end;
	size_t clean_len;	/* raw characters before a control character */
	bool control;		/* holds a control character */
};

static struct cmdline boot_cmdline;

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Control characters other than the blanks: never kept, never echoed. */
static bool is_control(char c)
{
	unsigned char u = (unsigned char)c;

	return (u < 0x20 && !is_blank(c)) || u == 0x7f;
}

/* Store c in the key or the value, counting what does not fit. */
static void word_put(struct word *w, char c)
{
	struct cmdline_param *p = &w->param;

	if (!p->has_value) {
		if (w->key_len < CMDLINE_MAX_KEY - 1)
			p->key[w->key_len] = c;
		w->key_len++;
	} else {
		if (w->value_len < CMDLINE_MAX_VALUE - 1)
			p->value[w->value_len] = c;
		w->value_len++;
	}
}

/*
 * Read the word that starts at p (not a blank, not the end) into w and
 * return the first character after it.  Quote characters toggle quoting
 * and are not stored; the first '=' ends the key even inside quotes, so
 * that "key=a b" works as in Linux.
 */
static const char *scan_word(const char *p, struct word *w)
{
	char quote = 0;

	w->start = p;
	for (; *p; p++) {
		char c = *p;

		if (quote && c == quote) {
			quote = 0;
			continue;
		}
		if (!quote && is_blank(c))
			break;
		if (!quote && (c == '"' || c == '\'')) {
			quote = c;
			continue;
		}
		if (c == '=' && !w->param.has_value) {
			w->param.has_value = true;
			continue;
		}
		if (is_control(c) && !w->control) {
			w->control = true;
			w->clean_len = (size_t)(p - w->start);
		}
		word_put(w, c);
	}
	w->end = p;
	if (!w->control)
		w->clean_len = (size_t)(p - w->start);
	return p;
}

/* Why w cannot be kept, or NULL when it can. */
static const char *word_problem(const struct word *w)
{
	if (w->control)
		return "control character";
	if (w->key_len == 0)
		return "empty key";
	if (w->key_len >= CMDLINE_MAX_KEY)
		return "key too long";
	if (w->value_len >= CMDLINE_MAX_VALUE)
		return "value too long";
	return NULL;
}

static void drop_word(struct cmdline *cl, const struct word *w, const char *why)
{
	size_t len = min(w->clean_len, (size_t)CMDLINE_WARN_CHARS);
	bool cut = len < (size_t)(w->end - w->start);

	cl->dropped++;
	pr_warn("cmdline: dropped \"%.*s%s\": %s\n",
		(int)len, w->start, cut ? "..." : "", why);
}

/* The index of key in cl, or -1. */
static int find_index(const struct cmdline *cl, const char *key)
{
	unsigned int i;

	for (i = 0; i < cl->count; i++)
		if (strcmp(cl->params[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* Keep w: replace an earlier word with the same key, or append it. */
static void keep_word(struct cmdline *cl, const struct word *w)
{
	const char *why = word_problem(w);
	int i = why ? -1 : find_index(cl, w->param.key);

	if (!why && i < 0 && cl->count == CMDLINE_MAX_PARAMS)
		why = "too many parameters";
	if (why) {
		drop_word(cl, w, why);
		return;
	}
	if (i < 0)
		i = (int)cl->count++;
	cl->params[i] = w->param;
}

/**
 * cmdline_parse_into - parse a command line into a table
 * @cl:   the table; its previous contents are discarded
 * @text: the command line; NULL parses as empty
 *
 * Context: any; pure apart from the warnings for dropped words.
 * Returns nothing: words that cannot be kept are counted in cl->dropped.
 */
void cmdline_parse_into(struct cmdline *cl, const char *text)
{
	const char *p = text ? text : "";

	memset(cl, 0, sizeof(*cl));
	for (;;) {
		struct word w = { .key_len = 0 };

		while (is_blank(*p))
			p++;
		if (!*p)
			return;
		p = scan_word(p, &w);
		keep_word(cl, &w);
	}
}

/**
 * cmdline_lookup - find a parameter in a parsed table
 * @cl:  a table filled by cmdline_parse_into()
 * @key: the key to find (NULL finds nothing)
 *
 * Context: any.
 * Returns the value of @key, "" when it is a flag, NULL when it is absent.
 */
const char *cmdline_lookup(const struct cmdline *cl, const char *key)
{
	int i = key ? find_index(cl, key) : -1;

	return i < 0 ? NULL : cl->params[i].value;
}

/* Multiply v by 2^shift; false on overflow. */
static bool shift_ull(unsigned long long *v, unsigned int shift)
{
	if (*v > (~0ULL >> shift))
		return false;
	*v <<= shift;
	return true;
}

static unsigned int suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	default:            return 0;
	}
}

static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned int)(c - '0');
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (unsigned int)((c | 0x20) - 'a' + 10);
	return ~0U;
}

/*
 * Parse all of s as an unsigned number: decimal or 0x hex, at least one
 * digit, an optional k/M/G suffix (either case).  False when s is not
 * such a number or it does not fit in 64 bits.  No division, so no libgcc.
 */
static bool parse_ull(const char *s, unsigned long long *out)
{
	unsigned int base = 10, digits = 0, shift, d;
	unsigned long long v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; (d = digit_value(*s)) < base; s++, digits++) {
		if (__builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, d, &v))
			return false;
	}
	shift = suffix_shift(*s);
	if (shift && !shift_ull(&v, shift))
		return false;
	if (shift)
		s++;
	if (digits == 0 || *s)
		return false;
	*out = v;
	return true;
}

/**
 * cmdline_lookup_ull - the integer value of a parameter in a parsed table
 * @cl:  a table filled by cmdline_parse_into()
 * @key: the key to find
 * @def: the result when @key is absent or its value is not a number
 *
 * The value is decimal or 0x hex with an optional k/K, m/M or g/G suffix
 * (times 2^10, 2^20, 2^30).  A value that is malformed or does not fit in
 * 64 bits (a flag included) is reported with a warning.
 *
 * Context: any.
 * Returns the value of @key, or @def.
 */
unsigned long long cmdline_lookup_ull(const struct cmdline *cl, const char *key,
				      unsigned long long def)
{
	const char *s = cmdline_lookup(cl, key);
	unsigned long long v;

	if (!s)
		return def;
	if (parse_ull(s, &v))
		return v;
	pr_warn("cmdline: %s=\"%s\" is not a number, using %llu\n", key, s, def);
	return def;
}

/**
 * cmdline_init - parse the boot command line
 * @text: the command line from the boot loader (NULL: none)
 *
 * Context: boot, once, before any cmdline_get*() caller.  @text need not
 * outlive the call: the words are copied.
 */
void cmdline_init(const char *text)
{
	cmdline_parse_into(&boot_cmdline, text);
}

/**
 * cmdline_get - the value of a boot parameter
 * @key: the key to find
 *
 * Context: any, after cmdline_init() (before it every key is absent).
 * Returns the value, "" for a flag, NULL when @key is absent.
 */
const char *cmdline_get(const char *key)
{
	return cmdline_lookup(&boot_cmdline, key);
}

/**
 * cmdline_has - whether a boot parameter is present
 * @key: the key to find
 *
 * Context: any, after cmdline_init().
 * Returns true when @key was given, as a flag or with a value.
 */
bool cmdline_has(const char *key)
{
	return cmdline_get(key) != NULL;
}

/**
 * cmdline_get_ull - the integer value of a boot parameter
 * @key: the key to find
 * @def: the result when @key is absent or malformed
 *
 * Context: any, after cmdline_init().
 * Returns the value as cmdline_lookup_ull() reads it, or @def.
 */
unsigned long long cmdline_get_ull(const char *key, unsigned long long def)
{
	return cmdline_lookup_ull(&boot_cmdline, key, def);
}
