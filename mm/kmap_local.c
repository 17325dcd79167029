/*
 * kmap_local (docs/design.md section 3): per-task stacks of CPU-local fixmap
 * slots, and kmap_atomic on top of them.  The names and the semantics are
 * Linux's (mm/highmem.c); where hilo is stricter it says so.
 *
 * The local slots: KM_MAX_IDX per CPU at FIX_KMAP_BEGIN + KM_MAX_IDX * cpu
 * (kmap_local_slot()).  A task pushes and pops them in strict stack order;
 * current->kmap_ctrl remembers each live slot's PTE so the scheduler can
 * clear them when the task is switched out (kmap_local_sched_out) and
 * rewrite them when it is switched in (kmap_local_sched_in).
 */
#include <asm/layout.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#include <hilo/cmdline.h>
#include <hilo/highmem-internal.h>
#include <hilo/mm.h>
#include <hilo/panic.h>
#include <hilo/preempt.h>
#include <hilo/printk.h>
#include <hilo/sched.h>
#include <hilo/smp.h>
#include <hilo/spinlock.h>
#include <hilo/string.h>

static int kmap_local_idx(void)
{
	return current->kmap_ctrl.idx - 1;
}

/*
 * Push a slot.  Each context has a limit of its own: a task may hold
 * exactly KM_MAX_NESTING (16) live maps, the 17th is a panic naming it
 * (Linux's check lets only 15 through, interrupts' maps included); hard
 * interrupts may add KM_MAX_IRQ_NESTING and NMIs KM_MAX_NMI_NESTING on
 * top, counted per CPU (an interrupt's maps are gone before it returns),
 * and one more is a panic naming the context and the CPU.
 */
static int kmap_local_idx_push(void)
{
	if (in_interrupt() && !irqs_disabled())
		panic("kmap_local: mapping in an interrupt with interrupts enabled");
	if (in_nmi()) {
		if (this_cpu_read(kmap_nmi_maps) >= KM_MAX_NMI_NESTING)
			panic("kmap_local: more than %d nested local maps in NMI context on CPU %u",
			      KM_MAX_NMI_NESTING, smp_processor_id());
		this_cpu_add(kmap_nmi_maps, 1);
	} else if (in_hardirq()) {
		if (this_cpu_read(kmap_irq_maps) >= KM_MAX_IRQ_NESTING)
			panic("kmap_local: more than %d nested local maps in interrupt context on CPU %u",
			      KM_MAX_IRQ_NESTING, smp_processor_id());
		this_cpu_add(kmap_irq_maps, 1);
	} else if (current->kmap_ctrl.idx >= KM_MAX_NESTING * KM_INCR) {
		panic("kmap_local: more than %d nested local maps in task %s",
		      KM_MAX_NESTING, current->comm);
	}
	current->kmap_ctrl.idx += KM_INCR;
	if (current->kmap_ctrl.idx > KM_MAX_IDX)	/* the limits above prevent it */
		panic("kmap_local: the local map stack of task %s overflowed on CPU %u",
		      current->comm, smp_processor_id());
	return current->kmap_ctrl.idx - 1;
}

static void kmap_local_idx_pop(void)
{
	current->kmap_ctrl.idx -= KM_INCR;
	if (current->kmap_ctrl.idx < 0)
		panic("kunmap_local: the local map stack of task %s underflowed",
		      current->comm);
	if (in_nmi() || in_hardirq()) {
		bool nmi = in_nmi();

		if (!(nmi ? this_cpu_read(kmap_nmi_maps) : this_cpu_read(kmap_irq_maps)))
			panic("kunmap_local: %s context on CPU %u unmaps a map it did not make",
			      nmi ? "NMI" : "interrupt", smp_processor_id());
		if (nmi)
			this_cpu_add(kmap_nmi_maps, -1);
		else
			this_cpu_add(kmap_irq_maps, -1);
	}
}

#ifdef CONFIG_DEBUG_KMAP_LOCAL
/*
 * Debug: every slot of this CPU that holds no live map of the current
 * stack (the guard slots between live maps, and everything above the
 * top) must have an empty PTE.  top is the stack index after the push.
 */
