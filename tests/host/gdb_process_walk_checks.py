"""tests/host/gdb_process_walk_checks.py: the process scenario's checks of
hilo-walk VADDR pid N / cr3 VALUE / on a CPU and of hilo-walk pid N's
listing: every entry against the tables read by QEMU's monitor, the bytes
of the pages the scenario wrote against its patterns, the VMAs and
reference counts, `limit N`, the refusals, and where the PTE pages lie
(above 4 GiB with 16 GiB of RAM).
"""

import re

from gdb_common import error_of, expect, label, monitor_words, pte_frame, run, value
from gdb_process_records import GIB4, mm_vmas, vm_bits, zone_index, zones
from hilo_gdb.layout import layout      # on sys.path: tools/gdb/hilo.py put it there

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
    expect(case, got == steps, f"{where}: hilo-walk {va:#x} pid {pid} entries {got}, "
                                 f"read physically {steps}:\n{out}")
    header = HEADER_RE.search(out)
    expect(case, header and int(header[3], 16) == tables.pdpt and f"pid {label(t)}" in header[4],
             f"{where}: hilo-walk {va:#x} pid {pid}: header {header and header[0]!r}, "
             f"pdpt {tables.pdpt:#x}")
    if frame is None:
        expect(case, "=> not mapped" in out, f"{where}: {va:#x} is not mapped, hilo-walk "
                                               f"says:\n{out}")
        return None
    lay = layout()
    expect(case, phys and int(phys[1], 16) == frame | (va & (lay.PAGE_SIZE - 1)),
             f"{where}: hilo-walk {va:#x} pid {pid}: {phys and phys[0]!r}, the PTE's frame "
             f"is {frame:#x}")
    expect(case, phys and phys[2] == zone_words(frame >> lay.PAGE_SHIFT),
             f"{where}: {va:#x}: the page's zone note {phys and phys[2]!r}, expected "
             f"{zone_words(frame >> lay.PAGE_SHIFT)!r}")
    pt = steps[-1][2] & ~(lay.PAGE_SIZE - 1)
    expect(case, pte_page and int(pte_page[1], 16) == pt and
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
        if not expect(case, got == want, f"{where}: word {k} of {va:#x} at physical "
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
        if expect(case, phys is not None, f"pid {pid}: {va:#x} (written by the scenario) "
                                            f"is not mapped in hilo-walk"):
            check_pattern(va, phys, xor[who], f"pid {pid} {va:#x}")
    for va in (data, data + 3 * lay.PAGE_SIZE, top - lay.PAGE_SIZE):     # shared after the fork
        expect(case, pages.get((ppid, va)) == pages.get((cpid, va)),
                 f"{va:#x}: the parent's page {pages.get((ppid, va))}, the child's "
                 f"{pages.get((cpid, va))}: not the shared frame")
    forked = data + lay.PAGE_SIZE
    expect(case, pages.get((ppid, forked)) != pages.get((cpid, forked)),
             f"{forked:#x}: the parent's copy-on-write copy is the child's frame")
    for pid in (ppid, cpid):
        for i in range(2):      # code: read, demand-zero
            phys = pages.get((pid, 0x08048000 + i * lay.PAGE_SIZE))
            if expect(case, phys is not None, f"pid {pid}: code page {i} not mapped"):
                expect(case, monitor_words(phys, 4) == [0] * 4,
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
    expect(case, sorted(listed) == sorted(tables.pages),
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
        expect(case, row == want, f"hilo-walk pid {pid}: {va:#x} is {row}, expected {want}")
    bits = vm_bits()
    vmas = [(int(a, 16), int(b, 16), rwx, extra.split(), int(n), int(p))
            for a, b, rwx, extra, n, p in VMA_RE.findall(out)]
    want = []
    for start, end, flags in mm_vmas(mm):
        rwx = "".join(c if flags & bits[c] else "-" for c in "rwx")
        extra = [k for k in ("stack", "heap") if flags & bits[k]]
        present = sum(start <= va < end for va in tables.pages)
        want.append((start, end, rwx, extra, (end - start) // lay.PAGE_SIZE, present))
    expect(case, vmas == want, f"hilo-walk pid {pid}'s VMAs {vmas}, mm->vmas[] {want}")
    expect(case, "check: ok: " in out and "outside every VMA" not in out,
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
        expect(case, len(rows) == limit and more and
                 (int(more[1]), int(more[2]), int(more[3])) == (total - limit, pid, total),
                 f"hilo-walk pid {pid} limit {limit}: {len(rows)} rows, "
                 f"{more and more[0]!r} ({total} pages)")
    out = run(case, f"hilo-walk pid {pid} limit {total}") or ""
    expect(case, len(PAGE_RE.findall(out)) == total and not MORE_RE.search(out),
             f"hilo-walk pid {pid} limit {total} cuts the list:\n{out}")
    out = run(case, f"hilo-walk pid {pid}") or ""
    expect(case, len(PAGE_RE.findall(out)) == min(total, 64),
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
            expect(case, strip_header(by_pid) == strip_header(by_cr3) and by_pid,
                     f"hilo-walk {va:#x}: pid {pid} and cr3 {cr3:#x} differ:\n{by_pid}\n{by_cr3}")
        listing = run(case, f"hilo-walk cr3 {cr3:#x} limit 1000") or ""
        by_pid = run(case, f"hilo-walk pid {pid} limit 1000") or ""
        expect(case, listing == by_pid and listing,
                 f"hilo-walk cr3 {cr3:#x} and pid {pid} list differently")
    parent = tasks["gdbp/parent"]
    by_cpu = run(case, f"hilo-walk {data:#x}") or ""
    by_pid = run(case, f"hilo-walk {data:#x} pid {int(parent['pid'])}") or ""
    expect(case, strip_header(by_cpu) == strip_header(by_pid) and
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
        expect(case, err is not None and err.startswith(name + ": ")
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
        expect(case, tables.pt_pages and all(zone_index(pt >> lay.PAGE_SHIFT) == len(zones()) - 1
                                               for pt in tables.pt_pages) == bool(value("highpte")),
                 f"{label(t)}'s PTE pages {[hex(p) for p in tables.pt_pages]}: in zone "
                 f"{high[0]} is not highpte = {bool(value('highpte'))}")
    above = int(value("max_pfn")) << lay.PAGE_SHIFT > GIB4
    child_tables = procs_[int(child["pid"])]
    if above and bool(value("highpte")):
        expect(case, child_tables.pt_pages and all(pt >= GIB4 for pt in child_tables.pt_pages),
                 f"RAM reaches {int(value('max_pfn')) << lay.PAGE_SHIFT:#x}, but the child's PTE "
                 f"pages are {[hex(p) for p in child_tables.pt_pages]}: not all above 4 GiB")
        va = int(s["data"]) + 7 * lay.PAGE_SIZE
        out = run(case, f"hilo-walk {va:#x} pid {int(child['pid'])}") or ""
        expect(case, re.search(r"^\s+PTE page 0x[0-9a-f]{9,} \(pfn 0x[0-9a-f]+, HighMem, "
                                 r"above 4 GiB\)$", out, re.M)
                 and re.search(r"^\s+PT\[\d+\]\s+@0x[0-9a-f]{9,}\s", out, re.M),
                 f"hilo-walk of the child's page 7 does not show its PTE page above 4 GiB:\n{out}")
    else:
        expect(case, not any(pt >= GIB4 for t in procs_.values() for pt in t.pt_pages),
                 "a PTE page above 4 GiB with RAM below")
    parent_tables = procs_[int(parent["pid"])].pt_pages
    if not bool(value("pt_above_4g")):     # the CPU walks the parent's: below 4 GiB
        expect(case, all(pt < GIB4 for pt in parent_tables),
                 f"pt_above_4g is false (the walk probe), but the parent's PTE pages are "
                 f"{[hex(p) for p in parent_tables]}")
