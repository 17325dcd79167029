/*
 * What the kernel files built for the host (mm/memmap.c, kernel/cmdline.c,
 * kernel/vsprintf.c, mm/page_alloc.c) need from the rest of the kernel,
 * provided by tests/host/hilo_host.c: printk into a capture buffer, and a
 * panic() that a test can catch.
 *
 * HOST_CATCH_PANIC(stmt) runs stmt and is true when it panicked; the
 * message is then in host_panic_msg.  A panic outside it prints the
 * message and aborts, which ends the test program or fuzzer run.
 */
#ifndef TESTS_HOST_HILO_HOST_H
#define TESTS_HOST_HILO_HOST_H

#include <setjmp.h>

#include <hilo/types.h>

extern jmp_buf *host_panic_jmp;
extern char host_panic_msg[512];

/* printk's capture: everything since host_log_clear(), cut at its size. */
extern char host_log[1 << 20];
extern size_t host_log_len;
extern unsigned int host_log_lines;
extern bool host_log_echo;		/* also print each message on stdout */
void host_log_clear(void);

#define HOST_CATCH_PANIC(stmt) ({					\
	jmp_buf __jb, *volatile __prev = host_panic_jmp;		\
	volatile bool __panicked = false;				\
	host_panic_msg[0] = '\0';					\
	if (setjmp(__jb) == 0) {					\
		host_panic_jmp = &__jb;					\
		stmt;							\
	} else {							\
		__panicked = true;					\
	}								\
	host_panic_jmp = __prev;					\
	__panicked; })

#endif
