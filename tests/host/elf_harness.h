/*
 * How the ELF parser's host unit test (elf_test.c) runs elf_parse(): on an
 * image from the builder (elf_image.h) or raw bytes, then every result
 * checked against the properties of elf_check.h and the i686 build
 * (elf32_compare.h); accepts() and rejects(reason) for the cases, with
 * the parser's reasons, the last result in info, why and ret, and
 * all_parse() for real files.
 */
#ifndef TESTS_HOST_ELF_HARNESS_H
#define TESTS_HOST_ELF_HARNESS_H

#include "elf_check.h"
#include "elf_image.h"

/* The result of the last parse. */
extern struct elf_info info;
extern const char *why;
extern int ret;

/*
 * parse_raw - elf_parse img[0, size) from a heap block of exactly its size
 * at misalign bytes past an aligned address; then the properties, and the
 * i686 build's answer.  False, with a report, when either is wrong.
 */
bool parse_raw(const u8 *img, size_t size, unsigned long min_addr,
	       unsigned long max_addr, unsigned int misalign);

/* accepts_at / accepts - s parses with these bounds / with execve's. */
bool accepts_at(const struct spec *s, unsigned long min_addr, unsigned long max_addr);
bool accepts(const struct spec *s);

/* rejects_at / rejects - s is refused for exactly this reason. */
bool rejects_at(const struct spec *s, unsigned long min_addr, unsigned long max_addr,
		const char *reason);
bool rejects(const struct spec *s, const char *reason);

/* seg_is - segment i of the last result is exactly this. */
bool seg_is(unsigned int i, unsigned long vaddr, unsigned long memsz,
	    unsigned long offset, unsigned long filesz, unsigned int prot);

/*
 * all_parse - every file matching pattern parses with execve's bounds;
 * true when none does (reported as skipped).  A failure is reported.
 */
bool all_parse(const char *pattern);

#define R_X (PROT_READ | PROT_EXEC)
#define R_W (PROT_READ | PROT_WRITE)

static const char *const HEADER = "not 32-bit little-endian ELF version 1";
static const char *const PHDRS = "the program headers lie outside the file";
static const char *const SEGMENT = "a segment is empty or its file part exceeds its memory";
static const char *const FILE_PART = "a segment's file part lies outside the file";
static const char *const USER = "a segment lies outside user space";
static const char *const ORDER = "segments overlap, share a page or are out of order";
static const char *const ENTRY = "the entry point is not in an executable segment";

#endif
