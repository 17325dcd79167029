/*
 * libFuzzer target: the command line parser (kernel/cmdline.c).
 *
 * Input: the command line, up to the first NUL, copied into a heap block
 * of exactly its size (a read past its end is an ASan report).  The table
 * must have every property of cmdline_check.h: words dropped with a
 * warning each, a table that round-trips, numbers read as the reference
 * reads them.
 */
#include <stdio.h>
#include <string.h>

#include "cmdline_check.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct cmdline cl;
	const u8 *nul = memchr(data, 0, size);
	size_t n = nul ? (size_t)(nul - data) : size;
	char *text = malloc(n + 1);
	const char *why;

	memcpy(text, data, n);
	text[n] = '\0';
	host_log_clear();
	cmdline_parse_into(&cl, text);
	free(text);
	why = cmdline_check(&cl);
	if (why) {
		printf("cmdline property failed: %s\n", why);
		abort();
	}
	return 0;
}
