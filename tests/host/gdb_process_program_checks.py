"""tests/host/gdb_process_program_checks.py: the process scenario's checks
of a real program, user/sleep.c stopped in its first nanosleep
(sys_nanosleep): hilo-ps and hilo-walk pid N's listing again, and every
page of its read-only segments, walked by hilo-walk pid and read by QEMU's
monitor, against the ELF file linked into the kernel (user_programs[]).
"""

import struct

import gdb

from gdb_common import all_tasks, expect, label, monitor_words, run, value
from gdb_process_ps_checks import check_ps
from gdb_process_records import Tables, pdpt_phys
from gdb_process_walk_checks import PHYS_RE, check_listing
from hilo_gdb.layout import layout      # on sys.path: tools/gdb/hilo.py put it there

PT_LOAD, PF_X, PF_W = 1, 1, 2


def program_image(name):
    """The ELF file of the user program name, from user_programs[] (the
    copy linked into the kernel)."""
    for i in range(int(value("nr_user_programs"))):
        prog = value("user_programs")[i]
        if prog["name"].string() == name:
            start, end = int(prog["start"]), int(prog["end"])
            return bytes(gdb.selected_inferior().read_memory(start, end - start))
    raise gdb.error(f"no user program {name!r} in user_programs[]")


def load_segments(image):
    """[(vaddr, offset, filesz, memsz, flags)] of the PT_LOAD headers."""
    phoff, = struct.unpack_from("<I", image, 0x1C)
    phentsize, phnum = struct.unpack_from("<HH", image, 0x2A)
    found = []
    for i in range(phnum):
        p_type, offset, vaddr, _, filesz, memsz, flags, _ = \
            struct.unpack_from("<8I", image, phoff + i * phentsize)
        if p_type == PT_LOAD:
            found.append((vaddr, offset, filesz, memsz, flags))
    return found


def at_sys_nanosleep():
    """The running task is the program: hilo-ps lists it as running with the
    CPU's CR3; its listing matches its tables; every page of its read-only
    segments (code, rodata), walked by hilo-walk pid and read by the monitor
    at the frame, holds the bytes of the ELF file, with the segment's rights
    in the PTE."""
    case = "real_program_pages_match_its_elf"
    task = value("((struct percpu *)$fs_base)->current_task")
    if not expect(case, task["comm"].string() == "sleep" and int(task["mm"]),
                    f"sys_nanosleep was entered by {label(task)}, not the program sleep"):
        return
    pid = int(task["pid"])
    tables = Tables(pdpt_phys(task["mm"]))
    procs_ = {int(t["pid"]): Tables(pdpt_phys(t["mm"])) for t in all_tasks() if int(t["mm"])}
    check_ps(procs_, None, case, case)
    check_listing(task, tables, case)
    lay = layout()
    image = program_image("sleep")
    nx_works = bool(int(value("__supported_pte_mask")) & lay._PAGE_NX)
    checked = 0
    for vaddr, offset, filesz, memsz, flags in load_segments(image):
        if flags & PF_W:
            continue                    # data: the program has written it since
        for page in range(vaddr & ~(lay.PAGE_SIZE - 1), vaddr + memsz, lay.PAGE_SIZE):
            want = bytearray(lay.PAGE_SIZE)
            lo, hi = max(page, vaddr), min(page + lay.PAGE_SIZE, vaddr + filesz)
            if lo < hi:
                want[lo - page:hi - page] = image[offset + lo - vaddr:offset + hi - vaddr]
            out = run(case, f"hilo-walk {page:#x} pid {pid}") or ""
            phys = PHYS_RE.search(out)
            if not expect(case, phys, f"sleep's {page:#x} is not mapped:\n{out}"):
                continue
            got = struct.pack("<1024I", *monitor_words(int(phys[1], 16), 1024))
            expect(case, got == bytes(want), f"sleep's page {page:#x} at physical "
                                               f"{phys[1]} differs from its ELF file")
            pte = tables.pages.get(page, (0, 0))[0]
            nx = bool(pte & lay._PAGE_NX) if nx_works else not flags & PF_X
            expect(case, pte and not pte & lay._PAGE_RW and nx == (not flags & PF_X),
                     f"sleep's {page:#x}: PTE {pte:#x} for segment flags {flags:#x}")
            checked += 1
    expect(case, checked, "the program has no read-only segment to compare")
