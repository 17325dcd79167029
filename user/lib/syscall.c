/*
 * The system call wrappers.  Up to five arguments fit in ebx, ecx, edx,
 * esi and edi, which inline assembly can name; the sixth (ebp) needs the
 * assembly stub syscall6.
 */
#include "syscall.h"

static inline long syscall0(long nr)
{
	long r;

	__asm__ __volatile__("int $0x80" : "=a"(r) : "0"(nr) : "memory");
	return r;
}

static inline long syscall1(long nr, long a1)
{
	long r;

	__asm__ __volatile__("int $0x80" : "=a"(r) : "0"(nr), "b"(a1) : "memory");
	return r;
}

static inline long syscall2(long nr, long a1, long a2)
{
	long r;

	__asm__ __volatile__("int $0x80" : "=a"(r)
			     : "0"(nr), "b"(a1), "c"(a2) : "memory");
	return r;
}

static inline long syscall3(long nr, long a1, long a2, long a3)
{
	long r;

	__asm__ __volatile__("int $0x80" : "=a"(r)
			     : "0"(nr), "b"(a1), "c"(a2), "d"(a3) : "memory");
	return r;
}

static inline long syscall4(long nr, long a1, long a2, long a3, long a4)
{
	long r;

	__asm__ __volatile__("int $0x80" : "=a"(r)
			     : "0"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4)
			     : "memory");
	return r;
}

void sys_exit(int status)
{
	syscall1(__NR_exit, status);
	for (;;)
		__asm__ __volatile__("ud2");
}

long sys_fork(void)
{
	return syscall0(__NR_fork);
}

long sys_write(int fd, const void *buf, unsigned long len)
{
	return syscall3(__NR_write, fd, (long)buf, (long)len);
}

long sys_execve(const char *name, const char *const argv[], const char *const envp[])
{
	return syscall3(__NR_execve, (long)name, (long)argv, (long)envp);
}

long sys_getpid(void)
{
	return syscall0(__NR_getpid);
}

long sys_brk(unsigned long brk)
{
	return syscall1(__NR_brk, (long)brk);
}

long sys_munmap(unsigned long addr, unsigned long len)
{
	return syscall2(__NR_munmap, (long)addr, (long)len);
}

long sys_wait4(long pid, int *status, int options, void *rusage)
{
	return syscall4(__NR_wait4, pid, (long)status, options, (long)rusage);
}

long sys_sched_yield(void)
{
	return syscall0(__NR_sched_yield);
}

long sys_nanosleep(const struct timespec *req, struct timespec *rem)
{
	return syscall2(__NR_nanosleep, (long)req, (long)rem);
}

long sys_mmap2(unsigned long addr, unsigned long len, int prot, int flags,
	       int fd, unsigned long pgoff)
{
	return syscall6(__NR_mmap2, (long)addr, (long)len, prot, flags, fd,
			(long)pgoff);
}

long sys_hilo_pageinfo(unsigned long addr, struct hilo_pageinfo *info)
{
	return syscall2(__NR_hilo_pageinfo, (long)addr, (long)info);
}

long sys_hilo_vmstat(struct hilo_vmstat *stat)
{
	return syscall1(__NR_hilo_vmstat, (long)stat);
}
