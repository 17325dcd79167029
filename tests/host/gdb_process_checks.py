"""tests/host/gdb_process_checks.py: the GDB side of tests/host/gdb_test.py
for the process scenario, test=gdbscenario.process
(tests/kernel/gdbscenario_process_test.c).

Runs inside `gdb -batch`, after tools/gdb/hilo.py is sourced and gdb is
connected to the paused kernel.  At start_kernel hilo-ps and hilo-walk
pid must work or refuse cleanly; then the kernel runs to
gdbs_processes_ready(s), where three processes exist: gdbp/parent
(running there), its zombie child gdbp/zombie and its forked child
gdbp/child (asleep, its mm shared copy-on-write with the parent's).
There hilo-ps and hilo-walk pid/cr3 are compared with the kernel's own
records, read here without hilo's code:

  - the task list, each task's mm, parent, cpu, zombie flag; each mm's
    nr_vmas, vmas[], rss[], pt_pages[]; vm_counters; zones[] ranges;
    mem_map[]._refcount; $cr3 of the CPU the parent runs on;
  - each mm's page tables, walked here from its PDPT with every table
    read by QEMU's monitor (xp /gx: 64-bit physical addresses), so a PTE
    page above 4 GiB is read the same way as one below;
  - the user pages' bytes, read by the monitor at the frame a walk gave,
    against the patterns the scenario wrote (word at va = va ^ XOR, the
    XORs from the scenario's struct).

Then the kernel runs the program user/sleep.c, stopped in its first
nanosleep (sys_nanosleep): hilo-ps and the listing again, and every page
of its read-only segments, walked by hilo-walk pid and read by the
monitor, against the ELF file linked into the kernel (user_programs[]).

With RAM above 4 GiB (the gdb-process-16G line) the scenario makes the
child's PTE pages come from there, and a check requires it; the parent's
stay below 4 GiB where the boot's walk probe found that the CPU does not
walk tables above (QEMU's i386 emulator, which the GDB test needs).

This script holds the cases, the stops and the checks at start_kernel;
the checks at the stops are in gdb_process_ps_checks.py (hilo-ps),
gdb_process_walk_checks.py (hilo-walk pid/cr3, the pages' bytes) and
gdb_process_program_checks.py (the real program), the kernel's records
they compare with in gdb_process_records.py.

The results go to $GDBTEST_RESULTS as JSON: [[case, [failures], reached]].
"""

import os
import re
import struct
import sys
import traceback

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gdb_common as common                     # noqa: E402
from gdb_common import all_tasks, error_of, run, value                           # noqa: E402
from gdb_process_program_checks import at_sys_nanosleep                          # noqa: E402
from gdb_process_ps_checks import check_ps, check_ps_all, check_totals           # noqa: E402
from gdb_process_records import Tables, pdpt_phys, tasks_by_name                 # noqa: E402
from gdb_process_walk_checks import (check_cr3_and_cpu, check_limit, check_listing,  # noqa: E402
                                     check_pte_pages, check_refusals, check_walks)

STOP = "gdbs_processes_ready"
CASES = (
    "commands_registered_with_help",
    "ps_and_walk_refuse_cleanly_early",
    "scenario_reaches_processes_ready",
    "ps_lists_the_processes",
    "ps_counts_match_each_mm",
    "ps_totals_match_vm_counters",
    "ps_all_lists_every_task",
    "walk_pid_matches_tables_read_physically",
    "walk_pid_reads_the_written_pages",
    "walk_pid_lists_present_pages",
    "walk_pid_limit_cuts_the_list",
    "walk_cr3_and_cpu_match_pid",
    "walk_refuses_non_processes",
    "pte_pages_where_expected",
    "real_program_pages_match_its_elf",
)
R = common.start(CASES)


# ---- the checks before the stops

def check_registered():
    case = "commands_registered_with_help"
    listing = run(case, "hilo") or ""
    R.expect(case, "hilo-ps" in listing, f"`hilo` does not list hilo-ps:\n{listing}")
    for command, words in (("hilo-ps", ("-a", "rss", "pt_pages", "vm_counters", "zombie")),
                           ("hilo-walk", ("pid N", "cr3 VALUE", "limit N", "above 4 GiB"))):
        text = run(case, f"help {command}") or ""
        for word in words:
            R.expect(case, word in text, f"help {command} does not mention {word!r}")


