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


def sdt(sig, body, revision=1):
    """An ACPI table: the 36-byte header and body (fuzz_acpi seals the checksum)."""
    return struct.pack("<4sIBB6s8sI4sI", sig, 36 + len(body), revision, 0, b"SLOTVS",
                       b"FUZZSEED", 1, b"SLVS", 1) + bytes(body)


def fadt(length=276):
    """tests/unit/test_acpi.c's mk_fadt(): Bochs' PIIX4 legacy fields, no X_ blocks."""
    f = bytearray(length - 36)
    put(f, 48 - 36, "IBB", 0xB2, 0xF1, 0xF0)       # SMI_CMD, ACPI_ENABLE, ACPI_DISABLE
    put(f, 56 - 36, "I", 0xB000)                   # PM1a_EVT_BLK
    put(f, 64 - 36, "I", 0xB004)                   # PM1a_CNT_BLK
    f[89 - 36] = 2                                 # PM1_CNT_LEN
    put(f, 76 - 36, "I", 0xB008)                   # PM_TMR_BLK
    f[91 - 36] = 4                                 # PM_TMR_LEN
    return sdt(b"FACP", f, revision=6 if length >= 244 else 1)


# QEMU's aml-build: Scope(_SB) {}, Name(_S3, ...), Name(_S5, Package(4){Zero, Zero, Zero, Zero})
AML_QEMU = bytes([0x10, 0x05, 0x5F, 0x53, 0x42, 0x5F,
                  0x08, 0x5F, 0x53, 0x33, 0x5F, 0x12, 0x06, 0x04, 0x01, 0x01, 0x00, 0x00,
                  0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00])
# Bochs BIOS: Name(\_S5, Package(4){0x00, 0x00, 0x00, 0x00}) with byte prefixes
AML_BOCHS = bytes([0x08, 0x5C, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x0A, 0x04,
                   0x0A, 0x00, 0x0A, 0x00, 0x0A, 0x00, 0x0A, 0x00])


def madt(cpus=2, x2apic=False):
    """Local APIC address, PCAT_COMPAT, processors, an I/O APIC, an override and an NMI."""
    m = bytearray(struct.pack("<II", 0xFEE00000, 1))
    for i in range(cpus):
        if x2apic:
            m += struct.pack("<BBHIII", 9, 16, 0, 0x100 + i, 1, i)
        else:
            m += struct.pack("<BBBBI", 0, 8, i, i, 1)
    m += struct.pack("<BBBBII", 1, 12, cpus, 0, 0xFEC00000, 0)        # I/O APIC
    m += struct.pack("<BBBBIH", 2, 10, 0, 0, 2, 0)                    # ISO: IRQ0 -> GSI2
    m += struct.pack("<BBBHB", 4, 6, 0xFF, 5, 1)                      # LAPIC NMI, LINT1
    m += struct.pack("<BBHQ", 5, 12, 0, 0xFEE00000)                   # LAPIC address override
    return sdt(b"APIC", m, revision=3)


def spcr(gas_space=1, address=0x2F8, width=1, uart_type=0):
    """tests/mkspcr.py's table (revision 2, 80 bytes)."""
    access = 3 if width == 4 else 1
    body = struct.pack("<B3x", uart_type)
    body += struct.pack("<BBBBQ", gas_space, 8 * width, 0, access, address)
    body += struct.pack("<BBIBBBBBB", 1, 3, 0, 7, 0, 1, 0, 3, 0)
    body += struct.pack("<HHBBBIB", 0xFFFF, 0xFFFF, 0, 0, 0, 0, 0) + struct.pack("<I", 0)
    return sdt(b"SPCR", body, revision=2)


def acpi_input(flags, tables):
    out = bytearray([flags])
    for t in tables:
        out += struct.pack("<H", len(t)) + t
    return out


def acpi():
    dsdt = sdt(b"DSDT", AML_QEMU)
    write("acpi", "xsdt-fadt-dsdt-madt", acpi_input(1, [fadt(), dsdt, madt()]))
    write("acpi", "rsdt-bochs-fadt-madt", acpi_input(0, [madt(4), fadt(116), sdt(b"DSDT", AML_BOCHS)]))
    write("acpi", "xsdt-rsdt-x2apic-spcr", acpi_input(3, [madt(3, True), spcr(), fadt(), dsdt]))
    write("acpi", "spcr-mmio", acpi_input(1, [spcr(0, 0xFE030000, 4), madt(1)]))


