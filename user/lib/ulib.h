/*
 * ulib: the runtime of hilo's user programs.  Freestanding: no C library,
 * nothing but what is here and in syscall.h.
 *
 *   start.asm    _start: main(argc, argv) on a 16-byte aligned stack, then
 *                exit(main's return value)
 *   syscall.[ch] one wrapper per system call, returning the raw result
 *   syscall6.asm the six-argument stub (the sixth argument is ebp)
 *   ulib.[ch]    strings and memory, printf, atoi, CHECK and FAIL
 *
 * The programs are tests that the kernel runs (execve by name) and judges
 * by their wait status and output.  A program exits 0 when all is well.
 * When something is wrong it prints one line
 *
 *     FAIL <program>: line <N>: <what>: <values>
 *
 * (CHECK: <what> is the failed condition as written) and exits with a
 * status of its own: for CHECK, N, the line of the failed check (255 past
 * line 254).  printf writes each call's output with one write(1, ...), so
 * lines of programs running at once do not mix.
 *
 * To add a program: write user/NAME.c with main(argc, argv), a comment at
 * the top saying what it proves, CHECK() for every expectation.  The
 * Makefile builds every user/NAME.c into $(BUILD)/user/NAME.elf, linked
 * with the C and NASM files of user/lib/ by user/user.ld, and embeds it
 * in the kernel, where execve("NAME", ...) finds it (kernel/user_programs.c).
 * The programs see include/uapi only: <hilo/unistd.h>, <hilo/errno.h>,
 * <hilo/abi.h>.
 */
#ifndef USER_ULIB_H
#define USER_ULIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "syscall.h"

#define PAGE_SIZE     4096UL
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __noreturn     __attribute__((noreturn))

int main(int argc, char **argv);

size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
/* Decimal, with an optional sign; stops at the first non-digit. */
int atoi(const char *s);

/*
 * printf: %d %i %u %x %c %s %p %%, the l and ll sizes (%lx, %llu, ...),
 * a width with '-' (left) or '0' (zero padding).  snprintf returns the
 * length the whole output would have had; printf cuts it at 511 bytes.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int printf(const char *fmt, ...) __printf(1, 2);

/* How many CHECKs this process has evaluated (efault prints it). */
extern unsigned int ulib_checks;

/*
 * Print "FAIL <program>: line <line>: <message>" and exit(code).  The
 * program's name is file's, without directory and ".c".  Use FAIL() and
 * CHECK(), which pass __FILE__ and __LINE__.
 */
void ulib_fail(const char *file, int line, int code, const char *fmt, ...)
	__printf(4, 5) __noreturn;

#define FAIL(code, fmt, ...) \
	ulib_fail(__FILE__, __LINE__, (code), fmt, ##__VA_ARGS__)

/*
 * CHECK(cond, fmt, ...): unless cond holds, print the failed condition
 * and the message (fmt, a string literal, with its values) and exit with
 * the check's line number.
 */
#define CHECK(cond, fmt, ...) do {						\
	ulib_checks++;								\
	if (!(cond))								\
		ulib_fail(__FILE__, __LINE__, __LINE__ < 255 ? __LINE__ : 255,	\
			  "%s: " fmt, #cond, ##__VA_ARGS__);			\
} while (0)

/*
 * addr as a pointer the compiler knows nothing about.  The tests make
 * bad accesses on purpose: through a plain constant, GCC would compile
 * *(int *)0 as a trap of its own instead of the access written.
 */
static inline void *opaque_ptr(unsigned long addr)
{
	__asm__("" : "+r"(addr));
	return (void *)addr;
}

#endif
