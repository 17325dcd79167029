"""tests/host/boot.py: one boot, through tools/run.

Contract: run_boot(boot, build) boots one Boot (a matrix line, or one
expected-panic case of it) through tools/run, or tests/host/gdb_test.py for
a gdb line, with the matrix line's settings in the environment, and returns
a Run: tools/run's exit status (PASSED ... QEMU_ERROR), its verdict line,
the serial log and the time taken.  It never raises: a boot that cannot be
started is a QEMU_ERROR run saying why.  ending(run) says in words how a
boot ended when the kernel gave no verdict of its own; classify(run, ktap)
is the one word a self-check line of the matrix is compared with.
"""

import functools
import os
import subprocess
import time
from dataclasses import dataclass
from typing import Optional

from ktap import SEE_LOG_RE, panic_message, parse_ktap
from matrix import ROOT, Config

TOOLS_RUN = os.path.join(ROOT, "tools", "run")
GDB_TEST = os.path.join(ROOT, "tests", "host", "gdb_test.py")

# tools/run's exit statuses.
PASSED, FAILED, PANIC, RESET, TIMEOUT, QEMU_ERROR = range(6)


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
    env.update(BUILD=build, MEM=boot.config.mem, CPU=boot.config.cpu, SMP=str(boot.config.smp),
               ACCEL="tcg", BOOT=boot.config.boot, CMDLINE=boot.cmdline,
               LOG=boot.log, TIMEOUT=str(boot.config.timeout), GDB_PORT="",
               QEMU_EXTRA="", KERNEL=kernel_path(boot.config, build),
               QEMU=f"qemu-system-{boot.config.qemu}")
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
