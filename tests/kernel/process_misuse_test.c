/*
 * Misuse of the process and address-space calls ends in a named panic,
 * proved by the runner booting each case on its own.
 */
#include <hilo/ktest.h>
#include <hilo/mm_user.h>
#include <hilo/process.h>

KTEST_EXPECT_PANIC(process, syscall_from_kernel_mode_panics,
		   "do_syscall: int $0x80 from kernel mode")
{
	__asm__ __volatile__("int $0x80" ::: "memory");
}

KTEST_EXPECT_PANIC(process, exit_of_a_kernel_thread_panics,
		   "do_exit: task boot (pid 0) is not a process")
{
	do_exit(0);
}

KTEST_EXPECT_PANIC(process, freeing_the_loaded_mm_panics, "is this CPU's address space")
{
	struct mm_struct *mm = mm_alloc();

	ASSERT_NOT_NULL(t, mm);
	use_mm(mm);
	mm_free(mm);
}

KTEST_EXPECT_PANIC(process, use_mm_twice_panics, "use_mm: task boot (pid 0) has an address space already")
{
	struct mm_struct *mm = mm_alloc();

	ASSERT_NOT_NULL(t, mm);
	use_mm(mm);
	use_mm(mm);
}
