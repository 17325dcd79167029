#!/usr/bin/env python3
"""Write seed corpora for fuzz_memmap, fuzz_cmdline and fuzz_elf:
tests/host/corpus/{memmap,cmdline,elf}/.

memmap seeds are a width byte (32 + b % 32 bits), a flags byte and raw
entries of 20 bytes (addr, len: u64; type: u32), as fuzz_memmap.c reads
them: QEMU's pc and q35 e820 maps at 1G and 16G, a Bochs-like map with
ACPI entries, and overlapping, zero-length, unknown-type and wrapping
entries.  elf seeds are whole ELF images (at most a few hundred bytes):
valid static i386 programs of 2, 3 and 8 PT_LOADs, one with PT_NOTE and
PT_GNU_STACK, and one image for each kind of rejection.  Run it again
after changing the format.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

PC = [(0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0xf0000, 0x10000, 2)]
TOP = [(0xfeffc000, 0x4000, 2), (0xfffc0000, 0x40000, 2)]
MAPS = {
    "qemu-pc-1g": PC + [(0x100000, 0x3fee0000, 1), (0x3ffe0000, 0x20000, 2)] + TOP,
    "qemu-pc-16g": PC + [(0x100000, 0xbfee0000, 1), (0xbffe0000, 0x20000, 2)] + TOP
    + [(0x100000000, 0x340000000, 1), (0xfd00000000, 0x300000000, 2)],
    "qemu-q35-1g": PC + [(0x100000, 0x3fee0000, 1), (0x3ffe0000, 0x20000, 2),
                         (0xb0000000, 0x10000000, 2)] + TOP,
    "qemu-q35-16g": PC + [(0x100000, 0x7fee0000, 1), (0x7ffe0000, 0x20000, 2),
                          (0xb0000000, 0x10000000, 2), (0xfed1c000, 0x4000, 2)] + TOP
    + [(0x100000000, 0x380000000, 1)],
    "bochs-acpi": [(0, 0x9f000, 1), (0x9f000, 0x1000, 2), (0xe8000, 0x18000, 2),
                   (0x100000, 0x1fef0000, 1), (0x1fff0000, 0xf000, 3),
                   (0x1ffff000, 0x1000, 4), (0xfffc0000, 0x40000, 2)],
    "garbage": [(0x200000, 0x100000, 1), (0x100000, 0x180000, 1), (0x180800, 0x800, 2),
                (0x500000, 0, 2), (0, 0, 1), (0x600123, 0x2000, 1), (0x700000, 0x1000, 77),
                (0xfffffffffffff000, 0x3000, 1), (0xffff000, 0x2000, 5), (0xffff800, 0x100, 4)],
    "many": [(i * 0x2000, 0x1000 + (i % 3) * 0x800, 1 + i % 2) for i in range(150)],
}

CMDLINES = {
    "typical": b"console=ttyS0,115200 mem=512M test=page_alloc*,memmap* quiet",
    "quotes": b"'a b'=\"c d\" \"e=f g\" x=\"\" k='it\"s' unterminated=\"x y",
    "numbers": b"a=0x10 b=16k c=18446744073709551615 d=18446744073709551616 g=16T j=1G",
    "drops": b"=x ok \x01bad k=\x7fv " + b"k" * 40 + b"=v v=" + b"v" * 300,
    "repeats": b" ".join(b"p%d=%d" % (i % 40, i) for i in range(60)),
}

PT_LOAD, PT_NOTE, PT_GNU_STACK = 1, 4, 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4


def load(off, vaddr, filesz, memsz, flags):
    return [PT_LOAD, off, vaddr, vaddr, filesz, memsz, flags, 0x1000]


def elf_image(phdrs, entry, ident=b"\x7fELF\x01\x01\x01", etype=2, machine=3,
              phentsize=32, phoff=52, phnum=None, size=None):
    """File parts first, then the ELF header and program headers over them."""
    end = 52 + len(phdrs) * 32 if phoff == 52 else 52
    for p in phdrs:
        if p[0] == PT_LOAD and p[1] + p[4] <= 0x10000:
            end = max(end, p[1] + p[4])
    img = bytearray((0x90 ^ i) & 0xFF for i in range(end))
    img[0:52] = (ident.ljust(16, b"\0") + struct.pack(
        "<HHIIIIIHHHHHH", etype, machine, 1, entry, phoff, 0, 0, 52, phentsize,
        len(phdrs) if phnum is None else phnum, 0, 0, 0))
    if phoff == 52:
        for i, p in enumerate(phdrs):
            img[52 + i * 32:84 + i * 32] = struct.pack("<8I", *p)
    return bytes(img if size is None else img[:size])


TWO = [load(0, 0x10000, 0x100, 0x100, PF_R | PF_X), load(0x100, 0x11100, 0x20, 0x1000, PF_R | PF_W)]
THREE = [load(0, 0x08048000, 0x1A0, 0x1A0, PF_R | PF_X), load(0x1A0, 0x080491A0, 0x40, 0x40, PF_R),
         load(0x1E0, 0x0804A1E0, 0x24, 0x2000, PF_R | PF_W)]
EIGHT = [load(0x200 + i * 0x10, 0x10000 + i * 0x1000 + 0x200 + i * 0x10, 0x10, 0x10,
              PF_R | (PF_X if i == 0 else 0)) for i in range(8)]
ELFS = {
    "valid-2": elf_image(TWO, 0x10074),
    "valid-3": elf_image(THREE, 0x08048094),
    "valid-notes": elf_image([TWO[0], [PT_GNU_STACK, 0, 0, 0, 0, 0, PF_R | PF_W, 16],
                              [PT_NOTE, 0xD4, 0x100D4, 0, 0x20, 0x20, PF_R, 4], TWO[1]], 0x10074),
    "valid-8": elf_image(EIGHT, 0x10200),
    "short": elf_image(TWO, 0x10074, size=51),
    "elf64": elf_image(TWO, 0x10074, ident=b"\x7fELF\x02\x01\x01", machine=62, phentsize=56),
    "dyn": elf_image(TWO, 0x10074, etype=3),
    "phoff-wraps": elf_image(TWO, 0x10074, phoff=0xFFFFFFE0),
    "file-part-wraps": elf_image([TWO[0], load(0xFFFFF100, 0x11100, 0x1000, 0x1000, PF_R | PF_W)], 0x10074),
    "vaddr-wraps": elf_image([TWO[0], load(0x100, 0x11100, 0x20, 0xFFFFF000, PF_R | PF_W)], 0x10074),
    "below-min": elf_image([load(0, 0xF000, 0x100, 0x100, PF_R | PF_X), TWO[1]], 0xF074),
    "misaligned": elf_image([TWO[0], load(0x100, 0x11104, 0x20, 0x1000, PF_R | PF_W)], 0x10074),
    "overlap": elf_image([THREE[0], load(0x100, 0x08048100, 0x40, 0x40, PF_R), THREE[2]], 0x08048094),
    "same-page": elf_image([TWO[0], load(0x100, 0x10100, 0x20, 0x1000, PF_R | PF_W)], 0x10074),
    "out-of-order": elf_image([THREE[1], THREE[0], THREE[2]], 0x08048094),
    "entry-in-data": elf_image(THREE, 0x0804B000),
    "too-many": elf_image(EIGHT + [load(0x280, 0x18280, 0x10, 0x10, PF_R)], 0x10200),
}


def main():
    d = os.path.join(HERE, "corpus", "memmap")
    os.makedirs(d, exist_ok=True)
    for name, entries in MAPS.items():
        for width, verbose in ((36, 0), (32, 1)):
            body = bytes([width - 32, verbose]) + b"".join(
                struct.pack("<QQI", a, l, t) for a, l, t in entries)
            with open(os.path.join(d, "%s-%d" % (name, width)), "wb") as f:
                f.write(body)
    d = os.path.join(HERE, "corpus", "cmdline")
    os.makedirs(d, exist_ok=True)
    for name, text in CMDLINES.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(text)
    d = os.path.join(HERE, "corpus", "elf")
    os.makedirs(d, exist_ok=True)
    for name, image in ELFS.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(image)


if __name__ == "__main__":
    main()
