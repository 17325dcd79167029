"""Processes: tasks with a user address space, for hilo-ps and hilo-walk
pid/cr3.

A process is a task whose ->mm is set (include/hilo/process.h), or a
zombie: a process that exited, whose mm is freed already, waiting for its
parent's wait4().  A kernel thread has no mm.

    struct mm_struct (include/hilo/mm_types.h), one lowmem page:
      pdpt[4]          the PDPT, CR3's target: CR3 = __pa(mm) (pdpt is its
                       first field); entries 0..2 -> user page directories
                       (lowmem), entry 3 -> the kernel's, shared
      vmas[nr_vmas]    the mappings, sorted: vm_start, vm_end, vm_flags
      rss[], pt_pages[]  user pages mapped and page-table pages, by zone

The VM_* flags (and PF_EXITING) are macros: neither in DWARF nor in
asm-offsets.py.  They are read from include/hilo/mm_types.h (and
include/hilo/sched.h) of the source tree the kernel was compiled from
(where DWARF says mm_alloc's file is); without it a VMA's flags print as
a number.
"""

import os
import re

import gdb

from . import kernel, ready
from .errors import HiloError
from .layout import layout

GIB4_PFN_SHIFT = 32     # physical addresses at and above 1 << 32: "above 4 GiB"


# ---- processes

def is_process(task):
    return bool(int(task["mm"])) or bool(task["zombie"])


def state_name(task):
    """hilo-tasks' state names, with a process's own: zombie, exiting."""
    if bool(task["zombie"]):
        return "zombie"
    if int(task["flags"]) & header_macros("include/hilo/sched.h", "PF_").get("PF_EXITING", 0):
        return "exiting"
    return kernel.task_state_name(int(task["state"]))


def parent_pid(task):
    parent = task["parent"]
    return int(parent["pid"]) if int(parent) else None


def pdpt_phys(mm):
    """The physical address of an mm's PDPT: what CR3 holds while it is
    loaded.  The mm is a lowmem page, so __pa() is a subtraction."""
    lay = layout()
    addr = int(mm["pdpt"].address)
    high = int(kernel.sym("high_memory"))
    if not lay.PAGE_OFFSET <= addr < (high or 1 << 32):
        raise HiloError(f"mm {int(mm):#x} is not a lowmem address (PAGE_OFFSET "
                        f"{lay.PAGE_OFFSET:#x}, high_memory {high:#x}): corrupt task?")
    return addr - lay.PAGE_OFFSET


def process_list():
    """(process names, for error messages)."""
    found = [kernel.task_label(t) for t in kernel.tasks() if int(t["mm"])]
    return ", ".join(found) if found else "none"


def find_process(spec):
    """(task, mm) of the process named by spec (pid, name or task
    pointer), or a HiloError saying why it is not one."""
    if spec.isdigit() and not any(int(t["pid"]) == int(spec) for t in kernel.tasks()):
        raise HiloError(f"no task with pid {spec} (processes: {process_list()})")
    task = kernel.find_task(spec)
    label = kernel.task_label(task)
    if bool(task["zombie"]):
        raise HiloError(f"{label} is a zombie (exit status {int(task['exit_code']):#x}): "
                        f"its address space is freed already (processes with one: "
                        f"{process_list()})")
    mm = task["mm"]
    if not int(mm):
        raise HiloError(f"{label} is not a process: a kernel thread, it has no address "
                        f"space (its mm is NULL; processes: {process_list()})")
    return task, mm


def owner_of_pdpt(phys):
    """The task whose mm's PDPT is at physical phys, or None."""
    for task in kernel.tasks():
        if int(task["mm"]) and pdpt_phys(task["mm"]) == phys:
            return task
    return None


def pdpt_owner_text(phys):
    """Whose PDPT phys is: "pid 2 (gdbp/parent)", "the kernel's
    (swapper_pg_dir)", or None."""
    task = owner_of_pdpt(phys)
    if task is not None:
        return f"pid {kernel.task_label(task)}"
    try:
        kernel_pdpt = int(kernel.sym("(unsigned long)&swapper_pg_dir")) - layout().PAGE_OFFSET
    except HiloError:
        return None
    return "the kernel's (swapper_pg_dir)" if phys == kernel_pdpt else None


# ---- zones of frames

