/*
 * Host unit tests of execve's ELF parser (kernel/elf.c): the table of
 * cases, the valid layouts and every rejection with its reason, on images
 * built by spec (elf_image.h) and parsed by elf_harness.h, which checks
 * every result against the properties of elf_check.h and the i686 build
 * (elf32_compare.h); then mutated images (elf_mutate.h) and the user
 * programs of this build.
 */
#include <stdio.h>
#include <string.h>

#include <hilo/compiler.h>

#include "elf32_compare.h"
#include "elf_harness.h"
#include "elf_mutate.h"
#include "host_test.h"

/* ---- the cases ---- */

static void two_segments_text_and_data_with_bss(void)
{
	struct spec s = two_segments();

	CHECK(accepts(&s));
	CHECK(info.nr_segments == 2 && info.entry == 0x10074 && info.end == 0x12100);
	CHECK(seg_is(0, 0x10000, 0x100, 0, 0x100, R_X));
	CHECK(seg_is(1, 0x11100, 0x1000, 0x100, 0x20, R_W));
}

static void three_segments_text_rodata_and_data_with_bss(void)
{
	struct spec s = three_segments();

	CHECK(accepts(&s));
	CHECK(info.nr_segments == 3 && info.entry == 0x08048094 && info.end == 0x0804C1E0);
	CHECK(seg_is(0, 0x08048000, 0x1A0, 0, 0x1A0, R_X));
	CHECK(seg_is(1, 0x080491A0, 0x40, 0x1A0, 0x40, PROT_READ));
	CHECK(seg_is(2, 0x0804A1E0, 0x2000, 0x1E0, 0x24, R_W));
}

static void prot_follows_each_flag(void)
{
	struct spec s = three_segments();

	s.ph[1].flags = 0;
	s.ph[2].flags = PF_W;
	s.ph[0].flags = PF_X | PF_W | PF_R | 0xF0000000;	/* PF_MASKPROC bits ignored */
	CHECK(accepts(&s));
	CHECK(info.seg[0].prot == (PROT_READ | PROT_WRITE | PROT_EXEC));
	CHECK(info.seg[1].prot == PROT_NONE && info.seg[2].prot == PROT_WRITE);
	s.ph[0].flags = PF_X;
	CHECK(accepts(&s));
	CHECK(info.seg[0].prot == PROT_EXEC);
}

static void other_program_headers_are_skipped(void)
{
	struct spec s = two_segments();

	/* PT_NOTE and PT_GNU_STACK with fields that no PT_LOAD could have. */
	s.nr = 5;
	s.ph[2] = s.ph[1];
	s.ph[1] = (struct ph){ PT_GNU_STACK, 0, 0, 0, 0, 0, PF_R | PF_W, 16 };
	s.ph[3] = (struct ph){ PT_NOTE, 0xFFFFFFF0, 0xFFFFF000, 0, 0x100, 0, PF_R, 4 };
	s.ph[4] = (struct ph){ PT_NULL, 0, 0, 0, 0, 0, 0, 0 };
	s.ph[0].filesz = s.ph[0].memsz = 0x100;	/* still covers the 5 headers (212 bytes) */
	CHECK(accepts(&s));
	CHECK(info.nr_segments == 2 && info.end == 0x12100);
	CHECK(seg_is(1, 0x11100, 0x1000, 0x100, 0x20, R_W));
}

static void an_unaligned_image_parses_the_same(void)
{
	struct spec s = three_segments();

	build(&s);
	for (unsigned int misalign = 1; misalign < 4; misalign++) {
		CHECK(parse_raw(image, image_size, ELF_USER_MIN, ELF_USER_MAX, misalign));
		CHECK(ret == 0 && info.nr_segments == 3 && info.end == 0x0804C1E0);
	}
}

static void too_short_for_a_header(void)
{
	struct spec s = two_segments();

	s.size = 51;
	CHECK(rejects(&s, "shorter than an ELF header"));
	s.size = 0;
	CHECK(rejects(&s, "shorter than an ELF header"));
}

static void bad_magic(void)
{
	struct spec s = two_segments();

	for (unsigned int i = 0; i < 4; i++) {
		s = two_segments();
		s.ident[i] ^= 0x20;
		CHECK(rejects(&s, "no ELF magic"));
	}
}

static void a_64_bit_big_endian_or_unknown_version_file(void)
{
	struct spec s = two_segments();

	s.ident[4] = 2;		/* ELFCLASS64 */
	CHECK(rejects(&s, HEADER));
	s = two_segments();
	s.ident[5] = 2;		/* ELFDATA2MSB */
	CHECK(rejects(&s, HEADER));
	s = two_segments();
	s.ident[6] = 0;		/* EV_NONE */
	CHECK(rejects(&s, HEADER));
}

