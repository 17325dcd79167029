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

from . import cpuarg, smp, target
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


class WalkCommand(Command):
    """Walk the PAE page tables for a virtual address: hilo-walk VADDR [cpu N]

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

Flags: P present, RW writable, US user, PWT/PCD caching, A accessed,
D dirty, PS 2 MiB page (PAT in a PT entry), G global, NX no-execute."""

    name = "hilo-walk"
    usage = "VADDR [cpu N]"

    def run(self, args):
        args, cpu = cpuarg.split_cpu(args, self.usage_error)
        self.expect_args(args, 1, 1)
        va = parse_address(args[0])
        region = Regions().name(va)
        with cpuarg.selected(cpu):
            w = walk(va)
            note = cpu_note()
        gdb.write(f"va {va:#010x}: {region:<40} cr3 {w.pdpt:#010x}{note}\n")
        for e in w.entries:
            label = f"{e.level}[{e.index}]"
            gdb.write(f"  {label:<10} @{e.address:#010x}  {e.value:#018x}  "
                      f"{entry_flags(e.value, e.level)}\n")
        if w.phys is None:
            gdb.write(f"  => not mapped ({w.leaf.level} entry not present)\n")
        else:
            gdb.write(f"  => phys {w.phys:#010x} (pfn {w.phys >> layout().PAGE_SHIFT:#x}, "
                      f"{format_size(w.page_size)} page)\n")


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
