"""tests/host/verdicts.py: the report lines of finished boots.

Contract: outcomes_of(run, known) turns one Run into Outcomes, the lines of
the report ("ok", "FAIL" or "skip", the configuration, a label such as
suite.case, a reason), according to the matrix line's expect kind: every
case of a KTAP boot, the one line of a panic boot, of an expected-panic
case booted on its own (whose KTAP must also be complete, as Linux's
parser reads it: tests/host/ktap_check.py), of a self-check, of a stress
run (the kernel's verdict and its report's "0 corruptions"; a stress
self-check must end as a failure with corruptions found).  A KTAP boot
also fails for what
it never reported: cases its plans announced (named from KnownNames, learnt
from the other boots of the same kernel), and, in a full run, cases the
kernel registers (read from its symbol table with $NM, default
${CROSS}nm, CROSS defaulting to i686-linux-gnu- as in the Makefile).
Reads no serial logs itself: the Runs carry them.
"""

import functools
import os
import subprocess
from dataclasses import dataclass

from boot import FAILED, PANIC, classify, ending
from ktap import EXPECTS_PANIC_RE, panic_message
from ktap_check import ktap_problems
from matrix import KTAP_KINDS, SELFCHECK_KINDS, STRESS_KINDS
from stress_verdicts import stress_class, stress_reason, stress_seed


@dataclass
class Outcome:
    """One line of the report."""
    status: str         # "ok", "FAIL" or "skip"
    config: str
    label: str
    reason: str = ""


def expected_panics(ktap):
    """(label, message, selection) of every case listed as expecting a panic."""
    found = []
    for suite, case in ktap.cases():
        m = EXPECTS_PANIC_RE.fullmatch(case.directive)
        if m:
            found.append((f"{suite.name}.{case.name}", m.group(1), m.group(2)))
    return found


def case_reason(case):
    """Why a case failed, in one line: its first failure's diagnostic."""
    blocks = case.diagnostics
    if not blocks:
        return "not ok (no diagnostic)"
    block = next((b for b in blocks if "FAIL" in b[0]), blocks[0])
    head, *rest = block
    reason = head.partition(": ")[2]
    for i, line in enumerate(rest):
        reason += ": " if i == 0 else " " if rest[i - 1].endswith("but") else "; "
        reason += line
    more = len(blocks) - 1
    return reason + (f" (and {more} more diagnostics in the log)" if more else "")


class KnownNames:
    """Names of suites and cases, learnt from complete boots, so that a boot
    that stopped early can name the cases it never reported."""

    def __init__(self, runs):
        self.suites = {}      # kernel command line -> [suite names]
        self.cases = {}       # suite name -> [case names]
        self.panicking = set()  # labels of the cases that expect a panic
        for run in runs:
            ktap = run.ktap
            if ktap is None or run.config.expect not in KTAP_KINDS or run.boot.panic_case:
                continue
            self.panicking.update(label for label, _, _ in expected_panics(ktap))
            for suite in ktap.suites:
                if suite.name and suite.plan == len(suite.cases):
                    self.cases[suite.name] = [c.name for c in suite.cases]
            if ktap.plan == len(ktap.suites):
                self.suites[run.boot.cmdline] = [s.name for s in ktap.suites]

    def missing_cases(self, run, ktap):
        """What a boot announced but never reported, in order: (label, None)
        for a case whose name is known, else (label, what is missing).
        Cases that expect a panic belong to the ktap+panics configuration."""
        missing = self.unreported(run, ktap)
        if run.config.expect == "ktap+panics":
            return missing
        return [m for m in missing if m[0] not in self.panicking]

    def unreported(self, run, ktap):
        """Every case and suite the plans announced that never came."""
        missing = []
        if ktap.plan is None:
            missing.append(("(ktap)", "no plan"))
        for suite in ktap.suites:
            missing += self.suite_tail(suite.name or "?", len(suite.cases), suite.plan)
        if not ktap.missing_suites():
            return missing
        names = self.suites.get(run.boot.cmdline, [])
        if len(names) != ktap.plan:
            return missing + [("(ktap)", f"plan incomplete: {len(ktap.suites)} of "
                                         f"{ktap.plan} suites")]
        for name in names[len(ktap.suites):]:
            cases = self.cases.get(name)
            missing += [(f"{name}.{c}", None) for c in cases] if cases \
                else [(f"{name}.*", "suite not run")]
        return missing

    def suite_tail(self, suite, reported, plan):
        """The cases of a suite after the first `reported` of its plan."""
        if plan is None:
            return [(suite, "no plan")] if reported == 0 else []
        if reported >= plan:
            return []
        names = self.cases.get(suite, [])
        if len(names) == plan:
            return [(f"{suite}.{name}", None) for name in names[reported:]]
        return [(suite, f"plan incomplete: {reported} of {plan}")]


