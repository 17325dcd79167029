/*
 * The GDB test's process scenario (tests/host/gdb_process_checks.py), run
 * only when named: test=gdbscenario.process (KTEST_MANUAL).
 *
 * Three processes, made the way user_spawn() and fork() make them (a task
 * without PF_KTHREAD, its parent's child), running kernel code that reaches
 * their address spaces as a program's system calls and execve's loader do:
 *
 *   gdbp/parent   (child of the test task) builds an address space like
 *                 execve's: code (read+exec), a heap (brk), an anonymous
 *                 mapping across a 2 MiB boundary (two PTE pages) and the
 *                 stack; touches pages of each through uaccess (demand-zero
 *                 faults) with known patterns.
 *   gdbp/zombie   its first child: an mm of its own, one page touched, exit
 *                 with status 3 << 8.  A zombie (mm freed) until collected.
 *   gdbp/child    its second child, forked by hand: dup_mm() of the
 *                 parent's mm, every page shared copy-on-write.  The parent
 *                 then writes data page 1 (its copy-on-write copy: the
 *                 child keeps the old page) and gives the child a page of
 *                 its own at data page 7, as execve's loader installs pages
 *                 (install_user_page).  The child takes the mm and sleeps.
 *
 * With all three in place the parent calls gdbs_processes_ready(), where
 * GDB stops and compares hilo-ps and hilo-walk pid/cr3 with the kernel's
 * records (each mm's rss[], pt_pages[], its PTEs read physically, the
 * pages' bytes against the patterns).  Then the parent collects its
 * children and exits, the test task collects it, and every page must be
 * back.
 *
 * Then a real program: user/sleep.c in a process of its own (user_spawn),
 * which GDB stops in its first system call nanosleep (sys_nanosleep), to
 * compare its code pages with the program's ELF file.
 *
 * A word at user address va holds va ^ GDBP_PARENT_XOR as the parent first
 * wrote it, va ^ GDBP_FORKED_XOR in the parent's data page 1 after the fork,
 * va ^ GDBP_CHILD_XOR in the child's data page 7.
 *
 * Above 4 GiB.  When highmem reaches above 4 GiB (16 GiB of RAM), the
 * parent, once its own tables are built, takes every free highmem block
 * below 4 GiB and holds it to the end (the buddy allocator would otherwise
 * hand out the top of the RAM below 4 GiB first): the child's page 7 and
 * the parent's copy of page 1 come from above 4 GiB, where GDB cannot read
 * through the gdbstub (tools/gdb/hilo_gdb/target.py).  The child's PTE
 * pages come from above 4 GiB too: while the parent builds the child's mm
 * it sets pt_above_4g, as the boot's walk probe does on a CPU that walks
 * tables there (hardware, qemu-system-x86_64).  Under qemu-system-i386,
 * whose CPU does not (arch/x86/walk_probe.c), that is safe only because no
 * CPU ever walks the child's tables: the child never touches user memory,
 * the kernel reaches them through pte_offset_map.  GDB, which cannot debug
 * this i386 kernel through qemu-system-x86_64's gdbstub (its registers are
 * the 64-bit set), needs the i386 emulator, so this is how a GDB session
 * gets PTE pages above 4 GiB to read.  The parent's tables stay where the
 * kernel puts them.
 *
 * The constants and the scenario's struct are in gdbscenario_process.h;
 * building the address spaces, the patterns and the hold of highmem below
 * 4 GiB in gdbscenario_process_mm.c.  This file runs the processes.
 */
#include <asm/uaccess.h>
#include <hilo/highmem.h>
#include <hilo/kthread.h>
#include <hilo/ktest.h>
#include <hilo/list.h>
#include <hilo/mm.h>
#include <hilo/mm_user.h>
#include <hilo/mutex.h>
#include <hilo/printk.h>
#include <hilo/process.h>
#include <hilo/sched.h>
#include <hilo/spinlock.h>
#include <hilo/string.h>
#include <hilo/timer.h>
#include <hilo/vmstat.h>
#include <hilo/wait.h>
#include <uapi/hilo/abi.h>
#include <uapi/hilo/errno.h>

#include "gdbscenario_process.h"

static unsigned long sum(const unsigned long *by_zone)
{
	unsigned long n = 0;

	for (unsigned int z = 0; z < MAX_NR_ZONES; z++)
		n += by_zone[z];
	return n;
}

