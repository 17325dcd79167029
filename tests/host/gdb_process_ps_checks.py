"""tests/host/gdb_process_ps_checks.py: the process scenario's checks of
hilo-ps and hilo-ps -a: the rows against the tasks, their mms and the
running CPU's CR3; each mm's rss[] and pt_pages[] against its tables;
the zombie's line; the totals against vm_counters.
"""

import re

import gdb

from gdb_common import all_tasks, expect, label, run, value
from gdb_process_records import by_zone, pdpt_phys

PS_ROW_RE = re.compile(r"^([* ])\s+(\d+) (\S+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)"
                       r"\s+(\S+)\s+(\S+)$", re.M)


def state_names():
    """{TASK_* value: hilo-tasks' name}, from hilo-tasks' own rows."""
    out = gdb.execute("hilo-tasks", to_string=True)
    return {int(pid): state for pid, state in
            re.findall(r"^[* ]\s+(\d+)\s+\S+\s+(\S+)\s", out, re.M)}


def check_ps(procs_, zombie=None, case="ps_lists_the_processes",
             counts="ps_counts_match_each_mm"):
    """hilo-ps's rows against the tasks, their mms and the running CPU's CR3;
    the line of the zombie; the totals."""
    out = run(case, "hilo-ps") or ""
    rows = {int(m[1]): m for m in PS_ROW_RE.findall(out)}
    want = [t for t in all_tasks() if int(t["mm"]) or bool(t["zombie"])]
    expect(case, sorted(rows) == sorted(int(t["pid"]) for t in want),
             f"hilo-ps lists pids {sorted(rows)}, the tasks with an mm or zombie are "
             f"{[label(t) for t in want]}:\n{out}")
    states = state_names()
    cr3 = int(value("$cr3")) & ~0x1F
    running = int(value("((struct percpu *)$fs_base)->current_task"))
    for t in want:
        pid = int(t["pid"])
        row = rows.get(pid)
        if row is None:
            continue
        mark, _, comm, state, ppid, cpu, mm_text, cr3_text, nvmas, rss, pt = row
        mm = t["mm"]
        is_zombie = bool(t["zombie"])
        parent = t["parent"]
        expected = {
            "running mark": (mark == "*", int(t) == running),
            "name": (comm, t["comm"].string()),
            "state": (state, "zombie" if is_zombie else states.get(pid)),
            "parent": (ppid, str(int(parent["pid"])) if int(parent) else "-"),
            "cpu": (int(cpu), int(t["cpu"])),
            "mm": (mm_text, f"{int(mm):#010x}" if int(mm) else "-"),
            "cr3": (cr3_text, f"{pdpt_phys(mm):#010x}" if int(mm) else "-"),
            "VMAs": (nvmas, str(int(mm["nr_vmas"])) if int(mm) else "-"),
        }
        for what, (got, wanted) in expected.items():
            expect(case, got == wanted, f"hilo-ps: {label(t)}'s {what} is {got!r}, "
                                          f"the kernel says {wanted!r}")
        if int(t) == running:       # CR3 as the CPU has it
            expect(case, cr3_text == f"{cr3:#010x}", f"hilo-ps: the running {label(t)}'s "
                                                       f"cr3 {cr3_text}, $cr3 is {cr3:#x}")
        if not int(mm):
            expect(case, is_zombie and (rss, pt) == ("-", "-"),
                     f"hilo-ps: {label(t)} without mm: {row}")
            continue
        plain = tuple("/".join(map(str, by_zone(mm[f]))) for f in ("rss", "pt_pages"))
        expect(counts, (rss, pt) == plain, f"hilo-ps: {label(t)}'s rss/pt {rss} {pt}, "
                                             f"mm->rss[]/pt_pages[] {plain}")
        found = procs_[pid].counts()
        expect(counts, plain == tuple("/".join(map(str, c)) for c in found),
                 f"{label(t)}: mm->rss[]/pt_pages[] {plain}, its tables hold {found}")
    if zombie is not None:
        z = zombie
        expect(case, f"zombie {label(z)}: exit status {int(z['exit_code']):#x}, not "
                       f"collected by its parent {label(z['parent'])}" in out,
                 f"hilo-ps does not report the zombie {label(z)}:\n{out}")
    return out, want


def check_totals(out, processes):
    case = "ps_totals_match_vm_counters"
    counters = value("vm_counters")
    user, pt = by_zone(counters["user_pages"]), by_zone(counters["pt_pages"])
    rss_sum = [0] * len(user)
    pt_sum = [0] * len(pt)
    for t in processes:
        if int(t["mm"]):
            rss_sum = [a + b for a, b in zip(rss_sum, by_zone(t["mm"]["rss"]))]
            pt_sum = [a + b for a, b in zip(pt_sum, by_zone(t["mm"]["pt_pages"]))]
    expect(case, (rss_sum, pt_sum) == (user, pt),
             f"the scenario's mms add up to {rss_sum} {pt_sum}, vm_counters {user} {pt}")
    line = (f"user pages {'/'.join(map(str, user))}, page tables {'/'.join(map(str, pt))} "
            "= vm_counters: ok")
    expect(case, line in out, f"hilo-ps lacks {line!r}:\n{out}")


def check_ps_all():
    case = "ps_all_lists_every_task"
    out = run(case, "hilo-ps -a") or ""
    pids = sorted(int(m[1]) for m in PS_ROW_RE.findall(out))
    want = sorted(int(t["pid"]) for t in all_tasks())
    expect(case, pids == want, f"hilo-ps -a lists {pids}, task_list has {want}:\n{out}")
    for t in all_tasks():
        if not int(t["mm"]) and not bool(t["zombie"]):
            expect(case, re.search(rf"^[* ]\s+{int(t['pid'])} \S+\s+\S+\s+\S+\s+\d+\s+-\s+-\s+-"
                                     r"\s+-\s+-$", out, re.M),
                     f"hilo-ps -a: kernel thread {label(t)} is not shown without an mm:\n{out}")
