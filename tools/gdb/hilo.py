"""hilo's GDB commands: source this file from gdb (make debug does).

    (gdb) source tools/gdb/hilo.py
    (gdb) hilo                      # the list of hilo-* commands
    (gdb) help hilo-walk            # one command's help

The commands live in the hilo_gdb package next to this file, one module
per concern.  Sourcing this file again reloads them, so an edited module
takes effect without restarting gdb.  Sourcing it explicitly (rather
than through gdb's auto-load) needs no `auto-load safe-path` setting.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import hilo_gdb  # noqa: E402

hilo_gdb.load()
