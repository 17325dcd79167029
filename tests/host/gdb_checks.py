"""tests/host/gdb_checks.py: the GDB side of tests/host/gdb_test.py.

Runs inside `gdb -batch`, after tools/gdb/hilo.py is sourced and gdb is
connected to the paused kernel, which boots with the test= of its matrix
line: gdbscenario.local_and_pool (tests/kernel/gdbscenario_test.c),
two threads each holding kmap_local maps across timer preemptions, then
enough kmap()s to wrap the pool around.

Once the scenario starts, breakpoints stop it in kmap_local_page (checked
at its return, after the PTE write), kunmap_local (at entry and return),
flush_all_zero_pkmaps (entry and return) and kmap_local_sched_in (entry
and return).  At each stop the hilo-* commands run and their output is
compared with what the kernel itself recorded, read here through plain
gdb expressions: the PTE hilo-walk prints is current->kmap_ctrl.pteval[],
hilo-pkmap's counts are pkmap_count[], memory read through a mapping is
what QEMU's monitor reads at the physical address hilo-walk gave.

With several CPUs (GDBTEST_SMP, from gdb_test.py) the scenario's threads
run on the highest CPU: "current" is always the task of the CPU of the
thread gdb stopped in (the percpu entry its %fs reaches).  hilo-cpus is
checked at the start and at the kmap stops, field by field, against
percpu[], apic_ids[] and QEMU's thread names (CPU#n), its slots against
memory read through them and by QEMU's monitor; on every thread,
hilo-kmap-local without a task and hilo-walk must use that thread's CPU.

The results go to $GDBTEST_RESULTS as JSON: [[case, [failures], reached]].
tests/host/gdb_process_checks.py does the same for the process scenario;
what both use is in tests/host/gdb_common.py.
"""

import os
import re
import sys
import traceback

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gdb_common as common                     # noqa: E402
from gdb_common import (all_tasks, label, monitor_words, pte_frame, run,  # noqa: E402
                        scenario_function, value)
from hilo_gdb.layout import layout      # noqa: E402  (tools/gdb/hilo.py put it on sys.path)


SCENARIO = scenario_function()
COMMANDS = ("hilo-walk", "hilo-mappings", "hilo-pkmap", "hilo-kmap-local", "hilo-page",
            "hilo-tasks", "hilo-dmesg", "hilo-sstep-irq", "hilo-cpus", "hilo-meminfo",
            "hilo-cmdline", "hilo-bt", "hilo-version", "hilo-ps")
BAD_ARGUMENTS = ("hilo-walk", "hilo-walk no_such_symbol", "hilo-page -pfn 0xfffffff",
                 "hilo-kmap-local no_such_task", "hilo-dmesg lots", "hilo-pkmap some",
                 "hilo-mappings 0x2000 0x1000", "hilo-sstep-irq maybe",
                 "hilo-cpus 99", "hilo-cpus cpu", "hilo-walk 0xc0000000 cpu 99",
                 "hilo-kmap-local cpu x", "hilo-pkmap all many", "hilo-meminfo 1",
                 "hilo-cmdline x", "hilo-bt", "hilo-bt no_such_task", "hilo-version now",
                 "hilo-ps x", "hilo-walk pid 0", "hilo-walk pid 99999", "hilo-walk 0x1000 limit 3",
                 "hilo-walk 0x1000 pid 0 cpu 0", "hilo-walk cpu 0")
CASES = (
    "commands_registered_with_help",
    "bad_arguments_give_clear_errors",
    "walk_prints_saved_pteval",
    "walk_agrees_with_physical_memory",
    "kmap_local_matches_live_ptes",
    "kunmap_local_clears_top_slot",
    "page_finds_local_mapping",
    "tasks_show_local_depth",
    "mappings_name_slots",
    "pkmap_counts_equal_pkmap_count",
    "pkmap_invariants_hold",
    "flush_clears_unflushed_slots",
    "sched_out_tore_slots_down",
    "sched_in_restores_slots",
    "dmesg_shows_kernel_log",
    "cpus_match_percpu",
    "commands_follow_selected_thread",
    "functions_match_kernel_records",
    "bt_follows_switched_out_stacks",
    "version_matches_loaded_elf",
    "mismatched_elf_is_refused",
    "not_ready_before_mm_init",
    "meminfo_matches_zones",
    "cmdline_matches_boot",
    "mappings_lists_region_names",
    "pkmap_rows_limited_by_count",
    "switched_out_maps_are_saved",
    "cpu_argument_selects_cpu",
)
STOPS = {"kmap_local_page": 4, "kunmap_local": 4, "flush_all_zero_pkmaps": 2,
         "kmap_local_sched_in": 3}         # stops checked per breakpoint
MAX_STOPS = 400                            # a runaway loop guard


R = common.start(CASES)


# ---- reading the commands' output

ENTRY_RE = re.compile(r"^\s+(?:PDPT|PD|PT)\[\d+\]\s+@0x[0-9a-f]+\s+(0x[0-9a-f]{16})", re.M)
PHYS_RE = re.compile(r"=> phys (0x[0-9a-f]+)")
LOCAL_ROW_RE = re.compile(r"^\s+(\d+)\s+(0x[0-9a-f]{8})\s+(0x[0-9a-f]{16})\s+\S+\s+"
                          r"(0x[0-9a-f]{16})\s+(.*)$", re.M)
POOL_ROW_RE = re.compile(r"^\s+(\d+)\s+0x[0-9a-f]{8}\s+(-?\d+)\s", re.M)
POOL_RUN_RE = re.compile(r"pkmap slots? (\d+)(?:-(\d+))?$", re.M)
UNFLUSHED_RE = re.compile(r"^free, unflushed \(count 1\): (.*)$", re.M)
TASK_ROW_RE = re.compile(r"^[* ]\s+(\d+)\s+(\S+)\s+\S+\s+\d+\s+(\d+)/(\d+)\s", re.M)


def walk(case, va):
    """(last entry's value, physical address or None) from hilo-walk."""
    out = run(case, f"hilo-walk {va:#x}")
    if out is None:
        return None, None
    entries = ENTRY_RE.findall(out)
    phys = PHYS_RE.search(out)
    R.expect(case, entries, f"hilo-walk {va:#x}: no entry line in:\n{out}")
    return (int(entries[-1], 16) if entries else None), (int(phys.group(1), 16) if phys else None)


def local_rows(case, task_spec=""):
    """hilo-kmap-local's rows {idx: (slot, pteval, live, check)} and
    whether its summary says ok."""
    out = run(case, f"hilo-kmap-local {task_spec}".strip())
    if out is None:
        return {}, False
    rows = {int(i): (int(s, 16), int(p, 16), int(l, 16), c.strip())
            for i, s, p, l, c in LOCAL_ROW_RE.findall(out)}
    return rows, "kmap_local: ok" in out


# ---- what the kernel recorded, through plain gdb expressions

