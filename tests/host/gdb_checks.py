"""tests/host/gdb_checks.py: the GDB side of tests/host/gdb_test.py.

Runs inside `gdb -batch`, after tools/gdb/hilo.py is sourced and gdb is
connected to the paused kernel, which boots with the test= of its matrix
line: gdbscenario.local_and_pool (tests/kernel/gdbscenario_test.c),
two threads each holding kmap_local maps across timer preemptions, then
enough kmap()s to wrap the pool around.

Once the scenario starts, breakpoints stop it in kmap_local_page (checked
at its return, after the PTE write), kunmap_local (at entry and return),
flush_all_zero_pkmaps (entry and return) and kmap_local_sched_in (entry
and return).  At each stop the hilo-* commands run and their output is
compared with what the kernel itself recorded, read here through plain
gdb expressions: the PTE hilo-walk prints is current->kmap_ctrl.pteval[],
hilo-pkmap's counts are pkmap_count[], memory read through a mapping is
what QEMU's monitor reads at the physical address hilo-walk gave.

With several CPUs (GDBTEST_SMP, from gdb_test.py) the scenario's threads
run on the highest CPU: "current" is always the task of the CPU of the
thread gdb stopped in (the percpu entry its %fs reaches).  hilo-cpus is
checked at the start and at the kmap stops, field by field, against
percpu[], apic_ids[] and QEMU's thread names (CPU#n), its slots against
memory read through them and by QEMU's monitor; on every thread,
hilo-kmap-local without a task and hilo-walk must use that thread's CPU.

This script holds the cases, the breakpoints and what runs at each stop;
the checks are in modules by the commands they check:
gdb_kmap_checks.py (hilo-walk, hilo-kmap-local, hilo-page, hilo-mappings
and hilo-tasks on the kmap_local stacks), gdb_pkmap_checks.py (hilo-pkmap),
gdb_cpu_checks.py (hilo-cpus, the selected thread, `cpu N`),
gdb_functions_bt_checks.py ($hilo_* functions, hilo-bt),
gdb_version_checks.py (hilo-version, a mismatched ELF),
gdb_early_checks.py (before mm_init) and gdb_meminfo_cmdline_checks.py
(hilo-meminfo, hilo-cmdline).

The results go to $GDBTEST_RESULTS as JSON: [[case, [failures], reached]].
tests/host/gdb_process_checks.py does the same for the process scenario;
what both use is in tests/host/gdb_common.py.
"""

import os
import sys
import traceback

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gdb_common as common                     # noqa: E402
from gdb_common import all_tasks, label, run, scenario_function                  # noqa: E402
from gdb_cpu_checks import check_cpus, check_smp_coverage                       # noqa: E402
from gdb_early_checks import check_before_mm_init                               # noqa: E402
from gdb_functions_bt_checks import check_bt, check_functions                   # noqa: E402
from gdb_kmap_checks import (check_live_slot, check_local_stack, check_mappings,  # noqa: E402
                             check_page, check_region_names, check_saved_maps, check_tasks,
                             current, saved_ptes, slot_addr, walk)
from gdb_meminfo_cmdline_checks import check_cmdline, check_meminfo             # noqa: E402
from gdb_pkmap_checks import (check_default_pool_listing, check_pkmap_row_limit,  # noqa: E402
                              check_pool_mappings, pool_rows)
from gdb_version_checks import check_mismatched_elf, check_version             # noqa: E402
from hilo_gdb.layout import layout      # noqa: E402  (tools/gdb/hilo.py put it on sys.path)


SCENARIO = scenario_function()
COMMANDS = ("hilo-walk", "hilo-mappings", "hilo-pkmap", "hilo-kmap-local", "hilo-page",
            "hilo-tasks", "hilo-dmesg", "hilo-sstep-irq", "hilo-cpus", "hilo-meminfo",
            "hilo-cmdline", "hilo-bt", "hilo-version", "hilo-ps")
