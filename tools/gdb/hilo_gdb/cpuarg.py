"""The `cpu N` argument: every command that reads one CPU's state (its CR3,
its running task, its kmap_local slots) takes `cpu N` as its last two
arguments, the kernel's CPU number N (as hilo-cpus numbers them; not
gdb's thread number).  Without it the command uses the CPU of gdb's
selected thread.

    hilo-walk VADDR [cpu N]          hilo-mappings [REGION | START [END]] [cpu N]
    hilo-kmap-local [TASK | cpu N]   hilo-cpus [[cpu] N]

A CPU's registers (CR3) are those of its vCPU, a gdb thread: selected(N)
selects the thread whose %fs base is that CPU's percpu[] entry for the
duration of a block, then gives the user back the thread and frame they
had selected.
"""

import contextlib

import gdb

from . import smp
from .errors import HiloError


def split_cpu(args, usage_error):
    """(args without a trailing `cpu N`, N or None).  usage_error(why)
    makes the command's HiloError."""
    if len(args) >= 1 and args[-1] == "cpu":
        raise usage_error("`cpu` needs a CPU number: cpu N")
    if len(args) < 2 or args[-2] != "cpu":
        return args, None
    return args[:-2], parse_cpu(args[-1], usage_error)


def parse_cpu(text, usage_error):
    """A CPU number that is online, or the command's usage error."""
    try:
        cpu = int(text, 0)
    except ValueError:
        raise usage_error(f"CPU {text!r} is not a number") from None
    online = smp.online_cpus()
    if cpu not in online:
        raise HiloError(f"cpu {cpu} is not online (cpu_online_mask {smp.online_mask():#x}: "
                        f"cpus {', '.join(map(str, online))})")
    return cpu


def thread_of(cpu):
    """The gdb thread number of cpu's vCPU, or a HiloError."""
    thread = smp.thread_of_cpu().get(cpu)
    if thread is None:
        raise HiloError(f"no gdb thread is cpu {cpu} yet: no vCPU's %fs reaches percpu[{cpu}] "
                        "(gdt_init_cpu, arch/x86/gdt.c, sets it as the CPU starts: continue "
                        "past it; info threads, hilo-cpus)")
    return thread


@contextlib.contextmanager
def selected(cpu):
    """Within the block, gdb's selected thread is cpu's vCPU (nothing
    changes for cpu None)."""
    if cpu is None:
        yield
        return
    num = thread_of(cpu)
    thread, frame = gdb.selected_thread(), None
    try:
        frame = gdb.selected_frame()
    except gdb.error:
        pass
    target = next(t for t in gdb.selected_inferior().threads() if t.num == num)
    target.switch()
    try:
        yield
    finally:
        thread.switch()
        if frame is not None and frame.is_valid():
            frame.select()
