/*
 * segv KIND: one bad access, which the kernel must answer by killing the
 * process with SIGSEGV (wait status: WIFSIGNALED, WTERMSIG == SIGSEGV),
 * not with a panic or by letting it through.  Prints "segv: KIND" first.
 *   null         reads address 0
 *   readonly     writes into a const object (.rodata, a read-only page)
 *   text         writes into its own code
 *   kernel       jumps to 0xC0100000 (the kernel's text)
 *   kernel-read  reads 0xC0000000
 *   unmapped     writes to 0x30000000, where nothing is mapped
 * If it survives: "segv: survived", exit 1.  Unknown KIND: FAIL, exit 2.
 */
#include "ulib.h"

static const int constant = 1;

int main(int argc, char **argv)
{
	const char *kind = argc >= 2 ? argv[1] : "(none)";

	printf("segv: %s\n", kind);
	if (!strcmp(kind, "null"))
		(void)*(volatile int *)opaque_ptr(0);
	else if (!strcmp(kind, "readonly"))
		*(volatile int *)opaque_ptr((unsigned long)&constant) = 2;
	else if (!strcmp(kind, "text"))
		*(volatile unsigned char *)opaque_ptr((unsigned long)main) = 0xc3;
	else if (!strcmp(kind, "kernel"))
		((void (*)(void))opaque_ptr(0xC0100000))();
	else if (!strcmp(kind, "kernel-read"))
		(void)*(volatile int *)opaque_ptr(0xC0000000);
	else if (!strcmp(kind, "unmapped"))
		*(volatile int *)opaque_ptr(0x30000000) = 1;
	else
		FAIL(2, "unknown kind \"%s\"", kind);
	printf("segv: survived\n");
	return 1;
}
