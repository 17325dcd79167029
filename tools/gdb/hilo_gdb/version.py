"""hilo-version: the running kernel's build id and banner, and whether the
ELF gdb loaded is that kernel (buildid.py)."""

import gdb

from . import buildid, dmesg
from .command import Command
from .errors import HiloError

BANNER_LINES = 3        # "hilo: build ...", "hilo: booted by ...", "hilo: command line: ..."


class VersionCommand(Command):
    """The running kernel's build id against the loaded ELF's: hilo-version

Reads hilo_build_id (the link's date and time and a hash of its objects,
include/hilo/build_id.h) from the target's memory, at the address the ELF
gives, and from the ELF file itself, and compares them; then prints the
kernel's banner from its log.  When they differ, every other hilo-*
command refuses until the right ELF is loaded (`file build/debug/kernel.elf`,
the test build, or `file build/kernel.elf`, the plain one).

  (gdb) hilo-version
  running kernel  2026-12-02T04:01:19Z ff5dc91691cd  (hilo_build_id at 0xc0155300)
  loaded ELF      2026-12-02T04:01:19Z ff5dc91691cd  build/debug/kernel.elf
  match: yes
  hilo: build 2026-12-02T04:01:19Z ff5dc91691cd
  hilo: booted by qemu
  hilo: command line: build/debug/kernel.elf test=gdbscenario.local_and_pool"""

    name = "hilo-version"
    needs_matching_elf = False

    def run(self, args):
        self.expect_args(args, 0, 0)
        path = buildid.elf_path()
        if not path:
            raise HiloError("no ELF loaded: file build/kernel.elf (or build/debug/kernel.elf)")
        address = buildid.symbol_address()
        if address is None:
            raise HiloError(f"{path} has no {buildid.SYMBOL}: a kernel built before build ids?")
        status = buildid.check()
        if status is None:
            raise HiloError(f"cannot read the running kernel's memory at {address:#x} "
                            "(no target, or paging not on yet)")
        gdb.write(f"running kernel  {status.running_id or '(no build id found)'}  "
                  f"({buildid.SYMBOL} at {address:#x})\n")
        gdb.write(f"loaded ELF      {status.elf_id or '(none)'}  {buildid._shown(path)}\n")
        if not status.matches:
            gdb.write(f"match: NO: {buildid.mismatch_message(status)}\n")
            return
        gdb.write("match: yes\n")
        banner = [l for l in dmesg.log_text().splitlines() if l.startswith("hilo: ")]
        gdb.write("".join(l + "\n" for l in banner[:BANNER_LINES]))
