"""hilo-mappings: the kernel's mappings of a range, merged into runs and
named by region (direct map, vmalloc, pkmap slots, kmap_local slots)."""

from dataclasses import dataclass

import gdb

from . import cpuarg, ready
from .command import Command
from .pgtable import KIB, MIB, entry_flags, format_size, leaves, parse_address
from .regions import Regions
from .target import ADDRESS_END

@dataclass
class Run:
    """Mappings merged: contiguous in virtual and physical memory, with
    the same page size, permissions and region (Regions.run_key)."""
    va: int
    phys: int
    page_size: int
    pages: int
    flags: str
    key: str

    @property
    def size(self):
        return self.page_size * self.pages

    def extends(self, leaf, flags, key):
        return (leaf.va == self.va + self.size and leaf.phys == self.phys + self.size
                and (leaf.size, flags, key) == (self.page_size, self.flags, self.key))


# Accessed and dirty are the CPU's bookkeeping, not permissions: they do
# not split a run.
RUN_IGNORES = ("A", "D")


def page_label(size):
    """The short page-size name of a run's PAGES column: 4K, 2M."""
    return f"{size // MIB}M" if size >= MIB else f"{size // KIB}K"


def merge_runs(found, regions):
    """Runs of the leaves (in address order)."""
    runs = []
    for leaf in found:
        flags = entry_flags(leaf.value, leaf.level, RUN_IGNORES)
        key = regions.run_key(leaf.va)
        if runs and runs[-1].extends(leaf, flags, key):
            runs[-1].pages += 1
        else:
            runs.append(Run(leaf.va, leaf.phys, leaf.size, 1, flags, key))
    return runs


class MappingsCommand(Command):
    """Dump the kernel's mappings, merged into runs: hilo-mappings [REGION | START [END]] [cpu N]

REGION is one of: direct, vmalloc, pkmap, fixmap (default: the whole
address space).  The tables are those of the selected thread's CR3, or of
CPU N's with `cpu N`.  START and END are gdb expressions (END defaults to the
top of the address space).  Consecutive pages merge into one line when
they are contiguous in virtual and physical memory with the same page size,
permissions and region.  Regions are named as the kernel names them:
the direct map (kernel text, rodata, data/bss), vmalloc (a task's stack),
pkmap slots, each kmap_local slot of the fixmap (cpu and stack index).

  (gdb) hilo-mappings pkmap
  VIRTUAL                  PHYSICAL                     SIZE     PAGES  FLAGS          REGION
  0xffc01000-0xffc03000  0x037bfe000-0x037c00000      8 KiB      2x4K  P RW G NX      pkmap slots 1-2
  0xffc03000-0xffc23000  0x03ffc0000-0x03ffe0000    128 KiB     32x4K  P RW G NX      pkmap slots 3-34
  2 runs, 136 KiB mapped

Flags as in hilo-walk, without A and D."""

    name = "hilo-mappings"
    usage = "[direct|vmalloc|pkmap|fixmap | START [END]] [cpu N]"
    REGION_ROWS = {"direct": "direct map", "vmalloc": "vmalloc", "pkmap": "pkmap",
                   "fixmap": "fixmap"}

    def run(self, args):
        args, cpu = cpuarg.split_cpu(args, self.usage_error)
        self.expect_args(args, 0, 2)
        regions = Regions()
        start, end = self.range(args, regions)
        with cpuarg.selected(cpu):
            runs = merge_runs(leaves(start, end), regions)
        if not ready.kernel_tables_ready():
            gdb.write(ready.KERNEL_TABLES_NOTE + "\n")
        gdb.write(f"{'VIRTUAL':<24} {'PHYSICAL':<23} {'SIZE':>9} {'PAGES':>9}  "
                  f"{'FLAGS':<14} REGION\n")
        for r in runs:
            pages = f"{r.pages}x{page_label(r.page_size)}"
            gdb.write(f"{r.va:#010x}-{r.va + r.size:#010x}  "
                      f"{r.phys:#011x}-{r.phys + r.size:#011x}  {format_size(r.size):>9} "
                      f"{pages:>9}  {r.flags:<14} {regions.run_label(r.va, r.va + r.size)}\n")
        total = sum(r.size for r in runs)
        gdb.write(f"{len(runs)} run{'s' if len(runs) != 1 else ''}, {format_size(total)} mapped\n")

    def range(self, args, regions):
        """[start, end) from the arguments."""
        if len(args) == 1 and args[0] in self.REGION_ROWS:
            return regions.bounds(self.REGION_ROWS[args[0]])
        if not args:
            return 0, ADDRESS_END
        if len(args) == 1 and args[0].isidentifier() and not self.evaluates(args[0]):
            raise self.usage_error(f"unknown region {args[0]!r}: the regions are "
                                   f"{', '.join(self.REGION_ROWS)} (or give START [END] "
                                   "addresses)")
        start = parse_address(args[0])
        end = parse_address(args[1]) if len(args) > 1 else ADDRESS_END
        if end <= start:
            raise self.usage_error(f"END {end:#x} is not above START {start:#x}")
        return start, end

    @staticmethod
    def evaluates(expr):
        """Whether expr is something gdb can evaluate (a symbol)."""
        try:
            gdb.parse_and_eval(expr)
            return True
        except gdb.error:
            return False