static void kmap_local_check_unused(int top)
{
	for (int i = 0; i < KM_MAX_IDX; i++) {
		int slot = kmap_local_slot(i, smp_processor_id());
		bool live = i < top && pte_present(current->kmap_ctrl.pteval[i]);

		if (!live && !pte_none(ptep_get(kmap_slot_pte(slot))))
			panic("kmap_local: unused slot %d (%#lx) has PTE %#llx",
			      slot, kmap_local_slot_addr(slot),
			      pte_val(ptep_get(kmap_slot_pte(slot))));
	}
}

/*
 * Debug: `kmap_irq_window` on the command line makes every map made in
 * task context take an interrupt's map between its two stores (pteval[]
 * and the PTE), as an interrupt arriving there would under KVM or on
 * hardware; TCG only delivers interrupts between translated blocks.
 */
static void kmap_local_irq_window(unsigned long pfn, pgprot_t prot)
{
	unsigned long flags;
	void *va;

	if (in_interrupt() || !cmdline_has("kmap_irq_window"))
		return;
	flags = arch_local_irq_save();
	irq_enter();
	va = __kmap_local_pfn_prot(pfn, prot);
	(void)READ_ONCE(*(u32 *)va);
	kunmap_local(va);
	irq_exit();
	arch_local_irq_restore(flags);
}
#else
static void kmap_local_check_unused(int top) { (void)top; }
static void kmap_local_irq_window(unsigned long pfn, pgprot_t prot)
{
	(void)pfn;
	(void)prot;
}
#endif

/**
 * __kmap_local_pfn_prot - map a frame in the next local slot.  Migration
 * stays disabled until the matching kunmap_local().  Any context (an
 * interrupt handler maps above the interrupted task's slots, within its
 * own headroom: see kmap_local_idx_push).
 */
void *__kmap_local_pfn_prot(unsigned long pfn, pgprot_t prot)
{
	unsigned long vaddr;
	pte_t pteval, *ptep;
	int idx, slot;

	migrate_disable();
	preempt_disable();
	idx = kmap_local_idx_push();
	slot = kmap_local_slot(idx, smp_processor_id());
	vaddr = kmap_local_slot_addr(slot);
	ptep = kmap_slot_pte(slot);
	if (!pte_none(ptep_get(ptep)))
		panic("kmap_local: slot %d (%#lx) is already mapped (PTE %#llx)",
		      slot, vaddr, pte_val(ptep_get(ptep)));
	kmap_local_check_unused(idx + 1);
	pteval = pfn_pte(pfn, prot);
	/*
	 * pteval[] before the PTE: an interrupt that maps in between must
	 * find the slot live, not a PTE nobody owns (kmap_local_check_unused).
	 */
	current->kmap_ctrl.pteval[idx] = pteval;
	kmap_local_irq_window(pfn, prot);
	set_pte(ptep, pteval);		/* a slot is flushed when unmapped */
	this_cpu_add(kmap_local_maps, 1);	/* a per-CPU count: nothing shared */
	preempt_enable();
	return (void *)vaddr;
}

void *kmap_local_pfn(unsigned long pfn)
{
	if (pfn < max_low_pfn && !IS_ENABLED_FORCE_MAP)
		return __va(pfn << PAGE_SHIFT);
	return __kmap_local_pfn_prot(pfn, PAGE_KERNEL);
}

void *kmap_local_page(struct page *page)
{
	if (!PageHighMem(page) && !IS_ENABLED_FORCE_MAP)
		return page_address(page);
	return __kmap_local_pfn_prot(page_to_pfn(page), PAGE_KERNEL);
}

#ifdef CONFIG_DEBUG_KMAP_LOCAL
/*
 * Debug: `stress_skip_invlpg` on the command line leaves out the invlpg
 * of about one kunmap_local in four, as a kernel that forgot it would:
 * the slot's next map can then reach the old page through a stale TLB
 * entry.  The test build has it so that the stress run's self-check
 * (tests/matrix) can prove the stress catches exactly that.
 */
static bool kunmap_local_skips_flush(void)
{
	static int skip = -1;

	if (skip < 0)
		skip = cmdline_has("stress_skip_invlpg");
	return skip && !(this_cpu_read(kmap_local_maps) & 3);
}
#else
static bool kunmap_local_skips_flush(void)
{
	return false;
}
#endif

static bool is_kmap_local_addr(unsigned long addr)
{
	return addr >= __fix_to_virt(FIX_KMAP_END) &&
	       addr <= __fix_to_virt(FIX_KMAP_BEGIN);
}

