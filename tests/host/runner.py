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

GDB lines (`gdb`) run tests/host/gdb_test.py instead of tools/run: it boots the
kernel under gdb, checks the hilo-* GDB commands at breakpoints and writes
its verdicts as KTAP to the same log, read like a boot's.

Python 3 standard library only.
"""

import argparse
import fnmatch
import functools
import os
import re
import shlex
import subprocess
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Optional

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MATRIX = os.path.join(ROOT, "tests", "matrix")
TOOLS_RUN = os.path.join(ROOT, "tools", "run")
GDB_TEST = os.path.join(ROOT, "tests", "host", "gdb_test.py")

# tools/run's exit statuses.
PASSED, FAILED, PANIC, RESET, TIMEOUT, QEMU_ERROR = range(6)

KTAP_KINDS = ("ktap", "ktap+panics")
SELFCHECK_KINDS = ("failed-case", "unexpected-panic", "timeout",
                   "triple-fault", "incomplete-plan")
EXPECT_KINDS = KTAP_KINDS + ("panic", "gdb") + SELFCHECK_KINDS


# ---------------------------------------------------------------- the matrix

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
        if not eq or key not in ("log", "cmdline", "kernel"):
            raise MatrixError(f"{where}: unknown option {option!r} (log=, cmdline=, kernel=)")
        if key == "kernel" and value not in ("debug", "plain"):
            raise MatrixError(f"{where}: kernel must be debug or plain, not {value!r}")
        setattr(config, "log_text" if key == "log" else key, value)
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


# ---------------------------------------------------------------- KTAP

VERSION_RE = re.compile(r"K?TAP version \d+")
PLAN_RE = re.compile(r"1\.\.(\d+)")
RESULT_RE = re.compile(r"(ok|not ok) (\d+)(?: (.*))?")
SUBTEST_RE = re.compile(r"# Subtest: (\S+)")
DIAG_RE = re.compile(r"# \S+: ")
PANIC_RE = re.compile(r"Kernel panic - not syncing: (.*)")
SEE_LOG_RE = re.compile(r" \(see [^)]*\)$")     # tools/run's pointer to the log
EXPECTS_PANIC_RE = re.compile(r'SKIP expects panic "(.*)": boot with test=(\S+)')


@dataclass
class Result:
    """One `ok`/`not ok` line, with the diagnostics printed before it: a list
    of blocks, each a `# case: ...` line and its deeper-indented lines."""
    number: int
    ok: bool
    name: str
    directive: str = ""
    diagnostics: list = field(default_factory=list)

    @property
    def skipped(self):
        return self.directive.upper().startswith("SKIP")


@dataclass
class Suite:
    """A subtest of the top level: hilo's KTAP has two levels."""
    name: Optional[str] = None
    plan: Optional[int] = None
    cases: list = field(default_factory=list)
    result: Optional[Result] = None

    def missing(self):
        """How many results the plan announced that never came."""
        return max((self.plan or 0) - len(self.cases), 0)


@dataclass
class Ktap:
    """The top level: its plan (the number of suites) and the suites."""
    plan: Optional[int] = None
    suites: list = field(default_factory=list)

    def missing_suites(self):
        return max((self.plan or 0) - len(self.suites), 0)

    def incomplete(self):
        return (self.plan is None or self.missing_suites() > 0
                or any(s.plan is None or s.missing() for s in self.suites))

    def failed(self):
        return any(not c.ok and not c.skipped for _, c in self.cases())

    def cases(self):
        """Every reported case, as (suite, case) pairs."""
        return [(s, c) for s in self.suites for c in s.cases]


def parse_result(body):
    """A Result from an `ok`/`not ok` line, or None for any other line."""
    m = RESULT_RE.fullmatch(body)
    if not m:
        return None
    name, _, directive = (m.group(3) or "").partition(" # ")
    if name.startswith("# "):
        name, directive = "", name[2:]
    return Result(int(m.group(2)), m.group(1) == "ok", name.strip(), directive.strip())