def current():
    """The task running on the CPU of gdb's selected thread: the field its
    %fs segment reaches, as `current` does in the kernel."""
    return value("((struct percpu *)$fs_base)->current_task")


def saved_ptes(task):
    """[pteval[i]] for i below the task's idx."""
    ctrl = task["kmap_ctrl"]
    return [int(ctrl["pteval"][i]["pte"]) for i in range(int(ctrl["idx"]))]


def slot_addr(task, i):
    """Stack entry i's fixmap slot, by the formula of docs/design.md section 3 (FIX_KMAP_BEGIN
    + idx + KM_MAX_IDX * cpu), not by asking the commands."""
    lay = layout()
    return lay.FIXADDR_TOP - ((lay.FIX_KMAP_BEGIN + i + lay.KM_MAX_IDX * int(task["cpu"]))
                              << lay.PAGE_SHIFT)


def pool_counts():
    counts = value("pkmap_count")
    return [int(counts[i]) for i in range(counts.type.range()[1] + 1)]


# ---- several CPUs: hilo-cpus against percpu[], apic_ids[] and QEMU's threads

CPU_ROW_RE = re.compile(r"^([* ])\s+(\d+)\s+(\S+)\s+(\S+)\s+(\d+) \(([^)]*)\)\s+"
                        r"(0x[0-9a-f]{8}) \(preempt (\d+) hardirq (\d+) nmi (\d+)"
                        r"(?: other 0x[0-9a-f]+)?\)\s+(yes|no)\s+(\d+)(?:: (.*))?$", re.M)
CPU_SLOT_RE = re.compile(r"(0x[0-9a-f]{8}) pfn (0x[0-9a-f]+)")
QEMU_THREAD_RE = re.compile(r"^\*?\s+(\d+)\s+Thread \S+ \(CPU#(\d+)", re.M)
LOCAL_HEADER_RE = re.compile(r"^task (\d+) \(([^)]*)\), cpu (\d+),", re.M)
WALK_HEADER_RE = re.compile(r"cr3 (0x[0-9a-f]+) \(cpu (\d+)\)")
SWITCH_PATH = ("context_switch", "sched_switch_out", "kmap_local_sched_out",
               "finish_task_switch", "sched_switch_in", "kmap_local_sched_in")


