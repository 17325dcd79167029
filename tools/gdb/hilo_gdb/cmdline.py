"""hilo-cmdline: the kernel command line, read live from memory: the raw
text the loader gave (boot_params.cmdline, copied by multiboot_copy) and
the table kernel/cmdline.c parsed it into (boot_cmdline: key, value or
flag, in order; a repeated key keeps its place with the last value; the
words it could not keep are counted in `dropped` and warned about in the
log)."""

import gdb

from . import kernel, ready
from .command import Command
from .errors import HiloError


def boot_cmdline():
    """kernel/cmdline.c's static table (a file-scope static: qualified
    with its file when gdb needs it)."""
    for expr in ("boot_cmdline", "'kernel/cmdline.c'::boot_cmdline"):
        try:
            return kernel.fetched(gdb.parse_and_eval(expr))
        except gdb.error:
            continue
    raise HiloError("cannot read boot_cmdline (kernel/cmdline.c): is it in this kernel?")


def params(table):
    """[(key, value or None for a flag)] of the table, in order."""
    rows = []
    for i in range(int(table["count"])):
        p = table["params"][i]
        rows.append((p["key"].string(), p["value"].string() if bool(p["has_value"]) else None))
    return rows


class CmdlineCommand(Command):
    """Show the kernel command line, parsed and raw: hilo-cmdline

The raw text is boot_params.cmdline (the loader's, copied by
multiboot_copy in kernel/multiboot.c); the table is boot_cmdline, which
cmdline_init (kernel/cmdline.c) parsed it into and cmdline_get() reads:
each parameter's key and value, or (flag) for a bare key.  Words the
parser dropped (too long, a control character, too many) are counted;
the log says which (hilo-dmesg).

  (gdb) hilo-cmdline
  raw (boot_params.cmdline): test=gdbscenario.local_and_pool hz=250 poweroff
  parsed (boot_cmdline): 3 parameters, 0 dropped
    test      gdbscenario.local_and_pool
    hz        250
    poweroff  (flag)"""

    name = "hilo-cmdline"

    def run(self, args):
        self.expect_args(args, 0, 0)
        ready.require_boot_params()
        raw = kernel.sym("boot_params")["cmdline"].string()
        table = boot_cmdline()
        rows = params(table)
        dropped = int(table["dropped"])
        gdb.write(f"raw (boot_params.cmdline): {raw if raw else '(empty)'}\n")
        if raw.strip() and not rows and not dropped:
            raise ready.not_ready("the parsed command line", "boot_cmdline is empty but the "
                                  "raw text is not", "cmdline_init",
                                  "kernel/cmdline.c, called by start_kernel in kernel/main.c")
        gdb.write(f"parsed (boot_cmdline): {len(rows)} parameter{'s' if len(rows) != 1 else ''}, "
                  f"{dropped} dropped{' (see hilo-dmesg)' if dropped else ''}\n")
        width = max((len(k) for k, _ in rows), default=0)
        for key, value in rows:
            gdb.write(f"  {key:<{width}}  {'(flag)' if value is None else value}\n")
