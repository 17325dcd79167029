"""tests/host/gdb_functions_bt_checks.py: the checks of the convenience
functions ($hilo_current, $hilo_per_cpu, $hilo_task, $hilo_page) against
percpu[], task_list and mem_map, and of hilo-bt: every frame of a
switched-out task's backtrace is a word of its stack inside the function
named.
"""

import re

import gdb

from gdb_common import all_tasks, expect, label, run, value
from gdb_cpu_checks import on_each_thread, online_cpus
from gdb_kmap_checks import current

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
        expect(case, int(value(f"$hilo_current({cpu})")) == int(plain),
                 f"{where}: $hilo_current({cpu}) != percpu[{cpu}].current_task {int(plain):#x}")
        expect(case, int(value(f"$hilo_current({cpu})->pid")) == int(plain["pid"]),
                 f"{where}: $hilo_current({cpu})->pid != {int(plain['pid'])}")
        for field in ("preempt_count", "need_resched", "cpu"):
            got, want = int(value(f'$hilo_per_cpu("{field}", {cpu})')), int(value(f"percpu[{cpu}].{field}"))
            expect(case, got == want, f"{where}: $hilo_per_cpu(\"{field}\", {cpu}) is {got}, "
                                        f"percpu[{cpu}].{field} is {want}")

    def on_thread(num):
        try:
            want = current()
            int(want)
        except gdb.error:
            return                  # a vCPU without per-CPU data yet
        if int(value("$fs_base")) == 0:
            return
        expect(case, int(value("$hilo_current()->pid")) == int(want["pid"]),
                 f"{where}: thread {num}: $hilo_current()->pid is "
                 f"{int(value('$hilo_current()->pid'))}, %fs's current_task->pid {int(want['pid'])}")
        expect(case, int(value('$hilo_per_cpu("current_task")')) == int(want),
                 f"{where}: thread {num}: $hilo_per_cpu(\"current_task\") is not %fs's current_task")

    on_each_thread(on_thread)
    for task in all_tasks():
        for spec in (f'"{task["comm"].string()}"', str(int(task["pid"]))):
            expect(case, int(value(f"$hilo_task({spec})")) == int(task),
                     f"{where}: $hilo_task({spec}) is not {label(task)} at {int(task):#x}")
    pfn = int(value("max_pfn")) - 1
    expect(case, int(value(f"$hilo_page({pfn:#x})")) == int(value(f"&mem_map[{pfn:#x}]")),
             f"{where}: $hilo_page({pfn:#x}) != &mem_map[{pfn:#x}]")
    expect(case, int(value(f"$hilo_page({pfn:#x})->_refcount")) ==
             int(value(f"mem_map[{pfn:#x}]._refcount")), f"{where}: $hilo_page()->_refcount differs")
    for expr in ('$hilo_current(99)', '$hilo_per_cpu("no_such_field")', '$hilo_per_cpu(1)',
                 '$hilo_task("no_such_task")', f'$hilo_page({pfn + 1:#x})', '$hilo_page("x")'):
        error = function_error(expr)
        name = expr.split("(")[0]
        expect(case, error is not None and error.startswith(name + ": ")
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
            expect(case, "is running on cpu" in out and "#0" in out,
                     f"{where}: hilo-bt of running {label(task)} says:\n{out}")
            continue
        frames = [(int(nr), int(pc, 16), name) for nr, pc, name, _ in BT_FRAME_RE.findall(out)]
        expect(case, frames, f"{where}: hilo-bt {label(task)} shows no frame:\n{out}")
        sp = int(task["sp"])
        top = int(task["stack"]) + int(task["stack_size"])
        stack = set(int(w) for w in gdb.selected_inferior().read_memory(sp, top - sp).cast("I"))
        for nr, pc, name in frames:
            expect(case, pc in stack, f"{where}: {label(task)} frame #{nr} {pc:#x} is not "
                                        f"a word of its stack {sp:#x}-{top:#x}")
            span = function_range(name)
            if span is None:            # assembly: the ELF symbol at or before the call
                at = pc if nr == 0 and "+0x0 " in out.splitlines()[2 + nr] else pc - 1
                sym = gdb.execute(f"info symbol {at:#x}", to_string=True).split(" + ")[0].split(" in ")[0]
                expect(case, sym.strip() == name, f"{where}: {label(task)} frame #{nr} "
                                                    f"{pc:#x} is in {sym.strip()}, not {name}")
                continue
            start, end = span
            inside = start <= pc - 1 < end or (nr == 0 and pc == start)
            expect(case, inside, f"{where}: {label(task)} frame #{nr} {pc:#x} is not in "
                                   f"{name} ({start:#x}-{end:#x})")
        if int(task["nvcsw"]) + int(task["nivcsw"]):
            checked += 1
            expect(case, any(n in ("__schedule", "schedule") for _, _, n in frames),
                     f"{where}: hilo-bt {label(task)} (switched out) has no __schedule:\n{out}")
    expect(case, checked, f"{where}: no switched-out task that ran to check")
