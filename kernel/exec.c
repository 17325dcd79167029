/*
 * execve: replace the calling task's program with one of the built-in
 * programs (hilo/user_programs.h), and user_spawn(), which starts a
 * process that way from a kernel thread.
 *
 * The new address space is built completely before the old one is
 * dropped, so an execve that fails (no such program, a bad ELF file,
 * memory) returns its error to the old program:
 *
 *   copy name, argv from user space      -EFAULT, -ENAMETOOLONG, -E2BIG
 *   elf_parse the image                  -ENOEXEC
 *   mm_alloc; each PT_LOAD page: a highmem page, the file bytes copied
 *   in through kmap_local, mapped with the segment's permissions;
 *   the stack mapping and its top page with argc, argv, envp   -ENOMEM
 *   ---- no way back ----
 *   current->mm = new mm, CR3; the old mm freed
 *   the user frame (task_pt_regs): entry point, stack, user segments
 *
 * The initial stack, as Linux's i386 ABI has it (top page of the stack):
 *
 *   USER_STACK_TOP ->  argument strings
 *                      (padding to 16 bytes)
 *                      NULL               envp: empty
 *                      NULL               end of argv
 *                      argv[argc-1] .. argv[0]
 *   esp ->             argc
 */
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/switch_to.h>
#include <asm/uaccess.h>
#include <hilo/elf.h>
#include <hilo/highmem.h>
#include <hilo/kthread.h>
#include <hilo/mm_user.h>
#include <hilo/preempt.h>
#include <hilo/printk.h>
#include <hilo/process.h>
#include <hilo/sched.h>
#include <hilo/string.h>
#include <hilo/user_programs.h>
#include <uapi/hilo/abi.h>
#include <uapi/hilo/errno.h>

#include "sched.h"

#define EXEC_MAX_ARGS   32
#define EXEC_NAME_MAX   32
#define EXEC_STRINGS    2048	/* all argument strings, NULs included */

/* The program and arguments of an exec, in one lowmem page. */
struct exec_args {
	char name[EXEC_NAME_MAX];
	unsigned int argc;
	size_t len;				/* bytes used in strings[] */
	unsigned int argv[EXEC_MAX_ARGS];	/* offsets into strings[] */
	char strings[EXEC_STRINGS];
	struct user_output *output;		/* user_spawn: the output copy */
};
_Static_assert(sizeof(struct exec_args) <= PAGE_SIZE, "exec_args is one page");

static struct exec_args *exec_args_alloc(void)
{
	return (struct exec_args *)get_zeroed_page(GFP_KERNEL);
}

static void exec_args_free(struct exec_args *args)
{
	free_page((unsigned long)args);
}

/* exec_args_room - where the next string goes, and how much room is left. */
static long exec_args_room(struct exec_args *args, char **dst)
{
	if (args->argc == EXEC_MAX_ARGS)
		return -E2BIG;
	*dst = args->strings + args->len;
	return (long)(EXEC_STRINGS - args->len);
}

/* exec_args_commit - the string of length len at the end of strings[] is the next argument. */
static void exec_args_commit(struct exec_args *args, long len)
{
	args->argv[args->argc++] = (unsigned int)args->len;
	args->len += (size_t)len + 1;
}

/* exec_args_add - append a kernel string. */
static int exec_args_add(struct exec_args *args, const char *s)
{
	size_t len = strlen(s);
	char *dst;
	long room = exec_args_room(args, &dst);

	if (room < 0)
		return (int)room;
	if ((long)len >= room)
		return -E2BIG;
	memcpy(dst, s, len + 1);
	exec_args_commit(args, (long)len);
	return 0;
}

/*
 * load_segment - map every page of seg in mm: a zeroed highmem page with
 * the file's bytes for that page copied in, with the segment's rights.
 */
