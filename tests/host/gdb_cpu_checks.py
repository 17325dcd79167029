"""tests/host/gdb_cpu_checks.py: the checks of several CPUs: hilo-cpus
against percpu[], apic_ids[] and QEMU's threads, its slots against
memory; on each gdb thread, hilo-kmap-local and hilo-walk use that
thread's CPU; the `cpu N` arguments select CPU N.  The helpers that run a
check on each thread are used by the other checks too.
"""

import os
import re

import gdb

from gdb_common import expect, label, monitor_words, pte_frame, run, value
from gdb_kmap_checks import current, saved_ptes
from hilo_gdb.layout import layout      # on sys.path: tools/gdb/hilo.py put it there

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
    expect(case, len(online) == want_cpus,
             f"{where}: cpu_online_mask {int(value('cpu_online_mask')):#x}, "
             f"QEMU has {want_cpus} CPUs")
    out = run(case, "hilo-cpus") or ""
    rows = {int(m[1]): m for m in CPU_ROW_RE.findall(out)}
    expect(case, sorted(rows) == online, f"{where}: hilo-cpus lists CPUs {sorted(rows)}, "
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
            expect(case, got == want, f"{where}: cpu {cpu}'s {what} is {got} in hilo-cpus, "
                                        f"the kernel says {want}")
        listed = [(int(va, 16), int(pfn, 16)) for va, pfn in CPU_SLOT_RE.findall(slots or "")]
        expect(case, len(listed) == int(nslots),
                 f"{where}: cpu {cpu}: count {nslots} but {len(listed)} slots listed")
        for va, pfn in listed:
            through_slot = [int(value(f"((unsigned int *){va:#x})[{k}]")) for k in range(4)]
            physical = monitor_words(pfn << layout().PAGE_SHIFT, 4)
            expect(case, through_slot == physical,
                     f"{where}: cpu {cpu}'s slot {va:#x} reads {through_slot}, "
                     f"frame {pfn:#x} reads {physical}")
        if switching.get(threads.get(apic_id)):
            continue                    # slots legitimately in flux
        saved = {cpu_slot_addr(cpu, i): pte_frame(pte) >> layout().PAGE_SHIFT
                 for i, pte in enumerate(saved_ptes(task)) if pte}
        expect(case, dict(listed) == saved,
                 f"{where}: cpu {cpu} lists slots {[(hex(v), hex(p)) for v, p in listed]}, "
                 f"{label(task)}'s kmap_ctrl has {[(hex(v), hex(p)) for v, p in saved.items()]}")
    check_selected_thread_commands(where, threads)
    check_cpu_arguments(where)


SEEN = {}      # what the stops covered, for the checks at the end


def check_smp_coverage():
    """With several CPUs the scenario's threads run on the highest one:
    some stop must have checked live maps there, not on CPU 0."""
    if int(os.environ.get("GDBTEST_SMP") or 1) > 1:
        expect("commands_follow_selected_thread", "maps off the boot CPU" in SEEN,
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
        expect(case, header and (int(header[1]), header[2]) == (int(task["pid"]),
                                                                   task["comm"].string()),
                 f"{where}: on thread {num} (cpu {cpu}) hilo-kmap-local shows "
                 f"{header and header[0]!r}, cpu {cpu} runs {label(task)}")
        out = run(case, f"hilo-walk {layout().FIXADDR_TOP - layout().PAGE_SIZE:#x}") or ""
        header = WALK_HEADER_RE.search(out)
        cr3 = int(value("$cr3")) & ~0x1F
        expect(case, header and (int(header[1], 16), int(header[2])) == (cr3, cpu),
                 f"{where}: on thread {num} (cpu {cpu}, cr3 {cr3:#x}) hilo-walk's "
                 f"header says {header and header[0]!r}")

    on_each_thread(check)


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
        expect(case, header and int(header[1]) == int(task["pid"]),
                 f"{where}: hilo-kmap-local cpu {cpu} shows {header and header[0]!r}, "
                 f"cpu {cpu} runs {label(task)}")
        out = run(case, f"hilo-walk {top:#x} cpu {cpu}") or ""
        header = WALK_HEADER_RE.search(out)
        expect(case, header and (int(header[1], 16), int(header[2])) == (cr3s.get(cpu), cpu),
                 f"{where}: hilo-walk cpu {cpu}: {header and header[0]!r}, its cr3 is "
                 f"{cr3s.get(cpu)}")
        for command in (f"hilo-cpus {cpu}", f"hilo-cpus cpu {cpu}"):
            out = run(case, command) or ""
            listed = [int(m[1]) for m in CPU_ROW_RE.findall(out)]
            expect(case, listed == [cpu], f"{where}: {command} lists CPUs {listed}")
        run(case, f"hilo-mappings fixmap cpu {cpu}")
        expect(case, gdb.selected_thread().num == selected,
                 f"{where}: the cpu {cpu} commands left thread {gdb.selected_thread().num} "
                 f"selected, not {selected}")
