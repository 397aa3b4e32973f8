#!/usr/bin/env python3
"""Write the generated seed inputs of the fuzz harnesses into tests/fuzz/corpus/.

Valid inputs built the way the host unit tests build theirs (tests/unit/):
a bzImage, multiboot v1 kernels (ELF32 and a.out kludge), multiboot2 boot
information, ACPI tables.  Hand-written seeds (command lines, monitor lines,
device streams) are committed as they are.  Run it after changing a format's
builder here: tests/fuzz/mkseeds.py
"""
import os
import struct

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(buf, off, fmt, *vals):
    struct.pack_into("<" + fmt, buf, off, *vals)


def write(name, fname, data):
    d = os.path.join(CORPUS, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, fname), "wb") as f:
        f.write(bytes(data))


def bzimage(version=0x020F, setup_sects=4, xlf=0x3, kernel_len=0x3000):
    """tests/unit/test_image_bzimage.c's bz_build(): header fields at their offsets."""
    sects = setup_sects or 4
    setup = (sects + 1) * 512
    b = bytearray(setup + kernel_len)
    b[0x1F1] = setup_sects
    put(b, 0x1F4, "I", kernel_len // 16)
    put(b, 0x1FE, "H", 0xAA55)
    b[0x200] = 0xEB
    b[0x201] = 0x26C - 0x202
    b[0x202:0x206] = b"HdrS"
    put(b, 0x206, "H", version)
    b[0x211] = 0x01                      # LOADED_HIGH
    put(b, 0x214, "I", 0x100000)         # code32_start
    put(b, 0x22C, "I", 0x7FFFFFFF)       # initrd_addr_max
    # kernel_alignment: protocols before 2.10 have no pref_address, and load at 1 MiB
    put(b, 0x230, "I", 0x200000 if version >= 0x020A else 0x100000)
    b[0x234] = 1                         # relocatable
    put(b, 0x236, "H", xlf)              # XLF_KERNEL_64 | CAN_BE_LOADED_ABOVE_4G
    put(b, 0x238, "I", 2047)             # cmdline_size
    put(b, 0x258, "Q", 0x1000000)        # pref_address
    put(b, 0x260, "I", 0x800000)         # init_size
    for i in range(kernel_len):
        b[setup + i] = (i * 7 + 1) & 0xFF
    return b


def mb1_header(b, off, flags):
    put(b, off, "III", 0x1BADB002, flags, (-(0x1BADB002 + flags)) & 0xFFFFFFFF)


def mb1_elf():
    """tests/unit/test_image_multiboot1.c's elf_build(): two PT_LOADs and a PT_NOTE."""
    b = bytearray(0x2040)
    b[0:7] = b"\x7fELF\x01\x01\x01"
    put(b, 16, "HHII", 2, 3, 1, 0x400020)
    put(b, 28, "I", 52)
    put(b, 40, "HHH", 52, 32, 3)
    for i, ph in enumerate([(1, 0x1000, 0x400000, 0x400000, 0x200, 0x200),
                            (1, 0x2000, 0x401000, 0x401000, 0x40, 0x3000),
                            (4, 0, 0, 0, 0, 0)]):
        put(b, 52 + i * 32, "IIIIIIII", *ph, 7, 0x1000)
    mb1_header(b, 0x1000, 0)
    return b


def mb1_aout():
    """The a.out kludge: header 0x20 bytes in, loaded at 1 MiB with a bss."""
    b = bytearray((i ^ 0x5A) & 0xFF for i in range(0x300))
    mb1_header(b, 0x20, 1 << 16)
    put(b, 0x2C, "IIIII", 0x100020, 0x100000, 0, 0x102000, 0x100040)
    return b


def loaders():
    write("bzimage", "bzimage-2.15-64bit", bzimage())
    write("bzimage", "bzimage-2.06-32bit", bzimage(version=0x0206, xlf=0))
    write("bzimage", "bzimage-setup-sects-0", bzimage(setup_sects=0, kernel_len=0x800))
    write("multiboot1", "elf32-two-loads", mb1_elf())
    write("multiboot1", "aout-kludge", mb1_aout())
    write("multiboot1", "bzimage", bzimage(kernel_len=0x200))
    write("bzimage", "multiboot1-elf32", mb1_elf())


if __name__ == "__main__":
    loaders()
