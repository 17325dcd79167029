"""tests/host/gdb_process_records.py: the kernel's records of the process
scenario (test=gdbscenario.process), read plainly with gdb expressions and
QEMU's monitor rather than through hilo's code: the tasks by name, zones[],
each mm's VMAs and its PDPT, and its page tables walked here (Tables), for
the checks of gdb_process_ps_checks.py, gdb_process_walk_checks.py and
gdb_process_program_checks.py.
"""

from gdb_common import all_tasks, header_defines, monitor_u64s, pte_frame, value
from hilo_gdb.layout import layout      # on sys.path: tools/gdb/hilo.py put it there


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