def mb2_tag(tag_type, payload):
    t = struct.pack("<II", tag_type, 8 + len(payload)) + bytes(payload)
    return t + bytes(-len(t) % 8)


def mb2_info(tags):
    body = b"".join(tags) + mb2_tag(0, b"")
    return struct.pack("<II", 8 + len(body), 0) + body


def mb2_string(tag_type, s):
    return mb2_tag(tag_type, s.encode() + b"\0")


def mb2_module(start, end, s):
    return mb2_tag(3, struct.pack("<II", start, end) + s.encode() + b"\0")


QEMU_MMAP = [(0x0, 0x9FC00, 1), (0x9FC00, 0x400, 2), (0xF0000, 0x10000, 2),
             (0x100000, 0x7EE0000, 1), (0x7FE0000, 0x20000, 3), (0xFFFC0000, 0x40000, 2)]


def mb2_mmap(entries):
    return mb2_tag(6, struct.pack("<II", 24, 0) +
                   b"".join(struct.pack("<QQII", a, n, t, 0) for a, n, t in entries))


def rsdp_v2():
    r = bytearray(struct.pack("<8sB6sBIIQB3x", b"RSD PTR ", 0, b"SLOTVS", 2, 0x7FE1000, 36,
                              0x7FE2000, 0))
    r[8] = -sum(r[:20]) & 0xFF
    r[32] = -sum(r) & 0xFF
    return r


def efi_mmap():
    # EFI types: boot services data, conventional, ACPI NVS, runtime code, MMIO; 48-byte descriptors
    descs = [(4, 0x0, 0x9F), (7, 0x100000, 0x700), (7, 0x800000, 0x8), (10, 0x808000, 0x8),
             (7, 0x900000, 0x7000), (5, 0x7F00000, 0x20), (11, 0xFEC00000, 0x1)]
    return mb2_tag(17, struct.pack("<II", 48, 1) + b"".join(
        struct.pack("<IIQQQQ8x", t, 0, a, 0, n, 0xF) for t, a, n in descs))


def multiboot2():
    rgb_fb = mb2_tag(8, struct.pack("<QIIIBBH", 0xFD000000, 4096, 1024, 768, 32, 1, 0) +
                     struct.pack("<BBBBBB", 16, 8, 8, 8, 0, 8))
    ega_fb = mb2_tag(8, struct.pack("<QIIIBBH", 0xB8000, 160, 80, 25, 16, 2, 0))
    write("multiboot2", "grub-bios", mb2_info([
        mb2_string(1, "slotvisor.console=ttyS0 slotvisor.test=mm.*"),
        mb2_string(2, "GRUB 2.06"),
        mb2_module(0x200000, 0x280000, "kernel vmlinuz console=ttyS0"),
        mb2_module(0x280000, 0x290000, "initrd initrd.img"),
        mb2_tag(4, struct.pack("<II", 639, 130048)),
        mb2_mmap(QEMU_MMAP),
        mb2_tag(15, rsdp_v2()),
        rgb_fb]))
    write("multiboot2", "grub-uefi", mb2_info([
        mb2_string(1, ""),
        mb2_string(2, "GRUB 2.06"),
        mb2_tag(12, struct.pack("<Q", 0x7F9EE018)),
        mb2_tag(20, struct.pack("<Q", 0x7E0E5A98)),
        efi_mmap(),
        mb2_tag(14, rsdp_v2()[:20]),
        ega_fb]))


VIRTIO_DEVS = {"rng": 0, "blk": 1, "blk-ro": 2, "mem": 3}
DESC_F_NEXT, DESC_F_WRITE = 1, 2
DRV_DESC, DRV_AVAIL, DRV_DATA = 0x1000, 0x2000, 0x4000