/*
 * gdbs_processes_ready - GDB's breakpoint: the three processes are set up
 * (the parent runs this, the child sleeps, the zombie is one).
 */
static __noinline __used void gdbs_processes_ready(struct gdbp_scenario *s)
{
	pr_info("gdbscenario: processes %d (gdbp/parent), %d (gdbp/child), %d (gdbp/zombie) "
		"ready\n", s->parent->pid, s->child->pid, s->zombie->pid);
	asm volatile("" : : "r"(s) : "memory");
}

/*
 * gdbp_spawn - a task that is a process from its first instruction, a child
 * of the calling task (user_spawn's way, kernel/exec.c), started.  Its fn
 * ends in do_exit().
 */
static struct task_struct *gdbp_spawn(int (*fn)(void *), void *arg, const char *name)
{
	struct task_struct *task = kthread_create(fn, arg, "%s", name);
	unsigned long flags;

	if (!task)
		return NULL;
	task->flags &= ~PF_KTHREAD;
	spin_lock_irqsave(&tasklist_lock, flags);
	task->parent = current;
	list_add_tail(&task->sibling, &current->children);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	kthread_start(task);
	return task;
}

/* gdbp/zombie: an mm, one page, exit. */
static int gdbp_zombie_fn(void *arg)
{
	struct gdbp_scenario *s = arg;
	struct mm_struct *mm = mm_alloc();

	if (mm) {
		use_mm(mm);
		if (do_mmap(mm, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS) == (long)TASK_UNMAPPED_BASE)
			(void)gdbp_write_pattern(TASK_UNMAPPED_BASE, s->child_xor);
	}
	do_exit(GDBP_ZOMBIE_STATUS);	/* frees the mm */
}

/*
 * gdbp/child: take the mm the parent forked for it and sleep until the
 * parent is done.  It never touches user memory (see "Above 4 GiB").
 */
static int gdbp_child_fn(void *arg)
{
	struct gdbp_scenario *s = arg;

	use_mm(s->mm[1]);
	__atomic_store_n(&s->child_ready, true, __ATOMIC_RELEASE);
	wake_up_all(&s->wq);
	wait_event(s->wq, __atomic_load_n(&s->done, __ATOMIC_ACQUIRE));
	do_exit(0);	/* frees s->mm[1] */
}

static struct gdbp_hold gdbp_held;

/* gdbp/parent: build, the zombie, the child, stop for GDB, collect. */
static int gdbp_parent_fn(void *arg)
{
	struct gdbp_scenario *s = arg;
	struct mm_struct *mm = mm_alloc();
	int status = -1, pid;

	if (!mm) {
		s->parent_err = __LINE__;
		s->parent_what = "mm_alloc";
		do_exit(1 << 8);
	}
	s->mm[0] = mm;
	use_mm(mm);
	gdbp_build(s, mm);
	s->zombie = gdbp_spawn(gdbp_zombie_fn, s, "gdbp/zombie");
	GDBP_CHECK(s, parent, s->zombie);
	while (s->zombie && !__atomic_load_n(&s->zombie->zombie, __ATOMIC_ACQUIRE))
		msleep(1);
	s->zombie_seen = s->zombie && s->zombie->zombie && !s->zombie->mm;

	gdbp_hold_highmem_below_4g(&gdbp_held);
	s->hold_pages = gdbp_held.pages;
	if (!s->parent_err)
		gdbp_fork(s, mm);
	if (s->mm[1] && !s->parent_err) {
		s->child = gdbp_spawn(gdbp_child_fn, s, "gdbp/child");
		GDBP_CHECK(s, parent, s->child);
	}
	if (s->child) {
		wait_event(s->wq, __atomic_load_n(&s->child_ready, __ATOMIC_ACQUIRE));
		s->rss[0] = sum(mm->rss);
		s->pt_pages[0] = sum(mm->pt_pages);
		s->rss[1] = sum(s->mm[1]->rss);
		s->pt_pages[1] = sum(s->mm[1]->pt_pages);
		gdbp_check_pages(s);
		if (s->zombie)
			gdbs_processes_ready(s);
		__atomic_store_n(&s->done, true, __ATOMIC_RELEASE);
		wake_up_all(&s->wq);
		pid = s->child->pid;	/* read first: wait4 frees the task */
		GDBP_CHECK(s, parent, kernel_wait4(pid, &status, 0) == pid);
		GDBP_CHECK(s, parent, status == 0);
	} else if (s->mm[1]) {
		mm_free(s->mm[1]);
	}
	if (s->zombie) {
		pid = s->zombie->pid;
		GDBP_CHECK(s, parent, kernel_wait4(pid, &s->zombie_status, 0) == pid);
	}
	for (unsigned int i = 0; i < GDBP_DATA_PAGES; i++)
		if (GDBP_PARENT_DATA & (1u << i))
			GDBP_CHECK(s, parent, gdbp_pattern_ok(GDBP_DATA + i * PAGE_SIZE,
							 i == GDBP_FORKED_PAGE ? s->forked_xor :
										 s->parent_xor));
	GDBP_CHECK(s, parent, gdbp_pattern_ok(GDBP_HEAP, s->parent_xor));
	do_exit(s->parent_err ? 1 << 8 : 0);	/* frees mm */
}

