"""tests/host/matrix.py: the test matrix file (tests/matrix).

Contract: read_matrix(path) returns the configurations of the matrix, one
Config per line in file order, or raises MatrixError naming the file and
line of the first malformed line (unknown boot, expect kind or option, a
timeout that is not seconds, an smp= that is not 1..16, a gdb line that
boots an ISO, a stress line without stress= in its command line), of duplicate
names, or of more than one ktap+panics line.  Also where the repository
and its matrix are (ROOT, MATRIX) and the expect kinds (EXPECT_KINDS).
"""

import os
import shlex
from dataclasses import dataclass
from typing import Optional

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MATRIX = os.path.join(ROOT, "tests", "matrix")

KTAP_KINDS = ("ktap", "ktap+panics")
SELFCHECK_KINDS = ("failed-case", "unexpected-panic", "timeout",
                   "triple-fault", "incomplete-plan")
# The stress run (mm/stress.c): passes on the kernel's verdict and its
# report's "0 corruptions"; the self-check with a bug switched on must end
# as a failure with corruptions found.
STRESS_KINDS = ("stress", "stress-corruption")
EXPECT_KINDS = KTAP_KINDS + ("panic", "gdb") + SELFCHECK_KINDS + STRESS_KINDS


class MatrixError(Exception):
    pass


@dataclass
class Config:
    """One line of tests/matrix."""
    name: str
    boot: str
    mem: str
    cpu: str
    timeout: int
    expect: str
    log_text: Optional[str] = None
    cmdline: str = ""
    kernel: str = ""
    smp: int = 1
    qemu: str = "i386"


def parse_matrix_line(words, where):
    """A Config from the words of one matrix line."""
    if len(words) < 6:
        raise MatrixError(f"{where}: expected name boot mem cpu timeout expect")
    name, boot, mem, cpu, timeout, expect, *options = words
    if boot not in ("kernel", "iso"):
        raise MatrixError(f"{where}: boot must be kernel or iso, not {boot!r}")
    if not timeout.isdigit():
        raise MatrixError(f"{where}: timeout must be seconds, not {timeout!r}")
    if expect not in EXPECT_KINDS:
        raise MatrixError(f"{where}: expect must be one of {', '.join(EXPECT_KINDS)}")
    if expect == "gdb" and boot != "kernel":
        raise MatrixError(f"{where}: a gdb line boots a kernel, not an {boot}")
    config = Config(name, boot, mem, cpu, int(timeout), expect)
    # Boots from -kernel use the test build unless told otherwise; an ISO
    # holds the plain kernel.
    config.kernel = "debug" if boot == "kernel" else "plain"
    for option in options:
        key, eq, value = option.partition("=")
        if not eq or key not in ("log", "cmdline", "kernel", "smp", "qemu"):
            raise MatrixError(f"{where}: unknown option {option!r} (log=, cmdline=, kernel=, smp=, qemu=)")
        if key == "kernel" and value not in ("debug", "plain"):
            raise MatrixError(f"{where}: kernel must be debug or plain, not {value!r}")
        if key == "qemu" and value not in ("i386", "x86_64"):
            raise MatrixError(f"{where}: qemu must be i386 or x86_64, not {value!r}")
        if key == "smp":
            if not value.isdigit() or not 1 <= int(value) <= 16:
                raise MatrixError(f"{where}: smp must be a CPU count from 1 to 16, not {value!r}")
            config.smp = int(value)
            continue
        setattr(config, "log_text" if key == "log" else key, value)
    if expect in STRESS_KINDS and "stress=" not in config.cmdline:
        raise MatrixError(f"{where}: a {expect} line needs cmdline=stress=SECONDS")
    return config


def read_matrix(path):
    """The configurations of the matrix file, in order."""
    configs = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            words = shlex.split(line, comments=True)
            if words:
                configs.append(parse_matrix_line(words, f"{path}:{lineno}"))
    names = [c.name for c in configs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise MatrixError(f"{path}: duplicate names: {', '.join(duplicates)}")
    if sum(c.expect == "ktap+panics" for c in configs) > 1:
        raise MatrixError(f"{path}: more than one ktap+panics configuration")
    return configs
