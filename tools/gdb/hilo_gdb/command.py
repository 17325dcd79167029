"""The base of every hilo-* command: argument parsing and error reporting.

A command is a subclass of Command with a `name`, a docstring (gdb shows
it as the command's help: first line a summary, then usage and an
example of the output) and a `run(args)` method that gets the arguments
split as by a shell.  Errors the user can fix are raised as HiloError
(errors.py) and reach the user as one gdb error line, "hilo-walk: ...".
"""

import gdb

from . import buildid
from .errors import HiloError
from .target import paging_on


class Command(gdb.Command):
    """Base class: subclasses set `name`, a docstring and `run(args)`."""

    name = None
    usage = ""          # the argument synopsis, for error messages
    needs_matching_elf = True   # refuse when the loaded ELF is not the running kernel

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        try:
            if self.needs_matching_elf:
                buildid.require_match()
            self.run(gdb.string_to_argv(arg))
        except HiloError as e:
            raise gdb.GdbError(f"{self.name}: {e}") from None
        except gdb.MemoryError as e:
            raise gdb.GdbError(f"{self.name}: cannot read target memory: {e}"
                               f"{_memory_hint()}") from None

    def run(self, args):
        raise NotImplementedError

    def usage_error(self, why):
        """A HiloError that states what was wrong and the synopsis."""
        return HiloError(f"{why}\nusage: {self.name} {self.usage}".rstrip())

    def expect_args(self, args, low, high):
        """Check the argument count is in [low, high]."""
        if not low <= len(args) <= high:
            raise self.usage_error(f"expected {low}" + ("" if low == high else f" to {high}")
                                   + f" argument{'s' if high != 1 else ''}, got {len(args)}")

    def summary(self):
        return (self.__doc__ or "").strip().splitlines()[0]


def _memory_hint():
    """Why kernel memory may be unreadable: paging not on yet, on the boot
    CPU or on the selected vCPU (gdb reads memory through the selected
    thread's vCPU, and an AP not started yet is in real mode)."""
    try:
        if paging_on():
            return ""
        thread = gdb.selected_thread()
        if thread.num != 1 and len(gdb.selected_inferior().threads()) > 1:
            return (f" (paging is off on gdb's thread {thread.num}: a CPU not started yet? "
                    "select a running one, e.g. `thread 1`)")
        return " (paging is not on yet: continue to start_kernel first)"
    except (gdb.error, HiloError):
        return ""


def eval_int(expr, what="an address"):
    """The integer value of a gdb expression (number, symbol, register,
    pointer), or a HiloError naming what was expected."""
    try:
        value = gdb.parse_and_eval(expr)
    except gdb.error as e:
        raise HiloError(f"{expr!r} is not {what}: {e}") from None
    code = value.type.strip_typedefs().code
    if code in (gdb.TYPE_CODE_ARRAY, gdb.TYPE_CODE_FUNC):
        value = value.address
    elif code not in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_PTR, gdb.TYPE_CODE_ENUM,
                      gdb.TYPE_CODE_BOOL, gdb.TYPE_CODE_CHAR):
        raise HiloError(f"{expr!r} is a {value.type}, not {what}")
    return int(value)


class Overview(Command):
    """List the hilo-* commands: `hilo`.  `help hilo-COMMAND` tells more."""

    name = "hilo"
    needs_matching_elf = False

    def run(self, args):
        self.expect_args(args, 0, 0)
        commands = sorted((c for c in _instances if c is not self), key=lambda c: c.name)
        width = max(len(c.name) for c in commands)
        gdb.write("hilo's GDB commands (help NAME for details):\n")
        for c in commands:
            gdb.write(f"  {c.name:<{width}}  {c.summary()}\n")


_instances = []


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def register_all():
    """Create (or recreate, after a reload) every command."""
    _instances.clear()
    _instances.extend(cls() for cls in _subclasses(Command) if cls.name)
