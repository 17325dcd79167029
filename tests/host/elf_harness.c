/*
 * Parsing and checking for the ELF parser's host unit test (elf_harness.h):
 * each parse from a heap block of exactly the image's size, its result
 * checked by elf_check() and compared with the i686 build's, the
 * accepts/rejects helpers the cases use, and the parse of real files.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf32_compare.h"
#include "elf_harness.h"

struct elf_info info;
const char *why;
int ret;

bool parse_raw(const u8 *img, size_t size, unsigned long min_addr,
	       unsigned long max_addr, unsigned int misalign)
{
	u8 *block = malloc(size + misalign + 1);
	const char *bad;

	memcpy(block + misalign, img, size);
	memset(&info, 0xA5, sizeof(info));
	why = NULL;
	ret = elf_parse(block + misalign, size, min_addr, max_addr, &info, &why);
	bad = elf_check(block + misalign, size, min_addr, max_addr, ret, &info, why);
	free(block);
	if (bad) {
		printf("  returned %d (%s): %s\n", ret, why ? why : "", bad);
		return false;
	}
	return i686_agrees(img, size, min_addr, max_addr, ret, why, &info);
}

static bool parse_at(const struct spec *s, unsigned long min_addr, unsigned long max_addr)
{
	build(s);
	return parse_raw(image, image_size, min_addr, max_addr, 0);
}

bool accepts_at(const struct spec *s, unsigned long min_addr, unsigned long max_addr)
{
	if (!parse_at(s, min_addr, max_addr))
		return false;
	if (ret)
		printf("  rejected: %s\n", why);
	return ret == 0;
}

bool accepts(const struct spec *s)
{
	return accepts_at(s, ELF_USER_MIN, ELF_USER_MAX);
}

bool rejects_at(const struct spec *s, unsigned long min_addr, unsigned long max_addr,
		const char *reason)
{
	if (!parse_at(s, min_addr, max_addr))
		return false;
	if (ret != -ENOEXEC || strcmp(why, reason) != 0) {
		printf("  returned %d (%s), not -ENOEXEC (%s)\n", ret, ret ? why : "", reason);
		return false;
	}
	return true;
}

bool rejects(const struct spec *s, const char *reason)
{
	return rejects_at(s, ELF_USER_MIN, ELF_USER_MAX, reason);
}

bool seg_is(unsigned int i, unsigned long vaddr, unsigned long memsz,
	    unsigned long offset, unsigned long filesz, unsigned int prot)
{
	const struct elf_segment *s = &info.seg[i];

	return i < info.nr_segments && s->vaddr == vaddr && s->memsz == memsz &&
	       s->offset == offset && s->filesz == filesz && s->prot == prot;
}

bool all_parse(const char *pattern)
{
	glob_t g;

	if (glob(pattern, 0, NULL, &g) != 0) {
		printf("  skipped: no %s\n", pattern);
		return true;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "rb");
		static u8 file[1 << 22];
		size_t n = f ? fread(file, 1, sizeof(file), f) : 0;

		if (f)
			fclose(f);
		if (n == 0 || n >= sizeof(file)) {
			printf("  %s: unreadable or too large\n", g.gl_pathv[i]);
			globfree(&g);
			return false;
		}
		if (!parse_raw(file, n, ELF_USER_MIN, ELF_USER_MAX, 0) || ret != 0) {
			printf("  %s: %s\n", g.gl_pathv[i], ret ? why : "");
			globfree(&g);
			return false;
		}
	}
	globfree(&g);
	return true;
}
