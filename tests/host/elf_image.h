/*
 * The ELF images of the ELF parser's host unit test (elf_test.c,
 * elf_mutate.c), built by spec: an ELF header, program headers and their
 * file parts, any field overridable.  base() is the header alone,
 * two_segments() and three_segments() small static programs as ld lays
 * them out; build() writes a spec into image[0, image_size).
 */
#ifndef TESTS_HOST_ELF_IMAGE_H
#define TESTS_HOST_ELF_IMAGE_H

#include <hilo/types.h>

#define PT_NULL      0
#define PT_LOAD      1
#define PT_NOTE      4
#define PT_GNU_STACK 0x6474E551U
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define ET_DYN    3
#define EM_X86_64 62

#define MAX_PH    12
#define IMAGE_MAX 0x4000

/* One program header, in file order. */
struct ph {
	u32 type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

/* What build() writes; start from two_segments() or three_segments(). */
struct spec {
	u8 ident[16];
	u16 type, machine, phentsize;
	u32 version, entry, phoff;
	int phnum;			/* e_phnum; -1: nr */
	unsigned int nr;		/* program headers written at phoff */
	struct ph ph[MAX_PH];
	long size;			/* the image's size; -1: up to the last thing written */
};

#define LOAD(off, va, fsz, msz, fl) \
	((struct ph){ PT_LOAD, (off), (va), (va), (fsz), (msz), (fl), 0x1000 })

struct spec base(void);
struct spec two_segments(void);
struct spec three_segments(void);

/* The last image build() wrote. */
extern u8 image[IMAGE_MAX];
extern size_t image_size;

void put32(u8 *p, u32 v);
void build(const struct spec *s);

#endif
