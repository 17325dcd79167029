"""Reading the target: virtual memory (through the CPU's current page
tables, as gdb always does), physical memory, and control registers.

Physical reads use the physical-memory mode of QEMU's gdbstub
(`maintenance packet Qqemu.PhyMemMode:1`): while it is on, every address
gdb sends is physical.  That is how the page-table commands read tables
that are not mapped anywhere, and it is independent of the page tables
being examined.  gdb caches target memory between resumes, so the cache
is flushed on entering and leaving the mode: cached virtual bytes must
not answer a physical read, nor the reverse.

That mode reaches the first 4 GiB only: gdb debugs hilo as an i386
target, whose addresses are 32 bits, and qemu-system-i386's gdbstub cuts
an address to its 32-bit target_ulong before reading (0x100001000 would
read 0x1000).  PAE page tables point above 4 GiB (user PTE pages come
from highmem, which goes up to 64 GiB), so memory there is read through
QEMU's monitor instead: `monitor xp /Ngx ADDR` (gdb's qRcmd packet) takes
a 64-bit physical address and prints N 64-bit words, which are parsed
back into bytes.  It is slower (text, one command per 4 KiB) and used
only above 4 GiB.
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


# PAE's physical addresses: 52 bits in the entries' format, of which the
# CPU may implement fewer; anything at or above this is not memory.
PHYS_END = 1 << 52
MONITOR_CHUNK = 4096    # bytes per monitor xp command: one page table


def read_phys(addr, size):
    """size bytes of physical memory at addr, below 4 GiB or above."""
    if not 0 <= addr and addr + size <= PHYS_END:
        raise HiloError(f"physical {addr:#x} is beyond PAE's 52-bit physical addresses")
    if addr + size > ADDRESS_END:
        return read_phys_monitor(addr, size)
    with physical_mode():
        return bytes(gdb.selected_inferior().read_memory(addr, size))


def above_4g(phys):
    """Whether a physical address is beyond what the gdbstub reaches."""
    return phys >= ADDRESS_END


def read_phys_monitor(addr, size):
    """size bytes at physical addr, read by QEMU's monitor (xp /gx), which
    takes 64-bit physical addresses: for memory above 4 GiB."""
    start, end = addr & ~7, (addr + size + 7) & ~7
    data = bytearray()
    for chunk in range(start, end, MONITOR_CHUNK):
        data += _monitor_xp(chunk, min(MONITOR_CHUNK, end - chunk) // 8)
    return bytes(data[addr - start:addr - start + size])


def _monitor_xp(addr, count):
    """count 64-bit words at physical addr through `monitor xp`, as bytes.
    Its lines are "ADDRESS: 0xWORD 0xWORD"; an address QEMU cannot read
    ends the dump with "Cannot access memory"."""
    require_target()
    command = f"monitor xp /{count}gx {addr:#x}"
    try:
        out = gdb.execute(command, to_string=True)
    except gdb.error as e:
        raise HiloError(f"physical {addr:#x} is above 4 GiB, which the gdbstub does not "
                        f"reach, and QEMU's monitor failed: {command}: {e}") from None
    words = []
    for line in out.splitlines():
        where, sep, rest = line.partition(":")
        if not sep:
            continue
        try:
            at = int(where, 16)
        except ValueError:
            continue
        if at != addr + 8 * len(words):
            raise HiloError(f"{command}: unexpected line {line.strip()!r}")
        if "Cannot access memory" in rest:
            break
        words += [int(w, 16) for w in rest.split()]
    if len(words) != count:
        raise HiloError(f"cannot read physical memory at {addr + 8 * len(words):#x} "
                        f"through QEMU's monitor ({command} gave {len(words)} of {count} "
                        "words): not RAM?")
    return struct.pack(f"<{count}Q", *words)


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
