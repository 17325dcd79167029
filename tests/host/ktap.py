"""tests/host/ktap.py: reading KTAP out of a serial log.

Contract: parse_ktap(text) returns the KTAP that a serial log holds as a
Ktap (the top-level plan and its suites, each with its plan, its case
Results and their diagnostics), or None when the log has no `KTAP version`
line; every line that is not KTAP (boot messages, stray kernel output) is
ignored.  hilo's KTAP has two levels: suites, and cases inside them.
The KTAP stops at the first kernel panic: what the kernel prints after
one closes its plans (kernel/ktest.c: the running case, the cases and
suites not run) and is no case's real result, so a panicking boot reads
as one that stopped there (tests/host/ktap_check.py checks that closing).
panic_message(text) is the message of the log's first kernel panic, or
None.  Pure functions of text: no files, no processes.
"""

import re
from dataclasses import dataclass, field
from typing import Optional

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
        self.panicked = False    # past a panic: no more KTAP
        self.suite = None        # the open subtest
        self.diagnostics = []    # blocks for the next case result

    def feed(self, raw):
        line = raw.rstrip()
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        if self.panicked or PANIC_RE.match(body):
            self.panicked = True
        elif self.ktap is None:
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
