/*
 * Fatal errors.  panic() prints its reason, the registers and a backtrace
 * with symbol names, the task list when there is one, and ends the run
 * with HILO_EXIT_PANIC.  By convention the message starts with the name
 * of the function that found the problem and states what was violated,
 * with the values involved: panic("kunmap: page %p is not mapped", page).
 */
#ifndef HILO_PANIC_H
#define HILO_PANIC_H

#include <hilo/compiler.h>
#include <hilo/types.h>

struct pt_regs;

void panic(const char *fmt, ...) __noreturn __printf(1, 2);

/*
 * panic_regs: panic from a trap handler, printing the trapped register
 * frame instead of panic()'s own registers, and the backtrace from the
 * trapped frame.
 */
void panic_regs(struct pt_regs *regs, const char *fmt, ...) __noreturn __printf(2, 3);

/* Print a backtrace starting from frame pointer ebp (0: the caller's). */
void dump_stack_from(unsigned long eip, unsigned long ebp);
void dump_stack(void);

/* Hook: the scheduler prints the task list here (weak, empty default). */
void panic_show_tasks(void);

/* Set while panic() runs: a nested panic goes straight to the exit. */
extern volatile int panic_in_progress;

#define BUG() panic("BUG: %s at %s:%d", __func__, __FILE__, __LINE__)
#define BUG_ON(cond) do { \
	if (unlikely(cond)) \
		panic("BUG: %s: %s at %s:%d", __func__, #cond, __FILE__, __LINE__); \
} while (0)

/* WARN_ON: print a warning with a backtrace, carry on. Returns cond. */
#define WARN_ON(cond) ({ \
	int __w = !!(cond); \
	if (unlikely(__w)) \
		warn_slowpath(__FILE__, __LINE__, __func__, #cond); \
	unlikely(__w); })
void warn_slowpath(const char *file, int line, const char *func, const char *cond);

#endif
