/*
 * A minimal test harness for the host unit tests of the kernel's pure code
 * (memmap_test.c, cmdline_test.c, vsprintf_test.c, page_alloc_test.c,
 * elf_test.c): a table of cases, CHECK() failing the current case with
 * the file, line and condition, one "ok"/"not ok" line per case, then
 * "N passed, N failed" and a non-zero exit status when any failed.
 */
#ifndef TESTS_HOST_HOST_TEST_H
#define TESTS_HOST_HOST_TEST_H

#include <stdio.h>

struct host_case {
	const char *name;
	void (*fn)(void);
};

static int host_case_failed;

#define CHECK(c) do {							\
	if (!(c)) {							\
		printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c); \
		host_case_failed = 1;					\
		return;							\
	}								\
} while (0)

/* Like CHECK, with a printf-style explanation. */
#define CHECKF(c, ...) do {						\
	if (!(c)) {							\
		printf("  %s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #c); \
		printf(__VA_ARGS__);					\
		printf("\n");						\
		host_case_failed = 1;					\
		return;							\
	}								\
} while (0)

static inline int host_run(const char *suite, const struct host_case *c, unsigned int n)
{
	unsigned int passed = 0, failed = 0;

	for (unsigned int i = 0; i < n; i++) {
		host_case_failed = 0;
		c[i].fn();
		printf("%s %s.%s\n", host_case_failed ? "not ok" : "ok", suite, c[i].name);
		if (host_case_failed)
			failed++;
		else
			passed++;
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

#define HOST_CASE(fn) { #fn, fn }

#endif
