"""tests/host/ktap_check.py: is a boot's KTAP complete, as Linux reads it?

Contract: ktap_problems(text) returns the reasons the KTAP in a serial log
is not a complete result, [] when it is one.  The rules are those of
Linux's KTAP parser (tools/testing/kunit/kunit_parser.py), which reads a
log from its first `KTAP version` line, whatever the lines' indentation,
and takes every line it does not know as a diagnostic:

  - the top level is `KTAP version N` then a plan `1..N`, then N tests;
  - a test is either a result line alone (`ok|not ok NUM NAME [# ...]`)
    or a subtest: a `KTAP version` and/or `# Subtest: NAME` header, an
    optional plan, its own tests, and a result line that closes it, with
    the same NAME when the header named it;
  - a plan announces exactly how many tests follow: fewer is a crash
    ("missing expected subtest");
  - the tests of a level are numbered 1, 2, ... in order.

hilo's kernel closes its plans when it panics (kernel/ktest.c), so even a
panicking boot's KTAP must pass.  Pure function of text.
"""

import re

VERSION_RE = re.compile(r"\s*K?TAP version (\d+)$")
SUBTEST_RE = re.compile(r"\s*# Subtest: (.*)$")
PLAN_RE = re.compile(r"\s*1\.\.(\d+)")
RESULT_RE = re.compile(r"\s*(ok|not ok) (\d+) (?:- )?([^#]*?)\s*( # .*)?$")


def ktap_lines(text):
    """The classified lines from the first version line on: (kind, match)."""
    out, started = [], False
    for line in text.splitlines():
        line = line.rstrip()
        if not started:
            started = bool(VERSION_RE.match(line))
            if not started:
                continue
        for kind, rx in (("version", VERSION_RE), ("subtest", SUBTEST_RE),
                         ("plan", PLAN_RE), ("result", RESULT_RE)):
            m = rx.match(line)
            if m:
                out.append((kind, m))
                break
    return out


class _Checker:
    def __init__(self, lines):
        self.lines = lines
        self.i = 0
        self.problems = []

    def peek(self):
        return self.lines[self.i] if self.i < len(self.lines) else (None, None)

    def take(self, kind):
        if self.peek()[0] == kind:
            self.i += 1
            return self.lines[self.i - 1][1]
        return None

    def children(self, name, count):
        """A level's tests: count of them, or (no plan) up to its result."""
        n = 0
        while count is None or n < count:
            kind, m = self.peek()
            if kind is None:
                if count is not None:
                    self.problems.append(f"{name}: missing expected subtest {n + 1} of {count}")
                return
            if count is None and kind == "result" and m.group(3) == name:
                return
            n += 1
            self.test(f"{name}.{n}", n)

    def test(self, where, number):
        version = self.take("version")
        header = self.take("subtest")
        name = header.group(1).strip() if header else None
        label = name or where
        if version or header:
            plan = self.take("plan")
            self.children(label, int(plan.group(1)) if plan else None)
        result = self.take("result")
        if result is None:
            self.problems.append(f"{label}: missing result line")
            return
        if name is not None and result.group(3) != name:
            self.problems.append(f"{label}: closed by the result of {result.group(3)!r}")
        if int(result.group(2)) != number:
            self.problems.append(f"{label}: numbered {result.group(2)}, expected {number}")


def ktap_problems(text):
    """Why the KTAP of a log is not complete; [] when it is."""
    lines = ktap_lines(text)
    if not lines:
        return ["no KTAP version line"]
    checker = _Checker(lines)
    checker.take("version")
    plan = checker.take("plan")
    if plan is None:
        return ["the top level has no plan"]
    checker.children("main", int(plan.group(1)))
    if checker.peek()[0] is not None:
        kind, m = checker.peek()
        checker.problems.append(f"main: more after its {plan.group(1)} tests: {m.group(0).strip()!r}")
    return checker.problems