/**
 * kunmap_local - undo the newest kmap_local mapping; vaddr may point
 * anywhere inside its page.  A direct-map (lowmem) address is a no-op.
 * Unmapping anything but the top of the stack is a panic naming both
 * addresses (Linux only warns).  The PTE is cleared and flushed before
 * the slot is popped, so an interrupt in between cannot reuse a slot
 * whose translation some TLB still holds.
 */
void kunmap_local(const void *vaddr)
{
	unsigned long addr = (unsigned long)vaddr & PAGE_MASK, top;
	int idx, slot;

	if (!is_kmap_local_addr(addr)) {
		if (addr >= PAGE_OFFSET && addr < (unsigned long)high_memory)
			return;
		panic("kunmap_local: %p is not a kmap_local address", vaddr);
	}
	preempt_disable();
	idx = kmap_local_idx();
	slot = kmap_local_slot(idx, smp_processor_id());
	top = kmap_local_slot_addr(slot);
	if (idx < 0 || addr != top)
		panic("kunmap_local: %p is not the top of the local map stack of task %s (top: %#lx, depth %d)",
		      vaddr, current->comm, idx < 0 ? 0UL : top,
		      current->kmap_ctrl.idx / KM_INCR);
	pte_clear(kmap_slot_pte(slot));
	if (!kunmap_local_skips_flush())
		flush_tlb_one(addr);
	current->kmap_ctrl.pteval[idx] = __pte(0);
	kmap_local_idx_pop();
	preempt_enable();
	migrate_enable();
}

/**
 * kmap_local_sched_out - the outgoing task's live slots are cleared and
 * flushed (its pteval[] and idx stay).  Scheduler, interrupts off.
 */
void kmap_local_sched_out(struct task_struct *prev)
{
	for (int i = 0; i < prev->kmap_ctrl.idx; i++) {
		int slot = kmap_local_slot(i, smp_processor_id());

		if (!pte_present(prev->kmap_ctrl.pteval[i]))
			continue;	/* a guard slot */
		pte_clear(kmap_slot_pte(slot));
		flush_tlb_one(kmap_local_slot_addr(slot));
	}
}

/**
 * kmap_local_sched_in - the incoming task's live slots are written back
 * from its pteval[].  Scheduler, interrupts off.
 */
void kmap_local_sched_in(struct task_struct *next)
{
	for (int i = 0; i < next->kmap_ctrl.idx; i++)
		if (pte_present(next->kmap_ctrl.pteval[i]))
			set_pte(kmap_slot_pte(kmap_local_slot(i, smp_processor_id())),
				next->kmap_ctrl.pteval[i]);
}

/**
 * kmap_local_task_exit - a task that exits with live maps gets a warning
 * naming it and the count, and its slots are cleared.  (A new task needs
 * no hook: it starts with an empty stack, idx == 0.)
 */
void kmap_local_task_exit(struct task_struct *tsk)
{
	int live = 0;

	for (int i = 0; i < tsk->kmap_ctrl.idx; i++)
		if (pte_present(tsk->kmap_ctrl.pteval[i]))
			live++;
	if (!live)
		return;
	pr_warn("kmap_local: task %s exits with %d live local map%s: clearing them\n",
		tsk->comm, live, live == 1 ? "" : "s");
	/*
	 * As at a switch-out, and with preemption off: a switch back in
	 * between would rewrite the slots already cleared from pteval[].
	 */
	preempt_disable();
	kmap_local_sched_out(tsk);
	memset(&tsk->kmap_ctrl, 0, sizeof(tsk->kmap_ctrl));
	preempt_enable();
}

/* ---- kmap_atomic: deprecated, a local map with preemption and faults off ---- */

void *kmap_atomic(struct page *page)
{
	preempt_disable();
	pagefault_disable();
	return kmap_local_page(page);
}

void kunmap_atomic(const void *addr)
{
	kunmap_local(addr);
	pagefault_enable();
	preempt_enable();
}

/** kmap_local_count - local maps made so far on every CPU (kmap_local_maps). */
unsigned long kmap_local_count(void)
{
	unsigned long sum = 0;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		sum += READ_ONCE(per_cpu(cpu)->kmap_local_maps);
	return sum;
}
