"""tests/host/gdb_process_checks.py: the GDB side of tests/host/gdb_test.py
for the process scenario, test=gdbscenario.process
(tests/kernel/gdbscenario_process_test.c).

Runs inside `gdb -batch`, after tools/gdb/hilo.py is sourced and gdb is
connected to the paused kernel.  At start_kernel hilo-ps and hilo-walk
pid must work or refuse cleanly; then the kernel runs to
gdbs_processes_ready(s), where three processes exist: gdbp/parent
(running there), its zombie child gdbp/zombie and its forked child
gdbp/child (asleep, its mm shared copy-on-write with the parent's).
There hilo-ps and hilo-walk pid/cr3 are compared with the kernel's own
records, read here without hilo's code:

  - the task list, each task's mm, parent, cpu, zombie flag; each mm's
    nr_vmas, vmas[], rss[], pt_pages[]; vm_counters; zones[] ranges;
    mem_map[]._refcount; $cr3 of the CPU the parent runs on;
  - each mm's page tables, walked here from its PDPT with every table
    read by QEMU's monitor (xp /gx: 64-bit physical addresses), so a PTE
    page above 4 GiB is read the same way as one below;
  - the user pages' bytes, read by the monitor at the frame a walk gave,
    against the patterns the scenario wrote (word at va = va ^ XOR, the
    XORs from the scenario's struct).

Then the kernel runs the program user/sleep.c, stopped in its first
nanosleep (sys_nanosleep): hilo-ps and the listing again, and every page
of its read-only segments, walked by hilo-walk pid and read by the
monitor, against the ELF file linked into the kernel (user_programs[]).

With RAM above 4 GiB (the gdb-process-16G line) the scenario makes the
child's PTE pages come from there, and a check requires it; the parent's
stay below 4 GiB where the boot's walk probe found that the CPU does not
walk tables above (QEMU's i386 emulator, which the GDB test needs).

The results go to $GDBTEST_RESULTS as JSON: [[case, [failures], reached]].
"""

import os
import re
import struct
import sys
import traceback

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gdb_common as common                     # noqa: E402
from gdb_common import (all_tasks, error_of, header_defines, label, monitor_u64s,  # noqa: E402
                        monitor_words, pte_frame, run, value)
from hilo_gdb.layout import layout      # noqa: E402  (tools/gdb/hilo.py put it on sys.path)

STOP = "gdbs_processes_ready"
CASES = (
    "commands_registered_with_help",
    "ps_and_walk_refuse_cleanly_early",
    "scenario_reaches_processes_ready",
    "ps_lists_the_processes",
    "ps_counts_match_each_mm",
    "ps_totals_match_vm_counters",
    "ps_all_lists_every_task",
    "walk_pid_matches_tables_read_physically",
    "walk_pid_reads_the_written_pages",
    "walk_pid_lists_present_pages",
    "walk_pid_limit_cuts_the_list",
    "walk_cr3_and_cpu_match_pid",
    "walk_refuses_non_processes",
    "pte_pages_where_expected",
    "real_program_pages_match_its_elf",
)
R = common.start(CASES)

PS_ROW_RE = re.compile(r"^([* ])\s+(\d+) (\S+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)"
                       r"\s+(\S+)\s+(\S+)$", re.M)
ENTRY_RE = re.compile(r"^\s+(PDPT|PD|PT)\[(\d+)\]\s+@(0x[0-9a-f]+)\s+(0x[0-9a-f]{16})", re.M)
PHYS_RE = re.compile(r"=> phys (0x[0-9a-f]+) \(pfn 0x[0-9a-f]+, 4 KiB page(?:, ([^)]*))?\)")
PTE_PAGE_RE = re.compile(r"^\s+PTE page (0x[0-9a-f]+) \(pfn 0x[0-9a-f]+, ([^)]*)\)$", re.M)
HEADER_RE = re.compile(r"^va (0x[0-9a-f]+): (.*?)\s+cr3 (0x[0-9a-f]+) \((.*)$", re.M)
PAGE_RE = re.compile(r"^  (0x[0-9a-f]{8})  (0x[0-9a-f]{16})  (0x[0-9a-f]+)\s+(\S+(?: >4G)?)\s+"
                     r"(\d+|\?)  (0x[0-9a-f]+)\s+(\S+(?: >4G)?)\s+(.*)$", re.M)
VMA_RE = re.compile(r"^vma (0x[0-9a-f]+)-(0x[0-9a-f]+) ([r-][w-][x-])((?: \w+)*)  "
                    r"\((\d+) pages?, (\d+) present\)$", re.M)
