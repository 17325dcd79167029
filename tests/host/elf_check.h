/*
 * The properties of elf_parse()'s result (tests/host/elf_harness.c,
 * fuzz_elf.c), checked against the image's own bytes and in 64-bit
 * arithmetic, so that no check can wrap where the parser's might:
 *
 *   - it returns 0 or -ENOEXEC; -ENOEXEC with a reason in why;
 *   - on success the header is a 32-bit little-endian i386 ET_EXEC with
 *     32-byte program headers inside the file, entry is e_entry, and the
 *     segments are exactly the image's PT_LOADs in table order (1 to
 *     ELF_MAX_SEGMENTS of them) with prot from p_flags;
 *   - every segment is non-empty, lies in [min_addr, max_addr), has
 *     filesz <= memsz, its file part inside the file, vaddr and offset
 *     equal modulo 4096, and starts on a page above the last page of the
 *     segment before it (ascending, page-disjoint);
 *   - end is the end of the last segment, and the entry point lies in a
 *     segment with PROT_EXEC.
 */
#ifndef TESTS_HOST_ELF_CHECK_H
#define TESTS_HOST_ELF_CHECK_H

#include <hilo/elf.h>
#include <uapi/hilo/errno.h>
/* abi.h's struct timespec is also the C library's: renamed while it is read. */
#define timespec hilo_timespec
#include <uapi/hilo/abi.h>
#undef timespec

/* The bounds execve() passes (kernel/exec.c): USER_ADDR_MIN, and the stack's bottom. */
#define ELF_USER_MIN 0x00010000UL
#define ELF_USER_MAX (0xC0000000UL - (1UL << 20))

#define EC_PT_LOAD 1

static inline u32 ec_rd32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static inline u16 ec_rd16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

/* elf_check - NULL when the result has every property above, else the first it lacks. */
static inline const char *elf_check(const u8 *image, size_t size, unsigned long min_addr,
				    unsigned long max_addr, int ret,
				    const struct elf_info *info, const char *why)
{
	u64 phoff, last_page = 0;
	unsigned int phnum, nr = 0;
	bool entry_ok = false;

	if (ret == -ENOEXEC)
		return why && why[0] ? NULL : "-ENOEXEC without a reason";
	if (ret)
		return "neither 0 nor -ENOEXEC";
	if (size < 52 || ec_rd32(image) != 0x464C457FU || image[4] != 1 || image[5] != 1 ||
	    image[6] != 1 || ec_rd16(image + 16) != 2 || ec_rd16(image + 18) != 3 ||
	    ec_rd16(image + 42) != 32)
		return "accepted a header that is not a 32-bit LE i386 ET_EXEC";
	phoff = ec_rd32(image + 28);
	phnum = ec_rd16(image + 44);
	if (phoff + (u64)phnum * 32 > size)
		return "accepted program headers outside the file";
	if (info->entry != ec_rd32(image + 24))
		return "entry is not e_entry";
	if (info->nr_segments < 1 || info->nr_segments > ELF_MAX_SEGMENTS)
		return "nr_segments outside [1, ELF_MAX_SEGMENTS]";
	for (unsigned int i = 0; i < phnum; i++) {
		const u8 *ph = image + phoff + i * 32;
		const struct elf_segment *s;
		u32 flags = ec_rd32(ph + 24);
		u64 vaddr, memsz, offset, filesz;

		if (ec_rd32(ph) != EC_PT_LOAD)
			continue;
		if (nr == info->nr_segments)
			return "fewer segments than the image's PT_LOADs";
		s = &info->seg[nr];
		vaddr = s->vaddr, memsz = s->memsz, offset = s->offset, filesz = s->filesz;
		if (offset != ec_rd32(ph + 4) || vaddr != ec_rd32(ph + 8) ||
		    filesz != ec_rd32(ph + 16) || memsz != ec_rd32(ph + 20))
			return "a segment differs from its program header";
		if (s->prot != (((flags & 4) ? (unsigned int)PROT_READ : 0) |
				((flags & 2) ? (unsigned int)PROT_WRITE : 0) |
				((flags & 1) ? (unsigned int)PROT_EXEC : 0)))
			return "a segment's prot is not its p_flags";
		if (!memsz)
			return "an empty segment";
		if (vaddr < min_addr || vaddr + memsz > max_addr)
			return "a segment outside [min_addr, max_addr)";
		if (filesz > memsz)
			return "a segment's filesz exceeds its memsz";
		if (offset + filesz > size)
			return "a segment's file part outside the file";
		if ((vaddr ^ offset) & 4095)
			return "a segment's vaddr and offset differ modulo 4096";
		if (nr && vaddr / 4096 <= last_page)
			return "segments not ascending and page-disjoint";
		last_page = (vaddr + memsz - 1) / 4096;
		if ((s->prot & PROT_EXEC) && info->entry >= vaddr && info->entry < vaddr + memsz)
			entry_ok = true;
		if (++nr == info->nr_segments &&
		    info->end != vaddr + memsz)
			return "end is not the end of the last segment";
	}
	if (nr != info->nr_segments)
		return "more segments than the image's PT_LOADs";
	if (!entry_ok)
		return "the entry point is not in an executable segment";
	return NULL;
}

#endif
