"""hilo-sstep-irq: let interrupts and timers run while single-stepping.

QEMU's gdbstub steps with interrupts and its timers masked by default
(qqemu.sstep = ENABLE|NOIRQ|NOTIMER = 0x7): a `stepi` never enters the
timer interrupt, so the switch path cannot be stepped into from a task.
Setting qemu.sstep to ENABLE alone (0x1) lets them through.
"""

import gdb

from .command import Command
from .errors import HiloError

SSTEP = {"on": 0x1, "off": 0x7}     # interrupts through / QEMU's default
MEANING = {0x1: "on: interrupts and timers run while stepping",
           0x7: "off: interrupts and timers masked while stepping, QEMU's default"}


def sstep_packet(packet):
    reply = gdb.execute(f"maintenance packet {packet}", to_string=True)
    answer = reply.rpartition("received: ")[2].strip().strip('"')
    if not answer or answer.startswith("E"):
        raise HiloError(f"QEMU's gdbstub refused {packet!r}: {reply.strip()}")
    return answer


class SstepIrqCommand(Command):
    """Let interrupts through while single-stepping: hilo-sstep-irq [on|off]

on: stepi/nexti may enter interrupt handlers (the timer tick, hence a
preemption); QEMU's timers run during the step.  off: QEMU's default,
interrupts and timers masked while stepping.  Without an argument, show
the current setting.  Same as `maintenance packet Qqemu.sstep=0x1` (on)
or `=0x7` (off)."""

    name = "hilo-sstep-irq"
    usage = "[on|off]"

    def run(self, args):
        self.expect_args(args, 0, 1)
        if args:
            if args[0] not in SSTEP:
                raise self.usage_error(f"expected on or off, not {args[0]!r}")
            sstep_packet(f"Qqemu.sstep={SSTEP[args[0]]:#x}")
        value = int(sstep_packet("qqemu.sstep"), 16)
        gdb.write(f"qemu.sstep {value:#x}: {MEANING.get(value, 'a custom setting')}\n")
