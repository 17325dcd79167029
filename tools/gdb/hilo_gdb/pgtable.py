"""The PAE page tables: walking one address (hilo-walk) and listing every
present mapping of a range (for hilo-mappings and hilo-page).  Tables are
read by physical address (target.physical_mode), so a table that no
virtual address maps is readable too, and what is printed is what the CPU
would see.

    CR3 -> PDPT (4 entries, 1 GiB each) -> PD (512, 2 MiB each)
        -> PT (512, 4 KiB each); a PD entry with PS maps a 2 MiB page.
"""

from dataclasses import dataclass

import gdb

from . import cpuarg, kernel, procs, smp, target
from .command import Command, eval_int
from .errors import HiloError
from .layout import layout
from .regions import Regions

# Entry bits, low to high, with the short names printed (asm-offsets names).
FLAG_NAMES = (("_PAGE_PRESENT", "P"), ("_PAGE_RW", "RW"), ("_PAGE_USER", "US"),
              ("_PAGE_PWT", "PWT"), ("_PAGE_PCD", "PCD"), ("_PAGE_ACCESSED", "A"),
              ("_PAGE_DIRTY", "D"), ("_PAGE_PSE", "PS"), ("_PAGE_GLOBAL", "G"),
              ("_PAGE_NX", "NX"))
LEVELS = ("PDPT", "PD", "PT")
KIB, MIB = 1 << 10, 1 << 20


def entry_flags(value, level, ignore=()):
    """The set flags of an entry of a level: "P RW A D G NX", "-" for none.
    Bit 7 is PS in a PD entry (a 2 MiB page) and PAT in a PT entry."""
    lay = layout()
    names = [short for const, short in FLAG_NAMES
             if value & getattr(lay, const) and short not in ignore]
    if level == "PT":
        names = ["PAT" if n == "PS" else n for n in names]
    return " ".join(names) or "-"


def entry_frame(value):
    """The physical address an entry points to (a table or a 4 KiB page)."""
    return value & layout().PTE_PFN_MASK


def present(value):
    return bool(value & layout()._PAGE_PRESENT)


def large(value):
    return bool(value & layout()._PAGE_PSE)


def format_size(size):
    """4 KiB, 2 MiB, 1.5 MiB."""
    if size < MIB:
        return f"{size // KIB} KiB"
    return f"{size // MIB} MiB" if size % MIB == 0 else f"{size / MIB:.1f} MiB"


# ---- one address

@dataclass
class Entry:
    """One entry on a walk: level name, index, the table's physical address."""
    level: str
    index: int
    table: int
    value: int

    @property
    def address(self):
        return self.table + target.ENTRY_SIZE * self.index


@dataclass
class Walk:
    """The walk of one virtual address: the entries read, and the result."""
    va: int
    pdpt: int
    entries: list
    phys: int = None        # None: not mapped
    page_size: int = 0

    @property
    def leaf(self):
        """The last entry read: the PTE (or the 2 MiB PDE) that maps va."""
        return self.entries[-1]


def _indices(va):
    lay = layout()
    return (va >> lay.PGDIR_SHIFT,
            (va >> lay.PMD_SHIFT) & (lay.PTRS_PER_PMD - 1),
            (va >> lay.PAGE_SHIFT) & (lay.PTRS_PER_PTE - 1))


def walk(va, pdpt=None):
    """Walk the tables from pdpt (default: CR3) for va, as the CPU does."""
    lay = layout()
    pdpt = target.cr3() if pdpt is None else pdpt
    result = Walk(va, pdpt, [])
    table = pdpt
    with target.physical_mode():
        for level, index in zip(LEVELS, _indices(va)):
            value = target.read_phys_u64s(table + target.ENTRY_SIZE * index, 1)[0]
            result.entries.append(Entry(level, index, table, value))
            if not present(value):
                return result
            if level == "PD" and large(value):
                result.page_size = 1 << lay.PMD_SHIFT
                result.phys = (value & lay.PMD_PAGE_MASK) | (va & (result.page_size - 1))
                return result
            table = entry_frame(value)
    result.page_size = lay.PAGE_SIZE
    result.phys = entry_frame(result.leaf.value) | (va & (lay.PAGE_SIZE - 1))
    return result


