"""tests/host/gdb_kmap_checks.py: the kmap_local scenario's checks of the
commands that show a task's kmap_local stack: hilo-walk of a slot against
the task's saved pteval[] and memory read by QEMU's monitor,
hilo-kmap-local's rows, hilo-page and hilo-mappings fixmap naming the
slots, hilo-tasks' depth column, a switched-out task's saved maps; and
hilo-mappings' region names.
"""

import re

import gdb

from gdb_common import all_tasks, expect, label, monitor_words, pte_frame, run, value
from hilo_gdb.layout import layout      # on sys.path: tools/gdb/hilo.py put it there

ENTRY_RE = re.compile(r"^\s+(?:PDPT|PD|PT)\[\d+\]\s+@0x[0-9a-f]+\s+(0x[0-9a-f]{16})", re.M)
PHYS_RE = re.compile(r"=> phys (0x[0-9a-f]+)")
LOCAL_ROW_RE = re.compile(r"^\s+(\d+)\s+(0x[0-9a-f]{8})\s+(0x[0-9a-f]{16})\s+\S+\s+"
                          r"(0x[0-9a-f]{16})\s+(.*)$", re.M)
TASK_ROW_RE = re.compile(r"^[* ]\s+(\d+)\s+(\S+)\s+\S+\s+\d+\s+(\d+)/(\d+)\s", re.M)


def walk(case, va):
    """(last entry's value, physical address or None) from hilo-walk."""
    out = run(case, f"hilo-walk {va:#x}")
    if out is None:
        return None, None
    entries = ENTRY_RE.findall(out)
    phys = PHYS_RE.search(out)
    expect(case, entries, f"hilo-walk {va:#x}: no entry line in:\n{out}")
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


def check_tasks():
    """hilo-tasks' idx/maps column equals every task's kmap_ctrl.idx."""
    case = "tasks_show_local_depth"
    out = run(case, "hilo-tasks") or ""
    rows = {int(pid): (int(idx), int(maps)) for pid, _, idx, maps in TASK_ROW_RE.findall(out)}
    for task in all_tasks():
        idx = int(task["kmap_ctrl"]["idx"])
        want = (idx, idx // layout().KM_INCR)
        expect(case, rows.get(int(task["pid"])) == want,
                 f"hilo-tasks shows {label(task)} at {rows.get(int(task['pid']))}, "
                 f"kmap_ctrl.idx says {want}")


def check_live_slot(case, task, i, where):
    """hilo-walk of the task's slot i prints pteval[i]; and the same page
    read through the slot and physically (QEMU's monitor) agrees."""
    want = saved_ptes(task)[i]
    va = slot_addr(task, i)
    got, phys = walk(case, va)
    expect(case, got == want, f"{where}: hilo-walk {va:#x} prints {got and hex(got)}, "
                                f"{label(task)}'s pteval[{i}] is {want:#x}")
    if phys is None:
        return
    memory = "walk_agrees_with_physical_memory"
    through_slot = [int(value(f"((unsigned int *){va:#x})[{k}]")) for k in range(4)]
    expect(memory, phys == pte_frame(want), f"{where}: phys {phys:#x} is not pteval's frame")
    expect(memory, through_slot == monitor_words(phys, 4),
             f"{where}: {va:#x} reads {through_slot}, physical {phys:#x} "
             f"reads {monitor_words(phys, 4)}")


def check_local_stack(case, task, where):
    """hilo-kmap-local for a task: summary ok, rows equal pteval[]."""
    rows, ok = local_rows(case, str(int(task["pid"])))
    expect(case, ok, f"{where}: hilo-kmap-local {label(task)} reports problems")
    for i, pte in enumerate(saved_ptes(task)):
        row = rows.get(i)
        expect(case, row is not None and row[:2] == (slot_addr(task, i), pte),
                 f"{where}: row {i} of {label(task)} is {row}, expected slot "
                 f"{slot_addr(task, i):#x} pteval {pte:#x}")
    return rows


def check_page(task, i, vaddr, where):
    case = "page_finds_local_mapping"
    frame = pte_frame(saved_ptes(task)[i]) >> layout().PAGE_SHIFT
    out = run(case, f"hilo-page -virt {vaddr:#x}") or ""
    expect(case, out.startswith(f"pfn {frame:#x} "), f"{where}: hilo-page says {out[:40]!r}, "
                                                      f"pteval's frame is {frame:#x}")
    expect(case, f"{vaddr:#010x} (kmap_local cpu{int(task['cpu'])} slot {i})" in out,
             f"{where}: hilo-page does not list the slot among the mappings:\n{out}")


def check_mappings(task, where):
    """hilo-mappings fixmap names each live slot of the running task."""
    case = "mappings_name_slots"
    out = run(case, "hilo-mappings fixmap") or ""
    for i, pte in enumerate(saved_ptes(task)):
        if pte:
            line = f"{slot_addr(task, i):#010x}-"
            expect(case, any(l.startswith(line) and l.endswith(f"kmap_local cpu{int(task['cpu'])} slot {i}")
                               for l in out.splitlines()),
                     f"{where}: no line for slot {i} at {slot_addr(task, i):#x} in:\n{out}")


def check_region_names():
    case = "mappings_lists_region_names"
    try:
        out = gdb.execute("hilo-mappings bogus", to_string=True)
        expect(case, False, f"hilo-mappings bogus: no error, printed {out[:200]!r}")
    except gdb.error as e:
        text = str(e)
        for region in ("direct", "vmalloc", "pkmap", "fixmap"):
            expect(case, region in text, f"hilo-mappings bogus does not name {region}: {text!r}")
        expect(case, "'bogus'" in text, f"hilo-mappings bogus does not say what was wrong: {text!r}")


# ---- a switched-out task's maps are saved, not live

def check_saved_maps(task, where):
    case = "switched_out_maps_are_saved"
    maps = int(task["kmap_ctrl"]["idx"]) // layout().KM_INCR
    out = run(case, f"hilo-kmap-local {int(task['pid'])}") or ""
    header = out.splitlines()[0] if out else ""
    expect(case, "switched out" in header and f"{maps} saved map" in header
             and "restored when it runs" in header and "live map" not in header,
             f"{where}: hilo-kmap-local {label(task)}: {header!r}")
    out = run(case, "hilo-tasks") or ""
    row = next((l for l in out.splitlines() if re.match(rf"^[* ]\s+{int(task['pid'])}\s", l)), "")
    expect(case, f"/{maps} saved" in row, f"{where}: hilo-tasks shows {label(task)} as {row!r}")
