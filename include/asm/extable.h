/*
 * The exception table: for each kernel instruction that may fault on a
 * user address (the uaccess routines, asm/uaccess.h), where to go on if it
 * does.  The page fault handler first tries to make the page appear
 * (mm/memory.c); when that fails, or faults are disabled, it looks the
 * faulting eip up here and resumes at the fixup, which returns -EFAULT
 * (or the bytes not copied) instead of oopsing.  Entries are emitted by
 * _ASM_EXTABLE next to the instruction, into the linker section
 * __ex_table (linker.ld).
 */
#ifndef ASM_EXTABLE_H
#define ASM_EXTABLE_H

#include <hilo/types.h>

struct exception_table_entry {
	unsigned long insn, fixup;
};

#define _ASM_EXTABLE(from, to)                                  \
	" .pushsection __ex_table, \"a\"\n"                     \
	" .balign 4\n"                                          \
	" .long " #from ", " #to "\n"                           \
	" .popsection\n"

struct pt_regs;

/*
 * fixup_exception - when regs->eip is in the table, point it at the fixup
 * and return true.  Any context.
 */
bool fixup_exception(struct pt_regs *regs);

/* search_exception_table - the entry of insn, or NULL. */
const struct exception_table_entry *search_exception_table(unsigned long insn);

#endif
