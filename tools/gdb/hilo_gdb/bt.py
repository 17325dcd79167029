"""hilo-bt: the backtrace of a task, switched out or running.

A switched-out task's registers are on its stack: switch_stack()
(arch/x86/switch_to.asm, struct switch_frame of include/asm/switch_to.h)
pushed ebp, ebx, esi, edi below its return address and saved that sp in
task->sp.  From there the kernel's frame pointers (-fno-omit-frame-pointer)
chain the frames: [ebp] is the caller's ebp, [ebp + 4] the return address
into the caller, and the interrupt entry (arch/x86/entry.asm) builds such a
record too, with the interrupted eip.  The chain is followed as the
kernel's own dump_stack_from() does (kernel/panic.c): while ebp is aligned,
on the task's stack and going up.  Each return address is named through
gdb's symbol lookup (the function holding the call, its inlined callees,
the source line of the call).

A running task's registers are in its vCPU: hilo-bt shows that thread's
`bt` and says which thread it is.
"""

import struct

import gdb

from . import kernel, smp, target
from .command import Command
from .errors import HiloError

MAX_FRAMES = 64
WORD = 4
SWITCH_FRAME_WORDS = ("edi", "esi", "ebx", "ebp", "ret")


def words(addr, count):
    return list(struct.unpack(f"<{count}I", target.read_virt(addr, WORD * count)))


def switch_frame_words():
    """The field names of struct switch_frame, in stack order (the
    kernel's type when it has one, else the layout switch_stack leaves)."""
    try:
        return tuple(f.name for f in gdb.lookup_type("struct switch_frame").fields())
    except gdb.error:
        return SWITCH_FRAME_WORDS


def stack_bounds(task):
    low = int(task["stack"])
    return low, low + int(task["stack_size"])


def frame_chain(task):
    """(saved registers {name: value}, [return addresses, innermost first],
    why the chain stopped or None)."""
    low, high = stack_bounds(task)
    sp = int(task["sp"])
    names = switch_frame_words()
    if not (low <= sp and sp + WORD * len(names) <= high):
        raise HiloError(f"{kernel.task_label(task)}'s saved sp {sp:#x} is not on its stack "
                        f"{low:#x}-{high:#x}")
    saved = dict(zip(names, words(sp, len(names))))
    pcs, ebp, why = [saved["ret"]], saved["ebp"], None
    while ebp and len(pcs) < MAX_FRAMES:
        if ebp % WORD or not (low <= ebp and ebp + 2 * WORD <= high):
            why = f"frame pointer {ebp:#x} is not on the task's stack: the trace stops"
            break
        next_ebp, ret = words(ebp, 2)
        if not ret:
            break
        pcs.append(ret)
        if next_ebp and next_ebp <= ebp:
            why = f"frame pointer {next_ebp:#x} does not go up the stack: the trace stops"
            break
        ebp = next_ebp
    return saved, pcs, why


def function_of(pc, resume=False):
    """(function, offset of pc in it, [inlined functions, innermost first],
    "file:line") of a return address; the function is the one holding the
    call (looked up at pc - 1: a call may be a function's last instruction).
    resume: pc is where switch_stack() returns, which for a task that never
    ran is the entry of ret_from_fork, named as such."""
    if resume and _minimal_symbol(pc)[1] == pc:
        pc_in = pc                  # a function's entry (a new task's ret_from_fork)
    else:
        pc_in = pc - 1              # a return address: the call is before it
    try:
        block = gdb.current_progspace().block_for_pc(pc_in)
    except RuntimeError:
        block = None
    functions = []
    while block is not None:
        if block.function is not None:
            functions.append((block.function.name, block.start))
        block = block.superblock
    if functions:
        name, start = functions[-1]
        inlined = [n for n, _ in functions[:-1]]
    else:
        name, start, inlined = _minimal_symbol(pc_in)
    sal = gdb.find_pc_line(pc_in)
    line = f"{sal.symtab.filename}:{sal.line}" if sal.symtab and sal.line else ""
    return name, (pc - start if start is not None else None), inlined, line


