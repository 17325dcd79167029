/* The kernel's vsnprintf and snprintf under their host names (hilo_vsprintf.c). */
#ifndef TESTS_HOST_HILO_VSPRINTF_H
#define TESTS_HOST_HILO_VSPRINTF_H

#include <stdarg.h>
#include <stddef.h>

int hilo_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hilo_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
