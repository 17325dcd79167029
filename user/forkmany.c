/*
 * forkmany: four children at once, each writing 64 pages of its own
 * mapping with a pattern that includes its pid, yielding between pages,
 * then checking every word.  Proves that processes running side by side
 * (on several CPUs in the SMP rows) each see only their own memory
 * through fork, demand-zero faults and switches.  The parent waits for
 * all four; every one must exit 0.  Prints "forkmany: ok".
 */
#include "ulib.h"

#define CHILDREN 4
#define PAGES    64
#define WORDS    (PAGE_SIZE / 4)

static uint32_t pattern(long pid, unsigned long page, unsigned int word)
{
	return (uint32_t)pid << 20 ^ (uint32_t)page << 10 ^ word;
}

static void __noreturn child(void)
{
	long pid = sys_getpid(), r;
	volatile uint32_t *mem;

	r = sys_mmap2(0, PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(!sys_failed(r), "child %ld: mmap2 returned %ld", pid, r);
	mem = (volatile uint32_t *)r;
	for (unsigned long p = 0; p < PAGES; p++) {
		for (unsigned int w = 0; w < WORDS; w++)
			mem[p * WORDS + w] = pattern(pid, p, w);
		sys_sched_yield();
	}
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned long p = 0; p < PAGES; p++) {
			for (unsigned int w = 0; w < WORDS; w++) {
				uint32_t got = mem[p * WORDS + w];

				CHECK(got == pattern(pid, p, w),
				      "child %ld: page %lu word %u is 0x%x, want 0x%x",
				      pid, p, w, got, pattern(pid, p, w));
			}
		}
		sys_sched_yield();
	}
	sys_exit(0);
}

int main(int argc, char **argv)
{
	long pids[CHILDREN], r;
	int status, seen = 0;

	for (int i = 0; i < CHILDREN; i++) {
		pids[i] = sys_fork();
		CHECK(pids[i] >= 0, "fork %d returned %ld", i, pids[i]);
		if (pids[i] == 0)
			child();
	}
	for (int n = 0; n < CHILDREN; n++) {
		int i;

		status = -1;
		r = sys_wait4(-1, &status, 0, NULL);
		for (i = 0; i < CHILDREN && pids[i] != r; i++)
			;
		CHECK(i < CHILDREN, "wait4(-1) returned %ld, not a child", r);
		CHECK(!(seen & (1 << i)), "wait4(-1) returned child %ld twice", r);
		seen |= 1 << i;
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "child %ld: status 0x%x, want exit 0", r, status);
	}
	r = sys_wait4(-1, &status, WNOHANG, NULL);
	CHECK(r == -ECHILD, "wait4(-1, WNOHANG) after all returned %ld", r);
	printf("forkmany: ok\n");
	return 0;
}