class KtapParser:
    """Reads KTAP out of a serial log, ignoring every line it does not know
    (boot messages before `KTAP version 1`, stray kernel messages)."""

    def __init__(self):
        self.ktap = None
        self.suite = None        # the open subtest
        self.diagnostics = []    # blocks for the next case result

    def feed(self, raw):
        line = raw.rstrip()
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        if self.ktap is None:
            if indent == 0 and VERSION_RE.fullmatch(body):
                self.ktap = Ktap()
        elif indent == 0:
            self.top_line(body)
        elif indent == 4:
            self.suite_line(body)
        elif self.diagnostics:
            self.diagnostics[-1].append(body)

    def top_line(self, body):
        plan = PLAN_RE.fullmatch(body)
        if plan and self.ktap.plan is None:
            self.ktap.plan = int(plan.group(1))
            return
        result = parse_result(body)
        if result is None:
            return
        if self.suite is None:       # a suite that printed no subtest block
            self.suite = Suite(result.name)
            self.ktap.suites.append(self.suite)
        self.suite.result = result
        self.suite = None

    def open_suite(self):
        if self.suite is None:
            self.suite = Suite()
            self.ktap.suites.append(self.suite)
        return self.suite

    def suite_line(self, body):
        if VERSION_RE.fullmatch(body):
            self.suite, self.diagnostics = None, []
            self.open_suite()
        elif m := SUBTEST_RE.fullmatch(body):
            self.open_suite().name = m.group(1)
        elif m := PLAN_RE.fullmatch(body):
            self.open_suite().plan = int(m.group(1))
        elif result := parse_result(body):
            result.diagnostics, self.diagnostics = self.diagnostics, []
            self.open_suite().cases.append(result)
        elif DIAG_RE.match(body):
            self.diagnostics.append([body[2:]])
        elif self.diagnostics:
            self.diagnostics[-1].append(body)


def parse_ktap(text):
    """The KTAP in a serial log, or None when it has none."""
    parser = KtapParser()
    for line in text.splitlines():
        parser.feed(line)
    return parser.ktap


def panic_message(text):
    m = PANIC_RE.search(text)
    return m.group(1).strip() if m else None


# ---------------------------------------------------------------- boots

@dataclass(eq=False)
class Boot:
    """One boot to do: a matrix line, or one expected-panic case of it."""
    config: Config
    cmdline: str
    log: str
    panic_case: Optional[tuple] = None     # (label, message) to expect


@dataclass
class Run:
    """A finished boot."""
    boot: Boot
    status: int
    verdict: str        # tools/run's last line, without "hilo: "
    stderr: str
    seconds: float
    text: str           # the serial log
    kernel: str = ""    # the kernel.elf it booted

    @property
    def config(self):
        return self.boot.config

    @functools.cached_property
    def ktap(self):
        return parse_ktap(self.text)


def kernel_path(config, build):
    """The kernel a matrix line boots: the test build or the plain one."""
    return os.path.join(build, "debug" if config.kernel == "debug" else "", "kernel.elf")


def boot_env(boot, build):
    env = dict(os.environ)
    env.update(BUILD=build, MEM=boot.config.mem, CPU=boot.config.cpu, SMP="1",
               ACCEL="tcg", BOOT=boot.config.boot, CMDLINE=boot.cmdline,
               LOG=boot.log, TIMEOUT=str(boot.config.timeout), GDB_PORT="",
               QEMU_EXTRA="", KERNEL=kernel_path(boot.config, build))
    return env


# A boot whose tools/run never returns (it hung before QEMU started) is
# killed this long after the matrix line's own timeout.
RUN_GRACE_SECONDS = 120


def run_boot(boot, build):
    """Boot once through tools/run (tests/host/gdb_test.py for a gdb line, which
    takes the same environment) and collect what happened.  A boot that
    cannot even be started is a QEMU_ERROR run saying why, never an
    exception that would stop the whole matrix."""
    start = time.monotonic()
    program = GDB_TEST if boot.config.expect == "gdb" else TOOLS_RUN
    try:
        proc = subprocess.run([program], env=boot_env(boot, build), cwd=ROOT,
                              stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, errors="replace",
                              timeout=boot.config.timeout + RUN_GRACE_SECONDS)
        returncode, stderr = proc.returncode, proc.stderr
    except (OSError, subprocess.TimeoutExpired) as e:
        returncode, stderr = QEMU_ERROR, f"hilo: could not run {program}: {e}"
    seconds = time.monotonic() - start
    verdicts = [SEE_LOG_RE.sub("", l[6:]) for l in stderr.splitlines()
                if l.startswith("hilo: ")]
    try:
        with open(boot.log, errors="replace") as f:
            text = f.read()
    except FileNotFoundError:
        text = ""
    status = returncode if 0 <= returncode <= QEMU_ERROR else QEMU_ERROR
    return Run(boot, status, verdicts[-1] if verdicts else stderr.strip(),
               stderr, seconds, text, kernel_path(boot.config, build))


