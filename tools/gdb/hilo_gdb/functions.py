"""Convenience functions for gdb expressions, as Linux's scripts/gdb has
$lx_current() and $lx_per_cpu():

    $hilo_current([CPU])        the task running on CPU (default: the CPU of
                                gdb's selected thread): percpu[CPU].current_task
    $hilo_per_cpu("NAME"[, CPU]) field NAME of CPU's struct percpu
    $hilo_task(PID or "NAME")   a task on task_list, a struct task_struct *
    $hilo_page(PFN)             &mem_map[PFN], a struct page *

They return gdb values of the kernel's own types, so they combine with
any expression: `p $hilo_current()->kmap_ctrl`, `p *$hilo_page(0x37bfe)`,
`p $hilo_task("gdbs/a")->sp`.  An error is a gdb error naming the
function and what was wrong.  Like the commands, they refuse when the
loaded ELF is not the running kernel (buildid.py).
"""

import gdb

from . import buildid, kernel, smp
from .errors import HiloError


def _int_arg(fname, what, value):
    code = value.type.strip_typedefs().code
    if code not in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_ENUM, gdb.TYPE_CODE_BOOL, gdb.TYPE_CODE_CHAR):
        raise HiloError(f"{what} must be a number, not a {value.type}")
    return int(value)


def _string_arg(value):
    """The text of a gdb string value ("abc" or a char array/pointer), or None."""
    t = value.type.strip_typedefs()
    if t.code in (gdb.TYPE_CODE_ARRAY, gdb.TYPE_CODE_PTR) and \
            t.target().strip_typedefs().code in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_CHAR) and \
            t.target().sizeof == 1:
        return value.string()
    return None


def _cpu_arg(fname, args, index):
    """The CPU argument args[index], an online CPU; default: the selected
    thread's CPU."""
    if len(args) <= index:
        return smp.selected_cpu()
    cpu = _int_arg(fname, "the CPU", args[index])
    online = smp.online_cpus()
    if cpu not in online:
        raise HiloError(f"CPU {cpu} is not online (online: {', '.join(map(str, online))})")
    return cpu


class HiloFunction(gdb.Function):
    """Base class: subclasses set `name`, `usage`, `min_args`, `max_args`
    and `call(*args)`; HiloError and unreadable memory become gdb errors."""

    name = None
    usage = ""
    min_args = max_args = 0

    def __init__(self):
        super().__init__(self.name)

    def invoke(self, *args):
        where = f"${self.name}"
        try:
            if not self.min_args <= len(args) <= self.max_args:
                raise HiloError(f"expected {self.min_args} to {self.max_args} arguments, "
                                f"got {len(args)}; usage: {self.usage}")
            buildid.require_match()
            return self.call(*args)
        except HiloError as e:
            raise gdb.GdbError(f"{where}: {e}") from None
        except gdb.MemoryError as e:
            raise gdb.GdbError(f"{where}: cannot read target memory: {e}") from None

    def call(self, *args):
        raise NotImplementedError


class CurrentFunction(HiloFunction):
    """$hilo_current([CPU]): the task running on CPU, a struct task_struct *.

Without CPU, the CPU of gdb's selected thread (its %fs base).  Unlike the
kernel's `current` macro, gdb can evaluate it: p $hilo_current()->kmap_ctrl"""

    name = "hilo_current"
    usage = "$hilo_current([CPU])"
    max_args = 1

    def call(self, *args):
        return kernel.running_task(_cpu_arg(self.name, args, 0))


class PerCpuFunction(HiloFunction):
    """$hilo_per_cpu("NAME"[, CPU]): field NAME of CPU's struct percpu.

Without CPU, the CPU of gdb's selected thread: p $hilo_per_cpu("preempt_count", 1)"""

    name = "hilo_per_cpu"
    usage = '$hilo_per_cpu("NAME"[, CPU])'
    min_args, max_args = 1, 2

    def call(self, *args):
        field = _string_arg(args[0])
        fields = [f.name for f in gdb.lookup_type("struct percpu").fields()]
        if field is None:
            raise HiloError(f"NAME must be a string, one of: {', '.join(fields)}")
        if field not in fields:
            raise HiloError(f"struct percpu has no field {field!r} (fields: {', '.join(fields)})")
        return smp.percpu_array()[_cpu_arg(self.name, args, 1)][field]


class TaskFunction(HiloFunction):
    """$hilo_task(PID or "NAME"): a task on task_list, a struct task_struct *.

p $hilo_task("gdbs/a")->kmap_ctrl.idx, p *$hilo_task(2)"""

    name = "hilo_task"
    usage = '$hilo_task(PID or "NAME")'
    min_args = max_args = 1

    def call(self, spec):
        text = _string_arg(spec)
        if text is None:
            text = str(_int_arg(self.name, "PID", spec))
        all_tasks = kernel.tasks()
        match = next((t for t in all_tasks if text in (str(int(t["pid"])), kernel.task_name(t))),
                     None)
        if match is None:
            raise HiloError(f"no task {text!r} (tasks: "
                            f"{', '.join(kernel.task_label(t) for t in all_tasks)})")
        return match


class PageFunction(HiloFunction):
    """$hilo_page(PFN): the struct page of frame PFN, &mem_map[PFN].

p *$hilo_page(0x37bfe), p $hilo_page(0x37bfe)->_refcount"""

    name = "hilo_page"
    usage = "$hilo_page(PFN)"
    min_args = max_args = 1

    def call(self, pfn):
        pfn = _int_arg(self.name, "PFN", pfn)
        end = kernel.max_pfn()
        if not 0 <= pfn < end:
            raise HiloError(f"pfn {pfn:#x} is beyond the end of RAM (max_pfn {end:#x})")
        return kernel.page_of_pfn(pfn)


_functions = [cls() for cls in (CurrentFunction, PerCpuFunction, TaskFunction, PageFunction)]
