"""Reading the target: virtual memory (through the CPU's current page
tables, as gdb always does), physical memory, and control registers.

Physical reads use the physical-memory mode of QEMU's gdbstub
(`maintenance packet Qqemu.PhyMemMode:1`): while it is on, every address
gdb sends is physical.  That is how the page-table commands read tables
that are not mapped anywhere, and it is independent of the page tables
being examined.  gdb caches target memory between resumes, so the cache
is flushed on entering and leaving the mode: cached virtual bytes must
not answer a physical read, nor the reverse.
"""

import contextlib
import struct

import gdb

from .errors import HiloError

# gdb debugs hilo as an i386 target: its addresses, virtual and physical,
# are 32 bits wide.  ADDRESS_END is the end of the virtual address space.
ADDRESS_END = 1 << 32


def require_target():
    """Fail clearly unless gdb is connected to a stopped target."""
    if gdb.selected_inferior().pid == 0 or gdb.selected_thread() is None:
        raise HiloError("no target: connect to QEMU first (make debug does)")


def _phymem_mode(on):
    reply = gdb.execute(f"maintenance packet Qqemu.PhyMemMode:{int(on)}", to_string=True)
    if 'received: "OK"' not in reply:
        raise HiloError("the gdbstub has no physical memory mode (QEMU's "
                        f"Qqemu.PhyMemMode): {reply.strip()}")
    gdb.execute("maintenance flush dcache", to_string=True)


_physical_depth = 0     # nesting of physical_mode() blocks


@contextlib.contextmanager
def physical_mode():
    """Within the block, gdb's memory accesses are physical.  Blocks nest:
    a walk over many tables switches the mode once, not per table."""
    global _physical_depth
    if _physical_depth == 0:
        require_target()
        _phymem_mode(True)
    _physical_depth += 1
    try:
        yield
    finally:
        _physical_depth -= 1
        if _physical_depth == 0:
            _phymem_mode(False)


def read_phys(addr, size):
    """size bytes of physical memory at addr."""
    if addr + size > ADDRESS_END:
        raise HiloError(f"physical {addr:#x} is above 4 GiB, beyond gdb's 32-bit "
                        f"addresses (use: monitor xp /2wx {addr:#x})")
    with physical_mode():
        return bytes(gdb.selected_inferior().read_memory(addr, size))


ENTRY_SIZE = 8      # a PAE table entry: 64 bits (asm/pgtable.h asserts it)


def read_phys_u64s(addr, count):
    """count little-endian 64-bit values at physical addr (table entries)."""
    return list(struct.unpack(f"<{count}Q", read_phys(addr, ENTRY_SIZE * count)))


def require_virtual_mode():
    """Kernel variables are read through virtual addresses: never inside a
    physical_mode() block, where gdb would read physical memory instead."""
    if _physical_depth:
        raise HiloError("internal: a virtual read inside physical_mode()")


def read_virt(addr, size):
    """size bytes at virtual addr, through the current page tables."""
    require_virtual_mode()
    require_target()
    return bytes(gdb.selected_inferior().read_memory(addr, size))


# Control-register bits (architectural, not hilo's layout).
CR0_PG = 1 << 31
CR4_PAE = 1 << 5


def paging_on():
    """Whether the CPU translates addresses through PAE page tables yet
    (not at the reset vector, nor in the boot code before paging)."""
    require_target()
    return bool(int(gdb.parse_and_eval("$cr0")) & CR0_PG
                and int(gdb.parse_and_eval("$cr4")) & CR4_PAE)


def cr3():
    """The page-table base register: the PDPT's physical address."""
    if not paging_on():
        raise HiloError("PAE paging is not on yet (CR0.PG or CR4.PAE clear): "
                        "continue to start_kernel first")
    return int(gdb.parse_and_eval("$cr3")) & ~0x1F
