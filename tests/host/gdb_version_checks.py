"""tests/host/gdb_version_checks.py: the checks of the build id: hilo-version
against the boot banner and hilo_build_id, and with the other kernel's
ELF loaded every command and function refusing to run.
"""

import os
import re

import gdb

from gdb_common import expect, run, value

def loaded_elf():
    return gdb.current_progspace().filename


def other_elf(path):
    """The plain kernel when the test build is loaded, and the reverse."""
    head, name = os.path.split(path)
    if os.path.basename(head) == "debug":
        return os.path.join(os.path.dirname(head), name)
    return os.path.join(head, "debug", name)


def serial_build_id():
    with open(os.environ["GDBTEST_SERIAL"], errors="replace") as f:
        m = re.search(r"^hilo: build (\S+ \S+)$", f.read(), re.M)
    return m and m.group(1)


def check_version():
    """hilo-version: both ids are the one the kernel printed at boot and
    the string at &hilo_build_id; they match."""
    case = "version_matches_loaded_elf"
    out = run(case, "hilo-version") or ""
    plain = value("(const char *)&hilo_build_id").string()
    booted = serial_build_id()
    expect(case, booted == plain, f"the boot banner says build {booted!r}, "
                                    f"hilo_build_id is {plain!r}")
    expect(case, re.search(rf"^running kernel\s+{re.escape(plain)}\s", out, re.M)
             and re.search(rf"^loaded ELF\s+{re.escape(plain)}\s", out, re.M)
             and "match: yes" in out, f"hilo-version does not show {plain!r} twice:\n{out}")
    expect(case, f"hilo: build {plain}" in out, f"hilo-version lacks the banner:\n{out}")


def check_mismatched_elf():
    """With the other kernel's ELF loaded, every command and function
    refuses, naming both builds and the `file` to load; reloading the
    right ELF makes them work again."""
    case = "mismatched_elf_is_refused"
    mine = loaded_elf()
    other = other_elf(mine)
    running = value("(const char *)&hilo_build_id").string()
    if not expect(case, os.path.exists(other), f"no other kernel {other} to load"):
        return
    gdb.execute(f"file {other}", to_string=True)
    try:
        theirs = value("(const char *)&hilo_build_id").string()     # from the ELF file: memory is the other's
        del theirs
        for command in ("hilo-tasks", "hilo-bt 0", "hilo-walk 0xc0000000", "p $hilo_current()"):
            try:
                out = gdb.execute(command, to_string=True)
                expect(case, False, f"{command} with {other} loaded: no refusal, printed {out!r}")
            except gdb.error as e:
                text = str(e)
                expect(case, "the loaded ELF does not match the running kernel (built " in text
                         and f"vs {running})" in text and "file " in text
                         and os.path.relpath(mine) in text,
                         f"{command} with {other} loaded: unclear refusal {text!r}")
        out = run(case, "hilo-version") or ""
        expect(case, "match: NO" in out, f"hilo-version with {other} loaded says:\n{out}")
    finally:
        gdb.execute(f"file {mine}", to_string=True)
    out = run(case, "hilo-tasks") or ""
    expect(case, "gdbscenario" in out or " boot " in out, f"after reloading {mine}: {out!r}")
