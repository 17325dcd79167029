/*
 * hello: the first program.  Proves that execve loads and starts a
 * program, that write() reaches the console and getpid() answers, and
 * that returning from main exits with status 0.  Prints exactly
 * "hello, world\n", in one write().
 */
#include "ulib.h"

int main(int argc, char **argv)
{
	static const char msg[] = "hello, world\n";
	long n, pid;

	n = sys_write(1, msg, sizeof(msg) - 1);
	CHECK(n == (long)sizeof(msg) - 1, "write returned %ld", n);
	pid = sys_getpid();
	CHECK(pid > 0, "getpid returned %ld", pid);
	return 0;
}