MORE_RE = re.compile(r"^\.\.\. (\d+) more pages?: `hilo-walk pid (\d+) limit (\d+)` "
                     r"lists them all$", re.M)


# ---- the kernel's records, read plainly

def tasks_by_name():
    return {t["comm"].string(): t for t in all_tasks()}


def zones():
    """[(name, start_pfn, end_pfn)] of zones[]."""
    z = value("zones")
    return [(z[i]["name"].string(), int(z[i]["start_pfn"]), int(z[i]["end_pfn"]))
            for i in range(z.type.range()[1] + 1)]


def zone_index(pfn):
    return next((i for i, (_, start, end) in enumerate(zones()) if start <= pfn < end), None)


def by_zone(array):
    return [int(array[i]) for i in range(array.type.range()[1] + 1)]


def pdpt_phys(mm):
    return int(value(f"(unsigned long)&((struct mm_struct *){int(mm)})->pdpt")) - \
        layout().PAGE_OFFSET


def mm_vmas(mm):
    return [(int(mm["vmas"][i]["vm_start"]), int(mm["vmas"][i]["vm_end"]),
             int(mm["vmas"][i]["vm_flags"])) for i in range(int(mm["nr_vmas"]))]


GIB4 = 1 << 32


class Tables:
    """An mm's user page tables, walked here from its PDPT, every table
    read by QEMU's monitor: {va: (pte, pt_phys)}, the page directories and
    the PTE pages, and each entry's (table, index, value) on the way."""

    def __init__(self, pdpt):
        lay = layout()
        self.pdpt = pdpt
        self.pdpt_entries = monitor_u64s(pdpt, 4)
        self.dirs, self.pt_pages, self.pages, self.pd_tables = [], [], {}, {}
        user_pgds = lay.PAGE_OFFSET >> lay.PGDIR_SHIFT
        for i, pgd in enumerate(self.pdpt_entries[:user_pgds]):
            if not pgd & lay._PAGE_PRESENT:
                continue
            pd = pte_frame(pgd)
            self.dirs.append(pd)
            self.pd_tables[i] = monitor_u64s(pd, 512)
            for j, pmd in enumerate(self.pd_tables[i]):
                if not pmd & lay._PAGE_PRESENT:
                    continue
                pt = pte_frame(pmd)
                self.pt_pages.append(pt)
                for k, pte in enumerate(monitor_u64s(pt, 512)):
                    if pte & lay._PAGE_PRESENT:
                        va = (i << lay.PGDIR_SHIFT) | (j << lay.PMD_SHIFT) | (k << lay.PAGE_SHIFT)
                        self.pages[va] = (pte, pt)

    def path(self, va):
        """[(level, index, entry address, value)] of va's walk, and the phys."""
        lay = layout()
        i, j, k = va >> 30, (va >> 21) & 511, (va >> 12) & 511
        pgd = self.pdpt_entries[i]
        steps = [("PDPT", i, self.pdpt + 8 * i, pgd)]
        if not pgd & lay._PAGE_PRESENT:
            return steps, None
        pmd = monitor_u64s(pte_frame(pgd) + 8 * j, 1)[0]
        steps.append(("PD", j, pte_frame(pgd) + 8 * j, pmd))
        if not pmd & lay._PAGE_PRESENT:
            return steps, None
        pte = monitor_u64s(pte_frame(pmd) + 8 * k, 1)[0]
        steps.append(("PT", k, pte_frame(pmd) + 8 * k, pte))
        return steps, (pte_frame(pte) if pte & lay._PAGE_PRESENT else None)

    def counts(self):
        """(present pages by zone, page directories + PTE pages by zone)."""
        nzones = len(zones())
        rss, pt = [0] * nzones, [0] * nzones
        for pte, _ in self.pages.values():
            z = zone_index(pte_frame(pte) >> layout().PAGE_SHIFT)
            if z is not None:
                rss[z] += 1
        for table in self.dirs + self.pt_pages:
            z = zone_index(table >> layout().PAGE_SHIFT)
            if z is not None:
                pt[z] += 1
        return rss, pt


def vm_bits():
    """{"r": VM_READ, "w": VM_WRITE, "x": VM_EXEC, "stack": ..., "heap": ...}
    from include/hilo/mm_types.h."""
    d = header_defines("include/hilo/mm_types.h", r"VM_\w+")
    return {"r": d["VM_READ"], "w": d["VM_WRITE"], "x": d["VM_EXEC"],
            "stack": d["VM_STACK"], "heap": d["VM_HEAP"]}


