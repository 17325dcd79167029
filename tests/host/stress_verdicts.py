"""tests/host/stress_verdicts.py: how a stress run ended (mm/stress.c).

Contract: stress_class(run) is the one word for the ending of a boot with
stress= on its command line: "stress-passed" (tools/run's pass and the
report's "stress: 0 corruptions"), "stress-corruption" (a failure with a
"stress: CORRUPTION:" line), "stress-failed" (a failure without one, e.g.
free pages before and after differ), "no-report" (a pass without
"0 corruptions"), or the boot's own ending as boot.classify() names it
(unexpected-panic, timeout, triple-fault, cpu-reset, qemu-error).
stress_reason(run, seen, want) says in one line why seen is not want,
with the seed to replay the run; stress_seed(run) is that seed or None.
The matrix's `stress` lines want "stress-passed", its `stress-corruption`
self-check lines (a bug switched on) "stress-corruption".
"""

import re

from boot import FAILED, PASSED, classify, ending

STRESS_CLEAN = "stress: 0 corruptions"
CORRUPTION_RE = re.compile(r"stress: CORRUPTION: .*")
SEED_RE = re.compile(r"stress: seed=(\d+)")


def stress_class(run):
    """See the contract."""
    if run.status == PASSED:
        clean = any(line.strip() == STRESS_CLEAN for line in run.text.splitlines())
        return "stress-passed" if clean else "no-report"
    if run.status == FAILED:
        return "stress-corruption" if CORRUPTION_RE.search(run.text) else "stress-failed"
    return classify(run, None)


def stress_seed(run):
    m = SEED_RE.search(run.text)
    return m.group(1) if m else None


def stress_reason(run, seen, want):
    """Why a stress boot that ended as seen fails a line that wants want."""
    corrupt = CORRUPTION_RE.search(run.text)
    why = {"stress-corruption": corrupt.group(0).strip() if corrupt else "",
           "stress-failed": "the kernel reported a failure without a corruption "
                            "(free pages before and after differ?)",
           "no-report": f'the boot passed but its report lacks "{STRESS_CLEAN}"',
           "stress-passed": "0 corruptions: the bug switched on was not caught"}
    reason = why.get(seen) or ending(run) or run.verdict
    if want != "stress-passed":
        reason = f'the runner classified the boot as "{seen}", expected "{want}": {reason}'
    seed = stress_seed(run)
    return reason + (f" (replay: make stress SEED={seed})" if seed else "")