BAD_ARGUMENTS = ("hilo-walk", "hilo-walk no_such_symbol", "hilo-page -pfn 0xfffffff",
                 "hilo-kmap-local no_such_task", "hilo-dmesg lots", "hilo-pkmap some",
                 "hilo-mappings 0x2000 0x1000", "hilo-sstep-irq maybe",
                 "hilo-cpus 99", "hilo-cpus cpu", "hilo-walk 0xc0000000 cpu 99",
                 "hilo-kmap-local cpu x", "hilo-pkmap all many", "hilo-meminfo 1",
                 "hilo-cmdline x", "hilo-bt", "hilo-bt no_such_task", "hilo-version now",
                 "hilo-ps x", "hilo-walk pid 0", "hilo-walk pid 99999", "hilo-walk 0x1000 limit 3",
                 "hilo-walk 0x1000 pid 0 cpu 0", "hilo-walk cpu 0")
CASES = (
    "commands_registered_with_help",
    "bad_arguments_give_clear_errors",
    "walk_prints_saved_pteval",
    "walk_agrees_with_physical_memory",
    "kmap_local_matches_live_ptes",
    "kunmap_local_clears_top_slot",
    "page_finds_local_mapping",
    "tasks_show_local_depth",
    "mappings_name_slots",
    "pkmap_counts_equal_pkmap_count",
    "pkmap_invariants_hold",
    "flush_clears_unflushed_slots",
    "sched_out_tore_slots_down",
    "sched_in_restores_slots",
    "dmesg_shows_kernel_log",
    "cpus_match_percpu",
    "commands_follow_selected_thread",
    "functions_match_kernel_records",
    "bt_follows_switched_out_stacks",
    "version_matches_loaded_elf",
    "mismatched_elf_is_refused",
    "not_ready_before_mm_init",
    "meminfo_matches_zones",
    "cmdline_matches_boot",
    "mappings_lists_region_names",
    "pkmap_rows_limited_by_count",
    "switched_out_maps_are_saved",
    "cpu_argument_selects_cpu",
)
STOPS = {"kmap_local_page": 4, "kunmap_local": 4, "flush_all_zero_pkmaps": 2,
         "kmap_local_sched_in": 3}         # stops checked per breakpoint
MAX_STOPS = 400                            # a runaway loop guard


R = common.start(CASES)


# ---- stepping out of a function without stopping elsewhere

class Stops:
    """The breakpoints, and `finish` with all of them disabled (a
    preemption inside the function must not stop us in another one)."""

    def __init__(self):
        self.breakpoints = {}       # name -> gdb.Breakpoint
        self.handled = {}           # name -> stops checked
        self.last = None
        gdb.events.stop.connect(self.on_stop)

    def on_stop(self, event):
        self.last = event

    def add(self, name):
        self.breakpoints[name] = gdb.Breakpoint(name, internal=True)
        self.handled[name] = 0

    def finish(self):
        """Run to the return of the selected frame; the value returned
        (eax: the i386 calling convention)."""
        return_pc = gdb.selected_frame().older().pc()
        for b in self.breakpoints.values():
            b.enabled = False
        try:
            gdb.execute("finish", to_string=True)
        finally:
            for name, b in self.breakpoints.items():
                b.enabled = self.handled[name] < STOPS.get(name, 1)
        if gdb.selected_frame().pc() != return_pc:
            raise gdb.error(f"finish stopped at {gdb.selected_frame().pc():#x}, "
                            f"not at the return address {return_pc:#x}")
        return int(gdb.parse_and_eval("$eax")) & 0xFFFFFFFF

    def which(self):
        """The name of the breakpoint of the last stop, or None."""
        hits = getattr(self.last, "breakpoints", [])
        return next((n for n, b in self.breakpoints.items() if b in hits), None)

    def done(self, name):
        self.handled[name] += 1
        if self.handled[name] >= STOPS[name]:
            self.breakpoints[name].enabled = False


def first_argument():
    frame = gdb.selected_frame()
    arg = next(s for s in frame.block() if s.is_argument)
    return arg.value(frame)


# ---- what runs at each stop