def parse_address(expr):
    """A 32-bit virtual address from a gdb expression."""
    va = eval_int(expr, "a virtual address")
    if not 0 <= va < target.ADDRESS_END:
        raise HiloError(f"{expr} = {va:#x} is not a 32-bit virtual address")
    return va


def cpu_note():
    """The header's note of the CPU whose CR3 a walk used: " (cpu N)", or
    nothing while the selected vCPU has no per-CPU data yet."""
    try:
        cpu = smp.selected_cpu_or_none()
    except (HiloError, gdb.error):
        return ""
    return "" if cpu is None else f" (cpu {cpu})"


WALK_LIMIT = 64     # page lines of `hilo-walk pid N` without `limit N`


def parse_options(args, names, usage_error):
    """(positional arguments, {option: value}) of `NAME VALUE` pairs
    anywhere among args; an option given twice or without its value is a
    usage error."""
    positional, options = [], {}
    i = 0
    while i < len(args):
        word = args[i]
        if word in names:
            if i + 1 == len(args):
                raise usage_error(f"`{word}` needs a value: {word} {names[word]}")
            if word in options:
                raise usage_error(f"`{word}` given twice")
            options[word] = args[i + 1]
            i += 2
        else:
            positional.append(word)
            i += 1
    return positional, options


def entry_address_width(walk_):
    """The width of the walk's @addresses: 10 below 4 GiB, more above."""
    return max(10, *(len(f"{e.address:#x}") for e in walk_.entries))