def _minimal_symbol(addr):
    """(name, start, []) from the ELF's symbol table (`info symbol`)."""
    out = gdb.execute(f"info symbol {addr:#x}", to_string=True).strip()
    if out.startswith("No symbol"):
        return "??", None, []
    name, _, rest = out.partition(" in section")[0].partition(" + ")
    offset = int(rest) if rest.isdigit() else 0
    return name.strip(), addr - offset, []


def frame_line(nr, pc):
    name, offset, inlined, line = function_of(pc, resume=nr == 0)
    where = name if offset is None else f"{name}+{offset:#x}"
    text = f"#{nr:<2} {pc:#010x} in {where}"
    if inlined:
        text += f" [inlined: {', '.join(inlined)}]"
    return text + (f" ({line})" if line else "")


class BtCommand(Command):
    """Backtrace of a task, even switched out: hilo-bt TASK

TASK is a pid, a name or a struct task_struct * expression.  For a task
that is not running, the frames come from its stack: switch_stack() left
its registers at task->sp (struct switch_frame: edi esi ebx ebp and the
return address), and the ebp chain leads from there through every caller
(and through interrupt frames).  Each line is a return address, the
function that made the call (+ offset), the functions inlined there, and
the source line.  For a task running on a CPU, the backtrace is that
vCPU's: hilo-bt prints gdb's `bt` of its thread and names the thread.

  (gdb) hilo-bt gdbs/a
  task 2 (gdbs/a), switched out on cpu 0: sp 0xf8402ebc, stack 0xf8401000-0xf8403000
    saved by switch_stack: edi 0xc0185900 esi 0xc019e500 ebx 0xc0185700 ebp 0xf8402f18
  #0  0xc010d525 in __schedule+0x175 [inlined: context_switch] (kernel/sched.c:196)
  #1  0xc010d896 in preempt_schedule_irq+0x46 (kernel/sched.c:300)
  #2  0xc013ebe1 in ret_from_intr+0xe (arch/x86/entry.asm:110)
  #3  0xc01202ae in gdbs_worker_fn+0x6e (tests/kernel/gdbscenario_test.c:54)
  #4  0xc010bb7b in kthread_entry+0x1b (kernel/kthread.c:151)
  #5  0xc013ec1a in ret_from_fork+0x11 (arch/x86/switch_to.asm:37)"""

    name = "hilo-bt"
    usage = "TASK"

    def run(self, args):
        self.expect_args(args, 1, 1)
        task = kernel.find_task(args[0])
        if kernel.is_running(task):
            self.running(task)
            return
        saved, pcs, why = frame_chain(task)
        low, high = stack_bounds(task)
        gdb.write(f"task {kernel.task_label(task)}, switched out on cpu {int(task['cpu'])}: "
                  f"sp {int(task['sp']):#010x}, stack {low:#010x}-{high:#010x}\n")
        regs = " ".join(f"{n} {v:#010x}" for n, v in saved.items() if n != "ret")
        gdb.write(f"  saved by switch_stack: {regs}\n")
        for nr, pc in enumerate(pcs):
            gdb.write(frame_line(nr, pc) + "\n")
        if why:
            gdb.write(f"({why})\n")

    @staticmethod
    def running(task):
        cpu = int(task["cpu"])
        thread = smp.thread_of_cpu().get(cpu)
        label = kernel.task_label(task)
        if thread is None:
            raise HiloError(f"task {label} is running on cpu {cpu}, whose vCPU is no gdb "
                            "thread here: its registers are not saved on its stack "
                            "(info threads, then `thread N` and `bt`)")
        selected = gdb.selected_thread()
        if selected is not None and selected.num == thread:
            gdb.write(f"task {label} is running on cpu {cpu}, gdb's selected thread "
                      f"{thread}: its backtrace is gdb's `bt`\n")
            gdb.write(gdb.execute("bt", to_string=True))
            return
        gdb.write(f"task {label} is running on cpu {cpu}, gdb thread {thread} "
                  f"(`thread {thread}` selects it): that thread's `bt`\n")
        frame = None
        try:
            frame = gdb.selected_frame()
        except gdb.error:
            pass
        try:
            gdb.execute(f"thread {thread}", to_string=True)
            gdb.write(gdb.execute("bt", to_string=True))
        finally:
            selected.switch()
            if frame is not None and frame.is_valid():
                frame.select()
