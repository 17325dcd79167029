/*
 * The comparison of the ELF parser's host unit test (elf_test.c) with
 * kernel/elf.c as the kernel's compiler builds it for i686, where
 * unsigned long has 32 bits: tests/host/elf32_run.c, run as a coprocess,
 * parses every image the host parses, and both results must be the same.
 */
#ifndef TESTS_HOST_ELF32_COMPARE_H
#define TESTS_HOST_ELF32_COMPARE_H

#include <hilo/elf.h>

/* i686_start - run path as a coprocess, and check that it answers. */
void i686_start(const char *path);
void i686_stop(void);

/* i686_off - why the i686 build does not run (the comparisons are skipped), or NULL. */
const char *i686_off(void);

/*
 * i686_agrees - whether the i686 build parses img[0, size) with these
 * bounds as the host did (ret, why, *info); true too when it cannot
 * answer.  A disagreement is reported.
 */
bool i686_agrees(const u8 *img, size_t size, unsigned long min_addr, unsigned long max_addr,
		 int ret, const char *why, const struct elf_info *info);

#endif
