"""tests/host/gdb_meminfo_cmdline_checks.py: hilo-meminfo against zones[],
the buddy free lists walked plainly and pkmap_count[]; hilo-cmdline
against boot_params.cmdline, boot_cmdline and the command line the test
booted with.
"""

import os
import re

from gdb_common import expect, run, value
from gdb_pkmap_checks import pool_counts

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
        expect(case, got == want, f"{where}: zone {name}: hilo-meminfo {got}, zones[{i}] {want}")
        areas = z["free_area"]
        orders = areas.type.range()[1] + 1
        nr_free = [int(areas[o]["nr_free"]) for o in range(orders)]
        walked = [list_length(areas[o]["free_list"]) for o in range(orders)]
        expect(case, buddy.get(name) == nr_free,
                 f"{where}: zone {name}: buddyinfo {buddy.get(name)}, nr_free {nr_free}")
        expect(case, walked == nr_free,
                 f"{where}: zone {name}: the free lists hold {walked} blocks, nr_free {nr_free}")
        expect(case, sum(n << o for o, n in enumerate(walked)) == int(z["free_pages"]),
                 f"{where}: zone {name}: the free lists' pages are not free_pages")
        if name == "HighMem":
            high = HIGH_RE.search(out)
            expect(case, high and (int(high[1]), int(high[2])) == (int(z["managed_pages"]),
                                                                     int(z["free_pages"])),
                     f"{where}: the highmem line {high and high[0]!r} is not zone HighMem's")
    expect(case, "free lists: ok" in out, f"{where}: hilo-meminfo's free-list check fails:\n{out}")
    in_use = sum(c > 1 for c in pool_counts())
    expect(case, f"kmap pool: {len(pool_counts())} slots: {in_use} mapped" in out,
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
    expect(case, raw and raw[1] == (plain or "(empty)"),
             f"{where}: hilo-cmdline's raw text {raw and raw[1]!r}, boot_params.cmdline {plain!r}")
    expect(case, plain.endswith(given), f"{where}: booted with {given!r}, raw text {plain!r}")
    table = value("'kernel/cmdline.c'::boot_cmdline")
    count = CMDLINE_COUNT_RE.search(out)
    expect(case, count and (int(count[1]), int(count[2])) == (int(table["count"]),
                                                               int(table["dropped"])),
             f"{where}: hilo-cmdline's count {count and count[0]!r}, boot_cmdline has "
             f"{int(table['count'])} ({int(table['dropped'])} dropped)")
    lines = [l.strip() for l in out.splitlines()[2:]]
    for word in given.split():
        key, eq, val = word.partition("=")
        shown = [l.split(None, 1) for l in lines if l.split(None, 1)[:1] == [key]]
        expect(case, shown and shown[-1][1:] == [val if eq else "(flag)"],
                 f"{where}: {word!r} of the command line is {shown} in hilo-cmdline")
