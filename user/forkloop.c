/*
 * forkloop N: N forks in a row, each child exiting with (i & 0x7f) and
 * waited for at once.  Proves that fork, exit and wait4 can be repeated:
 * a process whose memory, page tables or pid were not all given back
 * would make a long run fail.  Prints "forkloop: N ok".
 */
#include "ulib.h"

int main(int argc, char **argv)
{
	int n;

	CHECK(argc >= 2, "usage: forkloop N");
	n = atoi(argv[1]);
	CHECK(n > 0, "N is %d", n);
	for (int i = 0; i < n; i++) {
		int status = -1;
		long pid = sys_fork(), r;

		CHECK(pid >= 0, "fork %d returned %ld", i, pid);
		if (pid == 0)
			sys_exit(i & 0x7f);
		r = sys_wait4(pid, &status, 0, NULL);
		CHECK(r == pid, "fork %d: wait4(%ld) returned %ld", i, pid, r);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == (i & 0x7f),
		      "fork %d: status 0x%x, want exit %d", i, status, i & 0x7f);
	}
	printf("forkloop: %d ok\n", n);
	return 0;
}