def triple_faulted(run):
    return run.status == RESET and "TRIPLE FAULT" in run.verdict


def ending(run):
    """How a boot ended when the kernel gave no verdict of its own, or None."""
    if run.status == PANIC:
        return f"kernel panic: {panic_message(run.text) or '(no panic message)'}"
    if run.status == RESET:
        return "triple fault" if triple_faulted(run) else "CPU reset"
    if run.status == TIMEOUT:
        return f"timeout after {run.config.timeout} s"
    if run.status == QEMU_ERROR:
        qemu_says = [l for l in run.stderr.splitlines() if not l.startswith("hilo: ")]
        return f"QEMU failed: {qemu_says[0] if qemu_says else run.verdict}"
    return None


def classify(run, ktap):
    """The one word a self-check compares with the matrix."""
    by_status = {PANIC: "unexpected-panic", TIMEOUT: "timeout",
                 QEMU_ERROR: "qemu-error",
                 RESET: "triple-fault" if triple_faulted(run) else "cpu-reset"}
    if run.status in by_status:
        return by_status[run.status]
    if ktap is None:
        return "no-ktap"
    if ktap.incomplete():
        return "incomplete-plan"
    if ktap.failed():
        return "failed-case"
    return "passed"


# ---------------------------------------------------------------- verdicts

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


@functools.lru_cache(maxsize=None)
def registered_cases(kernel):
    """The cases a kernel registers and runs without test= (KTEST and
    KTEST_EXPECT_PANIC: their descriptors are named __ktest_<case>; the
    manual ones __ktest_manual_<case>), from its symbol table."""
    out = subprocess.run(["i686-linux-gnu-nm", kernel], capture_output=True,
                         text=True, check=True).stdout
    symbols = (line.split()[-1] for line in out.splitlines())
    return frozenset(s[len("__ktest_"):] for s in symbols
                     if s.startswith("__ktest_") and not s.startswith("__ktest_manual_"))


def unreported_outcomes(run, ktap):
    """A boot that ran every case (no test=) must report each case the
    kernel registered: none may vanish from the plan unnoticed.  A boot
    that selects cases must run at least one."""
    name = run.config.name
    reported = {case.name for _, case in ktap.cases()}
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
    return Outcome("ok", name, label)


def selfcheck_outcome(run):
    """The report line of a self-check: did the runner see what was broken?"""
    ktap = run.ktap
    want = run.config.expect
    label = run.boot.cmdline.partition("test=")[2].split(" ")[0] or run.config.name
    if ktap is None or "selfcheck" not in (s.name for s in ktap.suites):
        return Outcome("FAIL", run.config.name, label,
                       f"the boot never reached the selfcheck suite ({run.verdict})")
    seen = classify(run, ktap)
    if seen != want:
        return Outcome("FAIL", run.config.name, label,
                       f'the runner classified the boot as "{seen}", expected "{want}"')
    return Outcome("ok", run.config.name, label)


def outcomes_of(run, known):
    """The report lines of one boot."""
    if run.boot.panic_case:
        return [expected_panic_outcome(run)]
    if run.config.expect == "panic":
        return [panic_outcome(run)]
    if run.config.expect in SELFCHECK_KINDS:
        return [selfcheck_outcome(run)]
    outcomes = ktap_outcomes(run, known)
    if run.config.log_text and run.config.log_text not in run.text:
        outcomes.append(Outcome("FAIL", run.config.name, "(log)",
                                f'the serial log lacks "{run.config.log_text}"'))
    return outcomes