def virtio_input(dev, chains, data, qshift=4):
    """fuzz_virtio's input: device, no register writes, queue size 2^qshift, then guest
    memory from DRV_DESC: the chains [(gpa, len, writable), ...] in the descriptor table,
    made available in order, and data [(gpa, bytes)] (the requests' readable parts)."""
    mem = bytearray(0x4000)
    d = 0
    heads = []
    for chain in chains:
        heads.append(d)
        for i, (gpa, length, w) in enumerate(chain):
            flags = (DESC_F_WRITE if w else 0) | (DESC_F_NEXT if i + 1 < len(chain) else 0)
            put(mem, d * 16, "QIHH", gpa, length, flags, d + 1)
            d += 1
    put(mem, DRV_AVAIL - DRV_DESC, "HH", 0, len(heads))
    for i, h in enumerate(heads):
        put(mem, DRV_AVAIL - DRV_DESC + 4 + 2 * i, "H", h)
    for gpa, b in data:
        off = gpa - DRV_DESC
        if len(mem) < off + len(b):
            mem += bytes(off + len(b) - len(mem))
        mem[off:off + len(b)] = b
    return bytes([VIRTIO_DEVS[dev], 0, qshift]) + bytes(mem)


def virtio():
    write("virtio", "rng-two-buffers", virtio_input("rng", [[(DRV_DATA, 64, True)],
                                                            [(DRV_DATA + 0x100, 16, True)]], []))
    blk_in = struct.pack("<IIQ", 0, 0, 1)        # VIRTIO_BLK_T_IN, sector 1
    blk_out = struct.pack("<IIQ", 1, 0, 2)       # VIRTIO_BLK_T_OUT, sector 2
    blk_id = struct.pack("<IIQ", 8, 0, 0)        # VIRTIO_BLK_T_GET_ID
    chains = [[(DRV_DATA, 16, False), (DRV_DATA + 0x100, 512, True), (DRV_DATA + 0x400, 1, True)],
              [(DRV_DATA + 0x20, 16, False), (DRV_DATA + 0x500, 512, False),
               (DRV_DATA + 0x410, 1, True)],
              [(DRV_DATA + 0x40, 16, False), (DRV_DATA + 0x800, 20, True),
               (DRV_DATA + 0x420, 1, True)]]
    data = [(DRV_DATA, blk_in), (DRV_DATA + 0x20, blk_out), (DRV_DATA + 0x40, blk_id),
            (DRV_DATA + 0x500, bytes(range(256)) * 2)]
    write("virtio", "blk-in-out-id", virtio_input("blk", chains, data))
    write("virtio", "blk-ro-out", virtio_input("blk-ro", chains[1:2], data[1:2] + data[3:]))
    mem_reqs = [struct.pack("<H6xQH6x", 0, 0x100000000, 2),           # PLUG 2 blocks
                struct.pack("<H6xQH6x", 3, 0x100000000, 4),           # STATE
                struct.pack("<H6xQH6x", 1, 0x100200000, 1),           # UNPLUG 1 block
                struct.pack("<H6xQH6x", 2, 0, 0)]                     # UNPLUG_ALL
    chains = [[(DRV_DATA + 0x40 * i, 24, False), (DRV_DATA + 0x400 + 0x10 * i, 10, True)]
              for i in range(len(mem_reqs))]
    write("virtio", "mem-plug-state-unplug", virtio_input(
        "mem", chains, [(DRV_DATA + 0x40 * i, r) for i, r in enumerate(mem_reqs)]))


# fuzz_legacy_pio's operations (3 bytes each: op, which, value)
UART_RD, UART_WR, UART_RX, PIC_RD, PIC_WR, PIC_LINE, PIC_ACK, PIT_RD, PIT_WR, TIME, FWCFG_RD, FWCFG_WR = range(12)
PIC_M_CMD, PIC_M_DATA, PIC_S_CMD, PIC_S_DATA = range(4)        # fuzz_legacy_pio's pic_ports[]
PIT_C0, PIT_C0_NEXT, PIT_C2, PIT_MODE, PIT_61 = range(5)         # its pit_ports[]
UART_THR, UART_IER, UART_IIR, UART_LCR, UART_MCR, UART_LSR, UART_MSR, UART_SCR = range(8)
FW_SEL16, FW_DATA8 = 0x10, 0x01                                  # selector port size 2, data size 1


