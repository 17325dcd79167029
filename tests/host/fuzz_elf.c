/*
 * libFuzzer target: execve's ELF parser (kernel/elf.c).
 *
 * Input: the image, copied into a heap block of exactly its size (a read
 * past its end is an ASan report), parsed with the bounds execve() uses:
 * [USER_ADDR_MIN, USER_STACK_TOP - USER_STACK_SIZE).  The result must
 * have every property of elf_check.h: on success, segments that are the
 * image's PT_LOADs, inside the bounds and the file, filesz <= memsz,
 * ascending and page-disjoint, at most ELF_MAX_SEGMENTS, and the entry
 * point in an executable one; on failure, -ENOEXEC and a reason.
 *
 * An accepted image is parsed again with the tightest bounds, from its
 * first segment's start to its end, where it must give the same result,
 * and with bounds one byte tighter at either side, where it must be
 * refused as outside user space: off-by-ones in the bounds checks show
 * without the fuzzer having to find execve's exact bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_check.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static void fail(const char *what, int ret, const char *why)
{
	/* stderr: unbuffered, so the line survives abort() when logged to a file */
	fprintf(stderr, "elf property failed: %s (returned %d, why \"%s\")\n", what, ret,
		why ? why : "");
	abort();
}

/* again - parse with other bounds; *out gets the result. */
static int again(const u8 *image, size_t size, unsigned long min_addr,
		 unsigned long max_addr, struct elf_info *out, const char **why)
{
	memset(out, 0x5A, sizeof(*out));
	*why = NULL;
	return elf_parse(image, size, min_addr, max_addr, out, why);
}

static void check_tight_bounds(const u8 *image, size_t size, const struct elf_info *info)
{
	static const char outside[] = "a segment lies outside user space";
	unsigned long lo = info->seg[0].vaddr, hi = info->end;
	static struct elf_info other;
	const char *why;
	int ret;

	ret = again(image, size, lo, hi, &other, &why);
	if (ret || other.entry != info->entry || other.end != info->end ||
	    other.nr_segments != info->nr_segments ||
	    memcmp(other.seg, info->seg, sizeof(other.seg[0]) * info->nr_segments))
		fail("not the same result with [first vaddr, end) as bounds", ret, why);
	ret = again(image, size, lo + 1, hi, &other, &why);
	if (ret != -ENOEXEC || !why || strcmp(why, outside))
		fail("accepted with min_addr one above the first segment", ret, why);
	ret = again(image, size, lo, hi - 1, &other, &why);
	if (ret != -ENOEXEC || !why || strcmp(why, outside))
		fail("accepted with max_addr one below the end", ret, why);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct elf_info info;
	u8 *image = malloc(size ? size : 1);
	const char *why = NULL, *bad;
	int ret;

	memcpy(image, data, size);
	memset(&info, 0xA5, sizeof(info));
	ret = elf_parse(image, size, ELF_USER_MIN, ELF_USER_MAX, &info, &why);
	bad = elf_check(image, size, ELF_USER_MIN, ELF_USER_MAX, ret, &info, why);
	if (bad)
		fail(bad, ret, why);
	if (!ret)
		check_tight_bounds(image, size, &info);
	free(image);
	return 0;
}
