/*
 * Tasks and the scheduler (docs/design.md section 4).
 *
 * Every flow of control is a task with its own kernel stack: the boot
 * task (pid 0, "boot": start_kernel and the self-tests, on the boot
 * stack), one idle task per CPU ("idle/N", run only when nothing else
 * can) and kernel threads (kthread_create, see hilo/kthread.h).
 * Scheduling is round robin over one run queue per CPU: a task runs until
 * it sleeps, yields, or uses up its time slice of SCHED_SLICE_MS (at least
 * one timer tick), and is then preempted on the way out of the timer
 * interrupt.  kthread_start() places a thread on the least loaded CPU of
 * its cpus_allowed; a woken task goes back to its CPU's queue; an idle
 * CPU pulls queued tasks from the busiest queue; set_cpus_allowed() and
 * migrate_disable() restrict where a task runs.  Locking: each run
 * queue's lock guards the tasks whose ->cpu it is; two are taken together
 * lower CPU first; ->cpu changes only with both locked, never while the
 * task runs (kernel/sched.c has the details).
 *
 * Task states:
 *
 *   TASK_NEW --kthread_start--> TASK_RUNNING --sleep--> TASK_UNINTERRUPTIBLE
 *                                 |     ^                    |
 *                                 |     `--wake_up_process---'
 *                                 `--kthread_exit--> TASK_DEAD --kthread_wait--> freed
 *
 * (sleep: set_current_state(TASK_UNINTERRUPTIBLE), then schedule().)
 * RUNNING means runnable: the task is running or queued (->on_rq).  A
 * task that is preempted right after it set a sleeping state stays
 * queued (it did not choose to sleep yet); only its own schedule() takes
 * it off the queue.
 *
 * Every switch runs the per-task mm hooks exactly once, in order:
 * kmap_local_sched_out(prev) before the register switch (on prev's
 * stack), kmap_local_sched_in(next) after it (on next's), including a
 * thread's first run and its final switch at exit.
 *
 * The code: kernel/sched.c (run queues, switching, waking, the tick),
 * kernel/sched_balance.c (placement, balancing, affinity),
 * kernel/sched_debug.c (the task list printout, the switch-hook trace),
 * kernel/preempt.c (the out-of-line half of hilo/preempt.h),
 * kernel/kthread.c (kernel threads, the task pool); kernel/sched.h is
 * their private header.
 */
#ifndef HILO_SCHED_H
#define HILO_SCHED_H

#include <asm/layout.h>
#include <asm/pgtable_types.h>
#include <hilo/compiler.h>
#include <hilo/list.h>
#include <hilo/panic.h>
#include <hilo/percpu.h>
#include <hilo/smp.h>
#include <hilo/spinlock.h>
#include <hilo/types.h>

#define TASK_COMM_LEN   16
#define THREAD_SIZE     (2 * PAGE_SIZE)	/* a kernel thread's stack, as in Linux */
#define SCHED_SLICE_MS  10		/* round-robin time slice */
#define NR_TASKS_MAX    64		/* the task pool (kernel/kthread.c) */

/* Task states (->state). */
#define TASK_RUNNING         0x0000
#define TASK_UNINTERRUPTIBLE 0x0002
#define TASK_NEW             0x0800	/* created, not started yet */
#define TASK_DEAD            0x0080	/* exited, not waited for yet */

/* Task kinds (->flags). */
#define PF_IDLE     0x0002		/* a CPU's idle task */
#define PF_KTHREAD  0x0020		/* made by kthread_create */
#define PF_EXITING  0x0004		/* a process in do_exit() */

struct mm_struct;
struct user_output;

/*
 * Each task's stack of kmap_local mappings (mm/highmem.c): idx counts
 * pushed slots (in steps of KM_INCR), pteval[] remembers each slot's PTE
 * so the scheduler can tear the mappings down when the task is switched
 * out and rewrite them when it comes back.  A new task starts with
 * idx == 0.
 */
struct kmap_ctrl {
	int idx;
	pte_t pteval[KM_MAX_IDX];
};

struct task_struct {
	unsigned long sp;		/* saved esp while switched out */
	unsigned int state;		/* TASK_*, see the diagram above */
	unsigned int flags;		/* PF_* */
	int pid;
	char comm[TASK_COMM_LEN];	/* the name */
	unsigned int cpu;		/* the CPU it runs or is queued on */
	cpumask_t cpus_allowed;		/* the CPUs it may run on (affinity) */

