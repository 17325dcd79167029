/*
 * sleep: nanosleep and sched_yield.  Proves that a 20 ms nanosleep
 * returns 0 (the process sleeps and is woken), that a timespec out of
 * range is -EINVAL (tv_nsec >= 1e9 or negative, tv_sec negative), that
 * sched_yield returns 0, and that the process is the same one after all
 * of it.  Prints "sleep: ok".
 */
#include "ulib.h"

int main(int argc, char **argv)
{
	static const struct timespec bad[] = {
		{ 0, 1000000000 }, { 0, -1 }, { -1, 0 },
	};
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	long pid = sys_getpid(), r;

	r = sys_nanosleep(&ts, NULL);
	CHECK(r == 0, "nanosleep(20 ms) returned %ld", r);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		r = sys_nanosleep(&bad[i], NULL);
		CHECK(r == -EINVAL, "nanosleep({%ld, %ld}) returned %ld",
		      bad[i].tv_sec, bad[i].tv_nsec, r);
	}
	for (int i = 0; i < 10; i++) {
		r = sys_sched_yield();
		CHECK(r == 0, "sched_yield %d returned %ld", i, r);
	}
	r = sys_getpid();
	CHECK(r == pid, "getpid %ld, was %ld", r, pid);
	printf("sleep: ok\n");
	return 0;
}
