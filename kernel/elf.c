/*
 * The ELF parser of execve() (hilo/elf.h).  The header fields are read
 * with explicit little-endian loads, never by casting the image to a
 * struct: the image may be unaligned and every offset in it is checked
 * before it is followed.
 */
#include <hilo/elf.h>
#include <uapi/hilo/abi.h>
#include <uapi/hilo/errno.h>

#define EHDR_SIZE   52
#define PHDR_SIZE   32
#define ET_EXEC     2
#define EM_386      3
#define PT_LOAD     1
#define PF_X        1
#define PF_W        2
#define PF_R        4
#define ELF_PAGE    4096UL

static u32 rd32(const u8 *p) { return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24; }
static u16 rd16(const u8 *p) { return (u16)(p[0] | p[1] << 8); }

static int bad(const char **why, const char *reason)
{
	*why = reason;
	return -ENOEXEC;
}

/* check_header - the ELF identity and the fixed fields of a static i386 executable. */
static int check_header(const u8 *image, size_t size, const char **why)
{
	if (size < EHDR_SIZE)
		return bad(why, "shorter than an ELF header");
	if (image[0] != 0x7F || image[1] != 'E' || image[2] != 'L' || image[3] != 'F')
		return bad(why, "no ELF magic");
	if (image[4] != 1 || image[5] != 1 || image[6] != 1)
		return bad(why, "not 32-bit little-endian ELF version 1");
	if (rd16(image + 16) != ET_EXEC)
		return bad(why, "not an executable (ET_EXEC)");
	if (rd16(image + 18) != EM_386)
		return bad(why, "not an i386 program");
	if (rd16(image + 42) != PHDR_SIZE)
		return bad(why, "program header size is not 32");
	return 0;
}

/* add_segment - check one PT_LOAD and append it to info. */
static int add_segment(const u8 *ph, size_t size, unsigned long min_addr, unsigned long max_addr,
		       struct elf_info *info, const char **why)
{
	unsigned long offset = rd32(ph + 4), vaddr = rd32(ph + 8);
	unsigned long filesz = rd32(ph + 16), memsz = rd32(ph + 20);
	u32 flags = rd32(ph + 24);
	struct elf_segment *seg;

	if (info->nr_segments == ELF_MAX_SEGMENTS)
		return bad(why, "too many PT_LOAD segments");
	if (!memsz || filesz > memsz)
		return bad(why, "a segment is empty or its file part exceeds its memory");
	if (offset > size || filesz > size - offset)
		return bad(why, "a segment's file part lies outside the file");
	if (vaddr < min_addr || vaddr > max_addr || memsz > max_addr - vaddr)
		return bad(why, "a segment lies outside user space");
	if ((vaddr ^ offset) & (ELF_PAGE - 1))
		return bad(why, "a segment's address and file offset differ within a page");
	/*
	 * Page numbers, not the last end rounded up: an end in the last page
	 * below 4 GiB rounds up to 0 in 32 bits.  end >= 1 (memsz is not 0).
	 */
	if (info->nr_segments && vaddr / ELF_PAGE <= (info->end - 1) / ELF_PAGE)
		return bad(why, "segments overlap, share a page or are out of order");
	seg = &info->seg[info->nr_segments++];
	*seg = (struct elf_segment){
		.vaddr = vaddr, .memsz = memsz, .offset = offset, .filesz = filesz,
		.prot = ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
			((flags & PF_X) ? PROT_EXEC : 0),
	};
	info->end = vaddr + memsz;
	return 0;
}

/* entry_ok - the entry point lies in an executable segment. */
static bool entry_ok(const struct elf_info *info)
{
	for (unsigned int i = 0; i < info->nr_segments; i++) {
		const struct elf_segment *s = &info->seg[i];

		if ((s->prot & PROT_EXEC) && info->entry >= s->vaddr &&
		    info->entry - s->vaddr < s->memsz)
			return true;
	}
	return false;
}

/* elf_parse - see hilo/elf.h. */
int elf_parse(const u8 *image, size_t size, unsigned long min_addr, unsigned long max_addr,
	      struct elf_info *info, const char **why)
{
	unsigned long phoff;
	unsigned int phnum;
	int err = check_header(image, size, why);

	if (err)
		return err;
	*info = (struct elf_info){ .entry = rd32(image + 24) };
	phoff = rd32(image + 28);
	phnum = rd16(image + 44);
	if (!phnum || phoff > size || phnum > (size - phoff) / PHDR_SIZE)
		return bad(why, "the program headers lie outside the file");
	for (unsigned int i = 0; i < phnum; i++) {
		const u8 *ph = image + phoff + (size_t)i * PHDR_SIZE;

		if (rd32(ph) != PT_LOAD)
			continue;
		err = add_segment(ph, size, min_addr, max_addr, info, why);
		if (err)
			return err;
	}
	if (!info->nr_segments)
		return bad(why, "no PT_LOAD segment");
	if (!entry_ok(info))
		return bad(why, "the entry point is not in an executable segment");
	return 0;
}
