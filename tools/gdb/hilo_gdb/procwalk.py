"""A process's page tables, for hilo-walk's `pid N` and `cr3 VALUE`: which
tables the option names (Tables: a PDPT and the process whose mm it is),
and without an address the listing of every present user page of those
tables, VMA by VMA, checked against the mm's rss[] and pt_pages[].  The
tables are read physically, as pgtable.py reads them.
"""

from dataclasses import dataclass

import gdb

from . import kernel, procs, target
from .command import eval_int
from .errors import HiloError
from .layout import layout
from .pgtable import entry_flags, entry_frame, format_size, large, present, read_table

WALK_LIMIT = 64     # page lines of `hilo-walk pid N` without `limit N`


@dataclass
class Tables:
    """The page tables a walk uses: a PDPT, and the process whose mm it is
    (task and mm None when no task's mm has it)."""
    pdpt: int
    task: object = None
    mm: object = None

    def label(self):
        if self.task is not None:
            return f"pid {kernel.task_label(self.task)}"
        return procs.pdpt_owner_text(self.pdpt) or "no task's mm"


def tables_of(options):
    """The Tables of `pid N` or `cr3 VALUE`."""
    procs.require_mm_ready()
    if "pid" in options:
        task, mm = procs.find_process(options["pid"])
        return Tables(procs.pdpt_phys(mm), task, mm)
    value = eval_int(options["cr3"], "a CR3 value")
    pdpt = value & ~0x1F
    if not 0 <= value < target.ADDRESS_END:
        raise HiloError(f"cr3 {value:#x} is not a 32-bit value (PAE's CR3 holds the PDPT's "
                        "physical address, below 4 GiB)")
    task = procs.owner_of_pdpt(pdpt)
    if task is None and value >= layout().PAGE_OFFSET:
        owner = procs.owner_of_pdpt(pdpt - layout().PAGE_OFFSET)
        whose = f": the PDPT of pid {kernel.task_label(owner)}" if owner is not None else ""
        raise HiloError(f"cr3 {value:#x} is a kernel virtual address{whose}; CR3 holds a "
                        f"physical address (here {pdpt - layout().PAGE_OFFSET:#x}, "
                        "as hilo-ps shows)")
    if pdpt >= kernel.max_pfn() << layout().PAGE_SHIFT:
        raise HiloError(f"cr3 {value:#x} points beyond the end of RAM (max_pfn "
                        f"{kernel.max_pfn():#x})")
    return Tables(pdpt, task, task["mm"] if task is not None else None)


# ---- every present user page of a process

@dataclass
class UserPage:
    """A present entry below PAGE_OFFSET: va, the PTE, its PTE page."""
    va: int
    pte: int
    pt_phys: int        # the PTE page's physical address (the PD's frame for 2 MiB)
    size: int


def user_pages(pdpt):
    """(every present user mapping of the tables at pdpt, in address
    order; the physical addresses of the page directories and of the PTE
    pages), read physically."""
    lay = layout()
    gib, pmd_size = 1 << lay.PGDIR_SHIFT, 1 << lay.PMD_SHIFT
    pages, dirs, pt_tables = [], [], []
    with target.physical_mode():
        pdpt_entries = target.read_phys_u64s(pdpt, lay.PTRS_PER_PGD)
        for i, pgd in enumerate(pdpt_entries[:lay.PAGE_OFFSET >> lay.PGDIR_SHIFT]):
            if not present(pgd):
                continue
            dirs.append(entry_frame(pgd))
            for j, pmd in enumerate(read_table(entry_frame(pgd))):
                va = i * gib + j * pmd_size
                if not present(pmd):
                    continue
                if large(pmd):
                    pages.append(UserPage(va, pmd, entry_frame(pgd), pmd_size))
                    continue
                pt_tables.append(entry_frame(pmd))
                pages += [UserPage(va + k * lay.PAGE_SIZE, pte, entry_frame(pmd), lay.PAGE_SIZE)
                          for k, pte in enumerate(read_table(entry_frame(pmd))) if present(pte)]
    return pages, dirs, pt_tables


def _write_pages(pages, shown, limit, zones):
    """One line per page while fewer than limit were shown; returns the
    count of pages listed so far, shown or not."""
    for p in pages:
        if shown < limit:
            gdb.write(_page_line(p, _refcount(p), zones) + "\n")
        shown += 1
    return shown