def at_scenario_start(stops):
    """Before anything is mapped: the commands exist, errors are clear,
    the task list and the log are readable; then arm the breakpoints."""
    case = "commands_registered_with_help"
    listing = run(case, "hilo") or ""
    for name in COMMANDS:
        R.expect(case, name in listing, f"`hilo` does not list {name}")
        helptext = run(case, f"help {name}") or ""
        R.expect(case, len(helptext.splitlines()) > 2, f"help {name} is too short: {helptext!r}")
    for command in BAD_ARGUMENTS:
        check_bad_arguments(command)
    check_tasks()
    check_dmesg()
    check_cpus("scenario start")
    check_meminfo("scenario start")
    check_cmdline("scenario start")
    check_region_names()
    check_pkmap_row_limit("scenario start")
    check_functions("scenario start")
    check_version()
    check_mismatched_elf()
    for name in STOPS:
        stops.add(name)


def check_bad_arguments(command):
    case = "bad_arguments_give_clear_errors"
    name = command.split()[0]
    try:
        out = gdb.execute(command, to_string=True)
        R.expect(case, False, f"{command}: no error, printed {out!r}")
    except gdb.error as e:
        text = str(e)
        R.expect(case, text.startswith(name + ": ") and "Traceback" not in text,
                 f"{command}: unclear error {text!r}")


def check_dmesg():
    """hilo-dmesg's last line is in the serial log (what printk wrote)."""
    case = "dmesg_shows_kernel_log"
    out = run(case, "hilo-dmesg 3") or ""
    with open(os.environ["GDBTEST_SERIAL"], errors="replace") as f:
        serial = f.read()
    last = out.rstrip("\n").splitlines()[-1] if out.strip() else ""
    R.expect(case, last and last in serial, f"hilo-dmesg's last line {last!r} is not in the serial log")


def at_kmap_local_page(stops):
    """After the map: the new top slot's PTE, the page, the region names."""
    task = current()
    vaddr = stops.finish()
    i = int(task["kmap_ctrl"]["idx"]) - 1
    where = f"kmap_local_page in {label(task)} -> {vaddr:#x}"
    R.expect("walk_prints_saved_pteval", vaddr == slot_addr(task, i),
             f"{where}: not the address of slot {i} ({slot_addr(task, i):#x})")
    check_live_slot("walk_prints_saved_pteval", task, i, where)
    rows = check_local_stack("kmap_local_matches_live_ptes", task, where)
    R.expect("kmap_local_matches_live_ptes", rows.get(i, (0, 0, -1))[2] == saved_ptes(task)[i],
             f"{where}: the live PTE of row {i} is not pteval")
    check_page(task, i, vaddr, where)
    check_tasks()
    check_mappings(task, where)
    check_cpus(where)


def at_kunmap_local(stops):
    """Before: the address is the top slot, mapped as saved.  After: empty."""
    task = current()
    vaddr = int(first_argument())
    i = int(task["kmap_ctrl"]["idx"]) - 1
    slot = slot_addr(task, i)
    where = f"kunmap_local({vaddr:#x}) in {label(task)}"
    if vaddr & ~(layout().PAGE_SIZE - 1) != slot:
        return False                    # lowmem, or a misuse the kernel reports
    check_live_slot("walk_prints_saved_pteval", task, i, where)
    check_local_stack("kmap_local_matches_live_ptes", task, where)
    check_cpus(where)
    stops.finish()
    case = "kunmap_local_clears_top_slot"
    got, phys = walk(case, slot)
    R.expect(case, got == 0 and phys is None, f"{where}: after it, hilo-walk {slot:#x} "
                                              f"prints {got and hex(got)}, phys {phys}")
    R.expect(case, int(task["kmap_ctrl"]["idx"]) == i + 1 - layout().KM_INCR,
             f"{where}: idx is {int(task['kmap_ctrl']['idx'])} after it")
    check_local_stack(case, task, where + " (after)")


