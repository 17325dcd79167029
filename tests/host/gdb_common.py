"""tests/host/gdb_common.py: what the GDB test's check scripts share
(tests/host/gdb_checks.py, tests/host/gdb_process_checks.py, and the
modules of their checks, gdb_*_checks.py): the scenario the command line
selects, the results and how they are saved, running a command, and
reading the kernel's records plainly (gdb expressions, QEMU's monitor)
rather than through hilo's commands.

Imported inside gdb: the check scripts put tests/host on sys.path.
"""

import json
import os
import re

import gdb

from hilo_gdb.layout import layout      # on sys.path: tools/gdb/hilo.py put it there

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def selection():
    """The test= of the command line the kernel boots with (CMDLINE, from
    the matrix line): "gdbscenario.local_and_pool"."""
    return next((w[len("test="):] for w in os.environ.get("CMDLINE", "").split()
                 if w.startswith("test=")), "")


def scenario_function():
    """The function of the case the command line selects: KTEST(SUITE,
    CASE) defines it as SUITE_CASE."""
    suite, _, case = selection().partition(".")
    return f"{suite}_{case}" if case else "gdbscenario_local_and_pool"


class Results:
    """Failures per case, and which cases a check reached."""

    def __init__(self, cases):
        self.cases = tuple(cases)
        self.failures = {name: [] for name in self.cases}
        self.reached = set()

    def expect(self, case, condition, why):
        self.reached.add(case)
        if not condition:
            self.failures[case].append(why)
        return condition

    def save(self, path):
        with open(path, "w") as f:
            json.dump([[c, self.failures[c], c in self.reached] for c in self.cases], f)


R = None    # the script's Results (start())


def start(cases):
    """The Results of a script's cases, used by run()."""
    global R
    R = Results(cases)
    return R


def expect(case, condition, why):
    """R.expect of the script's Results, for the modules of checks (they
    are imported before start() runs)."""
    return R.expect(case, condition, why)


def run(case, command):
    """The output of a command, or None (and a failure of case) when it
    raises an error or prints nothing."""
    try:
        out = gdb.execute(command, to_string=True)
    except gdb.error as e:
        R.expect(case, False, f"{command}: {e}")
        return None
    return out if R.expect(case, out.strip(), f"{command} printed nothing") else None


def error_of(command):
    """The gdb error a command raises, or None (and its output is dropped)."""
    try:
        gdb.execute(command, to_string=True)
    except gdb.error as e:
        return str(e)
    return None


# ---- what the kernel recorded, through plain gdb expressions

def value(expr):
    return gdb.parse_and_eval(expr)


def label(task):
    return f"{int(task['pid'])} ({task['comm'].string()})"


def all_tasks():
    head = value("&task_list")
    offset = int(value("&((struct task_struct *)0)->tasks"))
    node, found = head["next"], []
    while int(node) != int(head):
        found.append(value(f"(struct task_struct *){int(node) - offset}"))
        node = node["next"]
    return found


def monitor_words(phys, count):
    """count 32-bit words at physical phys, read by QEMU's monitor (xp),
    independently of the gdbstub's physical mode hilo-walk uses."""
    out = gdb.execute(f"monitor xp /{count}wx {phys:#x}", to_string=True)
    return [int(w, 16) for line in out.splitlines() for w in line.split(":")[1].split()]


def monitor_u64s(phys, count):
    """count 64-bit words (table entries) at physical phys, by QEMU's monitor."""
    out = gdb.execute(f"monitor xp /{count}gx {phys:#x}", to_string=True)
    words = [int(w, 16) for line in out.splitlines() for w in line.split(":")[1].split()]
    if len(words) != count:
        raise gdb.error(f"monitor xp /{count}gx {phys:#x} gave {len(words)} words:\n{out}")
    return words


def pte_frame(pte):
    return pte & layout().PTE_PFN_MASK


def header_defines(relpath, pattern=r"\w+"):
    """{NAME: value} of the `#define NAME 0x...` lines of a header of the
    source tree whose names match pattern."""
    with open(os.path.join(ROOT, relpath)) as f:
        defines = re.findall(rf"^#define\s+({pattern})\s+(0x[0-9a-fA-F]+)u?\b", f.read(), re.M)
    return {name: int(v, 16) for name, v in defines}
