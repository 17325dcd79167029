/*
 * Benchmarks of fork and exit (kernel/fork.c, kernel/exit.c, and their
 * address-space part in mm/mm_struct.c; hilo/bench.h for the runner).
 * The page faults are measured in mm/user_fault_bench.c; mm/user_bench.h
 * has what both share.
 *
 *   fork_exit.mmN      dup_mm + mm_free of an mm with N touched pages (0,
 *                      1, 64, 512: one PTE page at most), on the boot
 *                      task: fork's copy of the page tables and exit's
 *                      teardown of the child's, without the task (mm0:
 *                      what every mm costs, its page and page directories)
 *   fork_exit.forkloop a whole fork + exit + wait4 of a process: the user
 *                      program `forkloop 32` forks 32 times, each child
 *                      exits at once and is waited for; the op is one of
 *                      them, with the spawn of forkloop and the boot task's
 *                      wait4 for it counted in, a 32nd each
 *   fork_exit.spawn    the same for `forkloop 1`: what that 32nd is
 *                      (user_spawn, exec, one fork + exit + wait4, exit,
 *                      wait4, and forkloop's line on the console)
 *
 * tools/bench takes the spawn out: a fork is (32 forkloop ops - spawn) /
 * 31.  32 forks keep a run near 4 ms under TCG; 200 would amortize the
 * spawn better, but runs of 25 ms are hit by the host's preemptions of
 * QEMU so often on a busy host that their median doubles.
 *
 * Every fork copies the parent's page tables, so tools/bench boots these
 * cases with `nohighpte` too.
 *
 * Sanity: every child of fork_exit.mmN held all N pages and its page
 * tables (three page directories, and a PTE page when N > 0), and gave
 * every one back; the parent's pages are still there,
 * with what setup wrote.  Every forkloop exited 0 after saying
 * "forkloop: N ok" (it checks each fork, each child's exit status and
 * each wait4 itself), N + 1 tasks were created per spawn (the pids handed
 * out), and every process gave all its memory back.
 */
#include <hilo/printk.h>
#include <hilo/process.h>
#include <hilo/string.h>
#include <hilo/user_programs.h>
#include "user_bench.h"

/* A child's page tables: a page directory per user GB (three), a PTE page if any page is mapped. */
#define FORK_TABLES(pages) (PTRS_PER_PGD - 1 + ((pages) > 0))

/* ---- fork_exit.mmN ---- */

static unsigned long sum_zones(const unsigned long *v)
{
	unsigned long sum = 0;

	for (unsigned int z = 0; z < MAX_NR_ZONES; z++)
		sum += v[z];
	return sum;
}

/* setup_fork - an mm with ->arg pages faulted in (mm0: a mapping, nothing touched). */
static const char *setup_fork(const struct bench_case *c)
{
	const char *why;

	memset(&ub, 0, sizeof(ub));
	why = new_space(c->arg ? c->arg : 1);
	if (!why && touch(0, c->arg, 0) != c->arg)
		why = "put_user could not fault the pages in";
	if (why)
		drop_spaces(c);
	return why;
}

/*
 * run_fork - fork's and exit's part of the address space, per iteration:
 * dup_mm shares every page (the child's counts are tallied for the
 * sanity checks), mm_free gives back what the child held.
 */
static unsigned int run_fork(const struct bench_case *c, unsigned int iters)
{
	unsigned int i;

	for (i = 0; i < iters; i++) {
		struct mm_struct *child = dup_mm(ub.mm);

		if (!child)
			break;
		ub.child_pages += sum_zones(child->rss);
		ub.child_tables += sum_zones(child->pt_pages);
		mm_free(child);
	}
	return i;
}

/* check_fork - the parent's pages are still there, with what setup wrote. */
static const char *check_fork(const struct bench_case *c)
{
	const char *why = NULL;

	for (unsigned int i = 0; i < c->arg && !why; i++)
		why = page_differs(ub.mm, i, written_word(0, i), false);
	return why ? why : zones_differ(ub.mm, c->arg, c->arg > 0);
}

/* ---- fork_exit.forkloop, fork_exit.spawn ---- */

/* What the process cases run: `forkloop ->arg`, and what it says when all went well. */
static struct {
	char count[12];			/* argv[1] */
	char ok[32];			/* its output */
	struct user_output output;	/* what it wrote */
	int pid;			/* the last one's pid */
} fl;

