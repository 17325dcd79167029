/*
 * CPUs.  hilo runs on one CPU for now, but every per-CPU object is an
 * array indexed by CPU number (docs/design.md section 4), so SMP can come
 * without a rewrite: only this header changes.
 */
#ifndef HILO_SMP_H
#define HILO_SMP_H

#define NR_CPUS 1

#ifndef __ASSEMBLER__
/* The number of the CPU running the caller (0 .. NR_CPUS - 1). */
static inline unsigned int smp_processor_id(void)
{
	return 0;
}
#endif

#endif
