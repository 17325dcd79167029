/*
 * The mutated images of the ELF parser's host unit test (elf_mutate.h):
 * two_segments() and three_segments() in turn, one to four edits each
 * (a byte, or a 32-bit field set to a value near an edge: 0, a page,
 * user space's bounds, 2^31, the last pages below 4 GiB, each +-1), half
 * of them in the headers, sometimes cut short, with three pairs of bounds
 * in turn; xorshift32 from a fixed seed.
 */
#include <string.h>

#include <hilo/compiler.h>

#include "elf_check.h"
#include "elf_image.h"
#include "elf_mutate.h"

/* xorshift32: the same mutations every run. */
static u32 rnd_state = 0x2545F491;

static u32 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

struct mutation mutate(unsigned int n)
{
	static const u32 edges[] = {
		0, 1, 0x20, 0xFFF, 0x1000, 0x1001, 0x10000, 0xFFFF, 0xBFF00000, 0xBFEFF000,
		0xC0000000, 0x7FFFFFFF, 0x80000000, 0xFFFFE000, 0xFFFFF000, 0xFFFFF800,
		0xFFFFFF00, 0xFFFFFFE0, 0xFFFFFFFF,
	};
	static const unsigned long bounds[][2] = {
		{ ELF_USER_MIN, ELF_USER_MAX }, { 0, 0xFFFFFFFF }, { 0x1000, 0xFFFFF000 },
	};
	struct spec specs[2] = { two_segments(), three_segments() };
	const unsigned long *b = bounds[n % ARRAY_SIZE(bounds)];
	unsigned int edits = 1 + rnd() % 4;
	static u8 copy[IMAGE_MAX];
	size_t size;

	build(&specs[n / 3 % 2]);
	size = image_size;
	memcpy(copy, image, size);
	while (edits--) {
		u32 r = rnd(), at = rnd() % (r & 0x80000000 ? (u32)size : 0xA0);

		if (r & 1) {
			copy[at] = (u8)(r >> 8);
		} else {
			at = (at & ~3U) < size - 4 ? at & ~3U : (u32)size - 4;
			put32(copy + at, edges[(r >> 1) % ARRAY_SIZE(edges)] +
					 (u32)((r >> 8) % 3) - 1);
		}
	}
	if (rnd() % 8 == 0)
		size = rnd() % (size + 1);
	return (struct mutation){ copy, size, b[0], b[1] };
}
