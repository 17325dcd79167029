/*
 * System call numbers: Linux's i386 numbers (int $0x80, number in eax,
 * arguments in ebx, ecx, edx, esi, edi, ebp, result in eax).  The calls
 * hilo adds for its own tests sit far above Linux's range.
 */
#ifndef UAPI_HILO_UNISTD_H
#define UAPI_HILO_UNISTD_H

#define __NR_exit          1
#define __NR_fork          2
#define __NR_write         4
#define __NR_execve        11
#define __NR_getpid        20
#define __NR_brk           45
#define __NR_munmap        91
#define __NR_wait4         114
#define __NR_sched_yield   158
#define __NR_nanosleep     162
#define __NR_mmap2         192
#define __NR_exit_group    252

/* hilo's own: what the kernel knows about one user page (struct hilo_pageinfo). */
#define __NR_hilo_pageinfo 1000
/* hilo's own: the machine-wide user memory counters (struct hilo_vmstat). */
#define __NR_hilo_vmstat   1001

#define NR_syscalls        1002

#endif
