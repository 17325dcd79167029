/*
 * NR_CPUS: the most CPUs hilo runs on.  Every per-CPU object is an array
 * of this size, and the fixmap holds KM_MAX_IDX kmap_local slots for each
 * (asm/layout.h).  Assembler-safe: no C in here.
 */
#ifndef HILO_THREADS_H
#define HILO_THREADS_H

#define NR_CPUS 8

#endif