static int load_segment(struct mm_struct *mm, const struct user_program *prog,
			const struct elf_segment *seg)
{
	unsigned long start = seg->vaddr & PAGE_MASK;
	unsigned long end = (seg->vaddr + seg->memsz + PAGE_SIZE - 1) & PAGE_MASK;
	unsigned long file_end = seg->vaddr + seg->filesz;
	unsigned int vm_flags = vm_flags_from_prot(seg->prot);
	u64 prot = vm_page_prot(vm_flags, vm_flags & VM_WRITE);
	int err = insert_vma(mm, start, end, vm_flags);

	for (unsigned long addr = start; !err && addr < end; addr += PAGE_SIZE) {
		struct page *page = alloc_page(GFP_HIGHUSER);
		unsigned long from = addr > seg->vaddr ? addr : seg->vaddr;
		unsigned long to = addr + PAGE_SIZE < file_end ? addr + PAGE_SIZE : file_end;

		if (!page)
			return -ENOMEM;
		clear_highpage(page);
		if (from < to)
			memcpy_to_page(page, from - addr,
				       (const char *)prog->start + seg->offset + (from - seg->vaddr),
				       to - from);
		err = install_user_page(mm, addr, page, prot);
		if (err)
			__free_page(page);
	}
	return err;
}

/*
 * setup_stack - the stack mapping and its top page, laid out as drawn at
 * the top of this file; returns the initial esp, or 0 when out of memory.
 */
static unsigned long setup_stack(struct mm_struct *mm, const struct exec_args *args)
{
	unsigned long base = USER_STACK_TOP - PAGE_SIZE;
	unsigned long strings = USER_STACK_TOP - args->len;
	unsigned long sp = ((strings & ~15UL) - (args->argc + 3) * 4) & ~15UL;
	struct page *page;
	u32 *words;
	char *map;

	const unsigned int vm_flags = VM_READ | VM_WRITE | VM_STACK;

	if (insert_vma(mm, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP, vm_flags))
		return 0;
	page = alloc_page(GFP_HIGHUSER);
	if (!page)
		return 0;
	clear_highpage(page);
	map = kmap_local_page(page);
	memcpy(map + (strings - base), args->strings, args->len);
	words = (u32 *)(map + (sp - base));
	words[0] = args->argc;
	for (unsigned int i = 0; i < args->argc; i++)
		words[1 + i] = (u32)(strings + args->argv[i]);
	words[1 + args->argc] = 0;	/* end of argv */
	words[2 + args->argc] = 0;	/* an empty environment */
	kunmap_local(map);
	if (install_user_page(mm, base, page, vm_page_prot(vm_flags, true))) {
		__free_page(page);
		return 0;
	}
	return sp;
}

/* build_mm - the new program's address space; *sp its initial stack pointer. */
static int build_mm(const struct user_program *prog, const struct elf_info *info,
		    const struct exec_args *args, struct mm_struct **out, unsigned long *sp)
{
	struct mm_struct *mm = mm_alloc();
	int err = 0;

	if (!mm)
		return -ENOMEM;
	mutex_lock(&mm->mmap_lock);
	for (unsigned int i = 0; !err && i < info->nr_segments; i++)
		err = load_segment(mm, prog, &info->seg[i]);
	if (!err) {
		*sp = setup_stack(mm, args);
		err = *sp ? 0 : -ENOMEM;
	}
	mm->start_code = info->seg[0].vaddr;
	mm->end_code = info->end;
	mm->start_brk = mm->brk = (info->end + PAGE_SIZE - 1) & PAGE_MASK;
	mm->start_stack = *sp;
	mutex_unlock(&mm->mmap_lock);
	if (err) {
		mm_free(mm);
		return err;
	}
	*out = mm;
	return 0;
}

/* start_thread - the user frame of a new program: entry, stack, user segments, IF. */
static void start_thread(struct pt_regs *regs, unsigned long eip, unsigned long sp)
{
	*regs = (struct pt_regs){
		.gs = __USER_DS, .fs = __USER_DS, .es = __USER_DS, .ds = __USER_DS,
		.eip = eip, .cs = __USER_CS, .eflags = X86_EFLAGS_IF | X86_EFLAGS_FIXED,
		.esp = sp, .ss = __USER_DS,
	};
}

/*
 * exec_program - the steps at the top of this file, from elf_parse on.
 * On success the current task runs the new program when it returns to
 * user mode through regs.
 */