def state_names():
    """{TASK_* value: hilo-tasks' name}, from hilo-tasks' own rows."""
    out = gdb.execute("hilo-tasks", to_string=True)
    return {int(pid): state for pid, state in
            re.findall(r"^[* ]\s+(\d+)\s+\S+\s+(\S+)\s", out, re.M)}


# ---- the checks

def check_registered():
    case = "commands_registered_with_help"
    listing = run(case, "hilo") or ""
    R.expect(case, "hilo-ps" in listing, f"`hilo` does not list hilo-ps:\n{listing}")
    for command, words in (("hilo-ps", ("-a", "rss", "pt_pages", "vm_counters", "zombie")),
                           ("hilo-walk", ("pid N", "cr3 VALUE", "limit N", "above 4 GiB"))):
        text = run(case, f"help {command}") or ""
        for word in words:
            R.expect(case, word in text, f"help {command} does not mention {word!r}")


def check_early():
    """At start_kernel: no process; hilo-ps works, the pid/cr3 walks refuse
    with a not-ready message."""
    case = "ps_and_walk_refuse_cleanly_early"
    bp = gdb.Breakpoint("start_kernel", internal=True)
    gdb.execute("continue", to_string=True)
    bp.delete()
    out = run(case, "hilo-ps") or ""
    R.expect(case, re.search(r"^0 processes \(0 zombies\) of 1 tasks", out, re.M)
             and "= vm_counters: ok" in out, f"start_kernel: hilo-ps says:\n{out}")
    out = run(case, "hilo-ps -a") or ""
    R.expect(case, re.search(r"^[* ]\s+0 boot\s", out, re.M), f"start_kernel: hilo-ps -a:\n{out}")
    for command in ("hilo-walk pid 0", "hilo-walk 0x1000 pid 0", "hilo-walk 0x1000 cr3 0x1000"):
        err = error_of(command) or ""
        R.expect(case, err.startswith("hilo-walk: the memory map is not set up yet")
                 and "continue past zones_init" in err and "Traceback" not in err,
                 f"start_kernel: {command}: {err!r}")


