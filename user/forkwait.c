/*
 * forkwait: fork and wait4.  Proves that fork returns the child's pid to
 * the parent and 0 to a child with a pid of its own; that wait4 returns
 * that pid with the child's exit status, reaps it (a second wait4 says
 * -ECHILD, with WNOHANG too) and, with pid -1, returns each of several
 * children exactly once.  Prints "forkwait: ok".
 */
#include "ulib.h"

/* Fork a child that checks its pid and exits with code. */
static long child_exiting(long parent, int code)
{
	long pid = sys_fork();

	CHECK(pid >= 0, "fork returned %ld", pid);
	if (pid == 0) {
		long self = sys_getpid();

		CHECK(self > 0 && self != parent, "child getpid %ld, parent %ld", self, parent);
		sys_exit(code);
	}
	return pid;
}

int main(int argc, char **argv)
{
	long parent = sys_getpid(), pid, pids[2], r;
	int status = -1, seen = 0;

	/* One child: its pid, its status, then nothing left to wait for. */
	pid = child_exiting(parent, 42);
	CHECK(pid > 0 && pid != parent, "fork returned %ld to the parent (pid %ld)", pid, parent);
	r = sys_wait4(pid, &status, 0, NULL);
	CHECK(r == pid, "wait4(%ld) returned %ld", pid, r);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42, "status 0x%x, want exit 42", status);
	r = sys_wait4(-1, &status, 0, NULL);
	CHECK(r == -ECHILD, "wait4(-1) with no children returned %ld", r);
	r = sys_wait4(-1, &status, WNOHANG, NULL);
	CHECK(r == -ECHILD, "wait4(-1, WNOHANG) with no children returned %ld", r);

	/* Two children at once: wait4(-1) returns each one once. */
	pids[0] = child_exiting(parent, 1);
	pids[1] = child_exiting(parent, 2);
	CHECK(pids[0] != pids[1], "both children have pid %ld", pids[0]);
	for (int n = 0; n < 2; n++) {
		status = -1;
		r = sys_wait4(-1, &status, 0, NULL);
		CHECK(r == pids[0] || r == pids[1], "wait4(-1) returned %ld, children %ld %ld",
		      r, pids[0], pids[1]);
		int i = r == pids[1];
		CHECK(!(seen & (1 << i)), "wait4(-1) returned child %ld twice", r);
		seen |= 1 << i;
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == i + 1,
		      "child %ld: status 0x%x, want exit %d", r, status, i + 1);
	}
	r = sys_wait4(-1, &status, WNOHANG, NULL);
	CHECK(r == -ECHILD, "wait4(-1, WNOHANG) after both returned %ld", r);

	printf("forkwait: ok\n");
	return 0;
}
