/*
 * printk, panic and the few other kernel symbols that mm/memmap.c,
 * kernel/cmdline.c and mm/page_alloc.c reach, for the host (see
 * hilo_host.h).  Formatting here uses the C library's vsnprintf: the
 * kernel's is under test in its own program (tests/host/vsprintf_test.c),
 * where it is renamed hilo_vsnprintf.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hilo_host.h"

#include <hilo/panic.h>
#include <hilo/printk.h>

jmp_buf *host_panic_jmp;
char host_panic_msg[512];
char host_log[1 << 20];
size_t host_log_len;
unsigned int host_log_lines;
bool host_log_echo;

int console_loglevel = LOGLEVEL_DEFAULT;

void host_log_clear(void)
{
	host_log[0] = '\0';
	host_log_len = 0;
	host_log_lines = 0;
}

int vprintk(const char *fmt, va_list ap)
{
	char line[1024];
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	size_t room = sizeof(host_log) - 1 - host_log_len;
	size_t len = strlen(line);

	if (len > room)
		len = room;
	memcpy(host_log + host_log_len, line, len);
	host_log_len += len;
	host_log[host_log_len] = '\0';
	host_log_lines++;
	if (host_log_echo)
		fputs(line, stdout);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(host_panic_msg, sizeof(host_panic_msg), fmt, ap);
	va_end(ap);
	if (host_panic_jmp)
		longjmp(*host_panic_jmp, 1);
	printf("panic: %s\n", host_panic_msg);
	fflush(stdout);
	abort();
}

void warn_slowpath(const char *file, int line, const char *func, const char *cond)
{
	panic("WARNING: %s: %s at %s:%d", func, cond, file, line);
}