def ops(*steps):
    return bytes(b for st in steps for b in st)


def legacy_pio():
    pic_init = [(PIC_WR, PIC_M_CMD, 0x11), (PIC_WR, PIC_M_DATA, 0x30), (PIC_WR, PIC_M_DATA, 0x04),
                (PIC_WR, PIC_M_DATA, 0x01), (PIC_WR, PIC_S_CMD, 0x11), (PIC_WR, PIC_S_DATA, 0x38),
                (PIC_WR, PIC_S_DATA, 0x02), (PIC_WR, PIC_S_DATA, 0x01)]
    # Linux's 8259 set-up, PIT channel 0 in mode 2 at 1193 (1 kHz), time passing, acks and EOIs
    write("legacy_pio", "linux-pic-pit", ops(
        *pic_init, (PIC_WR, PIC_M_DATA, 0xF8), (PIC_WR, PIC_S_DATA, 0xFF),
        (PIT_WR, PIT_MODE, 0x34), (PIT_WR, PIT_C0, 0xA9), (PIT_WR, PIT_C0, 0x04),
        (TIME, 0, 200), (PIC_ACK, 0, 0), (PIC_WR, PIC_M_CMD, 0x20), (TIME, 0, 200), (PIC_ACK, 0, 0),
        (PIC_WR, PIC_M_CMD, 0x0B), (PIC_RD, PIC_M_CMD, 0), (PIT_WR, PIT_MODE, 0x00),
        (PIT_RD, PIT_C0, 0), (PIT_RD, PIT_C0, 0), (PIC_LINE, 4, 1), (PIC_LINE, 4, 0), (PIC_ACK, 0, 0)))
    # the 8250 driver's probe and set-up, bytes typed and read, THRE interrupt, loopback
    write("legacy_pio", "uart-8250-probe", ops(
        (UART_WR, UART_SCR, 0x55), (UART_RD, UART_SCR, 0), (UART_WR, UART_LCR, 0x80),
        (UART_WR, UART_THR, 0x01), (UART_WR, UART_IER, 0x00), (UART_WR, UART_LCR, 0x03),
        (UART_WR, UART_IIR, 0xC7), (UART_WR, UART_IER, 0x0F), (UART_WR, UART_MCR, 0x0B),
        *pic_init[:4], (PIC_WR, PIC_M_DATA, 0xEF), (UART_RD, UART_IIR, 0), (UART_WR, UART_THR, 0x41),
        (UART_RD, UART_IIR, 0), (UART_RD, UART_LSR, 0), (UART_RX, 0, ord("l")), (UART_RX, 0, ord("s")),
        (UART_RX, 0, 13), (UART_RD, UART_IIR, 0), (UART_RD, UART_LSR, 0), (UART_RD, UART_THR, 0),
        (PIC_ACK, 0, 0), (UART_RD, UART_THR, 0), (UART_RD, UART_THR, 0), (UART_WR, UART_MCR, 0x1B),
        (UART_WR, UART_THR, 0x42), (UART_RD, UART_THR, 0), (UART_RD, UART_MSR, 0)))
    # kvm-unit-tests' fwcfg_get_u(): a 16-bit selector write, then byte reads; every item it reads
    fw = []
    for key, n in ((0x00, 4), (0x01, 4), (0x03, 8), (0x05, 2), (0x0F, 2), (0x20, 1)):
        fw += [(FWCFG_WR, FW_SEL16, key)] + [(FWCFG_RD, FW_DATA8, 0)] * n
    write("legacy_pio", "fw-cfg-items", ops(*fw, (FWCFG_RD, 0x11, 0), (FWCFG_RD, 0x21, 0),
                                            (FWCFG_WR, FW_DATA8, 7), (FWCFG_RD, 2, 0)))


# fuzz_irqchip's operations: 8 bytes each (op | size << 4, vCPU, u16 offset, u32 value)
(LAPIC_WR, LAPIC_RD, IOAPIC_WR, IOAPIC_RD, MSR_WR, MSR_RD, X2APIC_ON, APIC_OFF, LINE, INJECT,
 NMI_TAKE, ACCEPT, PV_IPI, TICK, TSC_DEADLINE) = range(15)