class Zones:
    """zones[]'s names and pfn ranges, read once (before a physical_mode
    block: they are kernel variables)."""

    def __init__(self):
        zones = kernel.sym("zones")
        low, high = zones.type.strip_typedefs().range()
        self.names = [zones[i]["name"].string() for i in range(low, high + 1)]
        self.ranges = [(int(zones[i]["start_pfn"]), int(zones[i]["end_pfn"]))
                       for i in range(low, high + 1)]
        self.ready = bool(int(kernel.sym("mem_map")))

    def of_pfn(self, pfn):
        """The zone index of pfn, or None (not RAM the zones span, or
        before zones_init)."""
        if not self.ready:
            return None
        return next((i for i, (start, end) in enumerate(self.ranges) if start <= pfn < end), None)

    def text(self, pfn):
        """"HighMem", "HighMem >4G", "?" (no zone)."""
        zone = self.of_pfn(pfn)
        name = "?" if zone is None else self.names[zone]
        return name + (" >4G" if above_4g_pfn(pfn) else "")

    def describe(self, pfn):
        """"HighMem, above 4 GiB" for the walk's notes."""
        zone = self.of_pfn(pfn)
        parts = ["no zone" if zone is None else self.names[zone]]
        if above_4g_pfn(pfn):
            parts.append("above 4 GiB")
        return ", ".join(parts)


def above_4g_pfn(pfn):
    return pfn >= 1 << (GIB4_PFN_SHIFT - layout().PAGE_SHIFT)


def by_zone(array):
    """An mm's rss[] or pt_pages[] as a list."""
    return [int(v) for v in kernel.array(array)]


def slash(counts):
    return "/".join(str(c) for c in counts)


# ---- VMAs

_macro_cache = {}


def source_root():
    """The source tree the kernel was compiled from, or None."""
    sym = gdb.lookup_global_symbol("mm_alloc")
    if sym is None or sym.symtab is None:
        return None
    path = sym.symtab.fullname()     # .../mm/mm_struct.c
    return os.path.dirname(os.path.dirname(path))


def header_macros(relpath, prefix):
    """{NAME: value} of the `#define PREFIXNAME 0x...` lines of a header of
    the kernel's source tree; {} without it."""
    root = source_root()
    header = os.path.join(root, relpath) if root else None
    if header is None or not os.path.exists(header):
        return {}
    mtime = os.stat(header).st_mtime
    cached = _macro_cache.get(header)
    if cached is None or cached[0] != mtime:
        with open(header) as f:
            defines = re.findall(r"^#define\s+(\w+)\s+(0x[0-9a-fA-F]+)u?\b", f.read(), re.M)
        cached = _macro_cache[header] = (mtime, {n: int(v, 16) for n, v in defines})
    return {n: v for n, v in cached[1].items() if n.startswith(prefix)}


def vm_flag_bits():
    """[(bit, name)] of the VM_* macros of include/hilo/mm_types.h
    ("read", "write", "exec", "stack", "heap"), or []."""
    return [(bit, name[len("VM_"):].lower())
            for name, bit in header_macros("include/hilo/mm_types.h", "VM_").items()]


def vm_flags_text(flags):
    """"rw- stack", "r-x", or "0x103" without the header."""
    bits = dict((name, bit) for bit, name in vm_flag_bits())
    if not all(k in bits for k in ("read", "write", "exec")):
        return f"{flags:#x}"
    text = "".join(c if flags & bits[n] else "-"
                   for c, n in (("r", "read"), ("w", "write"), ("x", "exec")))
    rwx = bits["read"] | bits["write"] | bits["exec"]
    extra = [name for name, bit in bits.items() if bit & flags and not bit & rwx]
    known = 0
    for bit in bits.values():
        known |= bit
    if flags & ~known:
        extra.append(f"{flags & ~known:#x}")
    return " ".join([text] + extra)


def vmas(mm):
    """[(vm_start, vm_end, vm_flags)] of an mm, in address order."""
    table = mm["vmas"]
    count = int(mm["nr_vmas"])
    size = table.type.strip_typedefs().range()[1] + 1
    if not 0 <= count <= size:
        raise HiloError(f"mm {int(mm):#x} has nr_vmas {count}, more than its {size} "
                        "slots: corrupt?")
    table = kernel.fetched(table)
    return [(int(table[i]["vm_start"]), int(table[i]["vm_end"]), int(table[i]["vm_flags"]))
            for i in range(count)]


def vma_of(vma_list, va):
    return next((v for v in vma_list if v[0] <= va < v[1]), None)


def require_mm_ready():
    """A process's tables name frames by zone: the zones must be set up."""
    ready.require_mem_map()
