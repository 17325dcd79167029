"""hilo-ps: the processes (tasks with a user address space), with their
mm, CR3 and the pages it holds by zone, checked against vm_counters."""

import gdb

from . import kernel, procs
from .command import Command


class PsCommand(Command):
    """List the processes: hilo-ps [-a]

One line per process (a task with an mm, or a zombie), in task_list
order; with -a, every task (a kernel thread shows "-" for its mm).
'*' marks a task running on its CPU.  Columns: pid, name, state
(hilo-tasks' names, plus zombie: exited, its mm freed, waiting for its
parent's wait4), the parent's pid, the CPU, the mm and its CR3 (the
PDPT's physical address, what `hilo-walk VADDR cr3 VALUE` takes), the
number of VMAs, then the mm's own counts by zone (DMA/Normal/HighMem):
rss[], the user pages it maps (a page shared after fork counts in each
mm), and pt_pages[], its page directories and PTE pages.  The last
lines add the mms' counts up and compare them with vm_counters, the
kernel's totals.

  (gdb) hilo-ps
      PID NAME            STATE     PPID  CPU  MM          CR3         VMAS  RSS        PAGE TABLES
  *     3 gdbp/parent     running      0    0  0xf37f6000  0x337f6000     4  0/0/10     0/3/4
        4 gdbp/zombie     zombie       3    0  -           -              -  -          -
        5 gdbp/child      sleeping     3    0  0xf37e4000  0x337e4000     4  0/0/11     0/3/4
  3 processes (1 zombie) of 6 tasks (hilo-ps -a lists them all)
  zombie 4 (gdbp/zombie): exit status 0x300, not collected by its parent 3 (gdbp/parent)
  by zone (DMA/Normal/HighMem): user pages 0/0/21, page tables 0/6/8 = vm_counters: ok

`hilo-walk pid N` lists a process's pages; `hilo-walk VADDR pid N` walks
one address in its tables."""

    name = "hilo-ps"
    usage = "[-a]"

    def run(self, args):
        self.expect_args(args, 0, 1)
        if args and args[0] != "-a":
            raise self.usage_error(f"unknown option {args[0]!r}")
        every = bool(args)
        all_tasks = kernel.tasks()
        listed = [t for t in all_tasks if every or procs.is_process(t)]
        rows = [self.row(t) for t in listed]
        gdb.write(f"  {'PID':>5} {'NAME':<15} {'STATE':<8} {'PPID':>5} {'CPU':>4}  {'MM':<10}  "
                  f"{'CR3':<10}  {'VMAS':>4}  {'RSS':<10} PAGE TABLES\n")
        gdb.write("".join(r + "\n" for r in rows))
        processes = [t for t in all_tasks if procs.is_process(t)]
        zombies = [t for t in processes if bool(t["zombie"])]
        more = "" if every else " (hilo-ps -a lists them all)"
        gdb.write(f"{len(processes)} process{'es' if len(processes) != 1 else ''} "
                  f"({len(zombies)} zombie{'s' if len(zombies) != 1 else ''}) "
                  f"of {len(all_tasks)} tasks{more}\n")
        for z in zombies:
            parent = z["parent"]
            owner = kernel.task_label(parent) if int(parent) else "nobody"
            gdb.write(f"zombie {kernel.task_label(z)}: exit status {int(z['exit_code']):#x}, "
                      f"not collected by its parent {owner}\n")
        gdb.write(self.totals(processes) + "\n")

    @staticmethod
    def row(task):
        running = kernel.is_running(task)
        ppid = procs.parent_pid(task)
        mm = task["mm"]
        head = (f"{'*' if running else ' '} {int(task['pid']):>5} {kernel.task_name(task):<15} "
                f"{procs.state_name(task):<8} {'-' if ppid is None else ppid:>5} "
                f"{int(task['cpu']):>4}  ")
        if not int(mm):
            return (head + f"{'-':<10}  {'-':<10}  {'-':>4}  {'-':<10} -").rstrip()
        return (head + f"{int(mm):#010x}  {procs.pdpt_phys(mm):#010x}  "
                f"{int(mm['nr_vmas']):>4}  {procs.slash(procs.by_zone(mm['rss'])):<10} "
                f"{procs.slash(procs.by_zone(mm['pt_pages']))}")

    @staticmethod
    def totals(processes):
        """The processes' counts added up, against vm_counters."""
        zones = procs.Zones()
        nzones = len(zones.names)
        rss, pt = [0] * nzones, [0] * nzones
        for task in processes:
            mm = task["mm"]
            if int(mm):
                rss = [a + b for a, b in zip(rss, procs.by_zone(mm["rss"]))]
                pt = [a + b for a, b in zip(pt, procs.by_zone(mm["pt_pages"]))]
        counters = kernel.sym("vm_counters")
        want_rss = procs.by_zone(counters["user_pages"])
        want_pt = procs.by_zone(counters["pt_pages"])
        text = (f"by zone ({'/'.join(zones.names)}): user pages {procs.slash(rss)}, "
                f"page tables {procs.slash(pt)}")
        if (rss, pt) == (want_rss, want_pt):
            return text + " = vm_counters: ok"
        return (text + f"; vm_counters: user_pages {procs.slash(want_rss)}, pt_pages "
                f"{procs.slash(want_pt)}: the difference is in mms no task holds (being "
                "built or freed, or a kernel test's)")