	/* Scheduling: the fields below are guarded by the CPU's rq lock. */
	bool on_rq;			/* running or queued: not asleep */
	struct list_head run_list;	/* in the run queue while queued */
	unsigned int time_slice;	/* ticks left of the current slice */
	unsigned long nvcsw;		/* voluntary switches away (slept, yielded) */
	unsigned long nivcsw;		/* involuntary ones (preempted) */
	unsigned long ticks;		/* CPU time: timer ticks that found it running */
	unsigned long nr_migrations;	/* moves to another CPU once started */

	int pagefault_disabled;		/* pagefault_disable() depth */
	int migration_disabled;		/* migrate_disable() depth */

	/*
	 * Per-task mm state: the kmap_local stack.  The switch hooks clear
	 * its live slots when the task is switched out and rewrite them
	 * when it is switched in (mm/highmem.c).
	 */
	struct kmap_ctrl kmap_ctrl;

	/*
	 * The kernel stack, [stack, stack + stack_size), with an unmapped
	 * guard page right below it.
	 */
	void *stack;
	unsigned long stack_size;

	/* Kernel threads. */
	int (*fn)(void *arg);
	void *arg;
	int exit_code;
	bool stack_released;		/* dead and switched away: reapable */
	bool waited;			/* kthread_wait() has claimed it */

	/*
	 * Processes (hilo/process.h).  mm: the user address space, NULL for
	 * a kernel thread; switched with the task (switch_mm).  The family
	 * links are guarded by tasklist_lock: a process's parent is who
	 * wait4()s for it (orphans go to the reaper thread).
	 */
	struct mm_struct *mm;
	struct task_struct *parent;
	struct list_head children;	/* its children, by ->sibling */
	struct list_head sibling;
	bool zombie;			/* exited, its status not collected yet */
	struct user_output *output;	/* a copy of its write()s, for tests */

	struct list_head tasks;		/* task_list: every live task */
} ____cacheline_aligned;

/* Every task, boot and idle tasks included, in creation order. */
extern struct list_head task_list;
extern spinlock_t tasklist_lock;	/* guards task_list and the pids */

/* The boot task: pid 0, start_kernel on the boot stack. */
extern struct task_struct init_task;

/*
 * sched_init - make the boot task a task like any other, create the idle
 * task, start the timer tick (hz= on the command line, see hilo/timer.h).
 * Call once after mm_init(), interrupts disabled; the caller enables them.
 */
void sched_init(void);

/*
 * sched_init_cpu - set up CPU cpu's run queue and create its idle task
 * (pid order: the boot CPU's first), which the CPU starts on.  Boot.
 */
struct task_struct *sched_init_cpu(unsigned int cpu);

/* cpu_idle - a CPU's idle loop (its idle task's body).  Never returns. */
void __noreturn cpu_idle(void);

/*
 * schedule - give up the CPU.  If the current task's state is not
 * TASK_RUNNING it sleeps until wake_up_process(); otherwise it goes to
 * the back of the run queue.  Task context, preemptible: panics
 * ("schedule: scheduling while atomic ...") otherwise.
 */
void schedule(void);

/*
 * sched_set_slice_ms - change the round-robin time slice (default
 * SCHED_SLICE_MS; 0 means one tick), from the next slice on.  Tests use a
 * short slice with a high tick rate to switch tasks thousands of times a
 * second.  Any context.
 */
void sched_set_slice_ms(unsigned int ms);

/* yield - let every other runnable task run first.  Task context, may sleep. */
void yield(void);

/*
 * set_current_state - set the current task's state, ordered before the
 * condition test that follows it, on SMP too (an xchg is a full barrier,
 * as Linux's smp_store_mb).  See hilo/wait.h.
 */
static inline void set_current_state(unsigned int state)
{
	__atomic_exchange_n(&current->state, state, __ATOMIC_SEQ_CST);
}

/*
 * wake_up_process - make a sleeping task runnable.  Returns false when it
 * was not asleep (running, new or dead).  Any context; never sleeps.
 */
bool wake_up_process(struct task_struct *task);

/*
 * scheduler_tick - account a timer tick to the current task and end its
 * slice when it is used up.  Timer interrupt only.
 */
void scheduler_tick(void);

