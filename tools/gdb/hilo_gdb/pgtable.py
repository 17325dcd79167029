"""The PAE page tables, read as the CPU reads them: the entries and their
flags, the walk of one address (hilo-walk, hilo-page, the kmap commands)
and every present mapping of a range (hilo-mappings, hilo-page).  Tables
are read by physical address (target.physical_mode), so a table that no
virtual address maps is readable too, and what is printed is what the CPU
would see.  The hilo-walk command is in walk.py; a process's tables and
the listing of its pages in procwalk.py.

    CR3 -> PDPT (4 entries, 1 GiB each) -> PD (512, 2 MiB each)
        -> PT (512, 4 KiB each); a PD entry with PS maps a 2 MiB page.
"""

from dataclasses import dataclass

from . import target
from .command import eval_int
from .errors import HiloError
from .layout import layout

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


def read_table(phys):
    """The 512 entries of the table at physical phys (in physical_mode)."""
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
            for j, pmd in enumerate(read_table(entry_frame(pgd))):
                va = i * gib + j * pmd_size
                if not present(pmd) or not _overlaps(va, pmd_size, start, end):
                    continue
                if large(pmd):
                    found.append(Leaf(va, pmd_size, pmd))
                    continue
                found += [Leaf(va + k * lay.PAGE_SIZE, lay.PAGE_SIZE, pte)
                          for k, pte in enumerate(read_table(entry_frame(pmd)))
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
