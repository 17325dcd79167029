"""hilo_gdb: the hilo-* GDB commands (entry point: tools/gdb/hilo.py).

    errors    HiloError, the error a user can fix
    buildid   is the loaded ELF the running kernel? (hilo_build_id)
    layout    constants of the memory layout, from the build's asm-offsets.py
    target    memory access: virtual, physical (QEMU's gdbstub), gdb values
    kernel    kernel structures through DWARF: tasks, lists, struct page
    ready     what the boot has set up yet: the not-ready messages
    smp       several CPUs: the selected thread's CPU, percpu[], apic_ids[]
    cpuarg    the `cpu N` argument: select that CPU's vCPU
    regions   names of the kernel's virtual regions
    procs     processes: tasks with an mm, their PDPT, VMAs, zones of frames
    pgtable   the PAE page tables: entries, the walk of one address, every
              mapping of a range
    procwalk  a process's tables (hilo-walk pid N, cr3 VALUE): its present pages
    walk      hilo-walk: one address, from a CPU's CR3 or a process's tables
    mappings  hilo-mappings: a range dump, merged into named runs
    page      hilo-page: a page frame and its conversions
    pkmap     hilo-pkmap: the kmap pool and its invariants
    kmap_local  hilo-kmap-local: a task's kmap_local stack
    cpus      hilo-cpus: the online CPUs
    tasks     hilo-tasks
    ps        hilo-ps: the processes, their mms, RSS and page tables by zone
    dmesg     hilo-dmesg
    meminfo   hilo-meminfo: the zones, the buddy free lists, highmem, the kmap pool
    cmdline   hilo-cmdline: the parsed command line and its raw text
    qemu      hilo-sstep-irq: interrupts while single-stepping
    functions $hilo_current(), $hilo_per_cpu(), $hilo_task(), $hilo_page()
    bt        hilo-bt: a switched-out task's backtrace
    version   hilo-version: the running kernel's build id and banner
"""

import importlib
import sys

# Modules in dependency order: each is (re)loaded after those it imports
# (no module imports one after it: the imports form no cycle), once per
# load(), so that every command class exists exactly once.
MODULES = ("errors", "buildid", "layout", "target", "command", "kernel", "ready", "smp", "cpuarg",
           "regions", "procs", "pgtable", "procwalk", "walk",
           "mappings", "pkmap", "kmap_local", "cpus", "page", "tasks", "ps", "dmesg", "qemu",
           "meminfo", "cmdline", "functions", "bt", "version")


def load():
    """Import every module, or reload them all when a previous load()
    imported them (after an edit), and register the commands."""
    modules = []
    for name in MODULES:
        full = f"{__name__}.{name}"
        old = sys.modules.get(full)
        modules.append(importlib.reload(old) if old else importlib.import_module(full))
    modules[MODULES.index("command")].register_all()
