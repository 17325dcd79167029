#!/usr/bin/env python3
"""Write seed corpora for fuzz_memmap and fuzz_cmdline: tests/host/corpus/{memmap,cmdline}/.

memmap seeds are a width byte (32 + b % 32 bits), a flags byte and raw
entries of 20 bytes (addr, len: u64; type: u32), as fuzz_memmap.c reads
them: QEMU's pc and q35 e820 maps at 1G and 16G, a Bochs-like map with
ACPI entries, and overlapping, zero-length, unknown-type and wrapping
entries.  Run it again after changing the format.
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


if __name__ == "__main__":
    main()
