/* The C string and memory functions the kernel needs (kernel/string.c). */
#ifndef HILO_STRING_H
#define HILO_STRING_H

#include <hilo/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
/* Copy at most size-1 bytes and always terminate; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

/* Shell-style glob: '*' any run, '?' any one character.  Whole string. */
bool glob_match(const char *pattern, const char *str);

/*
 * glob_list_next - the next item of a comma-separated list (test=a,b*).
 * Copies it into buf (cut to size - 1 bytes) and returns where the item
 * after it starts, or NULL when list is at its end.  Usage:
 *     for (p = list; (p = glob_list_next(p, glob, sizeof(glob))); )
 */
const char *glob_list_next(const char *list, char *buf, size_t size);

/* glob_list_match - does any glob of the comma-separated list match str? */
bool glob_list_match(const char *list, const char *str);

#endif
