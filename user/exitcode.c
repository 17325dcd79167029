/*
 * exitcode N [PID]: exits with status N.  Proves that argv reaches main
 * and the exit status reaches wait4.  With PID (exec passes its own), it
 * also proves that execve kept the process: a different getpid() prints
 * FAIL and exits 99.  Without N: FAIL, exit 98.
 */
#include "ulib.h"

int main(int argc, char **argv)
{
	long pid;

	if (argc < 2)
		FAIL(98, "usage: exitcode N [PID] (argc %d)", argc);
	if (argc > 2) {
		pid = sys_getpid();
		if (pid != atoi(argv[2]))
			FAIL(99, "getpid() %ld after execve, was %s", pid, argv[2]);
	}
	return atoi(argv[1]);
}
