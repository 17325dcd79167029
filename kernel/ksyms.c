/* Address to symbol name, for backtraces (table: tools/ksyms). */
#include <asm/layout.h>
#include <hilo/ksyms.h>

/**
 * ksyms_lookup - the text symbol that contains addr.  Binary search in the
 * sorted table.  Returns NULL outside the kernel's text.  Any context.
 */
const char *ksyms_lookup(unsigned long addr, unsigned long *offset,
			 unsigned long *size)
{
	unsigned int lo = 0, hi = ksyms_count;

	if (!ksyms_count || addr < ksyms[0].addr || addr >= (unsigned long)_etext)
		return NULL;
	while (hi - lo > 1) {			/* ksyms[lo].addr <= addr */
		unsigned int mid = (lo + hi) / 2;

		if (ksyms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (offset)
		*offset = addr - ksyms[lo].addr;
	if (size) {
		unsigned long next = ksyms[lo + 1].addr;

		/* The last symbol of .text ends at _etext, not at the marker. */
		if (next > (unsigned long)_etext)
			next = (unsigned long)_etext;
		*size = next - ksyms[lo].addr;
	}
	return ksyms[lo].name;
}