def list_process(tables, limit):
    """hilo-walk pid N / cr3 VALUE without VADDR: every present user page,
    by VMA, then the counts against the mm's."""
    lay = layout()
    zones = procs.Zones()
    vma_list = procs.vmas(tables.mm) if tables.mm is not None else []
    pages, dirs, pt_tables = user_pages(tables.pdpt)

    mm_text = f", mm {int(tables.mm):#x}" if tables.mm is not None else ""
    gdb.write(f"{tables.label()}{mm_text}, cr3 {tables.pdpt:#010x}: {len(vma_list)} VMAs, "
              f"{len(pages)} present pages, {len(pt_tables)} PTE pages\n")
    gdb.write(f"  {'VIRTUAL':<10}  {'PTE':<18}  {'PFN':<10} {'ZONE':<12} {'REFS':>4}  "
              f"{'PTE PAGE':<23}  FLAGS\n")
    groups = [(f"vma {s:#010x}-{e:#010x} {procs.vm_flags_text(f)}", s, e) for s, e, f in vma_list]
    if tables.mm is None:
        groups = [("no mm: every present user page", 0, lay.PAGE_OFFSET)]
    outside = [p for p in pages if not any(s <= p.va < e for _, s, e in groups)]
    shown = 0
    for title, start, end in groups:
        inside = [p for p in pages if start <= p.va < end]
        npages = (end - start) // lay.PAGE_SIZE
        gdb.write(f"{title}  ({npages} page{'s' if npages != 1 else ''}, "
                  f"{len(inside)} present)\n")
        shown = _write_pages(inside, shown, limit, zones)
    if outside:
        gdb.write(f"outside every VMA: {len(outside)} present page"
                  f"{'s' if len(outside) != 1 else ''}\n")
        shown = _write_pages(outside, shown, limit, zones)
    if shown > limit:
        more = shown - limit
        which = f"pid {int(tables.task['pid'])}" if tables.task is not None else \
            f"cr3 {tables.pdpt:#x}"
        gdb.write(f"... {more} more page{'s' if more != 1 else ''}: "
                  f"`hilo-walk {which} limit {shown}` lists them all\n")
    if tables.mm is not None:
        gdb.write(_check_counts(tables.mm, pages, dirs + pt_tables, outside, zones) + "\n")


def _refcount(page):
    """The struct page's _refcount of a present user page, or None when its
    frame is not in mem_map."""
    pfn = entry_frame(page.pte) >> layout().PAGE_SHIFT
    if pfn >= kernel.max_pfn():
        return None
    return int(kernel.page_of_pfn(pfn)["_refcount"])


def _page_line(p, refs, zones):
    lay = layout()
    pfn = entry_frame(p.pte) >> lay.PAGE_SHIFT
    pt_pfn = p.pt_phys >> lay.PAGE_SHIFT
    refs_text = "?" if refs is None else str(refs)
    size = "" if p.size == lay.PAGE_SIZE else f" ({format_size(p.size)})"
    return (f"  {p.va:#010x}  {p.pte:#018x}  {pfn:<#10x} {zones.text(pfn):<12} {refs_text:>4}  "
            f"{pt_pfn:<#10x} {zones.text(pt_pfn):<12}  "
            f"{entry_flags(p.pte, 'PT' if p.size == lay.PAGE_SIZE else 'PD')}{size}")


def _check_counts(mm, pages, tables, outside, zones):
    """The pages and tables found, by zone, against the mm's own counts."""
    names = zones.names
    found_rss, found_pt = [0] * len(names), [0] * len(names)
    for p in pages:
        zone = zones.of_pfn(entry_frame(p.pte) >> layout().PAGE_SHIFT)
        if zone is not None:
            found_rss[zone] += p.size // layout().PAGE_SIZE
    for phys in tables:
        zone = zones.of_pfn(phys >> layout().PAGE_SHIFT)
        if zone is not None:
            found_pt[zone] += 1
    rss, pt = procs.by_zone(mm["rss"]), procs.by_zone(mm["pt_pages"])
    problems = []
    if found_rss != rss:
        problems.append(f"present pages by zone {procs.slash(found_rss)}, "
                        f"but rss[] says {procs.slash(rss)}")
    if found_pt != pt:
        problems.append(f"page directories and PTE pages by zone {procs.slash(found_pt)}, "
                        f"but pt_pages[] says {procs.slash(pt)}")
    if outside:
        problems.append(f"{len(outside)} present pages outside every VMA")
    zone_names = "/".join(names)
    if problems:
        return "check: " + "; ".join(problems) + f" ({zone_names})"
    return (f"check: ok: present pages {procs.slash(found_rss)} = rss[], tables "
            f"{procs.slash(found_pt)} = pt_pages[] ({zone_names})")
