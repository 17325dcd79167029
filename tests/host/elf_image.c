/*
 * The ELF image builder of the ELF parser's host unit test (elf_image.h):
 * the valid programs the cases start from, and build(), which writes a
 * spec's ELF header, program headers and file parts into image[].
 */
#include <string.h>

#include "elf_image.h"

struct spec base(void)
{
	return (struct spec){
		.ident = { 0x7F, 'E', 'L', 'F', 1, 1, 1 },
		.type = 2, .machine = 3, .phentsize = 32, .version = 1,
		.phoff = 52, .phnum = -1, .size = -1,
	};
}

/*
 * A small static program as ld lays one out: text (R+X) from offset 0,
 * headers included, and data with bss (R+W) on the next page.
 */
struct spec two_segments(void)
{
	struct spec s = base();

	s.nr = 2;
	s.ph[0] = LOAD(0, 0x10000, 0x100, 0x100, PF_R | PF_X);
	s.ph[1] = LOAD(0x100, 0x11100, 0x20, 0x1000, PF_R | PF_W);
	s.entry = 0x10074;
	return s;
}

/* Text (R+X), rodata (R), data and bss (R+W, memsz > filesz): one page each. */
struct spec three_segments(void)
{
	struct spec s = base();

	s.nr = 3;
	s.ph[0] = LOAD(0, 0x08048000, 0x1A0, 0x1A0, PF_R | PF_X);
	s.ph[1] = LOAD(0x1A0, 0x080491A0, 0x40, 0x40, PF_R);
	s.ph[2] = LOAD(0x1E0, 0x0804A1E0, 0x24, 0x2000, PF_R | PF_W);
	s.entry = 0x08048094;
	return s;
}

u8 image[IMAGE_MAX];
size_t image_size;

static void put16(u8 *p, u16 v) { p[0] = (u8)v; p[1] = (u8)(v >> 8); }
void put32(u8 *p, u32 v) { put16(p, (u16)v); put16(p + 2, (u16)(v >> 16)); }

/* build - the image of s in image[0, image_size): file parts first, headers over them. */
void build(const struct spec *s)
{
	u64 end = 52;

	memset(image, 0, sizeof(image));
	for (unsigned int i = 0; i < s->nr; i++) {
		u64 from = s->ph[i].offset, to = from + s->ph[i].filesz;

		if (s->ph[i].type != PT_LOAD || to > IMAGE_MAX)
			continue;
		for (u64 at = from; at < to; at++)
			image[at] = (u8)(0x90 ^ at);
		end = to > end ? to : end;
	}
	memcpy(image, s->ident, 16);
	put16(image + 16, s->type);
	put16(image + 18, s->machine);
	put32(image + 20, s->version);
	put32(image + 24, s->entry);
	put32(image + 28, s->phoff);
	put16(image + 40, 52);
	put16(image + 42, s->phentsize);
	put16(image + 44, (u16)(s->phnum < 0 ? (int)s->nr : s->phnum));
	for (unsigned int i = 0; i < s->nr; i++) {
		u64 at = (u64)s->phoff + i * 32;
		const struct ph *p = &s->ph[i];
		const u32 f[8] = { p->type, p->offset, p->vaddr, p->paddr,
				   p->filesz, p->memsz, p->flags, p->align };

		if (at + 32 > IMAGE_MAX)
			continue;
		for (unsigned int j = 0; j < 8; j++)
			put32(image + at + 4 * j, f[j]);
		end = at + 32 > end ? at + 32 : end;
	}
	image_size = s->size >= 0 ? (size_t)s->size : (size_t)end;
}
