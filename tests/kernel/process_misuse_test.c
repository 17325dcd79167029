/*
 * Misuse of the process and address-space calls ends in a named panic,
 * proved by the runner booting each case on its own.
 */
#include <hilo/kthread.h>
#include <hilo/ktest.h>
#include <hilo/mm_user.h>
#include <hilo/process.h>
#include <uapi/hilo/abi.h>

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

/*
 * A kernel dereference of a user address outside the uaccess routines is
 * a bug even when a mapping covers it: an oops, not a page quietly faulted in.
 */
KTEST_EXPECT_PANIC(process, kernel_pointer_into_user_space_oopses,
		   "page fault at 0x40000000 (user space")
{
	struct mm_struct *mm = mm_alloc();

	ASSERT_NOT_NULL(t, mm);
	use_mm(mm);
	ASSERT_EQ(t, do_mmap(mm, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS),
		  0x40000000);
	(void)*(volatile u32 *)0x40000000;
}

static int exit_holding_an_mm(void *arg)
{
	use_mm(arg);
	return 0;	/* kthread_exit: the mm is still its address space */
}

KTEST_EXPECT_PANIC(process, kthread_exit_with_an_mm_panics,
		   "exits with an address space: unuse_mm() first")
{
	struct mm_struct *mm = mm_alloc();
	struct task_struct *k;

	ASSERT_NOT_NULL(t, mm);
	k = kthread_create(exit_holding_an_mm, mm, "mm-holder");
	ASSERT_NOT_NULL(t, k);
	kthread_start(k);
	kthread_wait(k);
}
