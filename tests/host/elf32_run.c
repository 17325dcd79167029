/*
 * kernel/elf.c as the kernel runs it: built by the kernel's compiler with
 * the kernel's CFLAGS (i686: unsigned long and size_t are 32 bits), as a
 * static Linux program without a C library.  tests/host/elf_test.c starts
 * it (elf32_compare.c) and sends it every image it parses on the host, so
 * that the two builds must agree: an overflow guard that only holds with
 * a 64-bit unsigned long shows up as a difference.
 *
 * Protocol, little-endian u32s on stdin and stdout, until end of input:
 *   request:  size, min_addr, max_addr, then size bytes of image
 *   response: ret, entry, end, nr_segments,
 *             ELF_MAX_SEGMENTS x (vaddr, memsz, offset, filesz, prot),
 *             the length of why (0 on success), then why's bytes
 * An image larger than ELF32_RUN_MAX ends the program with status 2.
 */
#include <hilo/elf.h>

#define ELF32_RUN_MAX (1U << 20)

int elf32_main(void);
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

__asm__(".globl _start\n"
	"_start:\n"
	"	xorl %ebp, %ebp\n"
	"	call elf32_main\n"
	"	movl %eax, %ebx\n"
	"	movl $1, %eax\n"	/* exit */
	"	int $0x80\n"
	"	hlt\n");

/* GCC may call these for struct assignments even with -fno-builtin. */
void *memset(void *s, int c, size_t n)
{
	u8 *p = s;

	while (n--)
		*p++ = (u8)c;
	return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

/* read_all - exactly n bytes; false at end of input or on an error. */
static bool read_all(void *buf, size_t n)
{
	u8 *p = buf;

	while (n) {
		long got = sys3(3, 0, (long)p, (long)n);	/* read */

		if (got == -4)		/* EINTR */
			continue;
		if (got <= 0)
			return false;
		p += got;
		n -= (size_t)got;
	}
	return true;
}

static bool write_all(const void *buf, size_t n)
{
	const u8 *p = buf;

	while (n) {
		long put = sys3(4, 1, (long)p, (long)n);	/* write */

		if (put == -4)
			continue;
		if (put <= 0)
			return false;
		p += put;
		n -= (size_t)put;
	}
	return true;
}

static u8 image[ELF32_RUN_MAX];

int elf32_main(void)
{
	static u32 out[4 + ELF_MAX_SEGMENTS * 5 + 1];
	struct elf_info info;
	u32 req[3];

	while (read_all(req, sizeof(req))) {
		const char *why = NULL;
		size_t len = 0;
		int ret;

		if (req[0] > ELF32_RUN_MAX || !read_all(image, req[0]))
			return 2;
		memset(&info, 0, sizeof(info));
		ret = elf_parse(image, req[0], req[1], req[2], &info, &why);
		memset(out, 0, sizeof(out));
		out[0] = (u32)ret;
		out[1] = info.entry;
		out[2] = info.end;
		out[3] = info.nr_segments;
		for (unsigned int i = 0; i < ELF_MAX_SEGMENTS; i++) {
			const struct elf_segment *s = &info.seg[i];
			u32 *o = out + 4 + i * 5;

			o[0] = s->vaddr;
			o[1] = s->memsz;
			o[2] = s->offset;
			o[3] = s->filesz;
			o[4] = s->prot;
		}
		while (ret && why && why[len])
			len++;
		out[4 + ELF_MAX_SEGMENTS * 5] = (u32)len;
		if (!write_all(out, sizeof(out)) || !write_all(why ? why : "", len))
			return 3;
	}
	return 0;
}
