/* Fixed-width types and the few freestanding headers every file needs. */
#ifndef HILO_TYPES_H
#define HILO_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t  u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t   s8;
typedef int16_t  s16;
typedef int32_t  s32;
typedef int64_t  s64;

/* Physical addresses are 64-bit: PAE reaches 36 bits and beyond. */
typedef u64 phys_addr_t;

typedef int ssize_t;

#endif
