"""HiloError: a problem with a command's arguments or with the target that
the user can fix.  Every module raises it; command.Command turns it into
one gdb error line ("hilo-walk: ...").  It has a module of its own so that
the modules below command (layout, target) can raise it without importing
command, which imports them.
"""


class HiloError(Exception):
    """A problem with the arguments or the target, told to the user."""
