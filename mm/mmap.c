/*
 * Mappings: each mm's sorted table of VMAs, and mmap, munmap and brk on
 * it (hilo/mm_user.h).  Anonymous private memory only: a mapping is a
 * range and its permissions; its pages appear on the first touch
 * (mm/memory.c).  A table of MM_MAX_VMAS entries is plenty for hilo's
 * programs and needs no allocator; a full table is -ENOMEM.
 */
#include <hilo/mm_user.h>
#include <hilo/mutex.h>
#include <hilo/string.h>
#include <uapi/hilo/abi.h>
#include <uapi/hilo/errno.h>

/* find_vma - see hilo/mm_user.h. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	for (unsigned int i = 0; i < mm->nr_vmas; i++) {
		struct vm_area_struct *vma = &mm->vmas[i];

		if (addr < vma->vm_start)
			break;
		if (addr < vma->vm_end)
			return vma;
	}
	return NULL;
}

/* range_free - no mapping overlaps [start, end). */
static bool range_free(const struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (unsigned int i = 0; i < mm->nr_vmas; i++)
		if (mm->vmas[i].vm_start < end && start < mm->vmas[i].vm_end)
			return false;
	return true;
}

/* user_range_ok - [start, end) is page aligned, not empty, inside user space. */
static bool user_range_ok(unsigned long start, unsigned long end)
{
	return !(start & ~PAGE_MASK) && !(end & ~PAGE_MASK) && start < end &&
	       start >= USER_ADDR_MIN && end <= TASK_SIZE;
}

/* insert_vma - see hilo/mm_user.h. */
int insert_vma(struct mm_struct *mm, unsigned long start, unsigned long end,
	       unsigned int flags)
{
	unsigned int i = 0;

	if (!user_range_ok(start, end) || !range_free(mm, start, end))
		return -EINVAL;
	if (mm->nr_vmas == MM_MAX_VMAS)
		return -ENOMEM;
	while (i < mm->nr_vmas && mm->vmas[i].vm_start < start)
		i++;
	memmove(&mm->vmas[i + 1], &mm->vmas[i], (mm->nr_vmas - i) * sizeof(mm->vmas[0]));
	mm->vmas[i] = (struct vm_area_struct){ start, end, flags };
	mm->nr_vmas++;
	return 0;
}

/* delete_vma - remove entry i of the table. */
static void delete_vma(struct mm_struct *mm, unsigned int i)
{
	memmove(&mm->vmas[i], &mm->vmas[i + 1], (mm->nr_vmas - i - 1) * sizeof(mm->vmas[0]));
	mm->nr_vmas--;
}

/*
 * unmap_range - take [start, end) out of every mapping: a mapping inside
 * goes, one that straddles an end is trimmed, one that holds the range
 * is split in two (-ENOMEM when the table has no room for the half).
 * Then its pages go.  mmap_lock held.
 */
static int unmap_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (unsigned int i = 0; i < mm->nr_vmas; i++) {
		struct vm_area_struct *vma = &mm->vmas[i];

		if (vma->vm_end <= start || vma->vm_start >= end)
			continue;
		if (vma->vm_start < start && vma->vm_end > end) {
			if (mm->nr_vmas == MM_MAX_VMAS)
				return -ENOMEM;
			memmove(vma + 1, vma, (mm->nr_vmas - i) * sizeof(*vma));
			mm->nr_vmas++;
			vma[0].vm_end = start;
			vma[1].vm_start = end;
			break;
		}
		if (vma->vm_start >= start && vma->vm_end <= end) {
			delete_vma(mm, i--);
			continue;
		}
		if (vma->vm_start < start)
			vma->vm_end = start;
		else
			vma->vm_start = end;
	}
	zap_page_range(mm, start, end);
	return 0;
}

/*
 * get_unmapped_area - the lowest free range of len bytes from
 * TASK_UNMAPPED_BASE up, below the stack; 0 when there is none.
 */
static unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long len)
{
	unsigned long addr = TASK_UNMAPPED_BASE;

	for (unsigned int i = 0; i < mm->nr_vmas; i++) {
		const struct vm_area_struct *vma = &mm->vmas[i];

		if (vma->vm_end <= addr)
			continue;
		if (vma->vm_start >= addr && vma->vm_start - addr >= len)
			break;
		addr = vma->vm_end;
	}
	return addr <= USER_STACK_TOP - USER_STACK_SIZE &&
	       len <= USER_STACK_TOP - USER_STACK_SIZE - addr ? addr : 0;
}

/* do_mmap - see hilo/mm_user.h. */
long do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
	     unsigned long prot, unsigned long flags)
{
	long ret;

	if (!len || len > TASK_SIZE || (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if ((flags & ~(unsigned long)MAP_FIXED) != (MAP_PRIVATE | MAP_ANONYMOUS))
		return -EINVAL;		/* anonymous private memory only */
	len = (len + PAGE_SIZE - 1) & PAGE_MASK;
	mutex_lock(&mm->mmap_lock);
	if (flags & MAP_FIXED) {
		/* Room for a split and the new entry first: fail before unmapping. */
		ret = (addr & ~PAGE_MASK) || !user_range_ok(addr, addr + len) ? -EINVAL :
		      mm->nr_vmas + 2 > MM_MAX_VMAS ? -ENOMEM :
		      unmap_range(mm, addr, addr + len);
	} else {
		addr = get_unmapped_area(mm, len);
		ret = addr ? 0 : -ENOMEM;
	}
	if (!ret)
		ret = insert_vma(mm, addr, addr + len, vm_flags_from_prot(prot));
	mutex_unlock(&mm->mmap_lock);
	return ret ? ret : (long)addr;
}

/* do_munmap - see hilo/mm_user.h. */
int do_munmap(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	unsigned long end = addr + ((len + PAGE_SIZE - 1) & PAGE_MASK);
	int ret;

	if ((addr & ~PAGE_MASK) || !len || len > TASK_SIZE || !user_range_ok(addr, end))
		return -EINVAL;
	mutex_lock(&mm->mmap_lock);
	ret = unmap_range(mm, addr, end);
	mutex_unlock(&mm->mmap_lock);
	return ret;
}

/*
 * heap_top_vma - the heap mapping that ends at end (the current break
 * rounded up), or NULL: a munmap or MAP_FIXED inside the heap may have
 * split it or cut its top off, and only a mapping that reaches end may
 * grow from there.
 */
static struct vm_area_struct *heap_top_vma(struct mm_struct *mm, unsigned long end)
{
	struct vm_area_struct *vma = end > mm->start_brk ? find_vma(mm, end - 1) : NULL;

	return vma && (vma->vm_flags & VM_HEAP) && vma->vm_end == end ? vma : NULL;
}

/*
 * do_brk - see hilo/mm_user.h.  The heap is VM_HEAP mappings from
 * start_brk to brk rounded up to a page; it grows only into free space,
 * by stretching the mapping that ends at the old break or with a new one.
 */
unsigned long do_brk(struct mm_struct *mm, unsigned long brk)
{
	unsigned long old_end, new_end;
	struct vm_area_struct *heap;

	mutex_lock(&mm->mmap_lock);
	if (brk < mm->start_brk || brk > USER_STACK_TOP - USER_STACK_SIZE)
		goto out;
	old_end = (mm->brk + PAGE_SIZE - 1) & PAGE_MASK;
	new_end = (brk + PAGE_SIZE - 1) & PAGE_MASK;
	heap = heap_top_vma(mm, old_end);
	if (new_end > old_end) {
		if (!range_free(mm, old_end, new_end))
			goto out;
		if (heap)
			heap->vm_end = new_end;
		else if (insert_vma(mm, old_end, new_end, VM_READ | VM_WRITE | VM_HEAP))
			goto out;
	} else if (new_end < old_end) {
		if (unmap_range(mm, new_end, old_end))
			goto out;
	}
	mm->brk = brk;
out:
	brk = mm->brk;
	mutex_unlock(&mm->mmap_lock);
	return brk;
}
