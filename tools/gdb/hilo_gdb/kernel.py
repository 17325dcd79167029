"""Kernel structures, read through gdb's type information (DWARF): global
variables, list_head lists, tasks, struct page.  Field names are the C
names; nothing here knows an offset.
"""

import gdb

from .errors import HiloError
from .layout import layout
from .target import require_virtual_mode


def sym(name):
    """The value of the kernel global `name` (an expression is fine too)."""
    require_virtual_mode()
    try:
        return gdb.parse_and_eval(name)
    except gdb.error as e:
        raise HiloError(f"cannot read {name}: {e} (is it in this kernel?)") from None


def fetched(value):
    """value with its memory read now, in one go (arrays, structs)."""
    value.fetch_lazy()
    return value


def array(value):
    """The elements of an array value, read in one go, as a list."""
    low, high = value.type.strip_typedefs().range()
    value = fetched(value)
    return [value[i] for i in range(low, high + 1)]


def has_field(value, field):
    """Whether the struct value (or the struct a pointer points to) has field."""
    t = value.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_PTR:
        t = t.target().strip_typedefs()
    return any(f.name == field for f in t.fields())


def container_of(ptr, type_name, member):
    """The `struct type_name *` whose field `member` is at address ptr."""
    struct = gdb.lookup_type(type_name)
    offset = next((f.bitpos // 8 for f in struct.fields() if f.name == member), None)
    if offset is None:
        raise HiloError(f"{type_name} has no field {member}")
    return gdb.Value(int(ptr) - offset).cast(struct.pointer())


def list_entries(head, type_name, member, limit=100000):
    """The entries of a list_head list: `head` is the list head (a value
    of type struct list_head), entries are `struct type_name *` linked by
    their field `member`.  A list that does not close within limit links
    is reported as corrupt rather than looped over forever."""
    start = int(head.address)
    node = head["next"]
    for _ in range(limit):
        if int(node) == start:
            return
        yield container_of(node, type_name, member)
        node = node["next"]
    raise HiloError(f"the list at {start:#x} does not close after {limit} entries: corrupt?")


# ---- tasks

def tasks():
    """Every task on task_list, in creation order."""
    return list(list_entries(sym("task_list"), "struct task_struct", "tasks"))


def running_task(cpu):
    """The task running on cpu (percpu[cpu].current_task)."""
    return sym("percpu")[cpu]["current_task"]


def is_running(task):
    return int(running_task(int(task["cpu"]))) == int(task)


def task_name(task):
    return task["comm"].string()


def task_label(task):
    """pid and name: "3 (gdbs/a)"."""
    return f"{int(task['pid'])} ({task_name(task)})"


def task_state_name(state):
    """The name of a TASK_* state, as kernel/sched_debug.c's task_state_name()."""
    names = {"TASK_RUNNING": "running", "TASK_UNINTERRUPTIBLE": "sleeping",
             "TASK_NEW": "new", "TASK_DEAD": "dead"}
    lay = layout()
    return next((text for c, text in names.items() if getattr(lay, c) == state),
                f"?{state:#x}")


# The switch path (kernel/sched.c, mm/kmap_local.c): between the outgoing
# task's kmap_local_sched_out and the incoming one's kmap_local_sched_in,
# current's slots are legitimately torn down.
SWITCH_PATH = ("context_switch", "sched_switch_out", "kmap_local_sched_out",
               "finish_task_switch", "sched_switch_in", "kmap_local_sched_in")


def in_switch_path(depth=8):
    """The switch-path function among the innermost frames, or None."""
    frame = gdb.newest_frame()
    for _ in range(depth):
        if frame is None:
            return None
        if frame.name() in SWITCH_PATH:
            return frame.name()
        frame = frame.older()
    return None


def find_task(spec):
    """A task by pid, by name, or from a `struct task_struct *` expression."""
    all_tasks = tasks()
    matches = [t for t in all_tasks if spec in (str(int(t["pid"])), task_name(t))]
    if matches:
        return matches[0]
    known = ", ".join(task_label(t) for t in all_tasks)
    try:
        addr = int(gdb.parse_and_eval(spec))
    except (gdb.error, TypeError, ValueError):
        raise HiloError(f"no task {spec!r}: give a pid, a name or a task pointer "
                        f"(tasks: {known})") from None
    match = next((t for t in all_tasks if int(t) == addr), None)
    if match is None:
        shown = spec if spec == f"{addr:#x}" else f"{spec} = {addr:#x}"
        raise HiloError(f"{shown} is not a task on task_list (tasks: {known})")
    return match


# ---- struct page

def mem_map():
    return sym("mem_map")


def max_pfn():
    return int(sym("max_pfn"))


def max_low_pfn():
    return int(sym("max_low_pfn"))


def page_of_pfn(pfn):
    """&mem_map[pfn], a `struct page *`."""
    return mem_map() + pfn


def pfn_of_page(page):
    """The frame number of a `struct page *` (any integer works)."""
    size = gdb.lookup_type("struct page").sizeof
    offset = int(page) - int(mem_map())
    if offset < 0 or offset % size or offset // size >= max_pfn():
        raise HiloError(f"{int(page):#x} is not a struct page in mem_map "
                        f"({int(mem_map()):#x}, {max_pfn()} entries of {size} bytes)")
    return offset // size


def is_mem_map_address(addr):
    """Whether addr falls inside the mem_map array."""
    start = int(mem_map())
    return start <= addr < start + max_pfn() * gdb.lookup_type("struct page").sizeof
