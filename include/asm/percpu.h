/*
 * Reaching this CPU's struct percpu through %fs, as Linux/i386 does.
 *
 * Every CPU's GDT has a per-CPU data segment (GDT_ENTRY_PERCPU, asm/desc.h)
 * whose base is that CPU's entry of percpu[]; %fs holds its selector from
 * the first instruction of start_kernel (or start_secondary) on, and every
 * trap entry reloads it.  So `mov %fs:OFFSET, reg` reads a field of the
 * running CPU's data in one instruction, and `add reg, %fs:OFFSET` changes
 * one: an interrupt, a preemption or a migration can come before or after
 * such an instruction, never in the middle of it.  That is what makes
 * current, smp_processor_id() and the preempt count correct without
 * disabling anything: a task that is migrated between two of them simply
 * reads the new CPU's fields with the second.
 *
 * The accessors take a field name of struct percpu (hilo/percpu.h).
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <hilo/compiler.h>
#include <hilo/types.h>

#define __percpu_offset(field) offsetof(struct percpu, field)

/* this_cpu_read - one field of the running CPU's data, in one instruction. */
#define this_cpu_read(field) ({                                               \
	__typeof__(((struct percpu *)0)->field) __v;                           \
	_Static_assert(sizeof(__v) == 1 || sizeof(__v) == 4,                   \
		       "per-CPU fields are 1 or 4 bytes");                    \
	if (sizeof(__v) == 1)                                                  \
		__asm__ __volatile__("movb %%fs:%c1, %0" : "=q"(__v)           \
				     : "i"(__percpu_offset(field)));           \
	else                                                                   \
		__asm__ __volatile__("movl %%fs:%c1, %0" : "=r"(__v)           \
				     : "i"(__percpu_offset(field)));           \
	__v; })

/* this_cpu_write - set one 4-byte or 1-byte field of the running CPU's data. */
#define this_cpu_write(field, val) do {                                       \
	__typeof__(((struct percpu *)0)->field) __v = (val);                   \
	if (sizeof(__v) == 1)                                                  \
		__asm__ __volatile__("movb %0, %%fs:%c1" :: "q"(__v),          \
				     "i"(__percpu_offset(field)) : "memory");  \
	else                                                                   \
		__asm__ __volatile__("movl %0, %%fs:%c1" :: "r"(__v),          \
				     "i"(__percpu_offset(field)) : "memory");  \
} while (0)

/*
 * this_cpu_add - add to a 4-byte field of the running CPU's data in one
 * instruction: atomic against interrupts and preemption, not against other
 * CPUs (no lock prefix), so only for fields no other CPU writes.
 */
#define this_cpu_add(field, val) do {                                         \
	_Static_assert(sizeof(((struct percpu *)0)->field) == 4,               \
		       "this_cpu_add takes a 4-byte field");                  \
	__asm__ __volatile__("addl %0, %%fs:%c1" :: "ri"((u32)(val)),          \
			     "i"(__percpu_offset(field)) : "memory");          \
} while (0)

#endif
