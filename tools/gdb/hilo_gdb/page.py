"""hilo-page: one page frame, from any of its names.

    pfn  <->  struct page * (&mem_map[pfn])  <->  physical (pfn << PAGE_SHIFT)
                                             <->  direct-map virtual (lowmem only)
"""

from dataclasses import dataclass

import gdb

from . import kernel, pgtable, pkmap, ready, target
from .command import Command, eval_int
from .errors import HiloError
from .layout import layout
from .regions import Regions

# page->flags bits (asm-offsets names) and the names printed.
PAGE_FLAGS = (("PG_reserved", "reserved"), ("PG_buddy", "buddy"), ("PG_head", "head"))


@dataclass
class Frame:
    """A page frame and how the user named it ("" for a pfn)."""
    pfn: int
    given: str

    def from_text(self):
        return f" (from {self.given})" if self.given else ""


def frame_of_virt(va):
    """The frame behind a virtual address (through the page tables)."""
    w = pgtable.walk(va)
    if w.phys is None:
        raise HiloError(f"{va:#x} is not mapped ({w.leaf.level} entry not present)")
    return Frame(w.phys >> layout().PAGE_SHIFT, f"virtual {va:#x}, physical {w.phys:#x}")


def frame_of_expr(expr, kind):
    """Resolve the argument; kind is 'auto' or a forced kind."""
    lay = layout()
    value = eval_int(expr, "a pfn, struct page *, physical or virtual address")
    if kind == "auto":
        kind = guess_kind(expr, value)
    if kind == "pfn":
        return Frame(value, "")
    if kind == "phys":
        return Frame(value >> lay.PAGE_SHIFT, f"physical {value:#x}")
    if kind == "page":
        return Frame(kernel.pfn_of_page(value), f"struct page {value:#x}")
    return frame_of_virt(value)


def guess_kind(expr, value):
    """A `struct page *` is a page; an integer in mem_map too; another
    kernel address is virtual; a smaller number is a pfn."""
    type_ = gdb.parse_and_eval(expr).type.strip_typedefs()
    if type_.code == gdb.TYPE_CODE_PTR and str(type_.target().strip_typedefs()) == "struct page":
        return "page"
    if value >= layout().PAGE_OFFSET:
        return "page" if kernel.is_mem_map_address(value) else "virt"
    if type_.code == gdb.TYPE_CODE_PTR:
        return "virt"
    return "pfn"


def decode_flags(flags):
    """reserved/buddy/head, the order of a buddy or head block."""
    lay = layout()
    names = [text for const, text in PAGE_FLAGS if flags & getattr(lay, const)]
    if flags & (lay.PG_buddy | lay.PG_head):
        names.append(f"order {(flags & lay.PG_ORDER_MASK) >> lay.PG_ORDER_SHIFT}")
    return ", ".join(names) or "none"


def zone_name(flags):
    lay = layout()
    zone = (flags & lay.PG_ZONE_MASK) >> lay.PG_ZONE_SHIFT
    return zone, kernel.sym("zones")[zone]["name"].string()


def mapped_at(pfn, regions):
    """Every virtual address whose page tables map the frame.  The direct
    map maps lowmem frame n at PAGE_OFFSET + n pages only: one walk checks
    it, and only the rest of the address space is searched."""
    lay = layout()
    phys = pfn << lay.PAGE_SHIFT
    direct_start, direct_end = regions.bounds("direct map")
    direct = direct_start + phys
    found = [direct] if direct < direct_end and pgtable.walk(direct).phys == phys else []
    for start, end in ((0, direct_start), (direct_end, target.ADDRESS_END)):
        found += [leaf.va + (phys - leaf.phys) for leaf in pgtable.leaves(start, end)
                  if leaf.phys <= phys < leaf.phys + leaf.size]
    return found


def page_address_text(pfn, lowmem):
    """What page_address() returns, from the kernel's own structures."""
    lay = layout()
    if lowmem:
        return f"{lay.PAGE_OFFSET + (pfn << lay.PAGE_SHIFT):#010x} (direct map)"
    try:
        addr = pkmap.page_addresses().get(int(kernel.page_of_pfn(pfn)))
    except HiloError as e:
        return f"unknown ({e})"
    return f"{addr:#010x} (pkmap slot {lay.pkmap_nr(addr)})" if addr else "NULL (not kmap()ed)"


class PageCommand(Command):
    """Show a page frame: hilo-page [-pfn|-page|-phys|-virt] EXPR

EXPR is a gdb expression.  Without an option its kind is guessed: a
`struct page *` (or an address inside mem_map) is a page, another kernel
address (>= PAGE_OFFSET) is virtual and goes through the page tables, a
smaller number is a pfn.  Physical addresses need -phys.  Prints the
conversions pfn <-> struct page <-> physical <-> direct-map virtual, the
zone, flags and reference count, what page_address() returns, and every
kernel virtual address that maps the frame (a walk of all the tables).

  (gdb) hilo-page 0x37bfe
  pfn 0x37bfe
    struct page  0xf7b75fe0  (&mem_map[0x37bfe])
    physical     0x37bfe000-0x37bff000
    direct map   none: highmem
    zone         2 HighMem
    flags        0x80000004: head, order 0
    _refcount    1
    page_address 0xffc01000 (pkmap slot 1)
    mapped at    0xffc01000 (pkmap slot 1)"""

    name = "hilo-page"
    usage = "[-pfn|-page|-phys|-virt] EXPR"
    KINDS = ("pfn", "page", "phys", "virt")

    def run(self, args):
        kind = "auto"
        if args and args[0].startswith("-") and args[0][1:] in self.KINDS:
            kind = args.pop(0)[1:]
        self.expect_args(args, 1, 1)
        ready.require_mem_map()
        frame = frame_of_expr(args[0], kind)
        if not 0 <= frame.pfn < kernel.max_pfn():
            raise HiloError(f"pfn {frame.pfn:#x}{frame.from_text()} is beyond the end of RAM "
                            f"(max_pfn {kernel.max_pfn():#x})")
        self.show(frame)

    @staticmethod
    def show(frame):
        lay = layout()
        pfn = frame.pfn
        regions = Regions()
        page = kernel.page_of_pfn(pfn).dereference()
        flags = int(page["flags"])
        zone, zname = zone_name(flags)
        phys = pfn << lay.PAGE_SHIFT
        lowmem = pfn < kernel.max_low_pfn()
        where = ", ".join(f"{va:#010x} ({regions.name(va)})"
                          for va in mapped_at(pfn, regions)) or "nowhere"
        rows = (("struct page", f"{int(page.address):#010x}  (&mem_map[{pfn:#x}])"),
                ("physical", f"{phys:#x}-{phys + lay.PAGE_SIZE:#x}"),
                ("direct map", f"{lay.PAGE_OFFSET + phys:#010x}" if lowmem else "none: highmem"),
                ("zone", f"{zone} {zname}"),
                ("flags", f"{flags:#010x}: {decode_flags(flags)}"),
                ("_refcount", str(int(page["_refcount"]))),
                ("page_address", page_address_text(pfn, lowmem)),
                ("mapped at", where))
        gdb.write(f"pfn {pfn:#x}{frame.from_text()}\n")
        for label, text in rows:
            gdb.write(f"  {label:<12} {text}\n")
