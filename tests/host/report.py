"""tests/host/report.py: what the runner prints.

Contract: report(runs, verbose) prints one line per outcome of every run,

    ok   <config>  <suite>.<case>
    FAIL <config>  <suite>.<case>: <reason>
    skip <config>  <suite>.<case>: <reason>

and after the lines of a run that failed, where its logs are (its whole
serial log too when verbose); it returns (passed, failed, skipped).
list_matrix(configs) prints the configurations for --list.
"""

import os

from matrix import ROOT
from verdicts import KnownNames, outcomes_of

def report(runs, verbose):
    """Print the case lines of every run; returns (passed, failed, skipped)."""
    known = KnownNames(runs)
    width = max(len(r.config.name) for r in runs)
    counts = {"ok": 0, "FAIL": 0, "skip": 0}
    for run in runs:
        outcomes = outcomes_of(run, known)
        for o in outcomes:
            counts[o.status] += 1
            line = f"{o.status:<4} {o.config:<{width}}  {o.label}"
            print(line + (f": {o.reason}" if o.reason else ""))
        if any(o.status == "FAIL" for o in outcomes):
            print_failure_logs(run, verbose)
    return counts["ok"], counts["FAIL"], counts["skip"]


def print_failure_logs(run, verbose):
    qemu_log = run.boot.log[:-len(".log")] + ".qemu.log"
    print(f"     log: {os.path.relpath(run.boot.log, ROOT)}"
          f"  (QEMU: {os.path.relpath(qemu_log, ROOT)})")
    if verbose:
        print(f"---- {run.boot.log} ----")
        print(run.text.rstrip("\n"))
        print(f"---- end of {run.boot.log} ----")


def list_matrix(configs):
    for c in configs:
        extra = "".join(f' {k}="{v}"' if " " in v else f" {k}={v}" for k, v in
                        (("kernel", c.kernel), ("cmdline", c.cmdline),
                         ("log", c.log_text)) if v)
        print(f"{c.name:<18} {c.boot:<6} {c.mem:>4} {c.cpu:<14} {c.timeout:>4} s"
              f"  {c.expect}{extra}")
