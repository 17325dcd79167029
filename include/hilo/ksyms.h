/* The kernel's own symbol table, generated at link time by tools/ksyms. */
#ifndef HILO_KSYMS_H
#define HILO_KSYMS_H

struct ksym {
	unsigned long addr;
	const char *name;
};

/* Sorted by address; ksyms[ksyms_count] is an end marker. */
extern const struct ksym ksyms[];
extern const unsigned int ksyms_count;

/*
 * ksyms_lookup: the symbol containing addr, or NULL when addr is outside
 * the kernel's text.  *offset is set to addr - symbol start and *size to
 * the distance to the next symbol.
 */
const char *ksyms_lookup(unsigned long addr, unsigned long *offset,
			 unsigned long *size);

#endif
