#!/usr/bin/env python3
"""Write the fuzzers' seed corpora: tests/host/corpus/{madt,mptable}/.

Each seed is a control byte and a payload, as tests/host/fuzz_madt.c and
fuzz_mptable.c read them: valid tables (QEMU-like MADTs with 1, 4 and 12
CPUs, an x2APIC and override entry; MP tables with and without the BSP
first, a default configuration).  Run it again after changing the format.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def checksum_fix(b, off):
    b[off] = 0
    b[off] = (-sum(b)) & 0xFF
    return bytes(b)


def madt(entries, lapic=0xFEE00000):
    body = struct.pack("<II", lapic, 1) + b"".join(entries)
    hdr = b"APIC" + struct.pack("<IBB6s8sI4sI", 36 + len(body), 3, 0,
                                b"BOCHS ", b"BXPCAPIC", 1, b"BXPC", 1)
    return checksum_fix(bytearray(hdr + body), 9)


def lapic(acpi_id, apic_id, flags=1):
    return struct.pack("<BBBBI", 0, 8, acpi_id, apic_id, flags)


def x2apic(apic_id, flags=1):
    return struct.pack("<BBHIII", 9, 16, 0, apic_id, flags, apic_id)


def ioapic():
    return struct.pack("<BBBBII", 1, 12, 0, 0, 0xFEC00000, 0)


def iso(irq, gsi):
    return struct.pack("<BBBBIH", 2, 10, 0, irq, gsi, 0)


def override(addr):
    return struct.pack("<BBHQ", 5, 12, 0, addr)


def mpc(entries, lapic=0xFEE00000):
    body = b"".join(entries)
    hdr = b"PCMP" + struct.pack("<HBB8s12sIHHIHBB", 44 + len(body), 4, 0,
                                b"BOCHSCPU", b"0.1         ", 0, 0,
                                len(entries), lapic, 0, 0, 0)
    return checksum_fix(bytearray(hdr + body), 7)


def mp_cpu(apic_id, flags):
    return struct.pack("<BBBBII8x", 0, apic_id, 0x14, flags, 0x663, 0x201)


def mp8(t):
    return struct.pack("<B7x", t)


def qemu_madt(n):
    return madt([lapic(i, i) for i in range(n)] + [ioapic(), iso(0, 2), iso(9, 9)])


def write(target, name, ctl, payload):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes([ctl]) + payload)


def main():
    write("madt", "qemu-1", 0, qemu_madt(1))
    write("madt", "qemu-4-xsdt", 1, qemu_madt(4))
    write("madt", "qemu-12-ebda", 8, qemu_madt(12))
    write("madt", "x2apic-override", 2,
          madt([lapic(0, 0), lapic(1, 1, 0), x2apic(3), x2apic(300),
                override(0xFED00000)]))
    rsdp = bytearray(b"RSD PTR " + struct.pack("<B6sBI", 0, b"BOCHS ", 0, 0xE0040))
    rsdp = checksum_fix(rsdp, 8) + bytes(44)
    m = qemu_madt(2)
    rsdt = b"RSDT" + struct.pack("<IBB6s8sI4sI", 40, 1, 0, b"BOCHS ",
                                 b"BXPCRSDT", 1, b"BXPC", 1) + struct.pack("<I", 0xE0080)
    rsdt = checksum_fix(bytearray(rsdt), 9)
    raw = rsdp[:0x40] + rsdt + bytes(0x80 - 0x40 - len(rsdt)) + m
    write("madt", "raw-rsdp-rsdt-madt", 4, raw)

    write("mptable", "qemu-1", 0, mpc([mp_cpu(0, 3), mp8(1), mp8(2), mp8(3), mp8(4)]))
    write("mptable", "qemu-4-base", 1,
          mpc([mp_cpu(i, 3 if i == 0 else 1) for i in range(4)] + [mp8(1), mp8(2)]))
    write("mptable", "bsp-last-ebda", 8,
          mpc([mp_cpu(1, 1), mp_cpu(2, 0), mp_cpu(0, 3), mp8(3)]))
    write("mptable", "default-5", 16 | (5 << 5), b"")
    mpf = bytearray(b"_MP_" + struct.pack("<IBBBB4x", 0xF0010, 1, 4, 0, 0))
    write("mptable", "raw-mpf-table", 4,
          checksum_fix(mpf, 10) + mpc([mp_cpu(0, 3), mp_cpu(1, 1)]))


if __name__ == "__main__":
    main()
