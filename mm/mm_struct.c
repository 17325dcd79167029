/*
 * Address spaces: create, copy (fork), free (exit), switch (hilo/mm_user.h).
 *
 * An mm is one lowmem page: struct mm_struct with its PDPT inside (CR3
 * needs it 32-byte aligned and below 4 GiB, which lowmem is), plus three
 * lowmem page directories for user space made with it, since PAE reads
 * the PDPT only when CR3 is loaded.  Entry 3 is the kernel's directory,
 * so every kernel mapping made later shows in every mm at once.
 */
#include <asm/desc.h>
#include <asm/processor.h>
#include <hilo/cmdline.h>
#include <hilo/mm_user.h>
#include <hilo/mutex.h>
#include <hilo/preempt.h>
#include <hilo/printk.h>
#include <hilo/sched.h>
#include <hilo/string.h>
#include <hilo/walk_probe.h>
#include <uapi/hilo/errno.h>

#include "mm_internal.h"

/* The PDPT entry of a page directory: PAE allows only P, PWT, PCD here. */
#define PDPT_ENTRY(phys) ((u64)(phys) | _PAGE_PRESENT)

/* mm_alloc - see hilo/mm_user.h. */
struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = (struct mm_struct *)get_zeroed_page(GFP_KERNEL);

	if (!mm)
		return NULL;
	mutex_init(&mm->mmap_lock, "mmap_lock");
	for (unsigned int i = 0; i < pgd_index(TASK_SIZE); i++) {
		unsigned long pmd = get_zeroed_page(GFP_KERNEL);

		if (!pmd) {
			mm_free(mm);
			return NULL;
		}
		account_pt_page(mm, virt_to_page((void *)pmd), 1);
		mm->pdpt[i].pgd = PDPT_ENTRY(__pa(pmd));
	}
	mm->pdpt[pgd_index(PAGE_OFFSET)] = swapper_pg_dir[pgd_index(PAGE_OFFSET)];
	return mm;
}

/* mm_free - see hilo/mm_user.h. */
void mm_free(struct mm_struct *mm)
{
	if (read_cr3() == __pa(mm->pdpt))
		panic("mm_free: mm %p is this CPU's address space (CR3 %#lx)", mm, read_cr3());
	free_pgtables(mm);
	for (unsigned int i = 0; i < pgd_index(TASK_SIZE); i++) {
		void *pmd;

		if (!pgd_present(mm->pdpt[i]))
			continue;
		pmd = __va((unsigned long)pgd_phys(mm->pdpt[i]));
		account_pt_page(mm, virt_to_page(pmd), -1);
		free_page((unsigned long)pmd);
	}
	free_page((unsigned long)mm);
}

/* dup_mm - see hilo/mm_user.h. */
struct mm_struct *dup_mm(struct mm_struct *oldmm)
{
	struct mm_struct *mm = mm_alloc();
	int err;

	if (!mm)
		return NULL;
	mutex_lock(&oldmm->mmap_lock);
	mm->nr_vmas = oldmm->nr_vmas;
	memcpy(mm->vmas, oldmm->vmas, sizeof(mm->vmas));
	mm->start_code = oldmm->start_code;
	mm->end_code = oldmm->end_code;
	mm->start_brk = oldmm->start_brk;
	mm->brk = oldmm->brk;
	mm->start_stack = oldmm->start_stack;
	err = copy_page_range(mm, oldmm);
	flush_tlb_user();	/* the parent's writable translations are stale */
	mutex_unlock(&oldmm->mmap_lock);
	if (err) {
		mm_free(mm);
		return NULL;
	}
	return mm;
}

/* switch_mm - see hilo/mm_user.h. */
void switch_mm(struct mm_struct *next)
{
	unsigned long cr3 = next ? __pa(next->pdpt) : __pa(swapper_pg_dir);

	if (read_cr3() != cr3)
		write_cr3(cr3);
}

/* replace_mm - see hilo/mm_user.h. */
struct mm_struct *replace_mm(struct mm_struct *mm)
{
	struct task_struct *task = current;
	struct mm_struct *old = task->mm;

	preempt_disable();	/* no switch between the two: it would load ->mm */
	task->mm = mm;
	switch_mm(mm);
	preempt_enable();
	return old;
}

/* use_mm - see hilo/mm_user.h. */
void use_mm(struct mm_struct *mm)
{
	struct task_struct *task = current;

	if (task->mm)
		panic("use_mm: task %s (pid %d) has an address space already",
		      task->comm, task->pid);
	replace_mm(mm);
}

/* unuse_mm - see hilo/mm_user.h. */
struct mm_struct *unuse_mm(void)
{
	return replace_mm(NULL);
}

/*
 * user_mm_init - `nohighpte` on the command line keeps PTE pages in
 * lowmem (Linux's userpte=nohigh); with HIGHPTE, the walk probe says
 * whether they may also sit above 4 GiB.  Boot.
 */
void user_mm_init(void)
{
	static const char *const probe_says[] = {
		[WALK_PROBE_OK] = "the CPU walks page tables above 4 GiB: PTE pages anywhere in highmem",
		[WALK_PROBE_TRUNCATES] = "the CPU does not walk a page table above 4 GiB (it reads one at its address modulo 4 GiB, as QEMU's i386 emulator does): PTE pages from highmem below 4 GiB",
		[WALK_PROBE_NO_RAM_ABOVE_4G] = "no RAM above 4 GiB",
		[WALK_PROBE_NOT_RUN] = "the walk probe found no room to run: PTE pages from highmem below 4 GiB",
	};
	enum walk_probe_result r;

	highpte = !cmdline_has("nohighpte");
	pr_info("user memory: %s, user pages from highmem\n",
		highpte ? "PTE pages from highmem (HIGHPTE)" :
			  "PTE pages from lowmem (nohighpte)");
	r = walk_probe();
	pt_above_4g = r == WALK_PROBE_OK;
	pr_info("user memory: %s\n", probe_says[r]);
}
