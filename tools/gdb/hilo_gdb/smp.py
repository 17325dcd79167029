"""Several CPUs: which kernel CPU gdb's selected thread is, the online
CPUs, their APIC IDs and per-CPU data (include/hilo/percpu.h).

QEMU's gdbstub shows each vCPU as a thread (`info threads`, `thread N`).
Registers, and virtual memory, are read through the selected thread's
vCPU; everything a command calls "the current CPU" is that vCPU's CPU.

Which kernel CPU a thread is: read from the vCPU's %fs base, not guessed
from the thread number.  Every CPU loads %fs with the per-CPU selector
from the first instruction of start_kernel / start_secondary on (and
every trap entry reloads it), and the segment's base is that CPU's
&percpu[cpu] (asm/percpu.h), so the hidden base QEMU reports as $fs_base
is exactly what `current` and smp_processor_id() read on that CPU.  It
depends neither on QEMU numbering its threads in APIC order nor on the
kernel numbering its CPUs in the firmware's order, and it is checked:
the base must be an entry of percpu[] whose `self` points back at it.
Only when the gdbstub has no $fs_base register do we fall back on the
thread number (QEMU's thread N is its vCPU N - 1, whose APIC ID is N - 1
in QEMU's default topology), mapped to a CPU through apic_ids[].
"""

import gdb

from . import kernel, ready
from .errors import HiloError
from .layout import layout

# include/hilo/preempt.h's fields of preempt_count, by name; their masks
# and offsets come from the build's asm-offsets.py.
PREEMPT_FIELDS = ("preempt", "hardirq", "nmi")


def percpu_array():
    return kernel.sym("percpu")


def percpu_size():
    return gdb.lookup_type("struct percpu").sizeof


def nr_cpus():
    return layout().NR_CPUS


def online_mask():
    return int(kernel.sym("cpu_online_mask"))


def online_cpus():
    """The online CPU numbers, ascending (cpu_online_mask, kernel/smp.c)."""
    mask = online_mask()
    return [cpu for cpu in range(nr_cpus()) if mask & (1 << cpu)]


def apic_ids():
    """apic_ids[] of arch/x86/smpboot.c (what cpu_apic_id() returns), or
    None when this kernel has no such array."""
    try:
        return [int(v) for v in kernel.array(kernel.sym("apic_ids"))]
    except HiloError:
        return None


def percpu_index(base):
    """The CPU whose percpu[] entry is at base, or None."""
    start = int(percpu_array().address)
    offset = base - start
    size = percpu_size()
    if offset < 0 or offset % size or offset // size >= nr_cpus():
        return None
    cpu = offset // size
    return cpu if int(percpu_array()[cpu]["self"]) == base else None


def _fs_base():
    """The selected vCPU's %fs base, or None when the gdbstub has none."""
    try:
        return int(gdb.parse_and_eval("$fs_base")) & 0xFFFFFFFF
    except gdb.error:
        return None


def _cpu_of_thread_number(num):
    """The fallback: QEMU's thread num is vCPU num - 1, APIC ID num - 1."""
    ids = apic_ids()
    if ids is None:
        return num - 1 if num - 1 in online_cpus() else None
    return next((cpu for cpu in online_cpus() if ids[cpu] == num - 1), None)


def selected_cpu_or_none():
    """The kernel CPU of gdb's selected thread, or None when that vCPU
    has no per-CPU data (yet): an AP not started, the boot code."""
    kernel.sym("percpu")                    # a clear error without symbols
    thread = gdb.selected_thread()
    if thread is None:
        raise HiloError("no target: connect to QEMU first (make debug does)")
    base = _fs_base()
    if base is None:
        return _cpu_of_thread_number(thread.num)
    return percpu_index(base)


def selected_cpu():
    """The kernel CPU of gdb's selected thread, or a HiloError saying why
    there is none."""
    cpu = selected_cpu_or_none()
    if cpu is None:
        raise ready.percpu_not_ready(_fs_base())
    return cpu


def thread_of_cpu():
    """{kernel CPU: gdb thread number} for every thread whose vCPU has
    per-CPU data.  Selects each thread in turn, then restores the thread
    and frame the user had selected."""
    thread, frame = gdb.selected_thread(), None
    try:
        frame = gdb.selected_frame()
    except gdb.error:
        pass
    found = {}
    try:
        for t in sorted(gdb.selected_inferior().threads(), key=lambda t: t.num):
            t.switch()
            cpu = selected_cpu_or_none()
            if cpu is not None:
                found.setdefault(cpu, t.num)
    finally:
        thread.switch()
        if frame is not None and frame.is_valid():
            frame.select()
    return found


def preempt_fields():
    """[(name, mask, offset)] of preempt_count's fields."""
    lay = layout()
    return [(name, getattr(lay, f"{name.upper()}_MASK"), getattr(lay, f"{name.upper()}_OFFSET"))
            for name in PREEMPT_FIELDS]


def decode_preempt_count(count):
    """{"preempt": n, "hardirq": n, "nmi": n, "other": bits outside them}."""
    count &= 0xFFFFFFFF
    fields, known = {}, 0
    for name, mask, offset in preempt_fields():
        fields[name] = (count & mask) // offset
        known |= mask
    fields["other"] = count & ~known
    return fields