static void not_an_executable(void)
{
	struct spec s = two_segments();

	s.type = ET_DYN;
	CHECK(rejects(&s, "not an executable (ET_EXEC)"));
	s.type = 1;		/* ET_REL */
	CHECK(rejects(&s, "not an executable (ET_EXEC)"));
}

static void not_an_i386_program(void)
{
	struct spec s = two_segments();

	s.machine = EM_X86_64;
	CHECK(rejects(&s, "not an i386 program"));
}

static void program_header_size_not_32(void)
{
	struct spec s = two_segments();

	s.phentsize = 56;	/* Elf64_Phdr */
	CHECK(rejects(&s, "program header size is not 32"));
	s.phentsize = 0;
	CHECK(rejects(&s, "program header size is not 32"));
}

static void program_headers_past_the_end(void)
{
	struct spec s = two_segments();

	s.size = 52 + 2 * 32 - 1;	/* the table's last byte missing */
	CHECK(rejects(&s, PHDRS));
	s.size = 0x120;			/* the file as two_segments() has it */
	s.phoff = 0x120 - 2 * 32 + 1;	/* the table one byte past the end */
	CHECK(rejects(&s, PHDRS));
	s.phoff = 0x121;		/* past the end */
	CHECK(rejects(&s, PHDRS));
	s = two_segments();
	s.phnum = 8;			/* more than the file's 0x120 bytes hold */
	CHECK(rejects(&s, PHDRS));
	s.phnum = 0xFFFF;
	CHECK(rejects(&s, PHDRS));
	s.phnum = 0;
	CHECK(rejects(&s, PHDRS));
	/* phoff + phnum * 32 is 2^32 + 0x20: 0x20 in 32 bits, inside the file. */
	s.phoff = 0xFFFFFFE0;
	s.phnum = 2;
	CHECK(rejects(&s, PHDRS));
	s.phoff = 0xFFFFFF00;
	s.phnum = 8;			/* 2^32 exactly: 0 in 32 bits */
	CHECK(rejects(&s, PHDRS));
}

static void no_pt_load(void)
{
	struct spec s = two_segments();

	s.ph[0].type = PT_NOTE;
	s.ph[1].type = PT_GNU_STACK;
	s.size = 0x120;
	CHECK(rejects(&s, "no PT_LOAD segment"));
}

static void at_most_elf_max_segments(void)
{
	struct spec s = base();

	s.nr = ELF_MAX_SEGMENTS + 1;
	s.phoff = 0x40;
	for (unsigned int i = 0; i < s.nr; i++) {
		u32 off = 0x200 + i * 0x10;

		s.ph[i] = LOAD(off, 0x10000 + i * 0x1000 + off, 0x10, 0x10, PF_R);
	}
	s.ph[0].flags = PF_R | PF_X;
	s.entry = s.ph[0].vaddr;
	CHECK(rejects(&s, "too many PT_LOAD segments"));
	s.ph[ELF_MAX_SEGMENTS].type = PT_GNU_STACK;
	CHECK(accepts(&s));
	CHECK(info.nr_segments == ELF_MAX_SEGMENTS);
	CHECK(seg_is(ELF_MAX_SEGMENTS - 1, 0x17270, 0x10, 0x270, 0x10, PROT_READ));
}

static void an_empty_segment(void)
{
	struct spec s = two_segments();

	s.ph[1].memsz = 0;
	s.ph[1].filesz = 0;
	CHECK(rejects(&s, SEGMENT));
}

static void filesz_beyond_memsz(void)
{
	struct spec s = two_segments();

	s.ph[1].memsz = 0x1F;
	CHECK(rejects(&s, SEGMENT));
	s.ph[1].memsz = 0x20;		/* equal is fine: no bss */
	CHECK(accepts(&s));
}

static void file_part_past_the_end(void)
{
	struct spec s = two_segments();

	s.size = 0x11F;
	CHECK(rejects(&s, FILE_PART));
	s.size = 0x120;
	CHECK(accepts(&s));
	s.ph[1].offset = 0x1100;	/* an offset past the end, even with nothing to read */
	s.ph[1].filesz = 0;
	CHECK(rejects(&s, FILE_PART));
	/* offset + filesz is 2^32 + 0x100: 0x100 in 32 bits, inside the file. */
	s.ph[1] = LOAD(0xFFFFF100, 0x11100, 0x1000, 0x1000, PF_R | PF_W);
	CHECK(rejects(&s, FILE_PART));
	s.ph[1] = LOAD(0x100, 0x11100, 0xFFFFFF00, 0xFFFFFF00, PF_R | PF_W);
	CHECK(rejects(&s, FILE_PART));
}