/*
 * preempt_schedule_irq - switch tasks from the interrupt return path.
 * Interrupts disabled, count 0; returns with interrupts disabled.
 */
void preempt_schedule_irq(void);

struct pt_regs;
/*
 * irqentry_exit_cond_resched - called by entry.asm on every return from
 * an interrupt or exception: preempt the interrupted task when it was
 * preemptible (interrupts on, count 0) and need_resched is set.
 */
void irqentry_exit_cond_resched(struct pt_regs *regs);

/*
 * schedule_timeout - sleep for up to timeout ticks in the state the
 * caller set (a wake_up_process() ends it sooner).  Returns the ticks
 * left, 0 when the full timeout passed.  schedule_timeout_uninterruptible
 * sets TASK_UNINTERRUPTIBLE itself.  Task context, may sleep.
 * (kernel/timer.c)
 */
long schedule_timeout(long timeout);
long schedule_timeout_uninterruptible(long timeout);

/* ---- introspection (kernel/sched_debug.c, kernel/kthread.c) ---- */

/*
 * sched_show_tasks - print the task list: pid, name, state, switches,
 * CPU time in ticks, stack.  Any context but interrupts disabled;
 * panic_show_tasks() is the same without the lock.
 */
void sched_show_tasks(void);

/* nr_context_switches - task switches on every CPU since boot. */
unsigned long nr_context_switches(void);

/* nr_context_switches_cpu - task switches on CPU cpu since boot. */
unsigned long nr_context_switches_cpu(unsigned int cpu);

/* task_state_name - "running", "sleeping", "new", "dead". */
const char *task_state_name(unsigned int state);

/*
 * task_of_stack - the task whose kernel stack or stack guard page
 * ([stack - PAGE_SIZE, stack + stack_size)) holds addr, or NULL.  For
 * fault reports: takes no lock.  Any context.
 */
struct task_struct *task_of_stack(unsigned long addr);

/*
 * The switch hooks, traced for tests: while a trace is on, every hook
 * call on this CPU appends { hook, task } to the log, in call order.
 * sched_hook_trace_stop() returns the number of calls seen, which may
 * exceed size (only the first size are stored).  Tests only.
 */
enum sched_hook { SCHED_HOOK_OUT, SCHED_HOOK_IN };
struct sched_hook_event {
	enum sched_hook hook;
	struct task_struct *task;
	unsigned int state;		/* the task's state at the call */
	unsigned long sp;		/* a stack address of the call: whose
					 * stack it ran on (task_of_stack) */
};
void sched_hook_trace_start(struct sched_hook_event *log, unsigned int size);
unsigned int sched_hook_trace_stop(void);

/*
 * set_cpus_allowed - let task run on the CPUs of mask only.  A task
 * queued or asleep on a CPU outside mask is moved at once; a running one
 * at its next switch (it is told to switch); either waits for its
 * migrate_enable() while it has migration disabled.  A mask without an
 * online CPU is a panic naming the task and the mask.  Task context.
 */
void set_cpus_allowed(struct task_struct *task, cpumask_t mask);

/* sched_nr_migrations - task moves between CPUs since boot. */
unsigned long sched_nr_migrations(void);

/* migrate_enable_move - migrate_enable()'s slow path (kernel/sched.c). */
void migrate_enable_move(void);

/*
 * migrate_disable - keep the current task on this CPU until the matching
 * migrate_enable(): its kmap_local slots belong to this CPU.  Nests.  The
 * task may still be preempted and sleep, but it comes back on this CPU:
 * the balancer, set_cpus_allowed() and the switch leave it where it is.
 * Unbalanced enable is a panic.  Task context.
 */
static inline void migrate_disable(void)
{
	current->migration_disabled++;
	barrier();
}

/*
 * migrate_enable - undo one migrate_disable(); at 0, a task whose CPU
 * left its cpus_allowed meanwhile switches away to an allowed one.
 */
static inline void migrate_enable(void)
{
	struct task_struct *task = current;

	if (task->migration_disabled <= 0)
		panic("migrate_enable: unbalanced in task %s (pid %d)",
		      task->comm, task->pid);
	barrier();
	if (--task->migration_disabled == 0 &&
	    unlikely(!(READ_ONCE(task->cpus_allowed) & (1u << smp_processor_id()))))
		migrate_enable_move();
}

#endif
