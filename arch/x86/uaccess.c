/*
 * The uaccess routines (asm/uaccess.h) and the exception table search
 * (asm/extable.h).
 *
 * Each access to user memory is one instruction with a table entry: rep
 * movsb for copies (a fault leaves ecx = bytes not copied, which the
 * fixup returns), a mov for a word.  The table is short and searched
 * linearly; it is only read on a fault the page tables could not fix.
 */
#include <asm/extable.h>
#include <asm/ptrace.h>
#include <asm/uaccess.h>
#include <hilo/preempt.h>
#include <hilo/string.h>

extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

/* search_exception_table - see asm/extable.h. */
const struct exception_table_entry *search_exception_table(unsigned long insn)
{
	for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++)
		if (e->insn == insn)
			return e;
	return NULL;
}

/* fixup_exception - see asm/extable.h. */
bool fixup_exception(struct pt_regs *regs)
{
	const struct exception_table_entry *e = search_exception_table(regs->eip);

	if (!e)
		return false;
	regs->eip = e->fixup;
	return true;
}

/*
 * might_fault - the access may take mmap_lock in the fault path, so it may
 * sleep; not inside pagefault_disable(), where a fault becomes -EFAULT.
 */
static void might_fault(void)
{
	if (!pagefault_disabled())
		might_sleep();
}

/*
 * __copy_user - rep movsb between a user and a kernel buffer; returns the
 * bytes left when a user page could not be made present.
 */
static unsigned long __copy_user(void *to, const void *from, unsigned long n)
{
	__asm__ __volatile__("1:	rep movsb\n"
			     "2:\n"
			     _ASM_EXTABLE(1b, 2b)
			     : "+c"(n), "+D"(to), "+S"(from)
			     :: "memory");
	return n;
}

/* copy_to_user - see asm/uaccess.h. */
unsigned long copy_to_user(void *to, const void *from, unsigned long n)
{
	might_fault();
	if (!access_ok(to, n))
		return n;
	return __copy_user(to, from, n);
}

/* copy_from_user - see asm/uaccess.h. */
unsigned long copy_from_user(void *to, const void *from, unsigned long n)
{
	unsigned long left = n;

	might_fault();
	if (access_ok(from, n))
		left = __copy_user(to, from, n);
	if (left)
		memset((char *)to + (n - left), 0, left);
	return left;
}

/* __get_u32 - one word through an exception-table load: 0 or -EFAULT. */
static int __get_u32(u32 *val, const void *ptr)
{
	int err = 0;
	u32 v = 0;

	__asm__ __volatile__("1:	movl (%2), %1\n"
			     "2:\n"
			     " .pushsection .fixup, \"ax\"\n"
			     "3:	movl %3, %0\n"
			     "	xorl %1, %1\n"
			     "	jmp 2b\n"
			     " .popsection\n"
			     _ASM_EXTABLE(1b, 3b)
			     : "+r"(err), "+r"(v)
			     : "r"(ptr), "i"(-EFAULT)
			     : "memory");
	*val = v;
	return err;
}

/* get_user_u32 - see asm/uaccess.h. */
int get_user_u32(u32 *val, const void *uptr)
{
	might_fault();
	if (!access_ok(uptr, sizeof(u32)))
		return -EFAULT;
	return __get_u32(val, uptr);
}

/* get_kernel_nofault_u32 - see asm/uaccess.h. */
int get_kernel_nofault_u32(u32 *val, const void *addr)
{
	return __get_u32(val, addr);
}

/* put_user_u32 - see asm/uaccess.h. */
int put_user_u32(u32 val, void *uptr)
{
	int err = 0;

	might_fault();
	if (!access_ok(uptr, sizeof(u32)))
		return -EFAULT;
	__asm__ __volatile__("1:	movl %1, (%2)\n"
			     "2:\n"
			     " .pushsection .fixup, \"ax\"\n"
			     "3:	movl %3, %0\n"
			     "	jmp 2b\n"
			     " .popsection\n"
			     _ASM_EXTABLE(1b, 3b)
			     : "+r"(err)
			     : "r"(val), "r"(uptr), "i"(-EFAULT)
			     : "memory");
	return err;
}

/*
 * strncpy_from_user - see asm/uaccess.h.  Byte by byte through
 * __copy_user: the strings hilo copies (a program name, its arguments)
 * are short, and a string that ends right before an unmapped page must
 * not fault on the bytes after its NUL.
 */
long strncpy_from_user(char *dst, const char *src, long count)
{
	might_fault();
	for (long i = 0; i < count; i++) {
		if (!access_ok(src + i, 1) || __copy_user(dst + i, src + i, 1))
			return -EFAULT;
		if (!dst[i])
			return i;
	}
	return -ENAMETOOLONG;
}
