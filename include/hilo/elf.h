/*
 * The ELF files execve() loads (kernel/elf.c): 32-bit, little-endian,
 * i386, ET_EXEC, static.  elf_parse() checks every field it uses against
 * the image's size and user space before the loader trusts it; it is pure
 * (no kernel state), so the host tests and a fuzzer run it too.
 */
#ifndef HILO_ELF_H
#define HILO_ELF_H

#include <hilo/types.h>

#define ELF_MAX_SEGMENTS 8

/* One PT_LOAD: memory [vaddr, vaddr + memsz) from file [offset, offset + filesz). */
struct elf_segment {
	unsigned long vaddr, memsz;
	unsigned long offset, filesz;
	unsigned int prot;		/* PROT_READ | PROT_WRITE | PROT_EXEC */
};

struct elf_info {
	unsigned long entry;
	unsigned long end;		/* the end of the highest segment */
	unsigned int nr_segments;
	struct elf_segment seg[ELF_MAX_SEGMENTS];	/* ascending, page-disjoint */
};

/*
 * elf_parse - check image[0, size) and describe its PT_LOADs in *info.
 * The segments must lie in [min_addr, max_addr), not share a page, and
 * have vaddr and offset equal modulo the page size; the entry point must
 * be in an executable segment.  Returns 0, or -ENOEXEC with *why saying
 * what is wrong.
 */
int elf_parse(const u8 *image, size_t size, unsigned long min_addr, unsigned long max_addr,
	      struct elf_info *info, const char **why);

#endif