static int exec_program(struct exec_args *args, struct pt_regs *regs)
{
	const struct user_program *prog = find_user_program(args->name);
	struct task_struct *task = current;
	struct mm_struct *mm, *old;
	struct elf_info info;
	const char *why;
	unsigned long sp;
	int err;

	if (!prog)
		return -ENOENT;
	err = elf_parse(prog->start, (size_t)(prog->end - prog->start), USER_ADDR_MIN,
			USER_STACK_TOP - USER_STACK_SIZE, &info, &why);
	if (err) {
		pr_warn("execve: program %s: %s\n", args->name, why);
		return err;
	}
	err = build_mm(prog, &info, args, &mm, &sp);
	if (err)
		return err;

	old = replace_mm(mm);
	if (old)
		mm_free(old);
	strlcpy(task->comm, args->name, sizeof(task->comm));
	start_thread(regs, info.entry, sp);
	return 0;
}

/* copy_argv - the NULL-terminated user array uargv into args. */
static int copy_argv(struct exec_args *args, const u32 *uargv)
{
	for (unsigned int i = 0;; i++) {
		u32 ptr;
		char *dst;
		long room, len;

		if (get_user(ptr, uargv + i))
			return -EFAULT;
		if (!ptr)
			return 0;
		room = exec_args_room(args, &dst);
		if (room < 0)
			return (int)room;
		len = strncpy_from_user(dst, (const char *)ptr, room);
		if (len < 0)
			return len == -ENAMETOOLONG ? -E2BIG : (int)len;
		exec_args_commit(args, len);
	}
}

/*
 * check_envp - read the NULL-terminated user array uenvp and the start of
 * each string (-EFAULT for a bad pointer, -E2BIG past 1024 strings); the
 * environment is not passed on.
 */
static int check_envp(const u32 *uenvp)
{
	for (unsigned int i = 0; i < 1024; i++) {
		char scratch[64];
		u32 ptr;

		if (get_user(ptr, uenvp + i))
			return -EFAULT;
		if (!ptr)
			return 0;
		if (strncpy_from_user(scratch, (const char *)ptr, sizeof(scratch)) == -EFAULT)
			return -EFAULT;
	}
	return -E2BIG;
}

/*
 * sys_execve - execve(path, argv, envp).  path is a program's name; the
 * environment is read (a bad pointer is -EFAULT) but not passed on: a
 * program starts with an empty one.
 */
long sys_execve(struct pt_regs *regs)
{
	struct exec_args *args = exec_args_alloc();
	long err;

	if (!args)
		return -ENOMEM;
	err = strncpy_from_user(args->name, (const char *)regs->ebx, sizeof(args->name));
	if (err >= 0)
		err = copy_argv(args, (const u32 *)regs->ecx);
	if (!err && regs->edx)
		err = check_envp((const u32 *)regs->edx);
	if (!err)
		err = exec_program(args, regs);
	exec_args_free(args);
	return err;
}

/*
 * spawn_fn - a spawned process's first code, still a kernel thread: exec
 * the program, then leave for user mode through its fresh frame.
 */
static int spawn_fn(void *arg)
{
	struct exec_args *args = arg;
	struct pt_regs *regs = task_pt_regs(current);
	int err;

	current->output = args->output;
	err = exec_program(args, regs);
	if (err) {
		pr_err("user_spawn: %s: error %d\n", args->name, err);
		exec_args_free(args);
		do_exit(127 << 8);
	}
	exec_args_free(args);
	ret_to_user(regs);
}

/* user_spawn - see hilo/process.h. */
int user_spawn(const char *name, const char *const argv[], struct user_output *out)
{
	struct exec_args *args;
	struct task_struct *task;
	unsigned long flags;
	int err = 0, pid;

	if (!find_user_program(name))
		return -ENOENT;
	err = start_reaper();
	if (err)
		return err;
	args = exec_args_alloc();
	if (!args)
		return -ENOMEM;
	strlcpy(args->name, name, sizeof(args->name));
	for (unsigned int i = 0; !err && argv && argv[i]; i++)
		err = exec_args_add(args, argv[i]);
	args->output = out;
	task = err ? NULL : kthread_create(spawn_fn, args, "%s", name);
	if (!task) {
		exec_args_free(args);
		return err ? err : -EAGAIN;
	}
	task->flags &= ~PF_KTHREAD;	/* a process from its first instruction */
	if (out)
		__atomic_fetch_add(&out->users, 1, __ATOMIC_RELAXED);
	spin_lock_irqsave(&tasklist_lock, flags);
	task->parent = current;
	list_add_tail(&task->sibling, &current->children);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	pid = task->pid;
	kthread_start(task);
	return pid;
}
