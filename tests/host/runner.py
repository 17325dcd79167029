#!/usr/bin/env python3
"""tests/host/runner.py: the host side of `make test`.

Contract: boot every configuration of tests/matrix through tools/run, a few
at a time (-j, default: one per host CPU), each with its serial output in
$BUILD/test-logs/<name>.log; read the KTAP each boot prints; print one line
per case,

    ok   <config>  <suite>.<case>
    FAIL <config>  <suite>.<case>: <reason>
    skip <config>  <suite>.<case>: <reason>

and end with the line `N passed, N failed, N skipped`.  Exit 0 when nothing
failed, 1 otherwise.  A boot fails, besides its failed cases, when it has no
KTAP, when a plan (`1..N`) announced more results than it gave (each missing
case is a failure: by name when another boot of the same kernel reported
it), and when it ends in a panic it did not expect, a triple fault, a CPU
reset or a timeout.

Expected-panic cases are listed by the kernel as skipped with the directive
`# SKIP expects panic "MESSAGE": boot with test=SELECTION`.  The runner boots
each on its own with that command line, in the configuration marked
`ktap+panics` (other configurations leave them out), and passes it only if
the boot ends in a panic whose MESSAGE appears after the kernel's line
`# <case>: expecting panic "MESSAGE"`.

Self-check lines of the matrix boot deliberately broken cases and pass when
the runner classifies the boot as the matrix says (see tests/matrix).

Stress lines (`stress`, with stress=SECONDS on the command line) boot the
stress run (mm/stress.c) and pass when the kernel passes it and its report
says `0 corruptions`; the `stress-corruption` self-check, with a bug
switched on, passes when the run fails with corruptions found
(tests/host/stress_verdicts.py).

GDB lines (`gdb`) run tests/host/gdb_test.py instead of tools/run: it boots the
kernel under gdb, checks the hilo-* GDB commands at breakpoints and writes
its verdicts as KTAP to the same log, read like a boot's.

Python 3 standard library only.
"""

import argparse
import fnmatch
import os
import sys
import time

from matrix import MATRIX, MatrixError, read_matrix
from report import list_matrix, report
from schedule import HOST_RESERVE_MIB, Matrix, host_mib_available


def parse_args(argv):
    p = argparse.ArgumentParser(description="Boot the hilo test matrix (tests/matrix).")
    p.add_argument("--only", action="append", metavar="GLOB",
                   help="only the configurations whose name matches GLOB (repeatable)")
    p.add_argument("--list", action="store_true", help="list the configurations and exit")
    p.add_argument("-j", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="boots at a time (default: %(default)s, the host's CPUs)")
    p.add_argument("-v", action="store_true", default=os.environ.get("CI") == "true",
                   help="print the serial log of every failed boot (default under CI=true)")
    p.add_argument("--matrix", default=MATRIX, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    try:
        configs = read_matrix(args.matrix)
    except MatrixError as e:
        sys.exit(f"runner: {e}")
    if args.only:
        configs = [c for c in configs if any(fnmatch.fnmatch(c.name, g) for g in args.only)]
        if not configs:
            sys.exit(f"runner: no configuration matches {' '.join(args.only)} (see --list)")
    if args.list:
        list_matrix(configs)
        return 0
    build = os.path.abspath(os.environ.get("BUILD", "build"))
    start = time.monotonic()
    try:
        available = host_mib_available()
        budget = available - HOST_RESERVE_MIB if available else None
        runs = Matrix(configs, build, max(args.j, 1), budget).run()
    except KeyboardInterrupt:
        sys.exit("runner: interrupted")
    passed, failed, skipped = report(runs, args.v)
    minutes, seconds = divmod(round(time.monotonic() - start), 60)
    print(f"{len(runs)} boots in {minutes}m{seconds:02}s")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
