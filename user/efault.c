/*
 * efault: every system call that takes a pointer, given a bad one,
 * returns -EFAULT, and the process lives on.  The bad pointers: NULL,
 * the kernel's 0xC0000000, a range that starts in user space and ends in
 * the kernel's, an unmapped user address (0x30000000); for the calls that
 * write to user memory also the program's own read-only pages (.rodata,
 * .text).  A wait4 that cannot store the status must not reap the child.
 * The other errors too: execve of an unknown program is -ENOENT, munmap
 * of an unaligned address and mmap2 of 0 bytes are -EINVAL, a system call
 * number outside the table is -ENOSYS.  Prints "efault: N checks ok".
 *
 * The execve calls name "exitcode 97": should one of them wrongly
 * succeed, the process exits non-zero all the same.
 */
#include "ulib.h"

#define KERNEL   0xC0000000UL
#define UNMAPPED 0x30000000UL
#define STRING   16	/* a string, or an array of pointers, read up to its end */

static const int constant = 1;	/* in .rodata */

struct bad {
	const char *what;
	unsigned long addr;
};

/*
 * The bad pointers for an argument of size bytes, NULL first; with
 * writes, also the program's read-only pages.  Returns how many.
 */
static unsigned int bad_pointers(struct bad *b, unsigned long size, int writes)
{
	unsigned int n = 0;

	b[n++] = (struct bad){ "NULL", 0 };
	b[n++] = (struct bad){ "kernel", KERNEL };
	b[n++] = (struct bad){ "crossing", KERNEL - (size >= 16 ? 8 : size / 2) };
	b[n++] = (struct bad){ "unmapped", UNMAPPED };
	if (writes) {
		b[n++] = (struct bad){ ".rodata", (unsigned long)&constant };
		b[n++] = (struct bad){ ".text", (unsigned long)main };
	}
	return n;
}

/*
 * A string or an array of pointers is read up to its terminator, so a
 * crossing one must not end before 0xC0000000: if the last page of user
 * space is writable (the stack's, often), fill its last 8 bytes with
 * 0xEE, which is neither a NUL, nor a NULL pointer, nor a user address.
 */
static void prepare_top(void)
{
	struct hilo_pageinfo pi;
	long r = sys_hilo_pageinfo(KERNEL - PAGE_SIZE, &pi);

	CHECK(r == 0, "hilo_pageinfo(0x%lx) returned %ld", KERNEL - PAGE_SIZE, r);
	if ((pi.flags & HILO_PI_VMA) && (pi.flags & HILO_PI_VMA_WRITE))
		memset(opaque_ptr(KERNEL - 8), 0xEE, 8);
}

static void check_write_nanosleep(void)
{
	struct bad b[6];
	unsigned int n;
	long r;

	n = bad_pointers(b, 16, 0);
	for (unsigned int i = 0; i < n; i++) {
		r = sys_write(1, (const void *)b[i].addr, 16);
		CHECK(r == -EFAULT, "write(1, %s 0x%lx, 16) returned %ld", b[i].what, b[i].addr, r);
	}
	n = bad_pointers(b, sizeof(struct timespec), 0);
	for (unsigned int i = 0; i < n; i++) {
		r = sys_nanosleep((const struct timespec *)b[i].addr, NULL);
		CHECK(r == -EFAULT, "nanosleep(%s 0x%lx) returned %ld", b[i].what, b[i].addr, r);
	}
}

static void check_execve(void)
{
	const char *args[] = { "exitcode", "97", NULL };
	const char *env[] = { NULL };
	struct bad b[6];
	unsigned int n = bad_pointers(b, STRING, 0);
	long r;

	for (unsigned int i = 0; i < n; i++) {
		r = sys_execve((const char *)b[i].addr, args, env);
		CHECK(r == -EFAULT, "execve(%s 0x%lx, ...) returned %ld", b[i].what, b[i].addr, r);
	}
	for (unsigned int i = 0; i < n; i++) {
		r = sys_execve("exitcode", (const char *const *)b[i].addr, env);
		CHECK(r == -EFAULT, "execve(\"exitcode\", argv %s 0x%lx) returned %ld",
		      b[i].what, b[i].addr, r);
	}
	/* A bad element (NULL would just end argv); then a bad envp (NULL is allowed). */
	for (unsigned int i = 1; i < n; i++) {
		const char *elem[] = { "exitcode", "97", (const char *)b[i].addr, NULL };

		r = sys_execve("exitcode", elem, env);
		CHECK(r == -EFAULT, "execve(\"exitcode\", argv[2] %s 0x%lx) returned %ld",
		      b[i].what, b[i].addr, r);
	}
	for (unsigned int i = 1; i < n; i++) {
		r = sys_execve("exitcode", args, (const char *const *)b[i].addr);
		CHECK(r == -EFAULT, "execve(\"exitcode\", envp %s 0x%lx) returned %ld",
		      b[i].what, b[i].addr, r);
	}
	r = sys_execve("no-such-program", args, env);
	CHECK(r == -ENOENT, "execve(\"no-such-program\") returned %ld", r);
}

