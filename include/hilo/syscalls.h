/*
 * The system call handlers (kernel/syscall.c's table).  Each takes the
 * caller's user frame, reads its arguments from it (ebx, ecx, edx, esi,
 * edi, ebp) and returns the result or -errno.  Task context, interrupts
 * on, may sleep.
 */
#ifndef HILO_SYSCALLS_H
#define HILO_SYSCALLS_H

struct pt_regs;

/* kernel/sys.c */
long sys_exit(struct pt_regs *regs);
long sys_write(struct pt_regs *regs);
long sys_getpid(struct pt_regs *regs);
long sys_sched_yield(struct pt_regs *regs);
long sys_nanosleep(struct pt_regs *regs);
long sys_hilo_pageinfo(struct pt_regs *regs);
long sys_hilo_vmstat(struct pt_regs *regs);

/* mm/mmap.c's system calls, in kernel/sys.c too */
long sys_brk(struct pt_regs *regs);
long sys_mmap2(struct pt_regs *regs);
long sys_munmap(struct pt_regs *regs);

#endif