class WalkCommand(Command):
    """Walk the PAE page tables: hilo-walk VADDR [cpu N | pid N | cr3 VALUE], hilo-walk pid N

VADDR is any gdb expression: a number, a symbol, a register, a pointer.
Prints the PDPT, PD and PT entries the CPU uses for it (raw 64-bit value
and decoded flags; a PD entry with PS maps a 2 MiB page), read by physical
address from the tables CR3 points to, then the physical address.  CR3
is the selected gdb thread's, a vCPU: the header names its CPU; `cpu N`
walks from CPU N's CR3 instead (hilo-cpus lists them).

  (gdb) hilo-walk 0xffffe000
  va 0xffffe000: kmap_local cpu0 slot 0                   cr3 0x0016c000 (cpu 0)
    PDPT[3]    @0x0016c018  0x000000000016d021  P A
    PD[511]    @0x0016dff8  0x0000000037bfa063  P RW A D
    PT[510]    @0x37bfaff0  0x8000000037bfe163  P RW A D G NX
    => phys 0x37bfe000 (pfn 0x37bfe, 4 KiB page)

A process's tables (hilo-ps lists the processes): `pid N` walks VADDR
in the address space of process N (its mm's PDPT, whether it runs or not),
`cr3 VALUE` in the tables whose PDPT is at physical VALUE.  For a user
address the header names its VMA, and the walk ends with the zone of the
page and of the PTE page that maps it, and whether they lie above 4 GiB
(PTE pages come from highmem, read here through QEMU's monitor):

  (gdb) hilo-walk 0x401fd000 pid 5
  va 0x401fd000: user space: vma 0x401fc000-0x40204000 rw-  cr3 0x337e4000 (pid 5 (gdbp/child))
    PDPT[1]    @0x0337e4008  0x00000000337e6001  P
    PD[0]      @0x0337e6000  0x000000043fc01067  P RW US A D
    PT[509]    @0x43fc01fe8  0x80000000bffc4065  P US A D NX
    => phys 0xbffc4000 (pfn 0xbffc4, 4 KiB page, HighMem)
    PTE page 0x43fc01000 (pfn 0x43fc01, HighMem, above 4 GiB)

Without VADDR, `hilo-walk pid N` lists every present page of the process,
VMA by VMA: the PTE, frame and zone, the page's reference count (2 or
more: shared, copy-on-write after a fork), the PTE page; at most N page
lines with `limit N` (default 64); then it checks the pages and tables
found against the mm's rss[] and pt_pages[].  `hilo-walk cr3 VALUE` does
the same for the tables at VALUE.

Flags: P present, RW writable, US user, PWT/PCD caching, A accessed,
D dirty, PS 2 MiB page (PAT in a PT entry), G global, NX no-execute."""

    name = "hilo-walk"
    usage = "VADDR [cpu N | pid N | cr3 VALUE] | pid N [limit N] | cr3 VALUE [limit N]"
    OPTIONS = {"cpu": "N", "pid": "N", "cr3": "VALUE", "limit": "N"}

    def run(self, args):
        args, options = parse_options(args, self.OPTIONS, self.usage_error)
        self.expect_args(args, 0, 1)
        chosen = [o for o in ("cpu", "pid", "cr3") if o in options]
        if len(chosen) > 1:
            raise self.usage_error(f"give one of cpu, pid and cr3, not {' and '.join(chosen)}")
        if not args:
            if not chosen or chosen[0] == "cpu":
                raise self.usage_error("expected VADDR (or `pid N`, `cr3 VALUE` to list a "
                                       "process's pages)")
            limit = self.parse_limit(options.get("limit"))
            tables = self.tables(options)
            list_process(tables, limit)
            return
        if "limit" in options:
            raise self.usage_error("`limit N` goes with `hilo-walk pid N` or `cr3 VALUE` "
                                   "without VADDR: one address has no list to limit")
        va = parse_address(args[0])
        cpu = cpuarg.parse_cpu(options["cpu"], self.usage_error) if "cpu" in options else None
        tables = self.tables(options) if chosen and chosen[0] != "cpu" else None
        show_walk(va, tables, cpu)

    def parse_limit(self, text):
        if text is None:
            return WALK_LIMIT
        try:
            limit = int(text, 0)
        except ValueError:
            raise self.usage_error(f"limit {text!r} is not a number") from None
        if limit < 0:
            raise self.usage_error(f"limit {limit} is negative")
        return limit

    def tables(self, options):
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