SIZE4 = 2 << 4


def irq_ops(*steps):
    return b"".join(struct.pack("<BBHI", op, cpu, off, val) for op, cpu, off, val in steps)


def irqchip():
    apics_on = [(LAPIC_WR | SIZE4, c, reg, v) for c in (0, 1)
                for reg, v in ((0xF0, 0x1FF), (0xE0, 0xFFFFFFFF), (0xD0, (1 << c) << 24))]
    rte = [(IOAPIC_WR | SIZE4, 0, 0x00, 0x10 + 2 * 14), (IOAPIC_WR | SIZE4, 0, 0x10, 0x86 | 1 << 11),
           (IOAPIC_WR | SIZE4, 0, 0x00, 0x11 + 2 * 14), (IOAPIC_WR | SIZE4, 0, 0x10, 3 << 24)]
    write("irqchip", "ioapic-logical-to-both", irq_ops(
        *apics_on, *rte, (IOAPIC_WR | SIZE4, 0, 0, 1), (IOAPIC_RD | SIZE4, 0, 0x10, 0),
        (LINE, 0, 14, 1), (INJECT, 0, 0, 0), (INJECT, 1, 0, 0),
        (LAPIC_WR | SIZE4, 0, 0xB0, 0), (LAPIC_WR | SIZE4, 1, 0xB0, 0), (LINE, 0, 14, 0),
        (LAPIC_RD | SIZE4, 0, 0x100, 0), (LAPIC_RD | SIZE4, 1, 0x200, 0)))
    write("irqchip", "ipis-init-sipi-nmi", irq_ops(
        *apics_on, (LAPIC_WR | SIZE4, 0, 0x310, 1 << 25), (LAPIC_WR | SIZE4, 0, 0x300, 0x95),
        (INJECT, 1, 0, 0), (LAPIC_WR | SIZE4, 1, 0xB0, 0),
        (LAPIC_WR | SIZE4, 0, 0x310, 1 << 24), (LAPIC_WR | SIZE4, 0, 0x300, 0x4500),
        (ACCEPT, 1, 0, 0), (LAPIC_WR | SIZE4, 0, 0x300, 0x4610), (ACCEPT, 1, 0, 0),
        (LAPIC_WR | SIZE4, 0, 0x300, 0x4400), (NMI_TAKE, 1, 0, 0),
        (LAPIC_WR | SIZE4, 1, 0x300, 0x80000 | 0x30), (INJECT, 1, 0, 0),
        (PV_IPI, 0, 0, 3), (PV_IPI, 0, 0, 0x44), (LAPIC_RD | SIZE4, 0, 0x280, 0)))
    write("irqchip", "timers-and-x2apic", irq_ops(
        *apics_on, (LAPIC_WR | SIZE4, 0, 0x3E0, 0xB), (LAPIC_WR | SIZE4, 0, 0x320, 0x200EC),
        (LAPIC_WR | SIZE4, 0, 0x380, 0x10), (TICK, 0, 0, 0), (INJECT, 0, 0, 0),
        (LAPIC_RD | SIZE4, 0, 0x390, 0), (LAPIC_WR | SIZE4, 1, 0x320, 0x400EF),
        (TSC_DEADLINE, 1, 0, 1000), (TICK, 1, 0, 0), (INJECT, 1, 0, 0),
        (X2APIC_ON, 0, 0, 0), (X2APIC_ON, 1, 0, 0), (MSR_RD, 1, 0x02, 0), (MSR_RD, 1, 0x0D, 0),
        (MSR_WR, 0, 0x30, 0x95), (MSR_WR, 0, 0x3F, 0x41), (INJECT, 0, 0, 0), (INJECT, 1, 0, 0),
        (MSR_WR, 1, 0x0B, 0), (LAPIC_RD | SIZE4, 1, 0x20, 0), (APIC_OFF, 1, 0, 0),
        (LAPIC_RD | (1 << 4), 0, 0x21, 0), (IOAPIC_RD, 0, 0x13, 0)))


if __name__ == "__main__":
    loaders()
    acpi()
    multiboot2()
    virtio()
    legacy_pio()
    irqchip()
