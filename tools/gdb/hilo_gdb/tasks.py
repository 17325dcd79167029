"""hilo-tasks: the task list, as sched_show_tasks() prints it, plus each
task's kmap_local depth."""

import gdb

from . import kernel
from .command import Command
from .layout import layout


def local_depth(task):
    """(idx, live maps) of a task's kmap_local stack; None when this kernel
    has no kmap_ctrl.  idx moves in steps of KM_INCR (2 with the debug
    option's guard slots), so the number of live maps is idx / KM_INCR."""
    if not kernel.has_field(task, "kmap_ctrl"):
        return None
    idx = int(task["kmap_ctrl"]["idx"])
    return idx, idx // layout().KM_INCR


class TasksCommand(Command):
    """List the tasks: hilo-tasks

One line per task on task_list: '*' marks the task running on its CPU,
then pid, name, state (running = runnable), CPU, kmap_local depth (the
stack index idx and the maps it holds: live in its CPU's slots while it
runs, saved in its pteval[] (restored when it runs) while switched out;
see hilo-kmap-local),
voluntary and involuntary switches, timer ticks, kernel stack and, for a
switched-out task, its saved stack pointer.

  (gdb) hilo-tasks
      PID NAME            STATE    CPU  KMAP idx/maps  VOLSW  INVOLSW  TICKS  STACK                  SP
        0 boot            sleeping   0            0/0      1        0      0  0xc0145000-0xc0149000  0xc0148d34
        1 idle/0          running    0            0/0      0        0      0  0xf83fe000-0xf8400000  0xf83fffec
        2 gdbs/a          running    0      2/2 saved      0        1      1  0xf8401000-0xf8403000  0xf8402e8c
  *     3 gdbs/b          running    0            0/0      0        0      0  0xf8404000-0xf8406000"""

    name = "hilo-tasks"

    def run(self, args):
        self.expect_args(args, 0, 0)
        lines = [self.line(task) for task in kernel.tasks()]
        gdb.write(f"  {'PID':>5} {'NAME':<15} {'STATE':<8} {'CPU':>3}  {'KMAP idx/maps':>13}"
                  f"  {'VOLSW':>5}  {'INVOLSW':>7}  {'TICKS':>5}  {'STACK':<22} SP\n")
        gdb.write("".join(line + "\n" for line in lines))

    @staticmethod
    def line(task):
        running = kernel.is_running(task)
        depth = local_depth(task)
        if depth is None:
            kmap = "-"
        else:
            kmap = f"{depth[0]}/{depth[1]}" + ("" if not depth[1] else
                                              " live" if running else " saved")
        stack = int(task["stack"])
        sp = "" if running else f"{int(task['sp']):#010x}"
        return (f"{'*' if running else ' '} {int(task['pid']):>5} {kernel.task_name(task):<15} "
                f"{kernel.task_state_name(int(task['state'])):<8} {int(task['cpu']):>3}  "
                f"{kmap:>13}  "
                f"{int(task['nvcsw']):>5}  {int(task['nivcsw']):>7}  {int(task['ticks']):>5}  "
                f"{stack:#010x}-{stack + int(task['stack_size']):#010x}  {sp}").rstrip()