static void a_segment_below_min_addr(void)
{
	struct spec s = two_segments();

	s.ph[0].vaddr = 0xF000;
	s.entry = 0xF074;
	CHECK(rejects(&s, USER));
	s.ph[0].vaddr = 0;
	s.entry = 0x74;
	CHECK(rejects(&s, USER));
	s.ph[0].vaddr = 0x10000;	/* exactly min_addr */
	s.entry = 0x10074;
	CHECK(accepts(&s));
}

static void a_segment_past_max_addr(void)
{
	struct spec s = two_segments();

	s.ph[1].memsz = ELF_USER_MAX - 0x11100 + 1;
	CHECK(rejects(&s, USER));
	s.ph[1].memsz = ELF_USER_MAX - 0x11100;		/* ends at max_addr */
	CHECK(accepts(&s));
	CHECK(info.end == ELF_USER_MAX);
	s.ph[1] = LOAD(0x100, ELF_USER_MAX + 0x100, 0x20, 0x20, PF_R | PF_W);
	CHECK(rejects(&s, USER));
	s.ph[1].vaddr = 0xC0000100;			/* kernel space */
	CHECK(rejects(&s, USER));
	s.ph[1].vaddr = 0xFFFFF100;
	CHECK(rejects(&s, USER));
}

static void a_segment_wrapping_past_4_gib(void)
{
	struct spec s = two_segments();

	/* vaddr + memsz is 2^32 + 0x10100: 0x10100 in 32 bits, below max_addr. */
	s.ph[1].memsz = 0xFFFFF000;
	CHECK(rejects(&s, USER));
	CHECK(rejects_at(&s, 0x10000, 0xFFFFFFFF, USER));
	s.ph[1] = LOAD(0x100, 0xFFFFF100, 0x20, 0x1000, PF_R | PF_W);
	CHECK(rejects_at(&s, 0x10000, 0xFFFFFFFF, USER));
	s.ph[1].memsz = 0xEFF;				/* ends at 0xFFFFFFFF */
	CHECK(accepts_at(&s, 0x10000, 0xFFFFFFFF));
	CHECK(info.end == 0xFFFFFFFF);
}

static void vaddr_and_offset_differ_within_a_page(void)
{
	struct spec s = two_segments();

	s.ph[1].vaddr = 0x11000;
	CHECK(rejects(&s, "a segment's address and file offset differ within a page"));
	s.ph[1].vaddr = 0x11104;
	CHECK(rejects(&s, "a segment's address and file offset differ within a page"));
}

static void overlapping_segments(void)
{
	struct spec s = three_segments();

	s.ph[1].vaddr = 0x08048100;		/* inside the text */
	s.ph[1].offset = 0x100;
	CHECK(rejects(&s, ORDER));
	s = three_segments();
	s.ph[2].vaddr = 0x080491E0;		/* the same page as rodata */
	CHECK(rejects(&s, ORDER));
	s = three_segments();
	s.ph[1] = s.ph[0];			/* the same segment twice */
	CHECK(rejects(&s, ORDER));
}

static void two_segments_sharing_a_page(void)
{
	struct spec s = two_segments();

	s.ph[1].vaddr = 0x10100;		/* right after the text, no byte shared */
	CHECK(rejects(&s, ORDER));
	s = two_segments();
	s.ph[0].memsz = 0x1001;			/* the text's last byte is on data's page */
	CHECK(rejects(&s, ORDER));
	s.ph[0].memsz = 0x1000;			/* ends on the page boundary */
	CHECK(accepts(&s));
}

static void out_of_order_segments(void)
{
	struct spec s = three_segments();
	struct ph text = s.ph[0];

	s.ph[0] = s.ph[1];
	s.ph[1] = text;
	CHECK(rejects(&s, ORDER));
	s = three_segments();
	text = s.ph[2];
	s.ph[2] = s.ph[1];
	s.ph[1] = text;
	CHECK(rejects(&s, ORDER));
}

/*
 * A segment that ends in the last page below 4 GiB: rounding its end up
 * to a page wraps to 0 where unsigned long has 32 bits.  Any segment after
 * it must still be refused (with max_addr 0xFFFFFFFF; execve's bounds
 * never come near).  Run by the i686 build too.
 */
