"""hilo-walk: the walk of one virtual address through the PAE page tables
(pgtable.py), from a CPU's CR3 (`cpu N`) or a process's tables
(`pid N`, `cr3 VALUE`, procwalk.py), and without an address the listing of
a process's present pages (procwalk.py).
"""

import gdb

from . import cpuarg, kernel, procs, procwalk, smp
from .command import Command
from .errors import HiloError
from .layout import layout
from .pgtable import entry_flags, format_size, parse_address, walk
from .regions import Regions


def cpu_note():
    """The header's note of the CPU whose CR3 a walk used: " (cpu N)", or
    nothing while the selected vCPU has no per-CPU data yet."""
    try:
        cpu = smp.selected_cpu_or_none()
    except (HiloError, gdb.error):
        return ""
    return "" if cpu is None else f" (cpu {cpu})"


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
            tables = procwalk.tables_of(options)
            procwalk.list_process(tables, limit)
            return
        if "limit" in options:
            raise self.usage_error("`limit N` goes with `hilo-walk pid N` or `cr3 VALUE` "
                                   "without VADDR: one address has no list to limit")
        va = parse_address(args[0])
        cpu = cpuarg.parse_cpu(options["cpu"], self.usage_error) if "cpu" in options else None
        tables = procwalk.tables_of(options) if chosen and chosen[0] != "cpu" else None
        show_walk(va, tables, cpu)

    def parse_limit(self, text):
        if text is None:
            return procwalk.WALK_LIMIT
        try:
            limit = int(text, 0)
        except ValueError:
            raise self.usage_error(f"limit {text!r} is not a number") from None
        if limit < 0:
            raise self.usage_error(f"limit {limit} is negative")
        return limit


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