/* setup_forkloop - the program's arguments and expected output. */
static const char *setup_forkloop(const struct bench_case *c)
{
	if (!find_user_program("forkloop"))
		return "no user program forkloop in this kernel";
	snprintf(fl.count, sizeof(fl.count), "%lu", c->arg);
	snprintf(fl.ok, sizeof(fl.ok), "forkloop: %lu ok\n", c->arg);
	spin_lock_init(&fl.output.lock);
	return NULL;
}

/*
 * spawn_forkloop - start `forkloop N` as the boot task's child and wait
 * for it: true when it exited 0 and wrote just its "ok" line.  (Its
 * children have all exited when it has, so the output copy is free again
 * at once: user_output_wait does not sleep.)
 */
static bool spawn_forkloop(void)
{
	const char *const argv[] = { "forkloop", fl.count, NULL };
	int status = -1;

	fl.output.len = fl.output.dropped = 0;
	fl.pid = user_spawn("forkloop", argv, &fl.output);
	if (fl.pid < 0)
		return false;
	if (kernel_wait4(fl.pid, &status, 0) != fl.pid)
		status = -1;
	user_output_wait(&fl.output);
	return !status && fl.output.len == strlen(fl.ok) &&
	       !memcmp(fl.output.buf, fl.ok, fl.output.len);
}

/* run_forkloop - one forkloop per iteration; stop at one that failed. */
static unsigned int run_forkloop(const struct bench_case *c, unsigned int iters)
{
	unsigned int i;

	for (i = 0; i < iters && spawn_forkloop(); i++)
		;
	return i;
}

/* read_pids - the last spawn's pid: pids are handed out in order, one per new task. */
static unsigned long read_pids(const struct bench_case *c)
{
	return (unsigned long)fl.pid;
}

/* ---- the counters ---- */

static unsigned long read_child_pages(const struct bench_case *c)
{
	return ub.child_pages;
}

static unsigned long read_child_tables(const struct bench_case *c)
{
	return ub.child_tables;
}

/* fork_exit.mmN: an mm of N pages (N <= PTRS_PER_PTE: one PTE page at most) */
#define FORK_BENCH(id, name_, pages, iters_)                                  \
	BENCH(id, .name = name_,                                              \
	      .what = "dup_mm + mm_free of an mm with " #pages " touched pages (fork's and exit's mm part)", \
	      .iters = iters_, .arg = pages, .setup = setup_fork,             \
	      .run = run_fork, .check = check_fork, .teardown = drop_spaces,  \
	      .expect = { { "child's user pages", read_child_pages, pages, 1, false }, \
			  { "child's page tables", read_child_tables, FORK_TABLES(pages), 1, false }, \
			  { "vm_counters.user_pages", read_user_pages, 0, 1, false }, \
			  { "vm_counters.pt_pages", read_pt_pages, 0, 1, false } }); \
	_Static_assert(pages <= PTRS_PER_PTE, name_ " needs one PTE page at most")

/* iterations: about a millisecond per run under TCG */
FORK_BENCH(fork_exit_mm0, "fork_exit.mm0", 0, 32);
FORK_BENCH(fork_exit_mm1, "fork_exit.mm1", 1, 32);
FORK_BENCH(fork_exit_mm64, "fork_exit.mm64", 64, 32);
FORK_BENCH(fork_exit_mm512, "fork_exit.mm512", 512, 8);

/* `forkloop forks`, iters times per run; an op is a fork, or (spawn) the whole program */
#define FORKLOOP_BENCH(id, name_, what_, forks, iters_, ops)                  \
	BENCH(id, .name = name_, .what = what_, .iters = iters_,              \
	      .ops_per_iter = ops, .arg = forks, .setup = setup_forkloop,     \
	      .run = run_forkloop,                                            \
	      .expect = { { "pids (tasks created)", read_pids, forks + 1, 1, false }, \
			  { "vm_counters.user_pages", read_user_pages, 0, 1, false }, \
			  { "vm_counters.pt_pages", read_pt_pages, 0, 1, false } })

FORKLOOP_BENCH(fork_exit_forkloop, "fork_exit.forkloop",
	       "fork + exit + wait4 of a process, in forkloop 32 (its spawn + wait4 counted in, 1/32)",
	       32, 1, 32);
FORKLOOP_BENCH(fork_exit_spawn, "fork_exit.spawn",
	       "user_spawn + wait4 of forkloop 1: exec, one fork + exit + wait4, exit, its line of output",
	       1, 1, 1);
