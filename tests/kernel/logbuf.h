/*
 * A helper the printk and cmdline tests share: did something reach the
 * log buffer since a given moment?  The log is a ring (see printk.h), so
 * a match may wrap around its end.
 */
#ifndef TESTS_LOGBUF_H
#define TESTS_LOGBUF_H

#include <hilo/compiler.h>
#include <hilo/printk.h>
#include <hilo/string.h>

static inline bool log_matches_at(u32 pos, const char *needle, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (log_buf[(pos + i) % LOG_BUF_SIZE] != needle[i])
			return false;
	return true;
}

/*
 * log_contains_since - whether needle was logged after log_head was since.
 * Only the bytes still in the ring are searched.
 */
static inline bool log_contains_since(u32 since, const char *needle)
{
	u32 head = READ_ONCE(log_head);
	u32 pos = head - since > LOG_BUF_SIZE ? head - LOG_BUF_SIZE : since;
	size_t n = strlen(needle);

	for (; head - pos >= n; pos++)
		if (log_matches_at(pos, needle, n))
			return true;
	return false;
}

#endif
