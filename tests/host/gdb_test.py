#!/usr/bin/env python3
"""tests/host/gdb_test.py: the GDB test of `make test` (matrix lines of kind gdb).

Boots the kernel paused through tools/run with QEMU's gdbstub on a free
port of 127.0.0.1, runs `gdb -batch` on it with hilo's commands
(tools/gdb/hilo.py) and the checks of the scenario its command line
selects: tests/host/gdb_checks.py for gdbscenario.local_and_pool, which
stop the kernel in kmap_local_page, kunmap_local, flush_all_zero_pkmaps and
kmap_local_sched_in and compare what the hilo-* commands print with what
the kernel recorded, hilo-cpus with percpu[]; tests/host/gdb_process_checks.py
for gdbscenario.process, which stops in gdbs_processes_ready and in a
real program's sys_nanosleep and checks hilo-ps and hilo-walk pid/cr3
against each mm and its tables read physically.
Then writes the outcome as KTAP to $LOG, where tests/host/runner.py reads
it like a boot's:

    KTAP version 1
    1..1
        KTAP version 1
        # Subtest: gdb
        1..N
        ok 1 gdb_commands_registered_with_help
        # gdb_walk_prints_saved_pteval: at kmap_local_page: walk 0x... != pteval 0x...
        not ok 2 gdb_walk_prints_saved_pteval
        ...
    not ok 1 gdb

A check fails when a command raises an error, prints nothing or disagrees
with the kernel; a case whose breakpoint was never reached fails too.

Inputs: the environment of tools/run (BUILD, KERNEL, MEM, CPU, SMP, CMDLINE,
TIMEOUT, LOG...).  The number of CPUs QEMU gets is `--smp N` on the
command line, else SMP (tools/run's, default 1; the runner sets it from a
matrix line's smp=N).  The checks get it as GDBTEST_SMP.  Files next to
$LOG (<name>.log): <name>.serial.log the kernel's serial output, <name>.gdb.log gdb's transcript.  Exit status 0
when every case passed, 1 otherwise, 5 when gdb or QEMU could not run;
the verdict goes to stderr as "hilo: ..." like tools/run's.

Python 3 standard library only.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS_RUN = os.path.join(ROOT, "tools", "run")
HILO_GDB = os.path.join(ROOT, "tools", "gdb", "hilo.py")
CHECKS = os.path.join(ROOT, "tests", "host", "gdb_checks.py")
# The scenarios with checks of their own (test= of the command line ->
# script); any other runs CHECKS.
SCENARIO_CHECKS = {"gdbscenario.process": os.path.join(ROOT, "tests", "host",
                                                        "gdb_process_checks.py")}
SUITE = "gdb"
GRACE = 15          # seconds gdb and QEMU get beyond TIMEOUT to end
REMOTE_TIMEOUT = 30  # seconds gdb waits for a gdbstub reply (QEMU may be slow
                     # on a loaded host; gdb's default 2 s desynchronizes)


def cpu_count(argument, env):
    """The CPUs for QEMU: --smp, else SMP, else 1."""
    count = argument or env.get("SMP") or "1"
    if not str(count).isdigit() or not 1 <= int(count) <= 8:
        raise ValueError(f"the CPU count must be 1 to 8, not {count!r}")
    return int(count)


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def say(text):
    print(f"hilo: {text}", file=sys.stderr, flush=True)


def start_qemu(env, serial, port):
    """tools/run in the background, paused on the gdbstub."""
    qemu_env = dict(env, GDB_PORT=str(port), LOG=serial)
    return subprocess.Popen([TOOLS_RUN], env=qemu_env, cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def checks_script(cmdline):
    """The check script of the scenario the command line selects."""
    selection = next((w[len("test="):] for w in cmdline.split() if w.startswith("test=")), "")
    return SCENARIO_CHECKS.get(selection, CHECKS)


def run_gdb(env, kernel, port, files, timeout):
    """gdb -batch with the checks; its transcript goes to files['gdb']."""
    command = ["gdb", "-batch", "-nx", kernel,
               "-ex", "set pagination off", "-ex", f"set remotetimeout {REMOTE_TIMEOUT}",
               "-ex", f"source {HILO_GDB}",
               "-ex", f"target remote 127.0.0.1:{port}", "-x",
               checks_script(env.get("CMDLINE", ""))]
    gdb_env = dict(env, GDBTEST_RESULTS=files["results"], GDBTEST_SERIAL=files["serial"])
    with open(files["gdb"], "w") as transcript:
        try:
            return subprocess.run(command, env=gdb_env, cwd=ROOT, stdin=subprocess.DEVNULL,
                                  stdout=transcript, stderr=subprocess.STDOUT,
                                  timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            return "timeout"


def stop_qemu(qemu, timeout):
    """tools/run's status and verdict once QEMU ended (killed if it hangs)."""
    try:
        _, err = qemu.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(qemu.pid, 9)
        _, err = qemu.communicate()
    verdicts = [l[6:] for l in err.splitlines() if l.startswith("hilo: ")]
    return qemu.returncode, verdicts[-1] if verdicts else err.strip()


