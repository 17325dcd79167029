/*
 * User programs as test cases: each case starts one of the programs of
 * user/ in a new process (user_spawn), collects its output and its wait
 * status (kernel_wait4) and checks both, then what the kernel can see
 * that the program cannot: every page it used back with the allocator,
 * the counters of the fault path, the kill message of a process that
 * faulted.  A program checks its own view and says FAIL with the values
 * on the way to a non-zero status; the case prints the program's output
 * when the status is not the expected one.
 */
#include <hilo/ktest.h>
#include <hilo/mm.h>
#include <hilo/mm_user.h>
#include <hilo/printk.h>
#include <hilo/process.h>
#include <hilo/sched.h>
#include <hilo/string.h>
#include <hilo/vmstat.h>
#include <uapi/hilo/abi.h>
#include <uapi/hilo/errno.h>

#include "logbuf.h"

/* A finished run of a program. */
struct run {
	int pid, status;
	struct user_output out;
};

/* run_program - spawn argv[0] with argv, wait for it; false (case failed) if it could not start. */
static bool run_program(struct ktest *t, const char *const argv[], struct run *r)
{
	memset(r, 0, sizeof(*r));
	spin_lock_init(&r->out.lock);
	r->pid = user_spawn(argv[0], argv, &r->out);
	if (r->pid < 0) {
		KTEST_FAIL(t, "user_spawn(%s) = %d", argv[0], r->pid);
		return false;
	}
	EXPECT_EQ(t, kernel_wait4(r->pid, &r->status, 0), r->pid);
	user_output_wait(&r->out);	/* orphans may still write to it */
	return true;
}

/* expect_status - the run ended with status; else show what it printed. */
static void expect_status(struct ktest *t, const struct run *r, int status)
{
	EXPECT_EQ(t, r->status, status);
	if (r->status != status)
		ktest_log(t, "output of pid %d: %.*s", r->pid, (int)r->out.len, r->out.buf);
}

/* output_has - the run's output holds s. */
static bool output_has(const struct run *r, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i + n <= r->out.len; i++)
		if (!memcmp(r->out.buf + i, s, n))
			return true;
	return false;
}

/* A program that must exit 0. */
static void expect_program_passes(struct ktest *t, const char *const argv[])
{
	struct run r;

	if (run_program(t, argv, &r))
		expect_status(t, &r, 0);
}

/*
 * Free pages now, with the kernel page tables vmalloc made since `kpt`
 * counted back in (they stay, like Linux's), and the reaper started
 * (it stays too).
 */
static unsigned long free_pages_since(unsigned long kpt)
{
	return nr_free_pages() + (kernel_pt_pages - kpt);
}

KTEST(user, hello_prints_and_exits_zero)
{
	const char *const argv[] = { "hello", NULL };
	struct run r;

	if (!run_program(t, argv, &r))
		return;
	expect_status(t, &r, 0);
	EXPECT_EQ(t, r.out.len, 13);
	EXPECT_MEMEQ(t, r.out.buf, "hello, world\n", 13);
}

KTEST(user, exit_status_reaches_the_waiting_parent)
{
	const char *const argv[] = { "exitcode", "42", NULL };
	const char *const fw[] = { "forkwait", NULL };
	struct run r;

	if (run_program(t, argv, &r)) {
		EXPECT_TRUE(t, WIFEXITED(r.status));
		EXPECT_EQ(t, WEXITSTATUS(r.status), 42);
	}
	expect_program_passes(t, fw);	/* a process's own wait4 of its children */
}

KTEST(user, unknown_program_is_enoent)
{
	const char *const argv[] = { "no-such-program", NULL };

	EXPECT_EQ(t, user_spawn(argv[0], argv, NULL), -ENOENT);
	EXPECT_EQ(t, kernel_wait4(-1, NULL, WNOHANG), -ECHILD);
}

KTEST(user, execve_replaces_the_program_and_keeps_the_pid)
{
	const char *const argv[] = { "exec", NULL };
	struct run r;

	if (run_program(t, argv, &r))
		expect_status(t, &r, 7 << 8);	/* exitcode 7 PID, checked by exitcode */
}

