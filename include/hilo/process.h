/*
 * Processes: tasks with a user address space (docs/design.md section 7).
 *
 * A process is a task whose ->mm is set.  It is born one of two ways: a
 * kernel thread that execs a program (user_spawn: its kernel stack
 * gets a user frame at the top and it irets into ring 3), or fork() of
 * another process (kernel/fork.c).  It runs user code until a system call
 * (int $0x80, kernel/syscall.c) or a fault brings it into the kernel on
 * its own kernel stack, and ends in do_exit() (kernel/exit.c): its
 * address space goes at once, its task stays a zombie until its parent
 * collects the status with wait4().  The life of a process:
 *
 *   user_spawn / fork --> running <--> in the kernel (syscall, fault, IRQ)
 *                            |
 *             exit(), killed by a fault
 *                            v
 *          do_exit: mm freed, children to the reaper, zombie
 *                            |
 *             parent's wait4: status, stack and task freed
 */
#ifndef HILO_PROCESS_H
#define HILO_PROCESS_H

#include <hilo/compiler.h>
#include <hilo/spinlock.h>
#include <hilo/types.h>

struct pt_regs;
struct task_struct;

/*
 * A copy of what a process and its descendants write(), for the tests:
 * user_spawn() attaches it, fork passes it on.  Output beyond the buffer
 * is counted in ->dropped.  ->users counts the processes that hold it
 * (each exit drops one): the owner must not let it go before
 * user_output_wait() says none is left, since an orphaned grandchild may
 * outlive the process the owner waited for.
 */
struct user_output {
	spinlock_t lock;
	int users;
	size_t len;
	size_t dropped;
	char buf[2048];
};

/* user_output_wait - sleep until no process holds out.  Task context. */
void user_output_wait(struct user_output *out);

/*
 * user_spawn - start program name (hilo/user_programs.h) with argv
 * (NULL-terminated, argv[0] included) in a new process, a child of the
 * calling task.  out, if not NULL, collects its output.  Returns its pid,
 * or a negative errno (-ENOENT: no such program, -EAGAIN: no free task).
 * The program is loaded in the new process: a program that cannot be
 * loaded shows as exit status 127 << 8.  Task context.
 */
int user_spawn(const char *name, const char *const argv[], struct user_output *out);

/*
 * kernel_wait4 - wait4() for the calling task (a kernel thread or a
 * process): pid > 0 that child, -1 any; options WNOHANG.  Returns the
 * pid collected with its status in *status, 0 (WNOHANG, none exited),
 * -ECHILD.  Task context, may sleep.
 */
int kernel_wait4(int pid, int *status, int options);

/*
 * do_exit - end the current process with a wait status (exit code << 8,
 * or a signal number).  Never returns.  Task context.
 */
void __noreturn do_exit(int status);

/*
 * user_fault_kill - kill the current process for a fault it caused in
 * user mode: one line naming the pid, the program, the access, the
 * address and why, then do_exit(sig) (arch/x86/fault.c).
 */
void __noreturn user_fault_kill(const struct pt_regs *regs, int sig, const char *what,
				unsigned long addr, const char *reason);

/*
 * user_output_write - append n bytes a process wrote to its output
 * copy (if any) and print them on the console, each line prefixed with
 * the pid and the program's name.  Task context.
 */
void user_output_write(const char *buf, size_t n);

/*
 * start_reaper - start the thread that collects orphans, once (user_spawn
 * does it before the first process).  0 or -EAGAIN.
 */
int start_reaper(void);

/* The system calls that build and end processes (kernel/fork.c, exec.c, exit.c). */
long sys_fork(struct pt_regs *regs);
long sys_execve(struct pt_regs *regs);
long sys_wait4(struct pt_regs *regs);

#endif
