/*
 * libFuzzer target: the memory-map sanitizer (mm/memmap.c) on any raw map.
 *
 * Input: one byte choosing the physical address width (32 + b % 32 bits),
 * one flags byte (bit 0: verbose), then raw entries of 20 bytes each as
 * multiboot gives them (addr u64, len u64, type u32, little-endian), at
 * most FUZZ_MEMMAP_MAX.  The result must have every property that
 * memmap_check.h lists.
 */
#include <string.h>

#include "hilo_host.h"
#include "memmap_check.h"

#define FUZZ_MEMMAP_MAX 160
#define ENTRY_BYTES 20

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct memmap out;
	struct boot_mmap_entry *raw;
	unsigned int n, nr;
	const char *why;
	u64 limit;

	if (size < 2)
		return 0;
	limit = 1ULL << (32 + data[0] % 32);
	n = (unsigned int)((size - 2) / ENTRY_BYTES);
	if (n > FUZZ_MEMMAP_MAX)
		n = FUZZ_MEMMAP_MAX;
	/* Exactly n entries on the heap: reading past them is an ASan report. */
	raw = malloc(sizeof(*raw) * (n ? n : 1));
	for (unsigned int i = 0; i < n; i++) {
		const u8 *p = data + 2 + i * ENTRY_BYTES;

		memcpy(&raw[i].addr, p, 8);
		memcpy(&raw[i].len, p + 8, 8);
		memcpy(&raw[i].type, p + 16, 4);
	}
	host_log_clear();
	nr = memmap_sanitize(n ? raw : NULL, n, limit, data[1] & 1, &out);
	why = memmap_check(raw, n, limit, &out, strstr(host_log, "more than") != NULL);
	if (nr != out.nr || why) {
		printf("memmap property failed: returned %u, out.nr %u: %s\n",
		       nr, out.nr, why ? why : "");
		abort();
	}
	free(raw);
	return 0;
}
