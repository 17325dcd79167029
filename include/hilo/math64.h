/*
 * 64-bit division on a 32-bit CPU without libgcc: the kernel links no
 * runtime library, so u64 / u32 goes through these.
 */
#ifndef HILO_MATH64_H
#define HILO_MATH64_H

#include <hilo/types.h>

/* *n /= base; returns the remainder.  base must not be 0. */
static inline u32 do_div64(u64 *n, u32 base)
{
	u32 hi = (u32)(*n >> 32), lo = (u32)*n, qhi, qlo, rem;

	qhi = hi / base;
	hi %= base;			/* now hi:lo / base fits in 32 bits */
	__asm__("divl %4" : "=a"(qlo), "=d"(rem) : "a"(lo), "d"(hi), "rm"(base));
	*n = ((u64)qhi << 32) | qlo;
	return rem;
}

static inline u64 div_u64(u64 n, u32 base)
{
	do_div64(&n, base);
	return n;
}

#endif