def at_flush_all_zero_pkmaps(stops):
    """The wraparound: count-1 slots exist before, none after, PTEs gone."""
    case = "pkmap_counts_equal_pkmap_count"
    before = pool_rows(case, "flush_all_zero_pkmaps entry")
    check_default_pool_listing(case, before, "flush_all_zero_pkmaps entry")
    check_pool_mappings(before, "flush_all_zero_pkmaps entry")
    unflushed = [n for n, c in enumerate(before) if c == 1]
    stops.finish()
    after = pool_rows(case, "flush_all_zero_pkmaps return")
    check_default_pool_listing(case, after, "flush_all_zero_pkmaps return")
    check_pool_mappings(after, "flush_all_zero_pkmaps return")
    check_pkmap_row_limit("flush_all_zero_pkmaps return")
    check_meminfo("flush_all_zero_pkmaps return")
    case = "flush_clears_unflushed_slots"
    R.expect(case, unflushed, "no count-1 slot at flush_all_zero_pkmaps: nothing to check")
    R.expect(case, all(after[n] == 0 for n in unflushed),
             f"slots still counted after the flush: {[n for n in unflushed if after[n]][:10]}")
    for n in unflushed[:3]:
        got, _ = walk(case, layout().pkmap_addr(n))
        R.expect(case, got == 0, f"pkmap slot {n}'s PTE is {got and hex(got)} after the flush")


def at_kmap_local_sched_in(stops):
    """A task with live maps comes back: its slots are empty at the hook's
    entry (torn down when it left), restored from pteval at its return."""
    task = first_argument()
    saved = saved_ptes(task)
    if not any(saved):
        return False
    where = f"kmap_local_sched_in({label(task)})"
    for i, pte in enumerate(saved):
        got, _ = walk("sched_out_tore_slots_down", slot_addr(task, i))
        R.expect("sched_out_tore_slots_down", got == 0,
                 f"{where}: slot {i} holds {got and hex(got)} before the hook")
    for other in all_tasks():
        if int(other) != int(task) and any(saved_ptes(other)):
            check_local_stack("sched_out_tore_slots_down", other, where)
            check_saved_maps(other, where)
    check_bt(where)
    check_functions(where)
    stops.finish()
    for i, pte in enumerate(saved):
        check_live_slot("sched_in_restores_slots", task, i, where + " (after)")
    check_local_stack("sched_in_restores_slots", task, where + " (after)")
    return True


# Each breakpoint's handler, and the case an unexpected error there fails.
HANDLERS = {"kmap_local_page": (at_kmap_local_page, "walk_prints_saved_pteval"),
            "kunmap_local": (at_kunmap_local, "kunmap_local_clears_top_slot"),
            "flush_all_zero_pkmaps": (at_flush_all_zero_pkmaps, "pkmap_counts_equal_pkmap_count"),
            "kmap_local_sched_in": (at_kmap_local_sched_in, "sched_in_restores_slots")}


def handle(stops, name):
    """Run the handler of a stop.  An error is a failure of its case, not
    the end of the test.  A handler returns False for a stop it skipped
    (it does not count against the breakpoint's STOPS)."""
    handler, case = HANDLERS[name]
    try:
        counted = handler(stops)
    except (gdb.error, ValueError, KeyError, IndexError, TypeError) as e:
        R.expect(case, False, f"at {name}: {type(e).__name__}: {e}: {traceback.format_exc()}")
        counted = True
    if counted is not False:
        stops.done(name)


def main():
    stops = Stops()
    try:
        check_before_mm_init(stops)
    except gdb.error as e:
        R.expect("not_ready_before_mm_init", False, f"gdb: {e}: {traceback.format_exc()}")
    start = gdb.Breakpoint(SCENARIO, internal=True)
    try:
        gdb.execute("continue", to_string=True)
        if stops.last is None or start not in getattr(stops.last, "breakpoints", []):
            R.expect(CASES[0], False, f"the kernel never reached {SCENARIO}")
            return
        start.delete()
        at_scenario_start(stops)
        for _ in range(MAX_STOPS):
            gdb.execute("continue", to_string=True)
            name = stops.which()
            if name:
                handle(stops, name)
    except gdb.error as e:
        if "Remote connection closed" not in str(e) and "not being run" not in str(e):
            R.expect(CASES[0], False, f"gdb: {e}")
    finally:
        check_smp_coverage()
        R.save(os.environ["GDBTEST_RESULTS"])


main()