KTEST_MANUAL(gdbscenario, process)
{
	static const char *const sleep_argv[] = { "sleep", NULL };
	static struct user_output sleep_out;
	static struct gdbp_scenario s;
	unsigned long free_before, kpt_before;
	struct vm_counters before, after;
	int status = -1, pid;

	/* user_spawn's reaper stays for good: start it before counting pages. */
	ASSERT_EQ(t, start_reaper(), 0);
	free_before = nr_free_pages();
	kpt_before = kernel_pt_pages;

	s = (struct gdbp_scenario){ .data = GDBP_DATA, .heap = GDBP_HEAP,
				    .stack_top = USER_STACK_TOP, .parent_xor = GDBP_PARENT_XOR,
				    .forked_xor = GDBP_FORKED_XOR, .child_xor = GDBP_CHILD_XOR };
	init_waitqueue_head(&s.wq);
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++)
		INIT_LIST_HEAD(&gdbp_held.below[o]);
	read_vm_counters(&before);
	s.parent = gdbp_spawn(gdbp_parent_fn, &s, "gdbp/parent");
	ASSERT_NOT_NULL(t, s.parent);
	pid = s.parent->pid;
	EXPECT_EQ(t, kernel_wait4(pid, &status, 0), pid);
	EXPECT_EQ(t, status, 0);
	if (s.parent_err)
		KTEST_FAIL(t, "gdbp/parent: line %d: %s", s.parent_err, s.parent_what);
	EXPECT_TRUE(t, s.zombie_seen);
	EXPECT_EQ(t, s.zombie_status, GDBP_ZOMBIE_STATUS);
	EXPECT_EQ(t, s.rss[0], GDBP_PARENT_RSS);
	EXPECT_EQ(t, s.rss[1], GDBP_CHILD_RSS);
	EXPECT_EQ(t, s.pt_pages[0], GDBP_PTE_PAGES + pgd_index(TASK_SIZE));
	EXPECT_EQ(t, s.pt_pages[1], GDBP_PTE_PAGES + pgd_index(TASK_SIZE));
	if (s.hold_pages) {	/* what the hold is for */
		pr_info("gdbscenario: held %lu highmem pages below 4 GiB: the child's PTE pages "
			"and new pages came from above\n", s.hold_pages);
		EXPECT_GE(t, s.child_pfn, PFN_4G);
		EXPECT_GE(t, s.copy_pfn, PFN_4G);
		if (highpte)
			EXPECT_GE(t, s.child_pt_pfn, PFN_4G);
	}
	gdbp_release_highmem(&gdbp_held);

	/* A real program, stopped by GDB in sys_nanosleep. */
	spin_lock_init(&sleep_out.lock);
	pid = user_spawn(sleep_argv[0], sleep_argv, &sleep_out);
	EXPECT_GT(t, pid, 0);
	if (pid > 0) {
		EXPECT_EQ(t, kernel_wait4(pid, &status, 0), pid);
		user_output_wait(&sleep_out);
		EXPECT_EQ(t, status, 0);
		if (status)
			ktest_log(t, "sleep: %.*s", (int)sleep_out.len, sleep_out.buf);
	}

	/* Everything the processes held is back. */
	read_vm_counters(&after);
	for (unsigned int z = 0; z < MAX_NR_ZONES; z++) {
		EXPECT_EQ(t, after.user_pages[z], before.user_pages[z]);
		EXPECT_EQ(t, after.pt_pages[z], before.pt_pages[z]);
	}
	EXPECT_EQ(t, nr_free_pages() + (kernel_pt_pages - kpt_before), free_before);
}
