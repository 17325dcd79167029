"""The memory layout of the kernel being debugged.

Every constant comes from the asm-offsets.py that the build generates from
the kernel's own headers (tools/asm-offsets.c), next to the kernel:
$(BUILD)/include/ for $(BUILD)/kernel.elf and $(BUILD)/debug/include/ for
the test build, whose kmap debug options change KM_MAX_IDX and KM_INCR.
Nothing here repeats a value of include/asm/layout.h.  A 64-bit constant
comes as NAME_LO and NAME_HI halves and is joined back into NAME.

The helpers mirror the C macros of the same name.
"""

import os

import gdb

from .errors import HiloError

_cache = {}     # path -> (mtime, Layout)


class Layout:
    """The constants of one asm-offsets.py, as attributes."""

    def __init__(self, path):
        self.path = path
        values = {}
        with open(path) as f:
            exec(compile(f.read(), path, "exec"), {}, values)
        for name in [n for n in values if n.endswith("_LO")]:
            base = name[:-3]
            if base + "_HI" in values:
                values[base] = values[base + "_HI"] << 32 | values[name]
        self.__dict__.update(values)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise HiloError(f"{name} is not in {self.path}: add it to tools/asm-offsets.c and rebuild")

    # The C macros of include/asm/layout.h.
    def fix_to_virt(self, idx):
        return self.FIXADDR_TOP - (idx << self.PAGE_SHIFT)

    def virt_to_fix(self, va):
        return (self.FIXADDR_TOP - (va & ~(self.PAGE_SIZE - 1))) >> self.PAGE_SHIFT

    def pkmap_addr(self, nr):
        return self.PKMAP_BASE + (nr << self.PAGE_SHIFT)

    def pkmap_nr(self, va):
        return (va - self.PKMAP_BASE) >> self.PAGE_SHIFT

    @property
    def pkmap_end(self):
        return self.pkmap_addr(self.LAST_PKMAP)

    def kmap_slot_addr(self, cpu, idx):
        """The fixmap address of kmap_local slot idx of cpu."""
        return self.fix_to_virt(self.FIX_KMAP_BEGIN + idx + self.KM_MAX_IDX * cpu)

    def kmap_slot_of(self, va):
        """(cpu, idx) of the kmap_local slot at va, or None."""
        fix = self.virt_to_fix(va)
        if not self.FIX_KMAP_BEGIN <= fix <= self.FIX_KMAP_END:
            return None
        return divmod(fix - self.FIX_KMAP_BEGIN, self.KM_MAX_IDX)


def offsets_path():
    """The asm-offsets.py of the kernel gdb has loaded."""
    kernel = gdb.current_progspace().filename
    if not kernel:
        raise HiloError("no kernel loaded: start gdb with build/kernel.elf (make debug does)")
    return os.path.join(os.path.dirname(os.path.abspath(kernel)), "include", "asm-offsets.py")


def layout():
    """The Layout of the loaded kernel, re-read when the build changes it."""
    path = offsets_path()
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        raise HiloError(f"no {path}: build the kernel with make (it generates that file)") from None
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        cached = _cache[path] = (mtime, Layout(path))
    return cached[1]
