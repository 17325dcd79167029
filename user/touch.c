/*
 * touch MIB [high]: an anonymous mapping of MIB MiB, every page written
 * and read back.  Proves that mmap2 gives demand-zero memory (a fresh
 * page reads 0), that every page of a large mapping holds its own data
 * (three words per page, a function of the page's address), and that
 * munmap takes it all away (no page, no mapping left).  With "high", on
 * a machine with highmem: every page comes from highmem, and its page
 * table too when the kernel says highpte (never when it does not).
 * Prints "touch: N pages ok".
 */
#include "ulib.h"

#define WORDS (PAGE_SIZE / 4)

/* The pattern: distinct per word and per run. */
static uint32_t pattern(unsigned long addr, uint32_t seed)
{
	uint32_t x = (uint32_t)addr * 2654435761u ^ seed;

	return x ^ x >> 15;
}

int main(int argc, char **argv)
{
	static const unsigned int offsets[] = { 0, WORDS / 2, WORDS - 1 };
	unsigned long len, base, npages, bad = 0;
	int high, mib;
	uint32_t seed;
	struct hilo_pageinfo pi;
	struct hilo_vmstat vs;
	long r;

	CHECK(argc >= 2, "usage: touch MIB [high]");
	mib = atoi(argv[1]);
	high = argc >= 3 && !strcmp(argv[2], "high");
	CHECK(mib > 0 && mib <= 2048, "MIB is %d", mib);
	len = (unsigned long)mib << 20;
	npages = len / PAGE_SIZE;
	seed = (uint32_t)sys_getpid() * 0x9e3779b9u;

	r = sys_mmap2(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(!sys_failed(r), "mmap2 of %d MiB returned %ld", mib, r);
	base = (unsigned long)r;
	CHECK(base % PAGE_SIZE == 0 && base + len <= 0xC0000000 && base + len > base,
	      "mmap2 returned 0x%lx for 0x%lx bytes", base, len);

	/* A fresh page is zero. */
	for (unsigned int i = 0; i < WORDS; i++) {
		uint32_t w = ((volatile uint32_t *)base)[i];

		CHECK(w == 0, "fresh page at 0x%lx: word %u is 0x%x", base, i, w);
	}

	/* Write three words of every page, then read them all back. */
	for (unsigned long p = 0; p < npages; p++) {
		volatile uint32_t *page = (volatile uint32_t *)(base + p * PAGE_SIZE);

		for (unsigned int k = 0; k < ARRAY_SIZE(offsets); k++)
			page[offsets[k]] = pattern((unsigned long)&page[offsets[k]], seed);
	}
	for (unsigned long p = 0; p < npages; p++) {
		volatile uint32_t *page = (volatile uint32_t *)(base + p * PAGE_SIZE);

		for (unsigned int k = 0; k < ARRAY_SIZE(offsets); k++) {
			uint32_t want = pattern((unsigned long)&page[offsets[k]], seed);
			uint32_t got = page[offsets[k]];

			if (got != want && bad++ < 5)
				printf("touch: page %lu, %p: 0x%x, want 0x%x\n",
				       p, (void *)&page[offsets[k]], got, want);
		}
	}
	CHECK(bad == 0, "%lu of %lu words read back wrong", bad, npages * 3);

	/* With high: where the pages and their page tables are. */
	if (high) {
		r = sys_hilo_vmstat(&vs);
		CHECK(r == 0, "hilo_vmstat returned %ld", r);
		CHECK(vs.has_highmem, "\"high\" on a machine without highmem");
		for (unsigned long p = 0; p < npages; p++) {
			unsigned long addr = base + p * PAGE_SIZE;
			int ok;

			r = sys_hilo_pageinfo(addr, &pi);
			CHECK(r == 0, "hilo_pageinfo(0x%lx) returned %ld", addr, r);
			ok = (pi.flags & HILO_PI_PRESENT) && pi.zone == HILO_ZONE_HIGHMEM &&
			     (pi.flags & HILO_PI_PT);
			if (vs.highpte)
				ok = ok && pi.pt_zone == HILO_ZONE_HIGHMEM;
			else
				ok = ok && pi.pt_zone != HILO_ZONE_HIGHMEM;
			if (!ok && bad++ < 5)
				printf("touch: page 0x%lx: flags 0x%x zone %u pfn 0x%llx, "
				       "page table zone %u pfn 0x%llx (highpte %u)\n",
				       addr, pi.flags, pi.zone, pi.pfn, pi.pt_zone, pi.pt_pfn,
				       vs.highpte);
		}
		CHECK(bad == 0, "%lu of %lu pages not where high wants them "
		      "(page in highmem, page table in highmem iff highpte %u)",
		      bad, npages, vs.highpte);
	}

	r = sys_munmap(base, len);
	CHECK(r == 0, "munmap(0x%lx, 0x%lx) returned %ld", base, len, r);
	r = sys_hilo_pageinfo(base, &pi);
	CHECK(r == 0, "hilo_pageinfo(0x%lx) after munmap returned %ld", base, r);
	CHECK(!(pi.flags & (HILO_PI_PRESENT | HILO_PI_VMA)),
	      "page 0x%lx after munmap: flags 0x%x", base, pi.flags);
	printf("touch: %lu pages ok\n", npages);
	return 0;
}