def show_walk(va, tables, cpu):
    """Print the walk of one address (tables None: a CPU's CR3)."""
    lay = layout()
    user = va < lay.PAGE_OFFSET
    zones = procs.Zones() if user else None
    if zones is not None and not zones.ready:
        zones = None            # before zones_init: no zone to name
    regions = Regions()
    if tables is None:
        with cpuarg.selected(cpu):
            w = walk(va)
            note = cpu_note()
        owner = procs.owner_of_pdpt(w.pdpt) if user else None
        mm = owner["mm"] if owner is not None else None
        if owner is not None:
            note += f", mm of {kernel.task_label(owner)}"
    else:
        w = walk(va, tables.pdpt)
        mm = tables.mm
        note = f" ({tables.label()})"
    if mm is not None and user:
        vma = procs.vma_of(procs.vmas(mm), va)
        region = ("user space: " + (f"vma {vma[0]:#010x}-{vma[1]:#010x} "
                                    f"{procs.vm_flags_text(vma[2])}" if vma else "no vma"))
    else:
        region = regions.name(va)
    gap = " " if len(region) < 40 else "  "
    gdb.write(f"va {va:#010x}: {region:<40}{gap}cr3 {w.pdpt:#010x}{note}\n")
    width = entry_address_width(w)
    for e in w.entries:
        label = f"{e.level}[{e.index}]"
        gdb.write(f"  {label:<10} @{e.address:#0{width}x}  {e.value:#018x}  "
                  f"{entry_flags(e.value, e.level)}\n")
    if w.phys is None:
        gdb.write(f"  => not mapped ({w.leaf.level} entry not present)\n")
    else:
        pfn = w.phys >> lay.PAGE_SHIFT
        zone = f", {zones.describe(pfn)}" if zones is not None else ""
        gdb.write(f"  => phys {w.phys:#010x} (pfn {pfn:#x}, {format_size(w.page_size)} page"
                  f"{zone})\n")
    if zones is not None and w.leaf.level == "PT":
        table = w.leaf.table
        gdb.write(f"  PTE page {table:#010x} (pfn {table >> lay.PAGE_SHIFT:#x}, "
                  f"{zones.describe(table >> lay.PAGE_SHIFT)})\n")


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
            for j, pmd in enumerate(_table(entry_frame(pgd))):
                va = i * gib + j * pmd_size
                if not present(pmd):
                    continue
                if large(pmd):
                    pages.append(UserPage(va, pmd, entry_frame(pgd), pmd_size))
                    continue
                pt_tables.append(entry_frame(pmd))
                pages += [UserPage(va + k * lay.PAGE_SIZE, pte, entry_frame(pmd), lay.PAGE_SIZE)
                          for k, pte in enumerate(_table(entry_frame(pmd))) if present(pte)]
    return pages, dirs, pt_tables


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
        for p in inside:
            if shown < limit:
                gdb.write(_page_line(p, _refcount(p), zones) + "\n")
            shown += 1
    if outside:
        gdb.write(f"outside every VMA: {len(outside)} present page"
                  f"{'s' if len(outside) != 1 else ''}\n")
        for p in outside:
            if shown < limit:
                gdb.write(_page_line(p, _refcount(p), zones) + "\n")
            shown += 1
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


# ---- every mapping of a range

@dataclass
class Leaf:
    """A present entry that maps memory: va, size, the raw entry."""
    va: int
    size: int
    value: int

    @property
    def level(self):
        return "PT" if self.size == layout().PAGE_SIZE else "PD"

    @property
    def phys(self):
        lay = layout()
        return self.value & (lay.PTE_PFN_MASK if self.level == "PT" else lay.PMD_PAGE_MASK)


def _table(phys):
    return target.read_phys_u64s(phys, layout().PTRS_PER_PTE)


def leaves(start, end, pdpt=None):
    """Every present mapping in [start, end), in address order, read from
    the tables of pdpt (default: CR3).  Tables wholly outside the range
    are not read."""
    lay = layout()
    pdpt = target.cr3() if pdpt is None else pdpt
    gib, pmd_size = 1 << lay.PGDIR_SHIFT, 1 << lay.PMD_SHIFT
    found = []
    with target.physical_mode():
        for i, pgd in enumerate(target.read_phys_u64s(pdpt, lay.PTRS_PER_PGD)):
            if not present(pgd) or not _overlaps(i * gib, gib, start, end):
                continue
            for j, pmd in enumerate(_table(entry_frame(pgd))):
                va = i * gib + j * pmd_size
                if not present(pmd) or not _overlaps(va, pmd_size, start, end):
                    continue
                if large(pmd):
                    found.append(Leaf(va, pmd_size, pmd))
                    continue
                found += [Leaf(va + k * lay.PAGE_SIZE, lay.PAGE_SIZE, pte)
                          for k, pte in enumerate(_table(entry_frame(pmd)))
                          if present(pte) and start <= va + k * lay.PAGE_SIZE < end]
    return found


def _overlaps(va, size, start, end):
    return va < end and start < va + size


def entry_pfn(value):
    """The frame number a PTE maps."""
    return entry_frame(value) >> layout().PAGE_SHIFT


def live_ptes(va, count):
    """The PTEs of count consecutive pages from va, all in one page table,
    read physically from the table the CPU uses; zeros without a table."""
    w = walk(va)
    if w.leaf.level != "PT":
        return [0] * count
    with target.physical_mode():
        return target.read_phys_u64s(w.leaf.address, count)
