"""The kernel's build id (include/hilo/build_id.h, tools/build-id): is
the ELF gdb loaded the kernel that runs?

hilo_build_id is a string "DATE HASH" (the link's UTC date and time, a
hash of the objects linked).  The ELF's id is read from the ELF file
itself, at the symbol's address; the running kernel's from the target's
memory at the same address.  They differ when gdb loaded another kernel
(the plain build/kernel.elf while the test build runs, or a rebuilt one):
then every symbol and type gdb knows may be wrong, and every hilo-*
command refuses (command.Command calls require_match()).

The check costs a few reads; it is done once per stop (and again after
`file` loads another ELF) and cached.  A kernel without hilo_build_id in
its ELF, or a target whose memory cannot be read yet (paging off), is not
checked.
"""

import os
import re
import struct

import gdb

from .errors import HiloError

# Reloading this module (sourcing hilo.py again) runs it again in the same
# namespace: first drop the event handlers the previous load connected.
try:
    _disconnect()       # noqa: F821 (defined by the previous load)
except NameError:
    pass

SYMBOL = "hilo_build_id"
ID_RE = re.compile(rb"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ [0-9a-f]{12})\0")
ID_BYTES = 64           # longer than any id, NUL included
SEARCH_CHUNK = 64 * 1024

_cache = {}             # "status": the last check's Status, until the next stop
_elf_cache = {}         # path -> ((mtime, size), bytes)


class Status:
    """The outcome of a check: both ids (None when unknown) and the ELF."""

    def __init__(self, path, address, elf_id, running_id):
        self.path, self.address = path, address
        self.elf_id, self.running_id = elf_id, running_id

    @property
    def matches(self):
        return self.elf_id is not None and self.elf_id == self.running_id


# ---- the ELF file

def elf_path():
    """The file gdb loaded the kernel's symbols from, or None."""
    return gdb.current_progspace().filename


def _elf_bytes(path):
    st = os.stat(path)
    key = (st.st_mtime_ns, st.st_size)
    cached = _elf_cache.get(path)
    if cached is None or cached[0] != key:
        with open(path, "rb") as f:
            cached = _elf_cache[path] = (key, f.read())
    return cached[1]


def elf_read(path, addr, size):
    """size bytes (fewer at a section's end) of the ELF file's image at
    virtual addr: from the PROGBITS section holding it, or None."""
    data = _elf_bytes(path)
    if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        raise HiloError(f"{path} is not a 32-bit little-endian ELF file")
    shoff, = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x2E)
    for i in range(shnum):
        _, kind, _, start, offset, length = struct.unpack_from("<6I", data, shoff + i * shentsize)
        if kind == 1 and start <= addr < start + length:         # SHT_PROGBITS
            begin = offset + addr - start
            return data[begin:begin + min(size, start + length - addr)]
    return None


def file_id(path):
    """The build id a kernel ELF file holds (the first one in it), or None."""
    try:
        m = ID_RE.search(_elf_bytes(path))
    except OSError:
        return None
    return m.group(1).decode() if m else None


def symbol_address():
    """hilo_build_id's address in the loaded ELF, or None."""
    try:
        return int(gdb.parse_and_eval(f"(unsigned long)&{SYMBOL}"))
    except gdb.error:
        return None


def _id_of(raw):
    m = ID_RE.match(raw or b"")
    return m.group(1).decode() if m else None


# ---- the running kernel

def _read_target(addr, size):
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, size))
    except gdb.MemoryError:
        return None


def image_range(path):
    """[start, end) of the ELF's loaded sections with contents (the image
    without its bss)."""
    data = _elf_bytes(path)
    shoff, = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x2E)
    ranges = []
    for i in range(shnum):
        _, kind, flags, start, _, length = struct.unpack_from("<6I", data, shoff + i * shentsize)
        if kind == 1 and flags & 2 and length and start:    # PROGBITS, SHF_ALLOC: not bss
            ranges.append((start, start + length))
    return (min(r[0] for r in ranges), max(r[1] for r in ranges)) if ranges else None


def search_running_id(path):
    """The build id in the running kernel's image, wherever it lies (another
    kernel's hilo_build_id is elsewhere): the first id found in the range
    of the loaded ELF's image, or None."""
    span = image_range(path)
    if span is None:
        return None
    addr, end = span
    tail = b""
    while addr < end:
        chunk = _read_target(addr, min(SEARCH_CHUNK, end - addr))
        if chunk is None:
            tail = b""
        else:
            m = re.search(rb"\0" + ID_RE.pattern, tail + chunk)
            if m:
                return m.group(1).decode()
            tail = chunk[-ID_BYTES:]
        addr += SEARCH_CHUNK
    return None


def running_id(address, path):
    """The running kernel's build id: at the ELF's address when it is there,
    else searched for."""
    found = _id_of(_read_target(address, ID_BYTES))
    return found if found is not None else search_running_id(path)


# ---- the check

def check():
    """A Status, or None when there is nothing to check (no ELF, no
    hilo_build_id in it, no target, memory not readable)."""
    if "status" in _cache:
        return _cache["status"]
    status = None
    path, address = elf_path(), symbol_address()
    try:
        if (path and address is not None and gdb.selected_thread() is not None
                and _read_target(address, 1) is not None):
            elf_id = _id_of(elf_read(path, address, ID_BYTES))
            status = Status(path, address, elf_id, running_id(address, path))
    except (OSError, gdb.error):
        status = None
    _cache["status"] = status
    return status


def _shown(path):
    """path relative to the working directory when it lies below it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def other_kernels(path):
    """The build's other kernel ELF next to path: BUILD/kernel.elf and
    BUILD/debug/kernel.elf name each other."""
    head, name = os.path.split(os.path.abspath(path))
    if os.path.basename(head) == "debug":
        return [os.path.join(os.path.dirname(head), name)]
    return [os.path.join(head, "debug", name)]


def suggestion(status):
    """Which `file` to load: the build's other kernel when it is the one
    running, else both."""
    for other in other_kernels(status.path):
        if status.running_id and file_id(other) == status.running_id:
            return f"load the running kernel's: file {_shown(other)}"
    return ("load the running kernel's ELF: file build/debug/kernel.elf (the test build) "
            "or file build/kernel.elf (the plain one), or rebuild and restart")


def mismatch_message(status):
    running = status.running_id or "no build id found"
    return (f"the loaded ELF does not match the running kernel (built {status.elf_id} "
            f"vs {running}): gdb loaded {_shown(status.path)}; {suggestion(status)}")


def require_match():
    """Raise a HiloError when the loaded ELF is not the running kernel."""
    status = check()
    if status is not None and not status.matches:
        raise HiloError(mismatch_message(status))


def invalidate(_event=None):
    _cache.clear()


_EVENTS = ("stop", "new_objfile", "clear_objfiles", "cont", "memory_changed")


def _disconnect():
    for name in _EVENTS:
        registry = getattr(gdb.events, name, None)
        if registry is not None:
            try:
                registry.disconnect(invalidate)
            except (ValueError, RuntimeError):
                pass


for _name in _EVENTS:
    _registry = getattr(gdb.events, _name, None)
    if _registry is not None:
        _registry.connect(invalidate)
