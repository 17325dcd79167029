/*
 * exec: replaces itself with "exitcode 7 <its own pid>".  Proves that
 * execve finds a program by name, passes argv to it and keeps the pid:
 * the process exits 7 (99 if the pid changed).  If execve returns, it
 * failed: FAIL with the error, exit 1.
 */
#include "ulib.h"

int main(int argc, char **argv)
{
	char pid[16];
	const char *args[] = { "exitcode", "7", pid, NULL };
	const char *env[] = { NULL };
	long r;

	snprintf(pid, sizeof(pid), "%ld", sys_getpid());
	r = sys_execve("exitcode", args, env);
	FAIL(1, "execve(\"exitcode\") returned %ld", r);
}