def preempt_fields():
    """{field: (mask, offset)} of preempt_count, from include/hilo/preempt.h."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(root, "include", "hilo", "preempt.h")) as f:
        defines = dict(re.findall(r"^#define\s+(\w+)\s+(0x[0-9a-fA-F]+)", f.read(), re.M))
    return {name.lower(): (int(defines[f"{name}_MASK"], 16), int(defines[f"{name}_OFFSET"], 16))
            for name in ("PREEMPT", "HARDIRQ", "NMI")}


def online_cpus():
    mask = int(value("cpu_online_mask"))
    return [cpu for cpu in range(32) if mask & (1 << cpu)]


def qemu_threads():
    """{QEMU's CPU index: gdb thread number}, from `info threads`: QEMU
    names each thread after its vCPU ("Thread 1.2 (CPU#1 ...)")."""
    out = gdb.execute("info threads", to_string=True)
    return {int(index): int(num) for num, index in QEMU_THREAD_RE.findall(out)}


def cpu_slot_addr(cpu, i):
    lay = layout()
    return lay.FIXADDR_TOP - ((lay.FIX_KMAP_BEGIN + i + lay.KM_MAX_IDX * cpu) << lay.PAGE_SHIFT)


def in_switch_path():
    """Whether the selected thread is inside a task switch (its slots may
    be half torn down or restored)."""
    frame = gdb.newest_frame()
    for _ in range(8):
        if frame is None:
            return False
        if frame.name() in SWITCH_PATH:
            return True
        frame = frame.older()
    return False


def on_each_thread(fn):
    """fn(thread number) with each gdb thread selected in turn; then the
    thread selected before is selected again (at its newest frame)."""
    selected = gdb.selected_thread()
    try:
        for t in sorted(gdb.selected_inferior().threads(), key=lambda t: t.num):
            t.switch()
            fn(t.num)
    finally:
        selected.switch()


def check_cpus(where):
    """hilo-cpus: one row per online CPU, each field equal to the kernel's
    records; each listed slot reads the same through its address as QEMU's
    monitor reads at the frame.  Then, on each thread, hilo-kmap-local
    without a task and hilo-walk use that thread's CPU."""
    case = "cpus_match_percpu"
    want_cpus = int(os.environ.get("GDBTEST_SMP") or 1)
    online = online_cpus()
    R.expect(case, len(online) == want_cpus,
             f"{where}: cpu_online_mask {int(value('cpu_online_mask')):#x}, "
             f"QEMU has {want_cpus} CPUs")
    out = run(case, "hilo-cpus") or ""
    rows = {int(m[1]): m for m in CPU_ROW_RE.findall(out)}
    R.expect(case, sorted(rows) == online, f"{where}: hilo-cpus lists CPUs {sorted(rows)}, "
                                           f"cpu_online_mask has {online}:\n{out}")
    threads = qemu_threads()
    fields = preempt_fields()
    selected_cpu = int(value("((struct percpu *)$fs_base)->cpu"))
    if selected_cpu != 0 and saved_ptes(current()):
        SEEN["maps off the boot CPU"] = where
    switching = {}
    on_each_thread(lambda num: switching.__setitem__(num, in_switch_path()))
    for cpu in online:
        row = rows.get(cpu)
        if row is None:
            continue
        mark, _, apic, thread, pid, comm, count, pre, hard, nmi, resched, nslots, slots = row
        pc = f"percpu[{cpu}]"
        task = value(f"{pc}.current_task")
        apic_id = int(value(f"apic_ids[{cpu}]"))
        raw = int(value(f"{pc}.preempt_count")) & 0xFFFFFFFF
        decoded = {name: (raw & mask) // offset for name, (mask, offset) in fields.items()}
        expected = {
            "selected mark": (mark == "*", cpu == selected_cpu),
            "APIC ID": (apic, str(apic_id)),
            "thread": (thread, str(threads.get(apic_id, "-"))),
            "task": ((int(pid), comm), (int(task["pid"]), task["comm"].string())),
            "preempt_count": (int(count, 16), raw),
            "decoded preempt_count": ((int(pre), int(hard), int(nmi)),
                                      (decoded["preempt"], decoded["hardirq"], decoded["nmi"])),
            "need_resched": (resched == "yes", bool(int(value(f"{pc}.need_resched")))),
        }
        for what, (got, want) in expected.items():
            R.expect(case, got == want, f"{where}: cpu {cpu}'s {what} is {got} in hilo-cpus, "
                                        f"the kernel says {want}")
        listed = [(int(va, 16), int(pfn, 16)) for va, pfn in CPU_SLOT_RE.findall(slots or "")]
        R.expect(case, len(listed) == int(nslots),
                 f"{where}: cpu {cpu}: count {nslots} but {len(listed)} slots listed")
        for va, pfn in listed:
            through_slot = [int(value(f"((unsigned int *){va:#x})[{k}]")) for k in range(4)]
            physical = monitor_words(pfn << layout().PAGE_SHIFT, 4)
            R.expect(case, through_slot == physical,
                     f"{where}: cpu {cpu}'s slot {va:#x} reads {through_slot}, "
                     f"frame {pfn:#x} reads {physical}")
        if switching.get(threads.get(apic_id)):
            continue                    # slots legitimately in flux
        saved = {cpu_slot_addr(cpu, i): pte_frame(pte) >> layout().PAGE_SHIFT
                 for i, pte in enumerate(saved_ptes(task)) if pte}
        R.expect(case, dict(listed) == saved,
                 f"{where}: cpu {cpu} lists slots {[(hex(v), hex(p)) for v, p in listed]}, "
                 f"{label(task)}'s kmap_ctrl has {[(hex(v), hex(p)) for v, p in saved.items()]}")
    check_selected_thread_commands(where, threads)
    check_cpu_arguments(where)


SEEN = {}      # what the stops covered, for the checks at the end


def check_smp_coverage():
    """With several CPUs the scenario's threads run on the highest one:
    some stop must have checked live maps there, not on CPU 0."""
    if int(os.environ.get("GDBTEST_SMP") or 1) > 1:
        R.expect("commands_follow_selected_thread", "maps off the boot CPU" in SEEN,
                 "no stop checked a task with live maps on a CPU other than 0")


def check_selected_thread_commands(where, threads):
    """On each thread whose vCPU is an online CPU: hilo-kmap-local shows
    that CPU's running task, hilo-walk names that CPU and its CR3."""
    case = "commands_follow_selected_thread"
    cpu_of_thread = {num: cpu for cpu in online_cpus()
                     for index, num in threads.items() if index == int(value(f"apic_ids[{cpu}]"))}

    def check(num):
        cpu = cpu_of_thread.get(num)
        if cpu is None:
            return
        task = value(f"percpu[{cpu}].current_task")
        out = run(case, "hilo-kmap-local") or ""
        header = LOCAL_HEADER_RE.search(out)
        R.expect(case, header and (int(header[1]), header[2]) == (int(task["pid"]),
                                                                   task["comm"].string()),
                 f"{where}: on thread {num} (cpu {cpu}) hilo-kmap-local shows "
                 f"{header and header[0]!r}, cpu {cpu} runs {label(task)}")
        out = run(case, f"hilo-walk {layout().FIXADDR_TOP - layout().PAGE_SIZE:#x}") or ""
        header = WALK_HEADER_RE.search(out)
        cr3 = int(value("$cr3")) & ~0x1F
        R.expect(case, header and (int(header[1], 16), int(header[2])) == (cr3, cpu),
                 f"{where}: on thread {num} (cpu {cpu}, cr3 {cr3:#x}) hilo-walk's "
                 f"header says {header and header[0]!r}")

    on_each_thread(check)


# ---- stepping out of a function without stopping elsewhere

class Stops:
    """The breakpoints, and `finish` with all of them disabled (a
    preemption inside the function must not stop us in another one)."""

    def __init__(self):
        self.breakpoints = {}       # name -> gdb.Breakpoint
        self.handled = {}           # name -> stops checked
        self.last = None
        gdb.events.stop.connect(self.on_stop)

    def on_stop(self, event):
        self.last = event

    def add(self, name):
        self.breakpoints[name] = gdb.Breakpoint(name, internal=True)
        self.handled[name] = 0

    def finish(self):
        """Run to the return of the selected frame; the value returned
        (eax: the i386 calling convention)."""
        return_pc = gdb.selected_frame().older().pc()
        for b in self.breakpoints.values():
            b.enabled = False
        try:
            gdb.execute("finish", to_string=True)
        finally:
            for name, b in self.breakpoints.items():
                b.enabled = self.handled[name] < STOPS.get(name, 1)
        if gdb.selected_frame().pc() != return_pc:
            raise gdb.error(f"finish stopped at {gdb.selected_frame().pc():#x}, "
                            f"not at the return address {return_pc:#x}")
        return int(gdb.parse_and_eval("$eax")) & 0xFFFFFFFF

    def which(self):
        """The name of the breakpoint of the last stop, or None."""
        hits = getattr(self.last, "breakpoints", [])
        return next((n for n, b in self.breakpoints.items() if b in hits), None)

    def done(self, name):
        self.handled[name] += 1
        if self.handled[name] >= STOPS[name]:
            self.breakpoints[name].enabled = False


def first_argument():
    frame = gdb.selected_frame()
    arg = next(s for s in frame.block() if s.is_argument)
    return arg.value(frame)


# ---- the checks, one function per stop

def at_scenario_start(stops):
    """Before anything is mapped: the commands exist, errors are clear,
    the task list and the log are readable; then arm the breakpoints."""
    case = "commands_registered_with_help"
    listing = run(case, "hilo") or ""
    for name in COMMANDS:
        R.expect(case, name in listing, f"`hilo` does not list {name}")
        helptext = run(case, f"help {name}") or ""
        R.expect(case, len(helptext.splitlines()) > 2, f"help {name} is too short: {helptext!r}")
    for command in BAD_ARGUMENTS:
        check_bad_arguments(command)
    check_tasks()
    check_dmesg()
    check_cpus("scenario start")
    check_meminfo("scenario start")
    check_cmdline("scenario start")
    check_region_names()
    check_pkmap_row_limit("scenario start")
    check_functions("scenario start")
    check_version()
    check_mismatched_elf()
    for name in STOPS:
        stops.add(name)


def check_bad_arguments(command):
    case = "bad_arguments_give_clear_errors"
    name = command.split()[0]
    try:
        out = gdb.execute(command, to_string=True)
        R.expect(case, False, f"{command}: no error, printed {out!r}")
    except gdb.error as e:
        text = str(e)
        R.expect(case, text.startswith(name + ": ") and "Traceback" not in text,
                 f"{command}: unclear error {text!r}")


def check_tasks():
    """hilo-tasks' idx/maps column equals every task's kmap_ctrl.idx."""
    case = "tasks_show_local_depth"
    out = run(case, "hilo-tasks") or ""
    rows = {int(pid): (int(idx), int(maps)) for pid, _, idx, maps in TASK_ROW_RE.findall(out)}
    for task in all_tasks():
        idx = int(task["kmap_ctrl"]["idx"])
        want = (idx, idx // layout().KM_INCR)
        R.expect(case, rows.get(int(task["pid"])) == want,
                 f"hilo-tasks shows {label(task)} at {rows.get(int(task['pid']))}, "
                 f"kmap_ctrl.idx says {want}")


def check_dmesg():
    """hilo-dmesg's last line is in the serial log (what printk wrote)."""
    case = "dmesg_shows_kernel_log"
    out = run(case, "hilo-dmesg 3") or ""
    with open(os.environ["GDBTEST_SERIAL"], errors="replace") as f:
        serial = f.read()
    last = out.rstrip("\n").splitlines()[-1] if out.strip() else ""
    R.expect(case, last and last in serial, f"hilo-dmesg's last line {last!r} is not in the serial log")


def check_live_slot(case, task, i, where):
    """hilo-walk of the task's slot i prints pteval[i]; and the same page
    read through the slot and physically (QEMU's monitor) agrees."""
    want = saved_ptes(task)[i]
    va = slot_addr(task, i)
    got, phys = walk(case, va)
    R.expect(case, got == want, f"{where}: hilo-walk {va:#x} prints {got and hex(got)}, "
                                f"{label(task)}'s pteval[{i}] is {want:#x}")
    if phys is None:
        return
    memory = "walk_agrees_with_physical_memory"
    through_slot = [int(value(f"((unsigned int *){va:#x})[{k}]")) for k in range(4)]
    R.expect(memory, phys == pte_frame(want), f"{where}: phys {phys:#x} is not pteval's frame")
    R.expect(memory, through_slot == monitor_words(phys, 4),
             f"{where}: {va:#x} reads {through_slot}, physical {phys:#x} "
             f"reads {monitor_words(phys, 4)}")


def check_local_stack(case, task, where):
    """hilo-kmap-local for a task: summary ok, rows equal pteval[]."""
    rows, ok = local_rows(case, str(int(task["pid"])))
    R.expect(case, ok, f"{where}: hilo-kmap-local {label(task)} reports problems")
    for i, pte in enumerate(saved_ptes(task)):
        row = rows.get(i)
        R.expect(case, row is not None and row[:2] == (slot_addr(task, i), pte),
                 f"{where}: row {i} of {label(task)} is {row}, expected slot "
                 f"{slot_addr(task, i):#x} pteval {pte:#x}")
    return rows


def at_kmap_local_page(stops):
    """After the map: the new top slot's PTE, the page, the region names."""
    task = current()
    vaddr = stops.finish()
    i = int(task["kmap_ctrl"]["idx"]) - 1
    where = f"kmap_local_page in {label(task)} -> {vaddr:#x}"
    R.expect("walk_prints_saved_pteval", vaddr == slot_addr(task, i),
             f"{where}: not the address of slot {i} ({slot_addr(task, i):#x})")
    check_live_slot("walk_prints_saved_pteval", task, i, where)
    rows = check_local_stack("kmap_local_matches_live_ptes", task, where)
    R.expect("kmap_local_matches_live_ptes", rows.get(i, (0, 0, -1))[2] == saved_ptes(task)[i],
             f"{where}: the live PTE of row {i} is not pteval")
    check_page(task, i, vaddr, where)
    check_tasks()
    check_mappings(task, where)
    check_cpus(where)


def check_page(task, i, vaddr, where):
    case = "page_finds_local_mapping"
    frame = pte_frame(saved_ptes(task)[i]) >> layout().PAGE_SHIFT
    out = run(case, f"hilo-page -virt {vaddr:#x}") or ""
    R.expect(case, out.startswith(f"pfn {frame:#x} "), f"{where}: hilo-page says {out[:40]!r}, "
                                                      f"pteval's frame is {frame:#x}")
    R.expect(case, f"{vaddr:#010x} (kmap_local cpu{int(task['cpu'])} slot {i})" in out,
             f"{where}: hilo-page does not list the slot among the mappings:\n{out}")


def check_mappings(task, where):
    """hilo-mappings fixmap names each live slot of the running task."""
    case = "mappings_name_slots"
    out = run(case, "hilo-mappings fixmap") or ""
    for i, pte in enumerate(saved_ptes(task)):
        if pte:
            line = f"{slot_addr(task, i):#010x}-"
            R.expect(case, any(l.startswith(line) and l.endswith(f"kmap_local cpu{int(task['cpu'])} slot {i}")
                               for l in out.splitlines()),
                     f"{where}: no line for slot {i} at {slot_addr(task, i):#x} in:\n{out}")


def at_kunmap_local(stops):
    """Before: the address is the top slot, mapped as saved.  After: empty."""
    task = current()
    vaddr = int(first_argument())
    i = int(task["kmap_ctrl"]["idx"]) - 1
    slot = slot_addr(task, i)
    where = f"kunmap_local({vaddr:#x}) in {label(task)}"
    if vaddr & ~(layout().PAGE_SIZE - 1) != slot:
        return False                    # lowmem, or a misuse the kernel reports
    check_live_slot("walk_prints_saved_pteval", task, i, where)
    check_local_stack("kmap_local_matches_live_ptes", task, where)
    check_cpus(where)
    stops.finish()
    case = "kunmap_local_clears_top_slot"
    got, phys = walk(case, slot)
    R.expect(case, got == 0 and phys is None, f"{where}: after it, hilo-walk {slot:#x} "
                                              f"prints {got and hex(got)}, phys {phys}")
    R.expect(case, int(task["kmap_ctrl"]["idx"]) == i + 1 - layout().KM_INCR,
             f"{where}: idx is {int(task['kmap_ctrl']['idx'])} after it")
    check_local_stack(case, task, where + " (after)")


def pool_rows(case, where):
    """hilo-pkmap all: {slot: count}, and whether its check says ok."""
    out = run(case, f"hilo-pkmap all {layout().LAST_PKMAP}") or ""
    rows = {int(nr): int(count) for nr, count in POOL_ROW_RE.findall(out)}
    counts = pool_counts()
    R.expect(case, rows == dict(enumerate(counts)),
             f"{where}: hilo-pkmap's counts differ from pkmap_count at slots "
             f"{[n for n, c in enumerate(counts) if rows.get(n) != c][:10]}")
    stats = value("kmap_stats")
    line = "counters: " + " ".join(f"{f.name} {int(stats[f.name])}" for f in stats.type.fields())
    R.expect(case, line in out, f"{where}: hilo-pkmap lacks {line!r}")
    R.expect("pkmap_invariants_hold", "consistency: ok" in out,
             f"{where}: hilo-pkmap's consistency check fails:\n{out[out.find('consistency'):]}")
    return counts


def unflushed_slots(out):
    """The slots of hilo-pkmap's "free, unflushed" ranges ("3-5, 9")."""
    m = UNFLUSHED_RE.search(out)
    slots = set()
    for part in (m.group(1).split(", ") if m else []):
        first, _, last = part.partition("-")
        slots.update(range(int(first), int(last or first) + 1))
    return slots


def check_default_pool_listing(case, counts, where):
    """Without `all`, hilo-pkmap lists the slots in use and the count-1
    slots as ranges: both must match pkmap_count."""
    out = run(case, "hilo-pkmap") or ""
    listed = {int(nr): int(c) for nr, c in POOL_ROW_RE.findall(out)}
    in_use = {nr: c for nr, c in enumerate(counts) if c > 1}
    R.expect(case, listed == in_use, f"{where}: hilo-pkmap lists {sorted(listed)[:10]}, "
                                     f"the slots in use are {sorted(in_use)[:10]}")
    R.expect(case, unflushed_slots(out) == {nr for nr, c in enumerate(counts) if c == 1},
             f"{where}: hilo-pkmap's unflushed ranges differ from the count-1 slots")


def check_pool_mappings(counts, where):
    """hilo-mappings pkmap covers exactly the slots with a count (those
    have a PTE), labelled by slot number."""
    case = "mappings_name_slots"
    out = run(case, "hilo-mappings pkmap") or ""
    covered = set()
    for first, last in POOL_RUN_RE.findall(out):
        covered.update(range(int(first), int(last or first) + 1))
    want = {nr for nr, c in enumerate(counts) if c >= 1}
    R.expect(case, covered == want, f"{where}: hilo-mappings pkmap covers slots "
                                    f"{sorted(covered ^ want)[:10]} wrongly")


def at_flush_all_zero_pkmaps(stops):
    """The wraparound: count-1 slots exist before, none after, PTEs gone."""
    case = "pkmap_counts_equal_pkmap_count"
    before = pool_rows(case, "flush_all_zero_pkmaps entry")
    check_default_pool_listing(case, before, "flush_all_zero_pkmaps entry")
    check_pool_mappings(before, "flush_all_zero_pkmaps entry")
    unflushed = [n for n, c in enumerate(before) if c == 1]
    stops.finish()
    after = pool_rows(case, "flush_all_zero_pkmaps return")
    check_default_pool_listing(case, after, "flush_all_zero_pkmaps return")
    check_pool_mappings(after, "flush_all_zero_pkmaps return")
    check_pkmap_row_limit("flush_all_zero_pkmaps return")
    check_meminfo("flush_all_zero_pkmaps return")
    case = "flush_clears_unflushed_slots"
    R.expect(case, unflushed, "no count-1 slot at flush_all_zero_pkmaps: nothing to check")
    R.expect(case, all(after[n] == 0 for n in unflushed),
             f"slots still counted after the flush: {[n for n in unflushed if after[n]][:10]}")
    for n in unflushed[:3]:
        got, _ = walk(case, layout().pkmap_addr(n))
        R.expect(case, got == 0, f"pkmap slot {n}'s PTE is {got and hex(got)} after the flush")


def at_kmap_local_sched_in(stops):
    """A task with live maps comes back: its slots are empty at the hook's
    entry (torn down when it left), restored from pteval at its return."""
    task = first_argument()
    saved = saved_ptes(task)
    if not any(saved):
        return False
    where = f"kmap_local_sched_in({label(task)})"
    for i, pte in enumerate(saved):
        got, _ = walk("sched_out_tore_slots_down", slot_addr(task, i))
        R.expect("sched_out_tore_slots_down", got == 0,
                 f"{where}: slot {i} holds {got and hex(got)} before the hook")
    for other in all_tasks():
        if int(other) != int(task) and any(saved_ptes(other)):
            check_local_stack("sched_out_tore_slots_down", other, where)
            check_saved_maps(other, where)
    check_bt(where)
    check_functions(where)
    stops.finish()
    for i, pte in enumerate(saved):
        check_live_slot("sched_in_restores_slots", task, i, where + " (after)")
    check_local_stack("sched_in_restores_slots", task, where + " (after)")
    return True


# ---- the convenience functions, hilo-bt, hilo-version and the build id

def function_error(expr):
    """The gdb error of expr, or None when it evaluates."""
    try:
        gdb.parse_and_eval(expr)
    except gdb.error as e:
        return str(e)
    return None


def check_functions(where):
    """$hilo_current([cpu]), $hilo_per_cpu, $hilo_task, $hilo_page equal
    what plain expressions read from percpu[], task_list and mem_map; on
    every thread $hilo_current() is that thread's CPU's task; wrong
    arguments give gdb errors naming the function."""
    case = "functions_match_kernel_records"
    for cpu in online_cpus():
        plain = value(f"percpu[{cpu}].current_task")
        R.expect(case, int(value(f"$hilo_current({cpu})")) == int(plain),
                 f"{where}: $hilo_current({cpu}) != percpu[{cpu}].current_task {int(plain):#x}")
        R.expect(case, int(value(f"$hilo_current({cpu})->pid")) == int(plain["pid"]),
                 f"{where}: $hilo_current({cpu})->pid != {int(plain['pid'])}")
        for field in ("preempt_count", "need_resched", "cpu"):
            got, want = int(value(f'$hilo_per_cpu("{field}", {cpu})')), int(value(f"percpu[{cpu}].{field}"))
            R.expect(case, got == want, f"{where}: $hilo_per_cpu(\"{field}\", {cpu}) is {got}, "
                                        f"percpu[{cpu}].{field} is {want}")

    def on_thread(num):
        try:
            want = current()
            int(want)
        except gdb.error:
            return                  # a vCPU without per-CPU data yet
        if int(value("$fs_base")) == 0:
            return
        R.expect(case, int(value("$hilo_current()->pid")) == int(want["pid"]),
                 f"{where}: thread {num}: $hilo_current()->pid is "
                 f"{int(value('$hilo_current()->pid'))}, %fs's current_task->pid {int(want['pid'])}")
        R.expect(case, int(value('$hilo_per_cpu("current_task")')) == int(want),
                 f"{where}: thread {num}: $hilo_per_cpu(\"current_task\") is not %fs's current_task")

    on_each_thread(on_thread)
    for task in all_tasks():
        for spec in (f'"{task["comm"].string()}"', str(int(task["pid"]))):
            R.expect(case, int(value(f"$hilo_task({spec})")) == int(task),
                     f"{where}: $hilo_task({spec}) is not {label(task)} at {int(task):#x}")
    pfn = int(value("max_pfn")) - 1
    R.expect(case, int(value(f"$hilo_page({pfn:#x})")) == int(value(f"&mem_map[{pfn:#x}]")),
             f"{where}: $hilo_page({pfn:#x}) != &mem_map[{pfn:#x}]")
    R.expect(case, int(value(f"$hilo_page({pfn:#x})->_refcount")) ==
             int(value(f"mem_map[{pfn:#x}]._refcount")), f"{where}: $hilo_page()->_refcount differs")
    for expr in ('$hilo_current(99)', '$hilo_per_cpu("no_such_field")', '$hilo_per_cpu(1)',
                 '$hilo_task("no_such_task")', f'$hilo_page({pfn + 1:#x})', '$hilo_page("x")'):
        error = function_error(expr)
        name = expr.split("(")[0]
        R.expect(case, error is not None and error.startswith(name + ": ")
                 and "Traceback" not in error, f"{where}: {expr}: unclear error {error!r}")


BT_FRAME_RE = re.compile(r"^#(\d+)\s+(0x[0-9a-f]+) in (\S+?)(?:\+0x([0-9a-f]+))?(?:\s|$)", re.M)


def function_range(name):
    """[start, end) of a C function, from its DWARF block; None for an
    assembly label."""
    sym = gdb.lookup_global_symbol(name) or gdb.lookup_static_symbol(name)
    if sym is not None and sym.type is not None and sym.type.code == gdb.TYPE_CODE_FUNC:
        block = gdb.block_for_pc(int(sym.value().address))
        while block.function is None or block.function.name != name:
            block = block.superblock
        return block.start, block.end
    return None


def check_bt(where):
    """hilo-bt of every switched-out task: each frame's return address is a
    word of the task's stack above its saved sp, inside the function named
    (gdb's ranges, not the command's lookup); a preempted or sleeping task
    passed through __schedule.  hilo-bt of a running task says so."""
    case = "bt_follows_switched_out_stacks"
    checked = 0
    for task in all_tasks():
        pid = int(task["pid"])
        running = int(value(f"percpu[{int(task['cpu'])}].current_task")) == int(task)
        out = run(case, f"hilo-bt {pid}") or ""
        if running:
            R.expect(case, "is running on cpu" in out and "#0" in out,
                     f"{where}: hilo-bt of running {label(task)} says:\n{out}")
            continue
        frames = [(int(nr), int(pc, 16), name) for nr, pc, name, _ in BT_FRAME_RE.findall(out)]
        R.expect(case, frames, f"{where}: hilo-bt {label(task)} shows no frame:\n{out}")
        sp = int(task["sp"])
        top = int(task["stack"]) + int(task["stack_size"])
        stack = set(int(w) for w in gdb.selected_inferior().read_memory(sp, top - sp).cast("I"))
        for nr, pc, name in frames:
            R.expect(case, pc in stack, f"{where}: {label(task)} frame #{nr} {pc:#x} is not "
                                        f"a word of its stack {sp:#x}-{top:#x}")
            span = function_range(name)
            if span is None:            # assembly: the ELF symbol at or before the call
                at = pc if nr == 0 and "+0x0 " in out.splitlines()[2 + nr] else pc - 1
                sym = gdb.execute(f"info symbol {at:#x}", to_string=True).split(" + ")[0].split(" in ")[0]
                R.expect(case, sym.strip() == name, f"{where}: {label(task)} frame #{nr} "
                                                    f"{pc:#x} is in {sym.strip()}, not {name}")
                continue
            start, end = span
            inside = start <= pc - 1 < end or (nr == 0 and pc == start)
            R.expect(case, inside, f"{where}: {label(task)} frame #{nr} {pc:#x} is not in "
                                   f"{name} ({start:#x}-{end:#x})")
        if int(task["nvcsw"]) + int(task["nivcsw"]):
            checked += 1
            R.expect(case, any(n in ("__schedule", "schedule") for _, _, n in frames),
                     f"{where}: hilo-bt {label(task)} (switched out) has no __schedule:\n{out}")
    R.expect(case, checked, f"{where}: no switched-out task that ran to check")


def loaded_elf():
    return gdb.current_progspace().filename


def other_elf(path):
    """The plain kernel when the test build is loaded, and the reverse."""
    head, name = os.path.split(path)
    if os.path.basename(head) == "debug":
        return os.path.join(os.path.dirname(head), name)
    return os.path.join(head, "debug", name)


def serial_build_id():
    with open(os.environ["GDBTEST_SERIAL"], errors="replace") as f:
        m = re.search(r"^hilo: build (\S+ \S+)$", f.read(), re.M)
    return m and m.group(1)


def check_version():
    """hilo-version: both ids are the one the kernel printed at boot and
    the string at &hilo_build_id; they match."""
    case = "version_matches_loaded_elf"
    out = run(case, "hilo-version") or ""
    plain = value("(const char *)&hilo_build_id").string()
    booted = serial_build_id()
    R.expect(case, booted == plain, f"the boot banner says build {booted!r}, "
                                    f"hilo_build_id is {plain!r}")
    R.expect(case, re.search(rf"^running kernel\s+{re.escape(plain)}\s", out, re.M)
             and re.search(rf"^loaded ELF\s+{re.escape(plain)}\s", out, re.M)
             and "match: yes" in out, f"hilo-version does not show {plain!r} twice:\n{out}")
    R.expect(case, f"hilo: build {plain}" in out, f"hilo-version lacks the banner:\n{out}")


def check_mismatched_elf():
    """With the other kernel's ELF loaded, every command and function
    refuses, naming both builds and the `file` to load; reloading the
    right ELF makes them work again."""
    case = "mismatched_elf_is_refused"
    mine = loaded_elf()
    other = other_elf(mine)
    running = value("(const char *)&hilo_build_id").string()
    if not R.expect(case, os.path.exists(other), f"no other kernel {other} to load"):
        return
    gdb.execute(f"file {other}", to_string=True)
    try:
        theirs = value("(const char *)&hilo_build_id").string()     # from the ELF file: memory is the other's
        del theirs
        for command in ("hilo-tasks", "hilo-bt 0", "hilo-walk 0xc0000000", "p $hilo_current()"):
            try:
                out = gdb.execute(command, to_string=True)
                R.expect(case, False, f"{command} with {other} loaded: no refusal, printed {out!r}")
            except gdb.error as e:
                text = str(e)
                R.expect(case, "the loaded ELF does not match the running kernel (built " in text
                         and f"vs {running})" in text and "file " in text
                         and os.path.relpath(mine) in text,
                         f"{command} with {other} loaded: unclear refusal {text!r}")
        out = run(case, "hilo-version") or ""
        R.expect(case, "match: NO" in out, f"hilo-version with {other} loaded says:\n{out}")
    finally:
        gdb.execute(f"file {mine}", to_string=True)
    out = run(case, "hilo-tasks") or ""
    R.expect(case, "gdbscenario" in out or " boot " in out, f"after reloading {mine}: {out!r}")


# ---- before mm_init: every command says what is not set up yet

NOT_READY = {      # command -> what it must say before mm_init (error or note)
    "hilo-pkmap": "the kmap pool is not set up yet (pkmap_page_table is NULL)",
    "hilo-page 0x100": "the memory map is not set up yet",
    "hilo-meminfo": "the memory map is not set up yet",
    "hilo-kmap-local": "not set up yet (kmap_pte is NULL)",
    "hilo-mappings": "the kernel's page tables are not set up yet",
    "hilo-walk pid 0": "the memory map is not set up yet",
}
WORK_EARLY = ("hilo-tasks", "hilo-walk 0xc0100000", "hilo-dmesg", "hilo-cpus", "hilo-cmdline",
              "hilo-ps")


def early_command(where, command):
    """(output, error text) of a command at an early stop; a Python
    exception, an unreadable address or a wrapped range is a failure."""
    case = "not_ready_before_mm_init"
    name = command.split()[0]
    try:
        out, err = gdb.execute(command, to_string=True), ""
    except gdb.error as e:
        out, err = "", str(e)
    text = out + err
    R.expect(case, not err or err.startswith(name + ": "), f"{where}: {command}: {err!r}")
    for bad in ("Traceback", "cannot read target memory", "-0x00000000 ", "beyond the end of RAM"):
        R.expect(case, bad not in text, f"{where}: {command} says {bad!r}:\n{text}")
    if err:
        R.expect(case, "not set up yet" in err and "continue past " in err,
                 f"{where}: {command}: an error that is not a not-ready message: {err!r}")
    return out, err


def check_early(where):
    case = "not_ready_before_mm_init"
    for command, says in NOT_READY.items():
        out, err = early_command(where, command)
        R.expect(case, says in out + err, f"{where}: {command} does not say {says!r}:\n{out}{err}")
    for command in WORK_EARLY:
        early_command(where, command)


def check_before_mm_init(stops):
    """Stop at start_kernel and at mm_init's entry: nothing of mm is set up."""
    case = "not_ready_before_mm_init"
    for function in ("start_kernel", "mm_init"):
        bp = gdb.Breakpoint(function, internal=True)
        gdb.execute("continue", to_string=True)
        reached = stops.last is not None and bp in getattr(stops.last, "breakpoints", [])
        bp.delete()
        if not R.expect(case, reached, f"the kernel never stopped in {function}"):
            return
        check_early(function)
        if function == "start_kernel":
            early = early_command(function, "hilo-cmdline")[1]
            R.expect(case, "multiboot_copy" in early,
                     f"start_kernel: hilo-cmdline does not send to multiboot_copy: {early!r}")
        else:
            check_cmdline("mm_init")


# ---- hilo-meminfo against zones[] and the free lists read plainly

MEMINFO_ROW_RE = re.compile(r"^(\S+)\s+0x([0-9a-f]+)-0x([0-9a-f]+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\d+)$",
                            re.M)
BUDDY_ROW_RE = re.compile(r"^zone (\S+)((?:\s+\d+)+)$", re.M)
HIGH_RE = re.compile(r"^highmem: total (\d+) pages .*, free (\d+) pages", re.M)


def list_length(head, limit=1 << 20):
    """The entries of a list_head, following next plainly."""
    start, node, n = int(head.address), head["next"], 0
    while int(node) != start and n < limit:
        n += 1
        node = node["next"]
    return n


def check_meminfo(where):
    case = "meminfo_matches_zones"
    out = run(case, "hilo-meminfo") or ""
    rows = {m[0]: m for m in MEMINFO_ROW_RE.findall(out)}
    buddy = {name: [int(n) for n in counts.split()] for name, counts in BUDDY_ROW_RE.findall(out)}
    zones = value("zones")
    for i in range(zones.type.range()[1] + 1):
        z = zones[i]
        name = z["name"].string()
        want = (int(z["start_pfn"]), int(z["end_pfn"]), int(z["present_pages"]),
                int(z["managed_pages"]), int(z["present_pages"]) - int(z["managed_pages"]),
                int(z["free_pages"]))
        row = rows.get(name)
        got = row and (int(row[1], 16), int(row[2], 16), int(row[3]), int(row[4]),
                       int(row[5]) if row[5].isdigit() else row[5], int(row[6]))
        R.expect(case, got == want, f"{where}: zone {name}: hilo-meminfo {got}, zones[{i}] {want}")
        areas = z["free_area"]
        orders = areas.type.range()[1] + 1
        nr_free = [int(areas[o]["nr_free"]) for o in range(orders)]
        walked = [list_length(areas[o]["free_list"]) for o in range(orders)]
        R.expect(case, buddy.get(name) == nr_free,
                 f"{where}: zone {name}: buddyinfo {buddy.get(name)}, nr_free {nr_free}")
        R.expect(case, walked == nr_free,
                 f"{where}: zone {name}: the free lists hold {walked} blocks, nr_free {nr_free}")
        R.expect(case, sum(n << o for o, n in enumerate(walked)) == int(z["free_pages"]),
                 f"{where}: zone {name}: the free lists' pages are not free_pages")
        if name == "HighMem":
            high = HIGH_RE.search(out)
            R.expect(case, high and (int(high[1]), int(high[2])) == (int(z["managed_pages"]),
                                                                     int(z["free_pages"])),
                     f"{where}: the highmem line {high and high[0]!r} is not zone HighMem's")
    R.expect(case, "free lists: ok" in out, f"{where}: hilo-meminfo's free-list check fails:\n{out}")
    in_use = sum(c > 1 for c in pool_counts())
    R.expect(case, f"kmap pool: {len(pool_counts())} slots: {in_use} mapped" in out,
             f"{where}: hilo-meminfo's kmap pool line is not pkmap_count's {in_use} mapped")


# ---- hilo-cmdline against the command line the test booted with

CMDLINE_RAW_RE = re.compile(r"^raw \(boot_params\.cmdline\): (.*)$", re.M)
CMDLINE_COUNT_RE = re.compile(r"^parsed \(boot_cmdline\): (\d+) parameters?, (\d+) dropped", re.M)


def check_cmdline(where):
    case = "cmdline_matches_boot"
    given = os.environ.get("CMDLINE", "").strip()
    out = run(case, "hilo-cmdline") or ""
    raw = CMDLINE_RAW_RE.search(out)
    plain = value("boot_params.cmdline").string()
    R.expect(case, raw and raw[1] == (plain or "(empty)"),
             f"{where}: hilo-cmdline's raw text {raw and raw[1]!r}, boot_params.cmdline {plain!r}")
    R.expect(case, plain.endswith(given), f"{where}: booted with {given!r}, raw text {plain!r}")
    table = value("'kernel/cmdline.c'::boot_cmdline")
    count = CMDLINE_COUNT_RE.search(out)
    R.expect(case, count and (int(count[1]), int(count[2])) == (int(table["count"]),
                                                               int(table["dropped"])),
             f"{where}: hilo-cmdline's count {count and count[0]!r}, boot_cmdline has "
             f"{int(table['count'])} ({int(table['dropped'])} dropped)")
    lines = [l.strip() for l in out.splitlines()[2:]]
    for word in given.split():
        key, eq, val = word.partition("=")
        shown = [l.split(None, 1) for l in lines if l.split(None, 1)[:1] == [key]]
        R.expect(case, shown and shown[-1][1:] == [val if eq else "(flag)"],
                 f"{where}: {word!r} of the command line is {shown} in hilo-cmdline")


# ---- hilo-mappings' region names, hilo-pkmap's row count

def check_region_names():
    case = "mappings_lists_region_names"
    try:
        out = gdb.execute("hilo-mappings bogus", to_string=True)
        R.expect(case, False, f"hilo-mappings bogus: no error, printed {out[:200]!r}")
    except gdb.error as e:
        text = str(e)
        for region in ("direct", "vmalloc", "pkmap", "fixmap"):
            R.expect(case, region in text, f"hilo-mappings bogus does not name {region}: {text!r}")
        R.expect(case, "'bogus'" in text, f"hilo-mappings bogus does not say what was wrong: {text!r}")


def check_pkmap_row_limit(where):
    """hilo-pkmap all N lists N slots and says how many more; hilo-pkmap 1
    lists one slot in use."""
    case = "pkmap_rows_limited_by_count"
    last = layout().LAST_PKMAP
    out = run(case, "hilo-pkmap all 5") or ""
    rows = [int(nr) for nr, _ in POOL_ROW_RE.findall(out)]
    R.expect(case, rows == list(range(5)), f"{where}: hilo-pkmap all 5 lists slots {rows}")
    more = f"{last - 5} more slots: `hilo-pkmap all {last}`"
    R.expect(case, more in out, f"{where}: hilo-pkmap all 5 lacks {more!r}:\n{out}")
    in_use = [nr for nr, c in enumerate(pool_counts()) if c > 1]
    out = run(case, "hilo-pkmap 1") or ""
    rows = [int(nr) for nr, _ in POOL_ROW_RE.findall(out)]
    R.expect(case, rows == in_use[:1], f"{where}: hilo-pkmap 1 lists {rows}, in use {in_use}")
    if len(in_use) > 1:
        more = f"`hilo-pkmap {len(in_use)}`"
        R.expect(case, more in out, f"{where}: hilo-pkmap 1 lacks {more!r}:\n{out}")
    out = run(case, "help hilo-pkmap") or ""
    R.expect(case, "[all] [N]" in out, "help hilo-pkmap does not give the count argument")


# ---- a switched-out task's maps are saved, not live

def check_saved_maps(task, where):
    case = "switched_out_maps_are_saved"
    maps = int(task["kmap_ctrl"]["idx"]) // layout().KM_INCR
    out = run(case, f"hilo-kmap-local {int(task['pid'])}") or ""
    header = out.splitlines()[0] if out else ""
    R.expect(case, "switched out" in header and f"{maps} saved map" in header
             and "restored when it runs" in header and "live map" not in header,
             f"{where}: hilo-kmap-local {label(task)}: {header!r}")
    out = run(case, "hilo-tasks") or ""
    row = next((l for l in out.splitlines() if re.match(rf"^[* ]\s+{int(task['pid'])}\s", l)), "")
    R.expect(case, f"/{maps} saved" in row, f"{where}: hilo-tasks shows {label(task)} as {row!r}")


# ---- the cpu N arguments

def cpu_registers():
    """{cpu: cr3} of every thread whose %fs reaches percpu[]."""
    found = {}

    def read(num):
        if int(value("$fs_base")) & 0xFFFFFFFF:
            found[int(value("((struct percpu *)$fs_base)->cpu"))] = int(value("$cr3")) & ~0x1F
    on_each_thread(read)
    return found


def check_cpu_arguments(where):
    """For every online CPU, from whatever thread is selected: hilo-kmap-local
    cpu N shows CPU N's task, hilo-walk ... cpu N walks from CPU N's CR3,
    hilo-cpus N lists CPU N alone; the selected thread stays selected."""
    case = "cpu_argument_selects_cpu"
    selected = gdb.selected_thread().num
    cr3s = cpu_registers()
    top = layout().FIXADDR_TOP - layout().PAGE_SIZE
    for cpu in online_cpus():
        task = value(f"percpu[{cpu}].current_task")
        out = run(case, f"hilo-kmap-local cpu {cpu}") or ""
        header = LOCAL_HEADER_RE.search(out)
        R.expect(case, header and int(header[1]) == int(task["pid"]),
                 f"{where}: hilo-kmap-local cpu {cpu} shows {header and header[0]!r}, "
                 f"cpu {cpu} runs {label(task)}")
        out = run(case, f"hilo-walk {top:#x} cpu {cpu}") or ""
        header = WALK_HEADER_RE.search(out)
        R.expect(case, header and (int(header[1], 16), int(header[2])) == (cr3s.get(cpu), cpu),
                 f"{where}: hilo-walk cpu {cpu}: {header and header[0]!r}, its cr3 is "
                 f"{cr3s.get(cpu)}")
        for command in (f"hilo-cpus {cpu}", f"hilo-cpus cpu {cpu}"):
            out = run(case, command) or ""
            listed = [int(m[1]) for m in CPU_ROW_RE.findall(out)]
            R.expect(case, listed == [cpu], f"{where}: {command} lists CPUs {listed}")
        run(case, f"hilo-mappings fixmap cpu {cpu}")
        R.expect(case, gdb.selected_thread().num == selected,
                 f"{where}: the cpu {cpu} commands left thread {gdb.selected_thread().num} "
                 f"selected, not {selected}")


# Each breakpoint's handler, and the case an unexpected error there fails.
HANDLERS = {"kmap_local_page": (at_kmap_local_page, "walk_prints_saved_pteval"),
            "kunmap_local": (at_kunmap_local, "kunmap_local_clears_top_slot"),
            "flush_all_zero_pkmaps": (at_flush_all_zero_pkmaps, "pkmap_counts_equal_pkmap_count"),
            "kmap_local_sched_in": (at_kmap_local_sched_in, "sched_in_restores_slots")}


def handle(stops, name):
    """Run the handler of a stop.  An error is a failure of its case, not
    the end of the test.  A handler returns False for a stop it skipped
    (it does not count against the breakpoint's STOPS)."""
    handler, case = HANDLERS[name]
    try:
        counted = handler(stops)
    except (gdb.error, ValueError, KeyError, IndexError, TypeError) as e:
        R.expect(case, False, f"at {name}: {type(e).__name__}: {e}: {traceback.format_exc()}")
        counted = True
    if counted is not False:
        stops.done(name)


def main():
    stops = Stops()
    try:
        check_before_mm_init(stops)
    except gdb.error as e:
        R.expect("not_ready_before_mm_init", False, f"gdb: {e}: {traceback.format_exc()}")
    start = gdb.Breakpoint(SCENARIO, internal=True)
    try:
        gdb.execute("continue", to_string=True)
        if stops.last is None or start not in getattr(stops.last, "breakpoints", []):
            R.expect(CASES[0], False, f"the kernel never reached {SCENARIO}")
            return
        start.delete()
        at_scenario_start(stops)
        for _ in range(MAX_STOPS):
            gdb.execute("continue", to_string=True)
            name = stops.which()
            if name:
                handle(stops, name)
    except gdb.error as e:
        if "Remote connection closed" not in str(e) and "not being run" not in str(e):
            R.expect(CASES[0], False, f"gdb: {e}")
    finally:
        check_smp_coverage()
        R.save(os.environ["GDBTEST_RESULTS"])


main()
