"""hilo-dmesg: the kernel log buffer, readable after a hang.

log_buf is a ring of LOG_BUF_SIZE bytes (its size comes from the array's
type) and log_head counts every byte ever written, so the text is the
last min(log_head, LOG_BUF_SIZE) bytes, oldest first.
"""

import gdb

from . import kernel, target
from .command import Command


def log_text():
    """The log buffer's contents in order, as text."""
    buf = kernel.sym("log_buf")
    size = buf.type.sizeof
    head = int(kernel.sym("log_head"))
    raw = target.read_virt(int(buf.address), size)
    kept = raw[:head] if head <= size else raw[head % size:] + raw[:head % size]
    return kept.decode("latin-1")


class DmesgCommand(Command):
    """Print the kernel log buffer: hilo-dmesg [LINES]

The whole of log_buf (the last LOG_BUF_SIZE bytes written), or only its
last LINES lines.  Works whatever state the kernel is in: it only reads
memory.

  (gdb) hilo-dmesg 3
      # Subtest: gdbscenario
      1..1
  gdbscenario: local maps done"""

    name = "hilo-dmesg"
    usage = "[LINES]"

    def run(self, args):
        self.expect_args(args, 0, 1)
        if args and not (args[0].isdigit() and int(args[0]) > 0):
            raise self.usage_error(f"LINES must be a positive number, not {args[0]!r}")
        text = log_text()
        if not text:
            gdb.write("(the log buffer is empty)\n")
            return
        lines = text.splitlines()
        if args:
            lines = lines[-int(args[0]):]
        gdb.write("\n".join(lines) + "\n")
