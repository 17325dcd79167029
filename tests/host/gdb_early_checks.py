"""tests/host/gdb_early_checks.py: the checks before mm_init (stops at
start_kernel and at mm_init's entry): every command works or says what is
not set up yet, without a traceback or an unreadable address.
"""

import gdb

from gdb_common import expect
from gdb_meminfo_cmdline_checks import check_cmdline

NOT_READY = {      # command -> what it must say before mm_init (error or note)
    "hilo-pkmap": "the kmap pool is not set up yet (pkmap_page_table is NULL)",
    "hilo-page 0x100": "the memory map is not set up yet",
    "hilo-meminfo": "the memory map is not set up yet",
    "hilo-kmap-local": "not set up yet (kmap_pte is NULL)",
    "hilo-mappings": "the kernel's page tables are not set up yet",
    "hilo-walk pid 0": "the memory map is not set up yet",
}
WORK_EARLY = ("hilo-tasks", "hilo-walk 0xc0100000", "hilo-dmesg", "hilo-cpus", "hilo-cmdline",
              "hilo-ps")


def early_command(where, command):
    """(output, error text) of a command at an early stop; a Python
    exception, an unreadable address or a wrapped range is a failure."""
    case = "not_ready_before_mm_init"
    name = command.split()[0]
    try:
        out, err = gdb.execute(command, to_string=True), ""
    except gdb.error as e:
        out, err = "", str(e)
    text = out + err
    expect(case, not err or err.startswith(name + ": "), f"{where}: {command}: {err!r}")
    for bad in ("Traceback", "cannot read target memory", "-0x00000000 ", "beyond the end of RAM"):
        expect(case, bad not in text, f"{where}: {command} says {bad!r}:\n{text}")
    if err:
        expect(case, "not set up yet" in err and "continue past " in err,
                 f"{where}: {command}: an error that is not a not-ready message: {err!r}")
    return out, err


def check_early(where):
    case = "not_ready_before_mm_init"
    for command, says in NOT_READY.items():
        out, err = early_command(where, command)
        expect(case, says in out + err, f"{where}: {command} does not say {says!r}:\n{out}{err}")
    for command in WORK_EARLY:
        early_command(where, command)


def check_before_mm_init(stops):
    """Stop at start_kernel and at mm_init's entry: nothing of mm is set up."""
    case = "not_ready_before_mm_init"
    for function in ("start_kernel", "mm_init"):
        bp = gdb.Breakpoint(function, internal=True)
        gdb.execute("continue", to_string=True)
        reached = stops.last is not None and bp in getattr(stops.last, "breakpoints", [])
        bp.delete()
        if not expect(case, reached, f"the kernel never stopped in {function}"):
            return
        check_early(function)
        if function == "start_kernel":
            early = early_command(function, "hilo-cmdline")[1]
            expect(case, "multiboot_copy" in early,
                     f"start_kernel: hilo-cmdline does not send to multiboot_copy: {early!r}")
        else:
            check_cmdline("mm_init")