/*
 * wait4 with a status it cannot store fails and leaves the child to a
 * later wait4.  NULL is not bad there: it asks for no status (Linux).
 */
static void check_wait4(void)
{
	struct bad b[6];
	unsigned int n = bad_pointers(b, sizeof(int), 1);
	int status = -1;
	long pid, r;

	pid = sys_fork();
	CHECK(pid >= 0, "fork returned %ld", pid);
	if (pid == 0)
		sys_exit(5);
	for (unsigned int i = 1; i < n; i++) {
		r = sys_wait4(pid, (int *)b[i].addr, 0, NULL);
		CHECK(r == -EFAULT, "wait4(%ld, %s 0x%lx) returned %ld", pid, b[i].what, b[i].addr, r);
	}
	r = sys_wait4(pid, &status, 0, NULL);
	CHECK(r == pid, "wait4(%ld) after the failed ones returned %ld", pid, r);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 5, "status 0x%x, want exit 5", status);

	pid = sys_fork();
	CHECK(pid >= 0, "fork returned %ld", pid);
	if (pid == 0)
		sys_exit(6);
	r = sys_wait4(pid, NULL, 0, NULL);
	CHECK(r == pid, "wait4(%ld, NULL) returned %ld", pid, r);
	r = sys_wait4(-1, &status, WNOHANG, NULL);
	CHECK(r == -ECHILD, "wait4(-1, WNOHANG) after reaping both returned %ld", r);
}

static void check_hilo_calls(void)
{
	struct hilo_pageinfo pi;
	struct bad b[6];
	unsigned int n;
	long r;

	n = bad_pointers(b, sizeof(struct hilo_pageinfo), 1);
	for (unsigned int i = 0; i < n; i++) {
		r = sys_hilo_pageinfo((unsigned long)&constant, (struct hilo_pageinfo *)b[i].addr);
		CHECK(r == -EFAULT, "hilo_pageinfo(.rodata, %s 0x%lx) returned %ld",
		      b[i].what, b[i].addr, r);
	}
	r = sys_hilo_pageinfo(KERNEL, &pi);
	CHECK(r == -EINVAL, "hilo_pageinfo(0x%lx) returned %ld", KERNEL, r);

	n = bad_pointers(b, sizeof(struct hilo_vmstat), 1);
	for (unsigned int i = 0; i < n; i++) {
		r = sys_hilo_vmstat((struct hilo_vmstat *)b[i].addr);
		CHECK(r == -EFAULT, "hilo_vmstat(%s 0x%lx) returned %ld", b[i].what, b[i].addr, r);
	}
}

static void check_other_errors(void)
{
	static const long numbers[] = { 999, NR_syscalls, -1 };
	long r;

	r = sys_munmap(UNMAPPED + 1, PAGE_SIZE);
	CHECK(r == -EINVAL, "munmap(0x%lx, 4096) returned %ld", UNMAPPED + 1, r);
	r = sys_mmap2(0, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(r == -EINVAL, "mmap2 of 0 bytes returned %ld", r);
	for (unsigned int i = 0; i < ARRAY_SIZE(numbers); i++) {
		r = syscall6(numbers[i], 0, 0, 0, 0, 0, 0);
		CHECK(r == -ENOSYS, "system call %ld returned %ld", numbers[i], r);
	}
}

int main(int argc, char **argv)
{
	prepare_top();
	check_write_nanosleep();
	check_execve();
	check_wait4();
	check_hilo_calls();
	check_other_errors();
	printf("efault: %u checks ok\n", ulib_checks);
	return 0;
}
