/*
 * The C string and memory functions.  Plain loops, except memcpy and
 * memset, which use the string instructions: they move whole pages (the
 * compiler also emits calls to them on its own, so they must be correct
 * for any alignment and length).
 */
#include <hilo/compiler.h>
#include <hilo/string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;

	__asm__ __volatile__("rep movsl\n\tmovl %4, %%ecx\n\trep movsb"
			     : "+D"(d), "+S"(src), "=c"(n)
			     : "2"(n / 4), "r"(n % 4)
			     : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *s, int c, size_t n)
{
	void *d = s;
	u32 v = (u8)c * 0x01010101u;

	__asm__ __volatile__("rep stosl\n\tmovl %3, %%ecx\n\trep stosb"
			     : "+D"(d), "=c"(n)
			     : "1"(n / 4), "r"(n % 4), "a"(v)
			     : "memory");
	return s;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (!strncmp(haystack, needle, n))
			return (char *)haystack;
	return n ? NULL : (char *)haystack;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/**
 * glob_match - does str match pattern as a whole?  '*' matches any run of
 * characters (also none), '?' any one character, everything else itself.
 * Iterative with one backtrack point, so it cannot blow the stack.
 */
bool glob_match(const char *pattern, const char *str)
{
	const char *star = NULL, *resume = NULL;

	while (*str) {
		if (*pattern == '*') {
			star = pattern++;
			resume = str;
		} else if (*pattern == '?' || *pattern == *str) {
			pattern++;
			str++;
		} else if (star) {
			pattern = star + 1;
			str = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}

const char *glob_list_next(const char *list, char *buf, size_t size)
{
	size_t n;

	if (!*list)
		return NULL;
	n = strchr(list, ',') ? (size_t)(strchr(list, ',') - list) : strlen(list);
	strlcpy(buf, list, min(n + 1, size));
	return list + n + (list[n] == ',');
}

bool glob_list_match(const char *list, const char *str)
{
	char glob[128];

	while ((list = glob_list_next(list, glob, sizeof(glob))))
		if (glob_match(glob, str))
			return true;
	return false;
}
