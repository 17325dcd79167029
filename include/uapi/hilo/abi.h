/*
 * The rest of the user ABI: what the system calls' arguments and results
 * mean.  Linux's i386 values wherever Linux has the thing; the hilo_*
 * structures are hilo's own (its test calls, see unistd.h).  Plain C
 * types only: the user programs include it too.
 */
#ifndef UAPI_HILO_ABI_H
#define UAPI_HILO_ABI_H

/* mmap2(addr, len, prot, flags, fd, pgoff): anonymous private memory only. */
#define PROT_NONE     0x0
#define PROT_READ     0x1
#define PROT_WRITE    0x2
#define PROT_EXEC     0x4
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FAILED    ((void *)-1)

/* wait4(pid, status, options, rusage): the status word. */
#define WNOHANG       1
#define WEXITSTATUS(s)  (((s) >> 8) & 0xFF)
#define WTERMSIG(s)     ((s) & 0x7F)
#define WIFEXITED(s)    (WTERMSIG(s) == 0)
#define WIFSIGNALED(s)  (WTERMSIG(s) != 0 && WTERMSIG(s) != 0x7F)
/*
 * Signals are not delivered, only reported: a process that faults is
 * killed, and its wait status names the signal Linux would have sent.
 */
#define SIGILL        4		/* invalid opcode */
#define SIGTRAP       5		/* int3 */
#define SIGFPE        8		/* divide error */
#define SIGKILL       9		/* out of memory */
#define SIGSEGV       11	/* a bad access: page fault, #GP */

/* nanosleep(req, rem) */
struct timespec {
	long tv_sec;
	long tv_nsec;
};

/* Zones, as the kernel numbers them. */
#define HILO_ZONE_DMA     0
#define HILO_ZONE_NORMAL  1
#define HILO_ZONE_HIGHMEM 2

/*
 * hilo_pageinfo(addr, info): how the calling process's page at addr is
 * mapped.  0 on success (even when not present: flags says so), -EFAULT
 * for a bad info pointer, -EINVAL for a kernel address.
 */
#define HILO_PI_PRESENT   0x01	/* the PTE is present */
#define HILO_PI_WRITABLE  0x02	/* the PTE allows writes */
#define HILO_PI_USER      0x04	/* the PTE is a user page */
#define HILO_PI_DIRTY     0x08
#define HILO_PI_ACCESSED  0x10
#define HILO_PI_PT        0x20	/* a page table covers addr */
#define HILO_PI_VMA       0x40	/* addr lies in a mapping (VMA) */
#define HILO_PI_VMA_WRITE 0x80	/* and that mapping is writable */

struct hilo_pageinfo {
	unsigned int flags;		/* HILO_PI_* */
	unsigned int zone;		/* the page's zone (HILO_ZONE_*), if present */
	unsigned long long pfn;		/* the page's frame, if present */
	unsigned int refcount;		/* the page's reference count: mappings */
	unsigned int pt_zone;		/* the page table's zone, if HILO_PI_PT */
	unsigned long long pt_pfn;	/* the page table's frame, if HILO_PI_PT */
};

/*
 * hilo_vmstat(stat): machine-wide counters of user memory since boot
 * (events) and now (pages).  0, or -EFAULT.
 */
struct hilo_vmstat {
	unsigned long long faults;	/* user-address page faults handled */
	unsigned long long zero_fills;	/* demand-zero pages allocated */
	unsigned long long cow_copies;	/* copy-on-write faults that copied */
	unsigned long long cow_reuses;	/* ... that found the page unshared */
	unsigned long long user_pages[3];	/* user pages now, by zone */
	unsigned long long pt_pages[3];	/* user page tables now, by zone */
	unsigned int highpte;		/* 1: PTE pages come from highmem */
	unsigned int has_highmem;	/* 1: the machine has highmem pages */
};

#endif
