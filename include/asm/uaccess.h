/*
 * Access to user memory from the kernel (arch/x86/uaccess.c).
 *
 * Every routine checks the range against TASK_SIZE first (access_ok),
 * then touches user memory with instructions listed in the exception
 * table (asm/extable.h): a fault on a user address is resolved like a
 * user's own (demand-zero, copy-on-write, in the current mm), and one that
 * cannot be (no mapping, read-only, or page faults disabled) resumes at a
 * fixup.  So a bad user pointer is -EFAULT, never an oops.  They may
 * sleep (the fault path takes mmap_lock): task context, and only on the
 * current task's address space.  Inside pagefault_disable() (kmap_atomic)
 * a page that is not present is -EFAULT as well.
 */
#ifndef ASM_UACCESS_H
#define ASM_UACCESS_H

#include <asm/extable.h>
#include <asm/layout.h>
#include <hilo/compiler.h>
#include <hilo/types.h>
#include <uapi/hilo/errno.h>

/* access_ok - [addr, addr + size) lies in user space (no wrap-around). */
static inline bool access_ok(const void *addr, unsigned long size)
{
	unsigned long a = (unsigned long)addr;

	return size <= TASK_SIZE && a <= TASK_SIZE - size;
}

/*
 * copy_to_user, copy_from_user - copy n bytes; return the number NOT
 * copied (0 on success), as Linux's.  A failed copy_from_user zeroes the
 * rest of the kernel buffer.
 */
unsigned long copy_to_user(void *to, const void *from, unsigned long n);
unsigned long copy_from_user(void *to, const void *from, unsigned long n);

/*
 * strncpy_from_user - copy a NUL-terminated string of at most count - 1
 * characters; returns its length, -EFAULT, or -ENAMETOOLONG when no NUL
 * came within count bytes.
 */
long strncpy_from_user(char *dst, const char *src, long count);

/*
 * get_kernel_nofault_u32 - read a kernel word that may not be mapped: 0,
 * or -EFAULT when the read faulted (the fault path's fixup).  Any context.
 */
int get_kernel_nofault_u32(u32 *val, const void *addr);

/* get_user_u32, put_user_u32 - one aligned-or-not 32-bit word: 0 or -EFAULT. */
int get_user_u32(u32 *val, const void *uptr);
int put_user_u32(u32 val, void *uptr);

/*
 * get_user(x, ptr), put_user(x, ptr) - a 32-bit (or smaller) value, as
 * Linux's macros for those sizes: 0 or -EFAULT.
 */
#define get_user(x, ptr) ({                                             \
	u32 __gu_val = 0;                                               \
	_Static_assert(sizeof(*(ptr)) == 4, "get_user: 32-bit values"); \
	int __gu_err = get_user_u32(&__gu_val, (ptr));                  \
	(x) = (__typeof__(*(ptr)))__gu_val;                             \
	__gu_err; })
#define put_user(x, ptr) ({                                             \
	_Static_assert(sizeof(*(ptr)) == 4, "put_user: 32-bit values"); \
	put_user_u32((u32)(x), (ptr)); })

#endif
