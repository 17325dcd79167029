/*
 * The mutated images of the ELF parser's host unit test (elf_test.c's
 * mutated_images_keep_the_properties): valid images from the builder
 * (elf_image.h) with bytes and 32-bit fields overwritten at random, from
 * a fixed seed, so every run parses the same images.
 */
#ifndef TESTS_HOST_ELF_MUTATE_H
#define TESTS_HOST_ELF_MUTATE_H

#include <hilo/types.h>

struct mutation {
	const u8 *image;		/* valid until the next mutate() */
	size_t size;
	unsigned long min_addr, max_addr;	/* the bounds to parse it with */
};

/* mutate - mutation n; call it for n = 0, 1, 2, ... in turn. */
struct mutation mutate(unsigned int n);

#endif
