"""hilo-kmap-local: a task's kmap_local stack (docs/design.md section 3, mm/kmap_local.c).

Each task's kmap_ctrl { idx, pteval[] }: stack entry i of a task on CPU c
lives in fixmap slot FIX_KMAP_BEGIN + i + KM_MAX_IDX * c.  While the task
runs, the slot's live PTE equals pteval[i]; once it is switched out the
slot is cleared, and another task may use it.
"""

from dataclasses import dataclass

import gdb

from . import cpuarg, kernel, pgtable, ready, smp
from .command import Command
from .errors import HiloError
from .layout import layout
from .pgtable import entry_pfn


@dataclass
class StackEntry:
    """Entry i of a task's kmap_local stack and its slot's state."""
    index: int
    slot: int           # the fixmap address
    saved: int          # kmap_ctrl.pteval[i]
    live: int           # the slot's PTE now
    check: str          # "ok ..." or a problem in capitals

    @property
    def ok(self):
        return self.check.startswith("ok")


def live_slot_ptes(cpu):
    """The live PTEs of cpu's KM_MAX_IDX slots, in stack order.  The fixmap
    counts down, so slot i + 1 is the page below slot i."""
    lay = layout()
    lowest = lay.kmap_slot_addr(cpu, lay.KM_MAX_IDX - 1)
    return list(reversed(pgtable.live_ptes(lowest, lay.KM_MAX_IDX)))


def saved_pte(task, i):
    """pteval[i] of task if entry i is on its stack, else None."""
    ctrl = task["kmap_ctrl"]
    return int(ctrl["pteval"][i]["pte"]) if i < int(ctrl["idx"]) else None


def slot_check(i, saved, live, task, holder):
    """The verdict on stack entry i of task; holder runs on its CPU."""
    if int(task) == int(holder):
        if live == saved:
            return "ok" if saved else "ok (guard slot, empty)"
        return "MISMATCH: the live PTE is not pteval"
    if not live:
        return "ok (switched out: slot empty)"
    if saved_pte(holder, i) == live:
        return f"ok (slot in use by running task {kernel.task_label(holder)})"
    if live == saved:
        return "STALE: still mapped after switch-out"
    return "MISMATCH: the live PTE belongs to no running task"


def checked_stack(task):
    """(cpu, kmap_ctrl.idx) of task, refused when they cannot be a CPU
    number and a stack depth."""
    if not kernel.has_field(task, "kmap_ctrl"):
        raise HiloError("this kernel's task_struct has no kmap_ctrl (no kmap_local yet)")
    lay = layout()
    cpu, idx = int(task["cpu"]), int(task["kmap_ctrl"]["idx"])
    if not 0 <= cpu < lay.NR_CPUS or not 0 <= idx <= lay.KM_MAX_IDX:
        raise HiloError(f"task {kernel.task_label(task)}: cpu {cpu}, kmap_ctrl.idx {idx}: "
                        f"outside 0..{lay.NR_CPUS - 1} and 0..{lay.KM_MAX_IDX}: corrupt task?")
    return cpu, idx


def local_stack(task):
    """The stack entries of task, and for the running task the slots above
    idx that are mapped anyway (leaks): [(i, pte)]."""
    lay = layout()
    cpu, idx = checked_stack(task)
    holder = kernel.running_task(cpu)
    live = live_slot_ptes(cpu)
    saved = [saved_pte(task, i) for i in range(idx)]
    entries = [StackEntry(i, lay.kmap_slot_addr(cpu, i), saved[i], live[i],
                          slot_check(i, saved[i], live[i], task, holder))
               for i in range(idx)]
    leaks = [(i, live[i]) for i in range(idx, lay.KM_MAX_IDX)
             if int(task) == int(holder) and live[i]]
    return entries, leaks


class KmapLocalCommand(Command):
    """Show a task's kmap_local stack: hilo-kmap-local [TASK | cpu N]

TASK is a pid, a name, or a `struct task_struct *` expression (default:
the task running on the CPU of gdb's selected thread, see hilo-cpus;
`cpu N`: the task running on CPU N).  A running task's maps are live in
its CPU's slots; a switched-out task's are saved in its pteval[] and
restored when it runs again.  Prints kmap_ctrl.idx and, for each stack entry below
it, the fixmap slot address, the saved pteval and its frame, the live PTE
(read physically from the fixmap's page table) and the check:
  running task:  live PTE == pteval (guard slots of the debug build: empty);
  switched out:  live PTE empty (or the running task's own pteval there).
For the running task the slots above idx must be empty too.

  (gdb) hilo-kmap-local gdbs/a
  task 2 (gdbs/a), cpu 0, switched out: kmap_ctrl.idx 2 (2 saved maps, restored when it runs; KM_INCR 1, KM_MAX_IDX 22)
   IDX  SLOT        PTEVAL              PFN       LIVE PTE            CHECK
     0  0xffffe000  0x8000000037bfe163  0x37bfe   0x0000000000000000  ok (switched out: slot empty)
     1  0xffffd000  0x8000000037bff163  0x37bff   0x0000000000000000  ok (switched out: slot empty)
  kmap_local: ok

With the debug build's guard slots (KM_INCR 2) every other entry is an
empty guard: its pteval and live PTE must both be 0."""

    name = "hilo-kmap-local"
    usage = "[TASK | cpu N]"

    def run(self, args):
        args, cpu = cpuarg.split_cpu(args, self.usage_error)
        self.expect_args(args, 0, 0 if cpu is not None else 1)
        ready.require_fixmap()
        if args:
            task = kernel.find_task(args[0])
        else:
            task = kernel.running_task(smp.selected_cpu() if cpu is None else cpu)
        with cpuarg.selected(cpu):
            entries, leaks = local_stack(task)
        self.header(task)
        for e in entries:
            pfn = f"{entry_pfn(e.saved):#x}" if e.saved else "-"
            gdb.write(f" {e.index:>3}  {e.slot:#010x}  {e.saved:#018x}  {pfn:<8}  "
                      f"{e.live:#018x}  {e.check}\n")
        for i, pte in leaks:
            gdb.write(f"  slot {i} above idx is mapped: {pte:#018x} (a leaked kmap_local?)\n")
        self.verdict(sum(not e.ok for e in entries) + len(leaks))

    @staticmethod
    def header(task):
        lay = layout()
        idx = int(task["kmap_ctrl"]["idx"])
        maps = idx // lay.KM_INCR
        running = kernel.is_running(task)
        state = "running" if running else "switched out"
        kind = "live" if running else "saved"
        restore = "" if running or not maps else ", restored when it runs"
        gdb.write(f"task {kernel.task_label(task)}, cpu {int(task['cpu'])}, {state}: "
                  f"kmap_ctrl.idx {idx} ({maps} {kind} map{'s' if maps != 1 else ''}{restore}; "
                  f"KM_INCR {lay.KM_INCR}, KM_MAX_IDX {lay.KM_MAX_IDX})\n")
        gdb.write(f" {'IDX':>3}  {'SLOT':<10}  {'PTEVAL':<18}  {'PFN':<8}  {'LIVE PTE':<18}"
                  "  CHECK\n")

    @staticmethod
    def verdict(problems):
        gdb.write("kmap_local: " + ("ok" if not problems else f"{problems} PROBLEMS") + "\n")
        switching = kernel.in_switch_path()
        if problems and switching:
            gdb.write(f"  (stopped in {switching}(), inside a task switch: the running "
                      "task's slots are rewritten by kmap_local_sched_in)\n")
