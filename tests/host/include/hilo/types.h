/*
 * Host shim for include/hilo/types.h: the same names, with u64 as
 * unsigned long long (as on i686, so "%llx" matches it under -Wformat) and
 * ssize_t as wide as size_t (as the kernel's int is on i686).
 */
#ifndef HILO_TYPES_H
#define HILO_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t  u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64;
typedef int8_t   s8;
typedef int16_t  s16;
typedef int32_t  s32;
typedef long long s64;

typedef u64 phys_addr_t;

typedef long ssize_t;

#endif
