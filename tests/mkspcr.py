#!/usr/bin/env python3
"""Write an ACPI SPCR table (Microsoft's SPCR specification, revision 2
layout, 80 bytes) for QEMU's -acpitable file=, for the boot tests.

  tests/mkspcr.py OUT [--port 0x2f8 | --mmio 0xADDR [--width 1|4]]
                      [--type N] [--baud-code N] [--bad-checksum]
"""
import argparse
import struct

SPCR_LEN = 80
GAS_SYSTEM_MEMORY = 0
GAS_SYSTEM_IO = 1
ACCESS_BYTE = 1
ACCESS_DWORD = 3


def spcr(args):
    if args.mmio is not None:
        width = args.width
        gas = struct.pack('<BBBBQ', GAS_SYSTEM_MEMORY, 8 * width, 0,
                          ACCESS_DWORD if width == 4 else ACCESS_BYTE, args.mmio)
    else:
        gas = struct.pack('<BBBBQ', GAS_SYSTEM_IO, 8, 0, ACCESS_BYTE, args.port)
    body = struct.pack('<B3x', args.type) + gas
    # Interrupt type (bit 0: 8259 IRQ), IRQ, GSI, baud code, parity, stop
    # bits, flow control, terminal type (3: ANSI), language.
    body += struct.pack('<BBIBBBBBB', 1, 3, 0, args.baud_code, 0, 1, 0, 3, 0)
    # PCI device and vendor 0xffff (not PCI), bus, device, function, flags, segment.
    body += struct.pack('<HHBBBIB', 0xffff, 0xffff, 0, 0, 0, 0, 0)
    body += struct.pack('<I', 0)  # reserved (UART clock frequency from revision 3)
    header = struct.pack('<4sIBB6s8sI4sI', b'SPCR', SPCR_LEN, 2, 0, b'SLOTVS',
                         b'SPCRTEST', 1, b'SLVS', 1)
    table = bytearray(header + body)
    assert len(table) == SPCR_LEN, len(table)
    table[9] = (-sum(table)) & 0xff
    if args.bad_checksum:
        table[9] = (table[9] + 1) & 0xff
    return bytes(table)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('out')
    p.add_argument('--port', type=lambda s: int(s, 0), default=0x2f8)
    p.add_argument('--mmio', type=lambda s: int(s, 0))
    p.add_argument('--width', type=int, choices=(1, 4), default=1)
    p.add_argument('--type', type=lambda s: int(s, 0), default=0)
    p.add_argument('--baud-code', type=int, default=7)
    p.add_argument('--bad-checksum', action='store_true')
    args = p.parse_args()
    with open(args.out, 'wb') as f:
        f.write(spcr(args))


if __name__ == '__main__':
    main()
