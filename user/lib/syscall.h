/*
 * The system calls, one wrapper each (Linux i386: int $0x80, the number
 * in eax, the arguments in ebx, ecx, edx, esi, edi, ebp).  Every wrapper
 * returns the kernel's result as it is: an error is -ERRNO, a value in
 * [-4095, -1] (sys_failed() tells).  No errno variable, no retries.
 */
#ifndef USER_SYSCALL_H
#define USER_SYSCALL_H

#include <hilo/abi.h>
#include <hilo/errno.h>
#include <hilo/unistd.h>

/* Does this result of a system call say "error"?  Addresses too (mmap2). */
static inline int sys_failed(long r)
{
	return (unsigned long)r >= (unsigned long)-MAX_ERRNO;
}

/* Any call, by number, with six arguments (user/lib/syscall6.asm). */
long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

void sys_exit(int status) __attribute__((noreturn));
long sys_fork(void);
long sys_write(int fd, const void *buf, unsigned long len);
/* argv and envp: NULL-terminated arrays; program names are bare ("hello"). */
long sys_execve(const char *name, const char *const argv[], const char *const envp[]);
long sys_getpid(void);
/* brk(0) asks; on failure brk returns the current break (Linux). */
long sys_brk(unsigned long brk);
long sys_munmap(unsigned long addr, unsigned long len);
/* The wait status: WIFEXITED() etc. in <hilo/abi.h>.  rusage: pass NULL. */
long sys_wait4(long pid, int *status, int options, void *rusage);
long sys_sched_yield(void);
long sys_nanosleep(const struct timespec *req, struct timespec *rem);
/* The mapping's address, or -ERRNO: test it with sys_failed(). */
long sys_mmap2(unsigned long addr, unsigned long len, int prot, int flags,
	       int fd, unsigned long pgoff);
long sys_hilo_pageinfo(unsigned long addr, struct hilo_pageinfo *info);
long sys_hilo_vmstat(struct hilo_vmstat *stat);

#endif