def check_ps(procs_, zombie=None, case="ps_lists_the_processes",
             counts="ps_counts_match_each_mm"):
    """hilo-ps's rows against the tasks, their mms and the running CPU's CR3;
    the line of the zombie; the totals."""
    out = run(case, "hilo-ps") or ""
    rows = {int(m[1]): m for m in PS_ROW_RE.findall(out)}
    want = [t for t in all_tasks() if int(t["mm"]) or bool(t["zombie"])]
    R.expect(case, sorted(rows) == sorted(int(t["pid"]) for t in want),
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
            R.expect(case, got == wanted, f"hilo-ps: {label(t)}'s {what} is {got!r}, "
                                          f"the kernel says {wanted!r}")
        if int(t) == running:       # CR3 as the CPU has it
            R.expect(case, cr3_text == f"{cr3:#010x}", f"hilo-ps: the running {label(t)}'s "
                                                       f"cr3 {cr3_text}, $cr3 is {cr3:#x}")
        if not int(mm):
            R.expect(case, is_zombie and (rss, pt) == ("-", "-"),
                     f"hilo-ps: {label(t)} without mm: {row}")
            continue
        plain = tuple("/".join(map(str, by_zone(mm[f]))) for f in ("rss", "pt_pages"))
        R.expect(counts, (rss, pt) == plain, f"hilo-ps: {label(t)}'s rss/pt {rss} {pt}, "
                                             f"mm->rss[]/pt_pages[] {plain}")
        found = procs_[pid].counts()
        R.expect(counts, plain == tuple("/".join(map(str, c)) for c in found),
                 f"{label(t)}: mm->rss[]/pt_pages[] {plain}, its tables hold {found}")
    if zombie is not None:
        z = zombie
        R.expect(case, f"zombie {label(z)}: exit status {int(z['exit_code']):#x}, not "
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
    R.expect(case, (rss_sum, pt_sum) == (user, pt),
             f"the scenario's mms add up to {rss_sum} {pt_sum}, vm_counters {user} {pt}")
    line = (f"user pages {'/'.join(map(str, user))}, page tables {'/'.join(map(str, pt))} "
            "= vm_counters: ok")
    R.expect(case, line in out, f"hilo-ps lacks {line!r}:\n{out}")


def check_ps_all():
    case = "ps_all_lists_every_task"
    out = run(case, "hilo-ps -a") or ""
    pids = sorted(int(m[1]) for m in PS_ROW_RE.findall(out))
    want = sorted(int(t["pid"]) for t in all_tasks())
    R.expect(case, pids == want, f"hilo-ps -a lists {pids}, task_list has {want}:\n{out}")
    for t in all_tasks():
        if not int(t["mm"]) and not bool(t["zombie"]):
            R.expect(case, re.search(rf"^[* ]\s+{int(t['pid'])} \S+\s+\S+\s+\S+\s+\d+\s+-\s+-\s+-"
                                     r"\s+-\s+-$", out, re.M),
                     f"hilo-ps -a: kernel thread {label(t)} is not shown without an mm:\n{out}")


def walk_out(case, command):
    out = run(case, command) or ""
    return out, ENTRY_RE.findall(out), PHYS_RE.search(out), PTE_PAGE_RE.search(out)


def zone_words(pfn):
    """What hilo-walk's notes must say of a frame: "HighMem, above 4 GiB"."""
    z = zone_index(pfn)
    words = ["no zone" if z is None else zones()[z][0]]
    if pfn << layout().PAGE_SHIFT >= GIB4:
        words.append("above 4 GiB")
    return ", ".join(words)


def check_walk_one(t, tables, va, where):
    """hilo-walk VA pid N against the tables read by the monitor."""
    case = "walk_pid_matches_tables_read_physically"
    pid = int(t["pid"])
    out, entries, phys, pte_page = walk_out(case, f"hilo-walk {va:#x} pid {pid}")
    steps, frame = tables.path(va)
    got = [(lvl, int(i), int(a, 16), int(v, 16)) for lvl, i, a, v in entries]
    R.expect(case, got == steps, f"{where}: hilo-walk {va:#x} pid {pid} entries {got}, "
                                 f"read physically {steps}:\n{out}")
    header = HEADER_RE.search(out)
    R.expect(case, header and int(header[3], 16) == tables.pdpt and f"pid {label(t)}" in header[4],
             f"{where}: hilo-walk {va:#x} pid {pid}: header {header and header[0]!r}, "
             f"pdpt {tables.pdpt:#x}")
    if frame is None:
        R.expect(case, "=> not mapped" in out, f"{where}: {va:#x} is not mapped, hilo-walk "
                                               f"says:\n{out}")
        return None
    lay = layout()
    R.expect(case, phys and int(phys[1], 16) == frame | (va & (lay.PAGE_SIZE - 1)),
             f"{where}: hilo-walk {va:#x} pid {pid}: {phys and phys[0]!r}, the PTE's frame "
             f"is {frame:#x}")
    R.expect(case, phys and phys[2] == zone_words(frame >> lay.PAGE_SHIFT),
             f"{where}: {va:#x}: the page's zone note {phys and phys[2]!r}, expected "
             f"{zone_words(frame >> lay.PAGE_SHIFT)!r}")
    pt = steps[-1][2] & ~(lay.PAGE_SIZE - 1)
    R.expect(case, pte_page and int(pte_page[1], 16) == pt and
             pte_page[2] == zone_words(pt >> lay.PAGE_SHIFT),
             f"{where}: {va:#x}: {pte_page and pte_page[0]!r}, the PTE page is {pt:#x} "
             f"({zone_words(pt >> lay.PAGE_SHIFT)})")
    return int(phys[1], 16) if phys else None


def check_pattern(va, phys, xor, where):
    """The page at phys holds the pattern of va (first, middle, last word),
    read by the monitor."""
    case = "walk_pid_reads_the_written_pages"
    lay = layout()
    page = phys & ~(lay.PAGE_SIZE - 1)
    base = va & ~(lay.PAGE_SIZE - 1)
    for k in (0, lay.PAGE_SIZE // 8, lay.PAGE_SIZE // 4 - 1):
        got = monitor_words(page + 4 * k, 1)[0]
        want = ((base + 4 * k) ^ xor) & 0xFFFFFFFF
        if not R.expect(case, got == want, f"{where}: word {k} of {va:#x} at physical "
                                           f"{page + 4 * k:#x} is {got:#x}, the scenario "
                                           f"wrote {want:#x}"):
            return


def check_walks(s, procs_, tasks):
    """Every present page of both mms and a few absent ones, walked by
    hilo-walk pid, against the monitor; the written pages' bytes."""
    lay = layout()
    parent, child = tasks["gdbp/parent"], tasks["gdbp/child"]
    data, heap, top = int(s["data"]), int(s["heap"]), int(s["stack_top"])
    xor = {n: int(s[f"{n}_xor"]) for n in ("parent", "forked", "child")}
    pages = {}
    for t in (parent, child):
        pid = int(t["pid"])
        for va in sorted(procs_[pid].pages):
            pages[(pid, va)] = check_walk_one(t, procs_[pid], va, f"{label(t)}")
        for va in (data + 2 * lay.PAGE_SIZE, top - 3 * lay.PAGE_SIZE, 0x10000, 0x7ffff000):
            check_walk_one(t, procs_[pid], va, f"{label(t)}, not mapped")
    ppid, cpid = int(parent["pid"]), int(child["pid"])
    written = [(ppid, heap, "parent"), (ppid, top - lay.PAGE_SIZE, "parent"),
               (ppid, top - 2 * lay.PAGE_SIZE, "parent"), (cpid, top - lay.PAGE_SIZE, "parent")]
    for i in (0, 3, 4, 6):
        written += [(pid, data + i * lay.PAGE_SIZE, "parent") for pid in (ppid, cpid)]
    written += [(ppid, data + lay.PAGE_SIZE, "forked"), (cpid, data + lay.PAGE_SIZE, "parent"),
                (cpid, data + 7 * lay.PAGE_SIZE, "child")]
    case = "walk_pid_reads_the_written_pages"
    for pid, va, who in written:
        phys = pages.get((pid, va))
        if R.expect(case, phys is not None, f"pid {pid}: {va:#x} (written by the scenario) "
                                            f"is not mapped in hilo-walk"):
            check_pattern(va, phys, xor[who], f"pid {pid} {va:#x}")
    for va in (data, data + 3 * lay.PAGE_SIZE, top - lay.PAGE_SIZE):     # shared after the fork
        R.expect(case, pages.get((ppid, va)) == pages.get((cpid, va)),
                 f"{va:#x}: the parent's page {pages.get((ppid, va))}, the child's "
                 f"{pages.get((cpid, va))}: not the shared frame")
    forked = data + lay.PAGE_SIZE
    R.expect(case, pages.get((ppid, forked)) != pages.get((cpid, forked)),
             f"{forked:#x}: the parent's copy-on-write copy is the child's frame")
    for pid in (ppid, cpid):
        for i in range(2):      # code: read, demand-zero
            phys = pages.get((pid, 0x08048000 + i * lay.PAGE_SIZE))
            if R.expect(case, phys is not None, f"pid {pid}: code page {i} not mapped"):
                R.expect(case, monitor_words(phys, 4) == [0] * 4,
                         f"pid {pid}: code page {i} at {phys:#x} is not zero")


def check_listing(t, tables, case="walk_pid_lists_present_pages"):
    """hilo-walk pid N: the present pages and VMAs, against the monitor's
    walk, mm->vmas[] and mem_map[]._refcount; the closing check says ok."""
    pid = int(t["pid"])
    mm = t["mm"]
    out = run(case, f"hilo-walk pid {pid} limit 1000") or ""
    lay = layout()
    listed = {int(va, 16): (int(pte, 16), int(pfn, 16), zone, refs, int(ptpfn, 16), ptzone)
              for va, pte, pfn, zone, refs, ptpfn, ptzone, _ in PAGE_RE.findall(out)}
    R.expect(case, sorted(listed) == sorted(tables.pages),
             f"hilo-walk pid {pid} lists {[hex(v) for v in sorted(listed)]}, the tables hold "
             f"{[hex(v) for v in sorted(tables.pages)]}:\n{out}")
    names = [z[0] for z in zones()]
    for va, (pte, pt) in tables.pages.items():
        row = listed.get(va)
        if row is None:
            continue
        pfn = pte_frame(pte) >> lay.PAGE_SHIFT
        refs = int(value(f"mem_map[{pfn:#x}]._refcount"))
        want = (pte, pfn, zone_text(names, pfn), str(refs), pt >> lay.PAGE_SHIFT,
                zone_text(names, pt >> lay.PAGE_SHIFT))
        R.expect(case, row == want, f"hilo-walk pid {pid}: {va:#x} is {row}, expected {want}")
    bits = vm_bits()
    vmas = [(int(a, 16), int(b, 16), rwx, extra.split(), int(n), int(p))
            for a, b, rwx, extra, n, p in VMA_RE.findall(out)]
    want = []
    for start, end, flags in mm_vmas(mm):
        rwx = "".join(c if flags & bits[c] else "-" for c in "rwx")
        extra = [k for k in ("stack", "heap") if flags & bits[k]]
        present = sum(start <= va < end for va in tables.pages)
        want.append((start, end, rwx, extra, (end - start) // lay.PAGE_SIZE, present))
    R.expect(case, vmas == want, f"hilo-walk pid {pid}'s VMAs {vmas}, mm->vmas[] {want}")
    R.expect(case, "check: ok: " in out and "outside every VMA" not in out,
             f"hilo-walk pid {pid}'s own check fails:\n{out}")


def zone_text(names, pfn):
    z = zone_index(pfn)
    return ("?" if z is None else names[z]) + (" >4G" if pfn << layout().PAGE_SHIFT >= GIB4 else "")


def check_limit(t, tables):
    case = "walk_pid_limit_cuts_the_list"
    pid = int(t["pid"])
    total = len(tables.pages)
    for limit in (0, 3, total - 1):
        out = run(case, f"hilo-walk pid {pid} limit {limit}") or ""
        rows = PAGE_RE.findall(out)
        more = MORE_RE.search(out)
        R.expect(case, len(rows) == limit and more and
                 (int(more[1]), int(more[2]), int(more[3])) == (total - limit, pid, total),
                 f"hilo-walk pid {pid} limit {limit}: {len(rows)} rows, "
                 f"{more and more[0]!r} ({total} pages)")
    out = run(case, f"hilo-walk pid {pid} limit {total}") or ""
    R.expect(case, len(PAGE_RE.findall(out)) == total and not MORE_RE.search(out),
             f"hilo-walk pid {pid} limit {total} cuts the list:\n{out}")
    out = run(case, f"hilo-walk pid {pid}") or ""
    R.expect(case, len(PAGE_RE.findall(out)) == min(total, 64),
             f"hilo-walk pid {pid}: the default limit lists {len(PAGE_RE.findall(out))} pages")


def strip_header(out):
    return [l for l in out.splitlines() if not l.startswith("va ")]


def check_cr3_and_cpu(s, procs_, tasks):
    """hilo-walk VA cr3 PHYS prints what hilo-walk VA pid N prints; plain
    hilo-walk VA on the parent's CPU walks the parent's tables."""
    case = "walk_cr3_and_cpu_match_pid"
    data = int(s["data"])
    for name in ("gdbp/parent", "gdbp/child"):
        t = tasks[name]
        pid = int(t["pid"])
        cr3 = procs_[pid].pdpt
        for va in (data, data + 7 * layout().PAGE_SIZE):
            by_pid = run(case, f"hilo-walk {va:#x} pid {pid}") or ""
            by_cr3 = run(case, f"hilo-walk {va:#x} cr3 {cr3:#x}") or ""
            R.expect(case, strip_header(by_pid) == strip_header(by_cr3) and by_pid,
                     f"hilo-walk {va:#x}: pid {pid} and cr3 {cr3:#x} differ:\n{by_pid}\n{by_cr3}")
        listing = run(case, f"hilo-walk cr3 {cr3:#x} limit 1000") or ""
        by_pid = run(case, f"hilo-walk pid {pid} limit 1000") or ""
        R.expect(case, listing == by_pid and listing,
                 f"hilo-walk cr3 {cr3:#x} and pid {pid} list differently")
    parent = tasks["gdbp/parent"]
    by_cpu = run(case, f"hilo-walk {data:#x}") or ""
    by_pid = run(case, f"hilo-walk {data:#x} pid {int(parent['pid'])}") or ""
    R.expect(case, strip_header(by_cpu) == strip_header(by_pid) and
             f"mm of {label(parent)}" in by_cpu,
             f"hilo-walk {data:#x} from the parent's CPU differs from pid:\n{by_cpu}\n{by_pid}")


def check_refusals(s, tasks):
    case = "walk_refuses_non_processes"
    zombie, boot = s["zombie"], tasks["boot"]
    cases = {
        f"hilo-walk pid {int(boot['pid'])}": (f"{label(boot)} is not a process", "kernel thread"),
        f"hilo-walk 0x1000 pid {int(boot['pid'])}": (f"{label(boot)} is not a process",),
        f"hilo-walk pid {int(zombie['pid'])}": (f"{label(zombie)} is a zombie",
                                                f"exit status {int(zombie['exit_code']):#x}"),
        "hilo-walk pid 4242": ("no task with pid 4242",),
        "hilo-walk pid nobody": ("no task 'nobody'",),
        f"hilo-walk {int(s['data']):#x} cr3 {int(value('(unsigned long)s->mm[0]')):#x}":
            ("is a kernel virtual address", f"pid {label(tasks['gdbp/parent'])}"),
        "hilo-walk pid 2 cpu 0": ("give one of cpu, pid and cr3",),
        "hilo-walk 0x1000 limit 3": ("`limit N` goes with",),
        "hilo-walk pid 2 limit -1": ("negative",),
        "hilo-ps -x": ("unknown option '-x'",),
    }
    for command, words in cases.items():
        err = error_of(command)
        name = command.split()[0]
        R.expect(case, err is not None and err.startswith(name + ": ")
                 and all(w in err for w in words) and "Traceback" not in err,
                 f"{command}: error {err!r}, expected {words}")


def check_pte_pages(s, procs_, tasks):
    """Where the PTE pages are: in highmem (HIGHPTE, the default); with RAM
    above 4 GiB the child's all above 4 GiB (the scenario holds highmem
    below), and hilo-walk says so."""
    case = "pte_pages_where_expected"
    lay = layout()
    high = zones()[-1]
    child, parent = tasks["gdbp/child"], tasks["gdbp/parent"]
    for t in (parent, child):
        tables = procs_[int(t["pid"])]
        R.expect(case, tables.pt_pages and all(zone_index(pt >> lay.PAGE_SHIFT) == len(zones()) - 1
                                               for pt in tables.pt_pages) == bool(value("highpte")),
                 f"{label(t)}'s PTE pages {[hex(p) for p in tables.pt_pages]}: in zone "
                 f"{high[0]} is not highpte = {bool(value('highpte'))}")
    above = int(value("max_pfn")) << lay.PAGE_SHIFT > GIB4
    child_tables = procs_[int(child["pid"])]
    if above and bool(value("highpte")):
        R.expect(case, child_tables.pt_pages and all(pt >= GIB4 for pt in child_tables.pt_pages),
                 f"RAM reaches {int(value('max_pfn')) << lay.PAGE_SHIFT:#x}, but the child's PTE "
                 f"pages are {[hex(p) for p in child_tables.pt_pages]}: not all above 4 GiB")
        va = int(s["data"]) + 7 * lay.PAGE_SIZE
        out = run(case, f"hilo-walk {va:#x} pid {int(child['pid'])}") or ""
        R.expect(case, re.search(r"^\s+PTE page 0x[0-9a-f]{9,} \(pfn 0x[0-9a-f]+, HighMem, "
                                 r"above 4 GiB\)$", out, re.M)
                 and re.search(r"^\s+PT\[\d+\]\s+@0x[0-9a-f]{9,}\s", out, re.M),
                 f"hilo-walk of the child's page 7 does not show its PTE page above 4 GiB:\n{out}")
    else:
        R.expect(case, not any(pt >= GIB4 for t in procs_.values() for pt in t.pt_pages),
                 "a PTE page above 4 GiB with RAM below")
    parent_tables = procs_[int(parent["pid"])].pt_pages
    if not bool(value("pt_above_4g")):     # the CPU walks the parent's: below 4 GiB
        R.expect(case, all(pt < GIB4 for pt in parent_tables),
                 f"pt_above_4g is false (the walk probe), but the parent's PTE pages are "
                 f"{[hex(p) for p in parent_tables]}")


# ---- a real program: user/sleep.c in its first nanosleep

PT_LOAD, PF_X, PF_W = 1, 1, 2


def program_image(name):
    """The ELF file of the user program name, from user_programs[] (the
    copy linked into the kernel)."""
    for i in range(int(value("nr_user_programs"))):
        prog = value("user_programs")[i]
        if prog["name"].string() == name:
            start, end = int(prog["start"]), int(prog["end"])
            return bytes(gdb.selected_inferior().read_memory(start, end - start))
    raise gdb.error(f"no user program {name!r} in user_programs[]")


def load_segments(image):
    """[(vaddr, offset, filesz, memsz, flags)] of the PT_LOAD headers."""
    phoff, = struct.unpack_from("<I", image, 0x1C)
    phentsize, phnum = struct.unpack_from("<HH", image, 0x2A)
    found = []
    for i in range(phnum):
        p_type, offset, vaddr, _, filesz, memsz, flags, _ = \
            struct.unpack_from("<8I", image, phoff + i * phentsize)
        if p_type == PT_LOAD:
            found.append((vaddr, offset, filesz, memsz, flags))
    return found


def at_sys_nanosleep():
    """The running task is the program: hilo-ps lists it as running with the
    CPU's CR3; its listing matches its tables; every page of its read-only
    segments (code, rodata), walked by hilo-walk pid and read by the monitor
    at the frame, holds the bytes of the ELF file, with the segment's rights
    in the PTE."""
    case = "real_program_pages_match_its_elf"
    task = value("((struct percpu *)$fs_base)->current_task")
    if not R.expect(case, task["comm"].string() == "sleep" and int(task["mm"]),
                    f"sys_nanosleep was entered by {label(task)}, not the program sleep"):
        return
    pid = int(task["pid"])
    tables = Tables(pdpt_phys(task["mm"]))
    procs_ = {int(t["pid"]): Tables(pdpt_phys(t["mm"])) for t in all_tasks() if int(t["mm"])}
    check_ps(procs_, None, case, case)
    check_listing(task, tables, case)
    lay = layout()
    image = program_image("sleep")
    nx_works = bool(int(value("__supported_pte_mask")) & lay._PAGE_NX)
    checked = 0
    for vaddr, offset, filesz, memsz, flags in load_segments(image):
        if flags & PF_W:
            continue                    # data: the program has written it since
        for page in range(vaddr & ~(lay.PAGE_SIZE - 1), vaddr + memsz, lay.PAGE_SIZE):
            want = bytearray(lay.PAGE_SIZE)
            lo, hi = max(page, vaddr), min(page + lay.PAGE_SIZE, vaddr + filesz)
            if lo < hi:
                want[lo - page:hi - page] = image[offset + lo - vaddr:offset + hi - vaddr]
            out = run(case, f"hilo-walk {page:#x} pid {pid}") or ""
            phys = PHYS_RE.search(out)
            if not R.expect(case, phys, f"sleep's {page:#x} is not mapped:\n{out}"):
                continue
            got = struct.pack("<1024I", *monitor_words(int(phys[1], 16), 1024))
            R.expect(case, got == bytes(want), f"sleep's page {page:#x} at physical "
                                               f"{phys[1]} differs from its ELF file")
            pte = tables.pages.get(page, (0, 0))[0]
            nx = bool(pte & lay._PAGE_NX) if nx_works else not flags & PF_X
            R.expect(case, pte and not pte & lay._PAGE_RW and nx == (not flags & PF_X),
                     f"sleep's {page:#x}: PTE {pte:#x} for segment flags {flags:#x}")
            checked += 1
    R.expect(case, checked, "the program has no read-only segment to compare")


def at_processes_ready():
    s = value("s")
    if s.is_optimized_out:
        s = value("s@entry")
    s = s.dereference()
    tasks = tasks_by_name()
    procs_ = {int(t["pid"]): Tables(pdpt_phys(t["mm"])) for t in all_tasks() if int(t["mm"])}
    for name in ("gdbp/parent", "gdbp/child", "gdbp/zombie"):
        R.expect("scenario_reaches_processes_ready", name in tasks,
                 f"no task {name} at {STOP} (tasks: {sorted(tasks)})")
    if not all(n in tasks for n in ("gdbp/parent", "gdbp/child", "gdbp/zombie")):
        return
    def ps():
        out, processes = check_ps(procs_, s["zombie"])
        check_totals(out, processes)
        check_ps_all()

    steps = (ps,
             lambda: check_walks(s, procs_, tasks),
             lambda: [check_listing(tasks[n], procs_[int(tasks[n]["pid"])])
                      for n in ("gdbp/parent", "gdbp/child")],
             lambda: check_limit(tasks["gdbp/child"], procs_[int(tasks["gdbp/child"]["pid"])]),
             lambda: check_cr3_and_cpu(s, procs_, tasks),
             lambda: check_refusals(s, tasks),
             lambda: check_pte_pages(s, procs_, tasks))
    for step in steps:
        try:
            step()
        except (gdb.error, ValueError, KeyError, IndexError, TypeError) as e:
            R.expect("scenario_reaches_processes_ready", False,
                     f"{type(e).__name__}: {e}: {traceback.format_exc()}")


def main():
    try:
        check_registered()
        check_early()
        bp = gdb.Breakpoint(STOP, internal=True)
        gdb.execute("continue", to_string=True)
        frame = gdb.selected_frame()
        if not R.expect("scenario_reaches_processes_ready", frame.name() == STOP,
                        f"the kernel stopped in {frame.name()}, not {STOP}"):
            return
        bp.delete()
        at_processes_ready()
        bp = gdb.Breakpoint("sys_nanosleep", internal=True)
        gdb.execute("continue", to_string=True)
        frame = gdb.selected_frame()
        if R.expect("real_program_pages_match_its_elf", frame.name() == "sys_nanosleep",
                    f"the kernel stopped in {frame.name()}, not sys_nanosleep"):
            bp.delete()
            try:
                at_sys_nanosleep()
            except (gdb.error, ValueError, KeyError, IndexError, TypeError, struct.error) as e:
                R.expect("real_program_pages_match_its_elf", False,
                         f"{type(e).__name__}: {e}: {traceback.format_exc()}")
        gdb.execute("continue", to_string=True)
    except gdb.error as e:
        if "Remote connection closed" not in str(e) and "not being run" not in str(e):
            R.expect("scenario_reaches_processes_ready", False,
                     f"gdb: {e}: {traceback.format_exc()}")
    finally:
        R.save(os.environ["GDBTEST_RESULTS"])


main()
