"""hilo-cpus: one line per online CPU, from percpu[] (include/hilo/percpu.h),
apic_ids[] (arch/x86/smpboot.c) and the CPU's kmap_local slots."""

from dataclasses import dataclass, field

import gdb

from . import cpuarg, kernel, ready, smp
from .command import Command
from .kmap_local import live_slot_ptes, saved_pte
from .layout import layout
from .pgtable import entry_pfn


@dataclass
class CpuState:
    """What hilo-cpus shows of one CPU."""
    cpu: int
    apic_id: object         # int, or None without apic_ids[]
    thread: object          # gdb thread number, or None
    task: gdb.Value         # percpu[cpu].current_task
    preempt_count: int
    need_resched: bool
    slots: list = field(default_factory=list)   # [(idx, slot address, live PTE)]
    foreign: list = field(default_factory=list)  # idx of slots not the task's pteval


def cpu_state(cpu, apic_ids, threads):
    lay = layout()
    pc = smp.percpu_array()[cpu]
    task = pc["current_task"]
    state = CpuState(cpu, None if apic_ids is None else apic_ids[cpu], threads.get(cpu),
                     task, int(pc["preempt_count"]), bool(int(pc["need_resched"])))
    has_ctrl = kernel.has_field(task, "kmap_ctrl")
    if not ready.fixmap_ready():
        state.slots = None              # no fixmap page table yet: no slots to read
        return state
    for i, pte in enumerate(live_slot_ptes(cpu)):
        if pte:
            state.slots.append((i, lay.kmap_slot_addr(cpu, i), pte))
            if has_ctrl and saved_pte(task, i) != pte:
                state.foreign.append(i)
    return state


def preempt_text(count):
    f = smp.decode_preempt_count(count)
    text = f"{count & 0xFFFFFFFF:#010x} (preempt {f['preempt']} hardirq {f['hardirq']} nmi {f['nmi']}"
    return text + (f" other {f['other']:#x})" if f["other"] else ")")


def slots_text(slots):
    if slots is None:
        return "- (no fixmap yet)"
    listed = ", ".join(f"{va:#010x} pfn {entry_pfn(pte):#x}" for _, va, pte in slots)
    return f"{len(slots)}" + (f": {listed}" if slots else "")


class CpusCommand(Command):
    """List the online CPUs: hilo-cpus [[cpu] N]

One line per CPU of cpu_online_mask: '*' marks the CPU of gdb's selected
thread, then the CPU number, its APIC ID (apic_ids[]), the gdb thread
that is its vCPU (`thread N` selects it), the task running on it
(percpu[cpu].current_task), its preempt_count decoded into the fields of
include/hilo/preempt.h, need_resched, and the kmap_local slots of that
CPU that are mapped now (live PTEs): their number, then each slot's
address and the frame its PTE maps.

  (gdb) hilo-cpus
    CPU  APIC  THREAD  TASK               PREEMPT_COUNT                                  RESCHED  LIVE LOCAL SLOTS
      0     0       1  1 (idle/0)         0x00000000 (preempt 0 hardirq 0 nmi 0)         no       0
  *   1     1       2  3 (gdbs/a)         0x00000000 (preempt 0 hardirq 0 nmi 0)         no       2: 0xfffdc000 pfn 0x37bfe, 0xfffda000 pfn 0x37bff
  online: cpu_online_mask 0x3 (2 CPUs); NR_CPUS 8

A mapped slot that is not the running task's kmap_ctrl.pteval[] entry is
named below the table (hilo-kmap-local TASK checks it in full).

With a CPU number N (`hilo-cpus 1` or `hilo-cpus cpu 1`), only CPU N's
line, then each of its mapped slots in full: stack index, address, live
PTE, frame and whose pteval[] entry it is.  Before kmap_init (mm_init)
there is no fixmap page table yet: the slots column says so."""

    name = "hilo-cpus"
    usage = "[[cpu] N]"

    def run(self, args):
        self.expect_args(args, 0, 2)
        if len(args) == 2 and args[0] != "cpu" or args == ["cpu"]:
            raise self.usage_error(f"expected a CPU number, `cpu N` or nothing, "
                                   f"not {' '.join(args)!r}")
        only = cpuarg.parse_cpu(args[-1], self.usage_error) if args else None
        online = smp.online_cpus() if only is None else [only]
        ids = smp.apic_ids()
        threads = smp.thread_of_cpu()
        selected = smp.selected_cpu_or_none()
        states = [cpu_state(cpu, ids, threads) for cpu in online]
        gdb.write(f"  {'CPU':>3}  {'APIC':>4}  {'THREAD':>6}  {'TASK':<17}  "
                  f"{'PREEMPT_COUNT':<45}  {'RESCHED':<7}  LIVE LOCAL SLOTS\n")
        for s in states:
            apic = "-" if s.apic_id is None else str(s.apic_id)
            thread = "-" if s.thread is None else str(s.thread)
            gdb.write(f"{'*' if s.cpu == selected else ' '} {s.cpu:>3}  {apic:>4}  {thread:>6}  "
                      f"{kernel.task_label(s.task):<17}  {preempt_text(s.preempt_count):<45}  "
                      f"{'yes' if s.need_resched else 'no':<7}  {slots_text(s.slots)}\n")
        if only is not None:
            self.detail(states[0])
            return
        mask = smp.online_mask()
        gdb.write(f"online: cpu_online_mask {mask:#x} ({len(online)} CPU"
                  f"{'s' if len(online) != 1 else ''}); NR_CPUS {smp.nr_cpus()}\n")
        for s in states:
            for i in s.foreign:
                gdb.write(f"  cpu {s.cpu}: slot {i} is mapped but is not "
                          f"{kernel.task_label(s.task)}'s pteval[{i}] (see hilo-kmap-local)\n")
        unmatched = sorted(set(t.num for t in gdb.selected_inferior().threads())
                           - set(threads.values()))
        if unmatched:
            gdb.write(f"gdb threads whose vCPU has no per-CPU data yet: "
                      f"{', '.join(map(str, unmatched))}\n")

    @staticmethod
    def detail(state):
        """Each mapped slot of one CPU, with the pteval[] entry it should be."""
        if state.slots is None:
            why = ready.not_ready("the kmap_local slots' page table", "kmap_pte is NULL",
                                  "kmap_init", "mm/highmem.c")
            gdb.write(f"cpu {state.cpu}: {why}\n")
            return
        gdb.write(f"cpu {state.cpu}: {len(state.slots)} mapped kmap_local slot"
                  f"{'s' if len(state.slots) != 1 else ''} of {layout().KM_MAX_IDX}\n")
        for i, va, pte in state.slots:
            whose = ("NOT " if i in state.foreign else "") + \
                f"{kernel.task_label(state.task)}'s pteval[{i}]"
            gdb.write(f"  slot {i:>2}  {va:#010x}  {pte:#018x}  pfn {entry_pfn(pte):#x}  {whose}\n")