def read_results(path):
    """The gdb side's [[case, [failures], reached], ...], or None."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def outcomes(results, gdb_status, qemu_status, qemu_verdict, files):
    """(case, [failure reasons]) of every case, the kernel's verdict last."""
    if results is None:
        why = f"gdb ended ({gdb_status}) without results: see {files['gdb']}"
        cases = [("session_completes", [why])]
    else:
        cases = [(name, failures if reached else failures + ["never reached"])
                 for name, failures, reached in results]
    kernel = [] if qemu_status == 0 else [f"the kernel's run: {qemu_verdict}"]
    return cases + [("scenario_kernel_passes", kernel)]


def ktap(cases):
    """The KTAP text of the cases."""
    lines = ["KTAP version 1", "1..1", "    KTAP version 1", f"    # Subtest: {SUITE}",
             f"    1..{len(cases)}"]
    for nr, (name, failures) in enumerate(cases, 1):
        for reason in failures:
            first, *rest = reason.splitlines() or [""]
            lines += [f"    # {name}: {first}"] + [f"        {line}" for line in rest]
        lines.append(f"    {'not ok' if failures else 'ok'} {nr} {name}")
    failed = sum(bool(f) for _, f in cases)
    counts = f"pass:{len(cases) - failed} fail:{failed} skip:0 total:{len(cases)}"
    lines += [f"# {SUITE}: {counts}", f"{'not ok' if failed else 'ok'} 1 {SUITE}",
              f"# Totals: {counts}"]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description="The GDB test (see the module's help).")
    parser.add_argument("--smp", metavar="N", help="boot with N CPUs (default: see above)")
    args = parser.parse_args()
    env = dict(os.environ)
    try:
        smp = cpu_count(args.smp, env)
    except ValueError as e:
        say(f"gdb test: {e}")
        return 5
    env.update(SMP=str(smp), GDBTEST_SMP=str(smp))
    build = env.get("BUILD", "build")
    kernel = env.get("KERNEL") or os.path.join(build, "debug", "kernel.elf")
    log = env.get("LOG") or os.path.join(build, "test-logs", "gdb.log")
    timeout = int(env.get("TIMEOUT") or 120)
    stem = log[:-len(".log")] if log.endswith(".log") else log
    files = {"serial": stem + ".serial.log", "gdb": stem + ".gdb.log",
             "results": stem + ".results.json"}
    os.makedirs(os.path.dirname(os.path.abspath(log)), exist_ok=True)
    for path in files.values():
        if os.path.exists(path):
            os.remove(path)

    if not shutil.which("gdb"):
        say("gdb test: gdb is missing (run tools/install-deps)")
        return 5
    port = free_port()
    qemu = start_qemu(dict(env, KERNEL=kernel, TIMEOUT=str(timeout)), files["serial"], port)
    gdb_status = run_gdb(env, kernel, port, files, timeout + GRACE)
    qemu_status, qemu_verdict = stop_qemu(qemu, GRACE)

    cases = outcomes(read_results(files["results"]), gdb_status, qemu_status,
                     qemu_verdict, files)
    with open(log, "w") as f:
        f.write(ktap(cases))
    failed = [name for name, failures in cases if failures]
    if failed:
        say(f"gdb test: {len(failed)} of {len(cases)} cases FAILED (see {log})")
        return 1
    say(f"gdb test: all {len(cases)} cases passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