# ---------------------------------------------------------------- scheduling

QEMU_OVERHEAD_MIB = 256     # host memory a QEMU needs besides guest RAM
HOST_RESERVE_MIB = 1024     # host memory the boots leave to everything else


def guest_mib(mem):
    """QEMU's -m value in MiB (a bare number is MiB), 0 when malformed:
    QEMU will say so."""
    m = re.fullmatch(r"(\d+)([KMGT]?)B?", mem.upper())
    if not m:
        return 0
    scale = {"K": 1 / 1024, "": 1, "M": 1, "G": 1024, "T": 1024 * 1024}
    return int(int(m.group(1)) * scale[m.group(2)])


def host_mib_available():
    """The host's MemAvailable in MiB, or None when unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def boot_mib(boot):
    return guest_mib(boot.config.mem) + QEMU_OVERHEAD_MIB


class Matrix:
    """Boots the selected configurations, -j at a time and never more guest
    RAM at once than the host has available (the tests touch every page, and
    two 16 GiB guests on a 24 GiB host end in the OOM killer).  The
    expected-panic cases of the ktap+panics configuration are queued when
    it finishes."""

    def __init__(self, configs, build, jobs, memory_mib=None):
        self.configs = configs
        self.build = build
        self.jobs = jobs
        self.memory_mib = memory_mib if memory_mib is not None else float("inf")
        self.logdir = os.path.join(build, "test-logs")
        self.runs = []
        self.queued = 0

    def log_path(self, config, selection=None):
        stem = config.name if selection is None else f"{config.name}.{selection}"
        return os.path.join(self.logdir, stem + ".log")

    def remove_old_logs(self):
        os.makedirs(self.logdir, exist_ok=True)
        for config in self.configs:
            for f in os.listdir(self.logdir):
                if f.startswith(config.name + "."):
                    os.remove(os.path.join(self.logdir, f))

    def first_boots(self):
        """The matrix lines, the ktap+panics one first so that its
        expected-panic boots overlap with the others."""
        order = sorted(self.configs, key=lambda c: c.expect != "ktap+panics")
        return [Boot(c, c.cmdline, self.log_path(c)) for c in order]

    def follow_ups(self, run):
        if run.config.expect != "ktap+panics" or run.boot.panic_case:
            return []
        ktap = run.ktap
        return [Boot(run.config, f"test={selection}",
                     self.log_path(run.config, selection), (label, message))
                for label, message, selection in (expected_panics(ktap) if ktap else [])]

    def startable(self, ready, running):
        """The ready boots that may start now, in order: the first that fits
        next to the running ones; a boot too big for the host runs alone."""
        started = []
        in_use = sum(boot_mib(b) for b in running)
        for boot in ready:
            if len(running) + len(started) >= self.jobs:
                break
            if not running and not started or in_use + boot_mib(boot) <= self.memory_mib:
                started.append(boot)
                in_use += boot_mib(boot)
        return started

    def progress(self, run):
        what = run.config.name
        if run.boot.panic_case:
            what += " " + run.boot.panic_case[0]
        print(f"[{len(self.runs):2}/{self.queued}] {what} ({run.seconds:.0f} s):"
              f" {run.verdict}", file=sys.stderr, flush=True)

    def run(self):
        """Boot everything; returns the runs in report order."""
        self.remove_old_logs()
        ready = self.first_boots()
        self.queued = len(ready)
        running = {}        # future -> Boot
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            while ready or running:
                for boot in self.startable(ready, list(running.values())):
                    ready.remove(boot)
                    running[pool.submit(run_boot, boot, self.build)] = boot
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    del running[future]
                    run = future.result()
                    self.runs.append(run)
                    self.progress(run)
                    follow_ups = self.follow_ups(run)
                    ready += follow_ups
                    self.queued += len(follow_ups)
        return self.ordered_runs()

    def ordered_runs(self):
        """The runs in matrix order, each configuration's panic boots after it."""
        rank = {c.name: i for i, c in enumerate(self.configs)}
        return sorted(self.runs, key=lambda r: (rank[r.config.name],
                                                r.boot.panic_case is not None,
                                                r.boot.log))


# ---------------------------------------------------------------- report

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
