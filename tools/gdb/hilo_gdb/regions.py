"""Names of the kernel's virtual regions, as arch/x86/regions.c has them
(a table, innermost first: the first row that holds an address names it),
refined where a region has parts: a pkmap slot, a kmap_local slot of the
fixmap, a task's stack in vmalloc.

Build a Regions() before entering target.physical_mode(): it reads kernel
variables (high_memory, the task list) through virtual memory.
"""

from . import kernel
from .layout import layout
from .target import ADDRESS_END


class Regions:
    """The regions of the layout at the moment it is built."""

    def __init__(self):
        lay = self.lay = layout()
        # Before mm_init() high_memory is NULL and the boot map covers the
        # top GiB (as arch/x86/regions.c's lowmem_end() says).
        high = int(kernel.sym("high_memory")) or ADDRESS_END
        addr = lambda name: int(kernel.sym(f"(unsigned long){name}"))  # noqa: E731
        self.vmalloc_start = high + lay.VMALLOC_OFFSET
        self.rows = [
            (addr("_text"), addr("_etext"), "direct map: kernel text"),
            (addr("_rodata"), addr("_erodata"), "direct map: kernel rodata"),
            (addr("_data"), addr("_end"), "direct map: kernel data/bss"),
            (lay.PAGE_OFFSET, high, "direct map"),
            (0, lay.PAGE_OFFSET, "user space"),
            (self.vmalloc_start, lay.VMALLOC_END, "vmalloc"),
            (lay.PKMAP_BASE, lay.pkmap_end, "pkmap"),
            (lay.FIXADDR_START, lay.FIXADDR_TOP + lay.PAGE_SIZE, "fixmap"),
        ]
        self.stacks = [(int(t["stack"]), int(t["stack"]) + int(t["stack_size"]),
                        kernel.task_label(t)) for t in kernel.tasks()]

    def region(self, va):
        """The name of the row that holds va ("unmapped" for the holes)."""
        return next((name for start, end, name in self.rows if start <= va < end), "unmapped")

    def name(self, va):
        """The most precise name of va: its region and, where the region
        has parts, which one (slot, stack)."""
        region = self.region(va)
        if region == "pkmap":
            return f"pkmap slot {self.lay.pkmap_nr(va)}"
        if region == "fixmap":
            slot = self.lay.kmap_slot_of(va)
            return f"kmap_local cpu{slot[0]} slot {slot[1]}" if slot else "fixmap"
        if region == "vmalloc":
            owner = next((label for base, top, label in self.stacks if base <= va < top), None)
            return f"vmalloc: stack of {owner}" if owner else region
        return region

    def run_key(self, va):
        """What neighbouring mappings must share to merge into one run of
        hilo-mappings: their name, except that pool slots merge (a run of
        them is labelled with its slot range).  kmap_local slots stay one
        per line: each is a stack index of its own."""
        region = self.region(va)
        return region if region == "pkmap" else self.name(va)

    def run_label(self, start, end):
        """The name of the run [start, end)."""
        if self.region(start) != "pkmap" or end - start <= self.lay.PAGE_SIZE:
            return self.name(start)
        return f"pkmap slots {self.lay.pkmap_nr(start)}-{self.lay.pkmap_nr(end - 1)}"

    def bounds(self, region):
        """(start, end) of the named row."""
        return next((start, end) for start, end, name in self.rows if name == region)