def ktap_outcomes(run, known):
    """The report lines of a boot that must print passing KTAP."""
    name = run.config.name
    ktap = run.ktap
    cause = ending(run)
    if ktap is None:
        return [Outcome("FAIL", name, "(boot)", f"no KTAP output ({cause or run.verdict})")]
    outcomes = []
    for suite, case in ktap.cases():
        label = f"{suite.name}.{case.name}"
        if EXPECTS_PANIC_RE.fullmatch(case.directive):
            continue    # booted on its own from the ktap+panics configuration
        if case.skipped:
            outcomes.append(Outcome("skip", name, label, case.directive[4:].strip()))
        elif case.ok:
            outcomes.append(Outcome("ok", name, label))
        else:
            outcomes.append(Outcome("FAIL", name, label, case_reason(case)))
    outcomes += suite_verdicts(name, ktap)
    missing = known.missing_cases(run, ktap)
    outcomes += missing_outcomes(name, missing, cause)
    if not missing and not cause:
        outcomes += unreported_outcomes(run, ktap)
    if run.status == FAILED and not any(o.status == "FAIL" for o in outcomes):
        outcomes.append(Outcome("FAIL", name, "(run)",
                                "the kernel reported a failure but no case failed"))
    return outcomes


def nm_command(env=None):
    """The nm that reads the kernel's symbols: $NM, else ${CROSS}nm, with
    the Makefile's default CROSS (the Makefile exports both to `make test`)."""
    env = os.environ if env is None else env
    return env.get("NM") or env.get("CROSS", "i686-linux-gnu-") + "nm"


@functools.lru_cache(maxsize=None)
def registered_cases(kernel):
    """The cases a kernel registers and runs without test= (KTEST and
    KTEST_EXPECT_PANIC: their descriptors are named __ktest_<suite>_<case>;
    the manual ones __ktest_manual_<suite>_<case>), as the <suite>_<case>
    part, from its symbol table."""
    out = subprocess.run([nm_command(), kernel], capture_output=True,
                         text=True, check=True).stdout
    symbols = (line.split()[-1] for line in out.splitlines())
    return frozenset(s[len("__ktest_"):] for s in symbols
                     if s.startswith("__ktest_") and not s.startswith("__ktest_manual_"))


def unreported_outcomes(run, ktap):
    """A boot that ran every case (no test=) must report each case the
    kernel registered: none may vanish from the plan unnoticed.  A boot
    that selects cases must run at least one."""
    name = run.config.name
    reported = {f"{suite.name}_{case.name}" for suite, case in ktap.cases()}
    if not reported:
        return [Outcome("FAIL", name, "(ktap)", "the boot ran no test case")]
    if "test=" in run.boot.cmdline or not run.kernel:
        return []
    try:
        registered = registered_cases(run.kernel)
    except (OSError, subprocess.CalledProcessError) as e:
        return [Outcome("FAIL", name, "(ktap)", f"cannot read {run.kernel}'s symbols: {e}")]
    return [Outcome("FAIL", name, case, "registered in the kernel, missing from its KTAP")
            for case in sorted(registered - reported)]


def suite_verdicts(name, ktap):
    """A complete suite reported `not ok` although none of its cases failed."""
    return [Outcome("FAIL", name, suite.name, "the suite reported not ok")
            for suite in ktap.suites
            if suite.result and not suite.result.ok and not suite.missing()
            and all(c.ok or c.skipped for c in suite.cases)]