def check_early():
    """At start_kernel: no process; hilo-ps works, the pid/cr3 walks refuse
    with a not-ready message."""
    case = "ps_and_walk_refuse_cleanly_early"
    bp = gdb.Breakpoint("start_kernel", internal=True)
    gdb.execute("continue", to_string=True)
    bp.delete()
    out = run(case, "hilo-ps") or ""
    R.expect(case, re.search(r"^0 processes \(0 zombies\) of 1 tasks", out, re.M)
             and "= vm_counters: ok" in out, f"start_kernel: hilo-ps says:\n{out}")
    out = run(case, "hilo-ps -a") or ""
    R.expect(case, re.search(r"^[* ]\s+0 boot\s", out, re.M), f"start_kernel: hilo-ps -a:\n{out}")
    for command in ("hilo-walk pid 0", "hilo-walk 0x1000 pid 0", "hilo-walk 0x1000 cr3 0x1000"):
        err = error_of(command) or ""
        R.expect(case, err.startswith("hilo-walk: the memory map is not set up yet")
                 and "continue past zones_init" in err and "Traceback" not in err,
                 f"start_kernel: {command}: {err!r}")


def at_processes_ready():
    s = value("s")
    if s.is_optimized_out:
        s = value("s@entry")
    s = s.dereference()
    tasks = tasks_by_name()
    procs_ = {int(t["pid"]): Tables(pdpt_phys(t["mm"])) for t in all_tasks() if int(t["mm"])}
    for name in ("gdbp/parent", "gdbp/child", "gdbp/zombie"):
        R.expect("scenario_reaches_processes_ready", name in tasks,
                 f"no task {name} at {STOP} (tasks: {sorted(tasks)})")
    if not all(n in tasks for n in ("gdbp/parent", "gdbp/child", "gdbp/zombie")):
        return
    def ps():
        out, processes = check_ps(procs_, s["zombie"])
        check_totals(out, processes)
        check_ps_all()

    steps = (ps,
             lambda: check_walks(s, procs_, tasks),
             lambda: [check_listing(tasks[n], procs_[int(tasks[n]["pid"])])
                      for n in ("gdbp/parent", "gdbp/child")],
             lambda: check_limit(tasks["gdbp/child"], procs_[int(tasks["gdbp/child"]["pid"])]),
             lambda: check_cr3_and_cpu(s, procs_, tasks),
             lambda: check_refusals(s, tasks),
             lambda: check_pte_pages(s, procs_, tasks))
    for step in steps:
        try:
            step()
        except (gdb.error, ValueError, KeyError, IndexError, TypeError) as e:
            R.expect("scenario_reaches_processes_ready", False,
                     f"{type(e).__name__}: {e}: {traceback.format_exc()}")


def main():
    try:
        check_registered()
        check_early()
        bp = gdb.Breakpoint(STOP, internal=True)
        gdb.execute("continue", to_string=True)
        frame = gdb.selected_frame()
        if not R.expect("scenario_reaches_processes_ready", frame.name() == STOP,
                        f"the kernel stopped in {frame.name()}, not {STOP}"):
            return
        bp.delete()
        at_processes_ready()
        bp = gdb.Breakpoint("sys_nanosleep", internal=True)
        gdb.execute("continue", to_string=True)
        frame = gdb.selected_frame()
        if R.expect("real_program_pages_match_its_elf", frame.name() == "sys_nanosleep",
                    f"the kernel stopped in {frame.name()}, not sys_nanosleep"):
            bp.delete()
            try:
                at_sys_nanosleep()
            except (gdb.error, ValueError, KeyError, IndexError, TypeError, struct.error) as e:
                R.expect("real_program_pages_match_its_elf", False,
                         f"{type(e).__name__}: {e}: {traceback.format_exc()}")
        gdb.execute("continue", to_string=True)
    except gdb.error as e:
        if "Remote connection closed" not in str(e) and "not being run" not in str(e):
            R.expect("scenario_reaches_processes_ready", False,
                     f"gdb: {e}: {traceback.format_exc()}")
    finally:
        R.save(os.environ["GDBTEST_RESULTS"])


main()