KTEST(user, fork_shares_pages_until_written)
{
	const char *const argv[] = { "cow", NULL };
	struct vm_counters before, after;
	struct run r;

	read_vm_counters(&before);
	if (!run_program(t, argv, &r))
		return;
	read_vm_counters(&after);
	expect_status(t, &r, 0);
	EXPECT_TRUE(t, output_has(&r, "cow: ok"));
	EXPECT_GE(t, after.cow_copies - before.cow_copies, 1);
	EXPECT_GE(t, after.cow_reuses - before.cow_reuses, 1);
}

KTEST(user, bad_pointers_to_every_system_call_are_efault)
{
	const char *const argv[] = { "efault", NULL };

	expect_program_passes(t, argv);
}

KTEST(user, brk_mmap_and_munmap)
{
	const char *const argv[] = { "mem", NULL };

	expect_program_passes(t, argv);
}

KTEST(user, nanosleep_yield_and_getpid)
{
	const char *const argv[] = { "sleep", NULL };

	expect_program_passes(t, argv);
}

/* One kind of bad access: the process is killed with SIGSEGV and named. */
static void expect_killed(struct ktest *t, const char *kind)
{
	const char *const argv[] = { "segv", kind, NULL };
	u32 since = READ_ONCE(log_head);
	char msg[48];
	struct run r;

	if (!run_program(t, argv, &r))
		return;
	EXPECT_TRUE(t, WIFSIGNALED(r.status));
	EXPECT_EQ(t, WTERMSIG(r.status), SIGSEGV);
	EXPECT_FALSE(t, output_has(&r, "survived"));
	snprintf(msg, sizeof(msg), "segfault: pid %d (segv)", r.pid);
	EXPECT_TRUE(t, log_contains_since(since, msg));
}

KTEST(user, bad_accesses_kill_only_that_process)
{
	static const char *const kinds[] = {
		"null", "readonly", "text", "kernel", "kernel-read", "unmapped",
	};
	const char *const hello[] = { "hello", NULL };

	for (unsigned int i = 0; i < ARRAY_SIZE(kinds); i++)
		expect_killed(t, kinds[i]);
	expect_program_passes(t, hello);	/* and the kernel goes on */
}

KTEST(user, thousand_fork_exit_cycles_leak_nothing)
{
	const char *const argv[] = { "forkloop", "1000", NULL };
	unsigned long kpt, free_before;
	struct vm_counters before, after;
	struct run r;

	ASSERT_EQ(t, start_reaper(), 0);
	kpt = kernel_pt_pages;
	free_before = nr_free_pages();
	read_vm_counters(&before);
	if (!run_program(t, argv, &r))
		return;
	expect_status(t, &r, 0);
	read_vm_counters(&after);
	EXPECT_EQ(t, free_pages_since(kpt), free_before);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		EXPECT_EQ(t, after.user_pages[z], before.user_pages[z]);
		EXPECT_EQ(t, after.pt_pages[z], before.pt_pages[z]);
	}
}

/*
 * touch_and_account - run `touch MIB [high]`: every page written and read
 * back by the program, and afterwards every page (data, page tables,
 * stack, task) back with the allocator.
 */
static void touch_and_account(struct ktest *t, const char *mib, bool high)
{
	const char *const argv[] = { "touch", mib, high ? "high" : NULL, NULL };
	unsigned long kpt, free_before;
	struct run r;

	ASSERT_EQ(t, start_reaper(), 0);
	kpt = kernel_pt_pages;
	free_before = nr_free_pages();
	if (!run_program(t, argv, &r))
		return;
	expect_status(t, &r, 0);
	EXPECT_EQ(t, free_pages_since(kpt), free_before);
}

KTEST(user, touched_anonymous_memory_is_all_returned)
{
	touch_and_account(t, "16", false);
}

/* The 512 MiB case needs that much highmem: the 16 GiB rows have it. */
KTEST(user, touching_512_mib_uses_highmem_and_returns_it)
{
	if (zone_free_pages(&zones[ZONE_HIGHMEM]) < (640UL << (20 - PAGE_SHIFT))) {
		ktest_skip(t, "needs 640 MiB of free highmem");
		return;
	}
	touch_and_account(t, "512", true);
}

KTEST(user, processes_on_several_cpus_at_once)
{
	const char *const argv[] = { "forkmany", NULL };

	expect_program_passes(t, argv);
}
