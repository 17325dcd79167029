"""tests/host/schedule.py: booting the selected configurations.

Contract: Matrix(configs, build, jobs, memory_mib).run() boots every
configuration, at most `jobs` vCPUs at a time (a boot with smp=N takes N
of the -j slots, at most all) and never more guest RAM (plus
QEMU's own) at once than memory_mib, except a boot too big for it, which
runs alone; it removes the configurations' old logs first, queues the
expected-panic cases of the ktap+panics configuration when that boot
ends, prints one progress line per finished boot on stderr and returns
the Runs in matrix order, each configuration's expected-panic boots after
it.  host_mib_available() is the host's MemAvailable in MiB.
"""

import os
import re
import sys
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from boot import Boot, run_boot
from verdicts import expected_panics

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
        expected-panic boots overlap with the others, then the multi-CPU
        ones (the longest)."""
        order = sorted(self.configs, key=lambda c: (c.expect != "ktap+panics", -c.smp))
        return [Boot(c, c.cmdline, self.log_path(c)) for c in order]

    def follow_ups(self, run):
        if run.config.expect != "ktap+panics" or run.boot.panic_case:
            return []
        ktap = run.ktap
        return [Boot(run.config, f"test={selection}",
                     self.log_path(run.config, selection), (label, message))
                for label, message, selection in (expected_panics(ktap) if ktap else [])]

    def slots(self, boot):
        """The -j slots a boot takes: one per vCPU (each is a host thread
        under multi-threaded TCG), at most all of them."""
        return min(boot.config.smp, self.jobs)

    def startable(self, ready, running):
        """The ready boots that may start now, in order: those that fit next
        to the running ones in -j slots and in memory; a boot too big for
        the host runs alone."""
        started = []
        in_use = sum(boot_mib(b) for b in running)
        slots = sum(self.slots(b) for b in running)
        for boot in ready:
            if slots >= self.jobs:
                break
            idle = not running and not started
            if idle or (slots + self.slots(boot) <= self.jobs and
                        in_use + boot_mib(boot) <= self.memory_mib):
                started.append(boot)
                in_use += boot_mib(boot)
                slots += self.slots(boot)
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