def missing_outcomes(name, missing, cause):
    """Failures for what a boot never reported: the first missing case is
    the one that was running when the boot ended."""
    if not missing:
        return [Outcome("FAIL", name, "(run)", cause)] if cause else []
    first_label = missing[0][0]
    outcomes = []
    for i, (label, note) in enumerate(missing):
        if i == 0:
            why = cause or "no result: the kernel stopped reporting here"
        else:
            why = f"not run after {cause or 'the end of the output'} in {first_label}"
        outcomes.append(Outcome("FAIL", name, label, f"{note}: {why}" if note else why))
    return outcomes


def panic_outcome(run):
    """The report line of a boot that must end in a panic (`panic`)."""
    message = run.config.log_text or ""
    label = f'boot panics with "{message}"'
    if run.status != PANIC:
        return Outcome("FAIL", run.config.name, label, f"the boot ended: {run.verdict}")
    if message not in run.text:
        return Outcome("FAIL", run.config.name, label,
                       f"panicked with: {panic_message(run.text)}")
    return Outcome("ok", run.config.name, label)


def expected_panic_outcome(run):
    """The report line of one expected-panic case booted on its own."""
    label, message = run.boot.panic_case
    case = label.partition(".")[2]
    name = run.config.name
    if run.status != PANIC:
        return Outcome("FAIL", name, label,
                       f'expected panic "{message}", but the boot ended: {run.verdict}')
    start = run.text.find(f'# {case}: expecting panic "{message}"')
    if start < 0:
        return Outcome("FAIL", name, label,
                       f"the kernel never started the case: {ending(run)}")
    if message not in run.text[run.text.find("\n", start) + 1:]:
        return Outcome("FAIL", name, label,
                       f'expected panic "{message}", got: {panic_message(run.text)}')
    problems = ktap_problems(run.text)
    if problems:
        return Outcome("FAIL", name, label,
                       "the KTAP is incomplete after the panic: " + "; ".join(problems))
    return Outcome("ok", name, label)


def selfcheck_outcome(run):
    """The report line of a self-check: did the runner see what was broken?
    The boot must have reached the suite of the case its test= names
    (selfcheck.*, or a real case run with a bug switched on)."""
    ktap = run.ktap
    want = run.config.expect
    label = run.boot.cmdline.partition("test=")[2].split(" ")[0] or run.config.name
    suite = label.partition(".")[0]     # the suite of the broken case
    if ktap is None or suite not in (s.name for s in ktap.suites):
        return Outcome("FAIL", run.config.name, label,
                       f"the boot never reached the {suite} suite ({run.verdict})")
    seen = classify(run, ktap)
    if seen != want:
        return Outcome("FAIL", run.config.name, label,
                       f'the runner classified the boot as "{seen}", expected "{want}"')
    return Outcome("ok", run.config.name, label)


def stress_outcome(run):
    """The report line of a stress run, or of its self-check (stress_verdicts.py)."""
    want = "stress-passed" if run.config.expect == "stress" else "stress-corruption"
    seen = stress_class(run)
    label = "stress" + (f" (seed {stress_seed(run)})" if stress_seed(run) else "")
    if seen == want:
        return Outcome("ok", run.config.name, label)
    return Outcome("FAIL", run.config.name, label, stress_reason(run, seen, want))


def outcomes_of(run, known):
    """The report lines of one boot."""
    if run.boot.panic_case:
        return [expected_panic_outcome(run)]
    if run.config.expect == "panic":
        return [panic_outcome(run)]
    if run.config.expect in SELFCHECK_KINDS:
        return [selfcheck_outcome(run)]
    if run.config.expect in STRESS_KINDS:
        outcomes = [stress_outcome(run)]
    else:
        outcomes = ktap_outcomes(run, known)
    if run.config.log_text and run.config.log_text not in run.text:
        outcomes.append(Outcome("FAIL", run.config.name, "(log)",
                                f'the serial log lacks "{run.config.log_text}"'))
    return outcomes