static void order_is_checked_up_to_the_last_page(void)
{
	struct spec s = two_segments();

	s.ph[0] = LOAD(0, 0xFFFFE000, 0x100, 0x1800, PF_R | PF_X);
	s.entry = 0xFFFFE074;
	s.ph[1] = LOAD(0x100, 0x10100, 0x20, 0x20, PF_R | PF_W);	/* below: out of order */
	CHECK(rejects_at(&s, 0x10000, 0xFFFFFFFF, ORDER));
	s.ph[1].vaddr = 0xFFFFE100;					/* overlapping */
	CHECK(rejects_at(&s, 0x10000, 0xFFFFFFFF, ORDER));
	s.ph[1].vaddr = 0xFFFFF100;					/* sharing a page */
	CHECK(rejects_at(&s, 0x10000, 0xFFFFFFFF, ORDER));
	s.ph[0].memsz = 0x1000;						/* ends at 0xFFFFF000 */
	CHECK(accepts_at(&s, 0x10000, 0xFFFFFFFF));
	CHECK(info.nr_segments == 2 && info.end == 0xFFFFF120);
	if (i686_off())
		printf("  not run by the i686 build: %s\n", i686_off());
}

static void entry_outside_every_executable_segment(void)
{
	struct spec s = three_segments();

	s.entry = 0;
	CHECK(rejects(&s, ENTRY));
	s.entry = 0x080481A0;			/* one past the text */
	CHECK(rejects(&s, ENTRY));
	s.entry = 0x080491A0;			/* rodata */
	CHECK(rejects(&s, ENTRY));
	s.entry = 0x0804B000;			/* bss */
	CHECK(rejects(&s, ENTRY));
	s.entry = 0x08048000;			/* the first byte of the text */
	CHECK(accepts(&s));
	s.entry = 0x0804819F;			/* its last */
	CHECK(accepts(&s));
	s.ph[0].flags = PF_R;			/* no executable segment at all */
	CHECK(rejects(&s, ENTRY));
	s = three_segments();
	s.ph[2].flags = PF_R | PF_W | PF_X;	/* the entry in an executable data segment */
	s.entry = 0x0804A1E0;
	CHECK(accepts(&s));
}

/* Mutated images (elf_mutate.h): every result has the properties, the i686 build agrees. */
static void mutated_images_keep_the_properties(void)
{
	unsigned int accepted = 0, runs = 30000;

	for (unsigned int n = 0; n < runs; n++) {
		struct mutation m = mutate(n);

		CHECKF(parse_raw(m.image, m.size, m.min_addr, m.max_addr, 0), "mutation %u", n);
		accepted += ret == 0;
	}
	CHECKF(accepted > runs / 50 && accepted < runs, "%u of %u accepted", accepted, runs);
}

static char user_glob[4096];

/* The user programs of this build, $(BUILD)/user/NAME.elf, when there are any. */
static void the_user_programs_parse(void)
{
	CHECK(all_parse(user_glob));
}

static const struct host_case cases[] = {
	HOST_CASE(two_segments_text_and_data_with_bss),
	HOST_CASE(three_segments_text_rodata_and_data_with_bss),
	HOST_CASE(prot_follows_each_flag),
	HOST_CASE(other_program_headers_are_skipped),
	HOST_CASE(an_unaligned_image_parses_the_same),
	HOST_CASE(too_short_for_a_header),
	HOST_CASE(bad_magic),
	HOST_CASE(a_64_bit_big_endian_or_unknown_version_file),
	HOST_CASE(not_an_executable),
	HOST_CASE(not_an_i386_program),
	HOST_CASE(program_header_size_not_32),
	HOST_CASE(program_headers_past_the_end),
	HOST_CASE(no_pt_load),
	HOST_CASE(at_most_elf_max_segments),
	HOST_CASE(an_empty_segment),
	HOST_CASE(filesz_beyond_memsz),
	HOST_CASE(file_part_past_the_end),
	HOST_CASE(a_segment_below_min_addr),
	HOST_CASE(a_segment_past_max_addr),
	HOST_CASE(a_segment_wrapping_past_4_gib),
	HOST_CASE(vaddr_and_offset_differ_within_a_page),
	HOST_CASE(overlapping_segments),
	HOST_CASE(two_segments_sharing_a_page),
	HOST_CASE(out_of_order_segments),
	HOST_CASE(order_is_checked_up_to_the_last_page),
	HOST_CASE(entry_outside_every_executable_segment),
	HOST_CASE(mutated_images_keep_the_properties),
	HOST_CASE(the_user_programs_parse),
};

/* The i686 build and the user programs are found next to this program: $(BUILD)/host/. */
int main(int argc, char **argv)
{
	const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
	int dir = slash ? (int)(slash - argv[0]) : 1;
	const char *base_dir = slash ? argv[0] : ".";
	char path[4096];
	int status;

	snprintf(path, sizeof(path), "%.*s/elf32_run", dir, base_dir);
	snprintf(user_glob, sizeof(user_glob), "%.*s/../user/*.elf", dir, base_dir);
	i686_start(path);
	if (i686_off())
		printf("# %s: %s; the i686 comparisons are skipped\n", path, i686_off());
	status = host_run("elf", cases, ARRAY_SIZE(cases));
	i686_stop();
	return status;
}