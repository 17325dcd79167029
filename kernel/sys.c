/*
 * The small system calls: exit, write, getpid, sched_yield, nanosleep,
 * brk, mmap2, munmap, and hilo's two test calls (hilo/syscalls.h).
 */
#include <asm/ptrace.h>
#include <asm/uaccess.h>
#include <hilo/mm.h>
#include <hilo/mm_user.h>
#include <hilo/printk.h>
#include <hilo/process.h>
#include <hilo/sched.h>
#include <hilo/spinlock.h>
#include <hilo/syscalls.h>
#include <hilo/timer.h>
#include <hilo/vmstat.h>
#include <uapi/hilo/abi.h>
#include <uapi/hilo/errno.h>

/* exit(code), exit_group(code): the status word is code << 8. */
long sys_exit(struct pt_regs *regs)
{
	do_exit((int)(regs->ebx & 0xFF) << 8);
}

/* user_output_write - see hilo/process.h. */
void user_output_write(const char *buf, size_t n)
{
	struct task_struct *task = current;
	struct user_output *out = task->output;

	if (out) {
		unsigned long flags;
		size_t room;

		spin_lock_irqsave(&out->lock, flags);
		room = sizeof(out->buf) - out->len;
		memcpy(out->buf + out->len, buf, n < room ? n : room);
		out->len += n < room ? n : room;
		out->dropped += n > room ? n - room : 0;
		spin_unlock_irqrestore(&out->lock, flags);
	}
	while (n) {
		size_t line = 0;

		while (line < n && buf[line] != '\n')
			line++;
		pr_info("%s[%d]: %.*s\n", task->comm, task->pid, (int)line, buf);
		if (line < n)
			line++;		/* the newline */
		buf += line;
		n -= line;
	}
}

/*
 * write(fd, buf, count): fd 1 and 2 are the console.  Copied in chunks;
 * a fault in the middle returns what was written, one at the start
 * -EFAULT, as Linux's.
 */
long sys_write(struct pt_regs *regs)
{
	const char *ubuf = (const char *)regs->ecx;
	unsigned long count = regs->edx, done = 0;
	char chunk[256];

	if (regs->ebx != 1 && regs->ebx != 2)
		return -EBADF;
	if (!access_ok(ubuf, count))
		return -EFAULT;
	while (done < count) {
		unsigned long n = count - done < sizeof(chunk) ? count - done : sizeof(chunk);
		unsigned long left = copy_from_user(chunk, ubuf + done, n);

		user_output_write(chunk, n - left);
		done += n - left;
		if (left)
			return done ? (long)done : -EFAULT;
	}
	return (long)done;
}

long sys_getpid(struct pt_regs *regs)
{
	return current->pid;
}

long sys_sched_yield(struct pt_regs *regs)
{
	yield();
	return 0;
}

/*
 * nanosleep(req, rem): sleep at least req, rounded up to whole ticks.
 * Nothing interrupts a sleep, so rem is never written.
 */
long sys_nanosleep(struct pt_regs *regs)
{
	struct timespec ts;
	unsigned long long ms;

	if (copy_from_user(&ts, (const void *)regs->ebx, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -EINVAL;
	ms = (unsigned long long)ts.tv_sec * 1000 + ((unsigned long)ts.tv_nsec + 999999) / 1000000;
	schedule_timeout_uninterruptible((long)msecs_to_jiffies(ms > 86400000ULL ? 86400000U : (unsigned int)ms));
	return 0;
}

/* brk(addr): the new break, or the old one when refused; brk(0) asks. */
long sys_brk(struct pt_regs *regs)
{
	return (long)do_brk(current->mm, regs->ebx);
}

/* mmap2(addr, len, prot, flags, fd, pgoff): anonymous private memory only. */
long sys_mmap2(struct pt_regs *regs)
{
	if (regs->ebp)
		return -EINVAL;		/* an offset into no file */
	return do_mmap(current->mm, regs->ebx, regs->ecx, regs->edx, regs->esi);
}

long sys_munmap(struct pt_regs *regs)
{
	return do_munmap(current->mm, regs->ebx, regs->ecx);
}

/* hilo_pageinfo(addr, info): see uapi/hilo/abi.h. */
long sys_hilo_pageinfo(struct pt_regs *regs)
{
	struct hilo_pageinfo info;

	if (regs->ebx >= TASK_SIZE)
		return -EINVAL;
	mm_pageinfo(current->mm, regs->ebx, &info);
	return copy_to_user((void *)regs->ecx, &info, sizeof(info)) ? -EFAULT : 0;
}

/* hilo_vmstat(stat): see uapi/hilo/abi.h. */
long sys_hilo_vmstat(struct pt_regs *regs)
{
	struct hilo_vmstat st = { .highpte = highpte, .has_highmem = zones[ZONE_HIGHMEM].managed_pages != 0 };
	struct vm_counters c;

	read_vm_counters(&c);
	st.faults = c.faults;
	st.zero_fills = c.zero_fills;
	st.cow_copies = c.cow_copies;
	st.cow_reuses = c.cow_reuses;
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		st.user_pages[z] = (unsigned long long)c.user_pages[z];
		st.pt_pages[z] = (unsigned long long)c.pt_pages[z];
	}
	return copy_to_user((void *)regs->ebx, &st, sizeof(st)) ? -EFAULT : 0;
}
