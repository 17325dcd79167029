"""tests/host/gdb_pkmap_checks.py: the kmap pool's checks: hilo-pkmap (all,
the default listing of the slots in use and the unflushed ranges, the
row count N) and hilo-mappings pkmap against pkmap_count[] and
kmap_stats, read plainly.
"""

import re

from gdb_common import expect, run, value
from hilo_gdb.layout import layout      # on sys.path: tools/gdb/hilo.py put it there

POOL_ROW_RE = re.compile(r"^\s+(\d+)\s+0x[0-9a-f]{8}\s+(-?\d+)\s", re.M)
POOL_RUN_RE = re.compile(r"pkmap slots? (\d+)(?:-(\d+))?$", re.M)
UNFLUSHED_RE = re.compile(r"^free, unflushed \(count 1\): (.*)$", re.M)


def pool_counts():
    counts = value("pkmap_count")
    return [int(counts[i]) for i in range(counts.type.range()[1] + 1)]


def pool_rows(case, where):
    """hilo-pkmap all: {slot: count}, and whether its check says ok."""
    out = run(case, f"hilo-pkmap all {layout().LAST_PKMAP}") or ""
    rows = {int(nr): int(count) for nr, count in POOL_ROW_RE.findall(out)}
    counts = pool_counts()
    expect(case, rows == dict(enumerate(counts)),
             f"{where}: hilo-pkmap's counts differ from pkmap_count at slots "
             f"{[n for n, c in enumerate(counts) if rows.get(n) != c][:10]}")
    stats = value("kmap_stats")
    line = "counters: " + " ".join(f"{f.name} {int(stats[f.name])}" for f in stats.type.fields())
    expect(case, line in out, f"{where}: hilo-pkmap lacks {line!r}")
    expect("pkmap_invariants_hold", "consistency: ok" in out,
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
    expect(case, listed == in_use, f"{where}: hilo-pkmap lists {sorted(listed)[:10]}, "
                                     f"the slots in use are {sorted(in_use)[:10]}")
    expect(case, unflushed_slots(out) == {nr for nr, c in enumerate(counts) if c == 1},
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
    expect(case, covered == want, f"{where}: hilo-mappings pkmap covers slots "
                                    f"{sorted(covered ^ want)[:10]} wrongly")


def check_pkmap_row_limit(where):
    """hilo-pkmap all N lists N slots and says how many more; hilo-pkmap 1
    lists one slot in use."""
    case = "pkmap_rows_limited_by_count"
    last = layout().LAST_PKMAP
    out = run(case, "hilo-pkmap all 5") or ""
    rows = [int(nr) for nr, _ in POOL_ROW_RE.findall(out)]
    expect(case, rows == list(range(5)), f"{where}: hilo-pkmap all 5 lists slots {rows}")
    more = f"{last - 5} more slots: `hilo-pkmap all {last}`"
    expect(case, more in out, f"{where}: hilo-pkmap all 5 lacks {more!r}:\n{out}")
    in_use = [nr for nr, c in enumerate(pool_counts()) if c > 1]
    out = run(case, "hilo-pkmap 1") or ""
    rows = [int(nr) for nr, _ in POOL_ROW_RE.findall(out)]
    expect(case, rows == in_use[:1], f"{where}: hilo-pkmap 1 lists {rows}, in use {in_use}")
    if len(in_use) > 1:
        more = f"`hilo-pkmap {len(in_use)}`"
        expect(case, more in out, f"{where}: hilo-pkmap 1 lacks {more!r}:\n{out}")
    out = run(case, "help hilo-pkmap") or ""
    expect(case, "[all] [N]" in out, "help hilo-pkmap does not give the count argument")
