/*
 * pc-testdev: the test device QEMU gives kvm-unit-tests (QEMU's
 * hw/misc/pc-testdev.c, "-device pc-testdev"), with QEMU's layout:
 *  - ports 0xe0-0xe3: a 32-bit data register, read and written at any
 *    width and byte offset (the `emulator` and `realmode` tests' port I/O,
 *    string I/O included);
 *  - port 0xe4: "flush page": a 32-bit write of a guest-physical address
 *    makes the hypervisor drop its mapping of that page, so that the next
 *    access faults (QEMU mprotect()s it; here the EPT leaf is zapped):
 *    `eventinj` flushes its stack page to take an EPT violation while an
 *    event is delivered;
 *  - ports 0xe8-0xeb: the same data register, taken a byte at a time;
 *  - ports 0x2000-0x2017: a byte written to 0x2000 + n sets ISA/GSI line n
 *    to (value != 0) (the `ioapic` and `apic` tests raise I/O APIC pins);
 *  - guest-physical 0xff000000-0xff00ffff: IORAM, 64 KiB that read back
 *    what was written, reached only through MMIO exits (the `emulator` and
 *    `lam` tests run instructions against it).
 * A VM has it only when it boots a multiboot v1 kernel (kvm-unit-tests'
 * .flat files).  Its state is all in struct pc_testdev.
 */
#pragma once

#include "irq/irq.h"
#include "types.h"

#define PC_TESTDEV_DATA_PORT 0xe0
#define PC_TESTDEV_FLUSH_PORT 0xe4
#define PC_TESTDEV_DATA_BYTE_PORT 0xe8
#define PC_TESTDEV_DATA_LEN 4
#define PC_TESTDEV_IRQ_BASE 0x2000
#define PC_TESTDEV_NR_IRQS 24	/* one per I/O APIC pin (QEMU's 0x2000-0x2017) */
#define PC_TESTDEV_IOMEM_BASE 0xff000000ULL
#define PC_TESTDEV_IOMEM_SIZE 0x10000u
#define PC_TESTDEV_NO_FLUSH (~0ULL)

struct pc_testdev {
	u32 data;				/* the register at 0xe0 and 0xe8 */
	u8 iomem[PC_TESTDEV_IOMEM_SIZE];	/* IORAM */
};

/*
 * Whether port is one of the line ports and the access was theirs to
 * take: a write sets the line (chip's lock held).  Reads are not theirs.
 */
bool pc_testdev_io(struct irqchip *chip, u16 port, bool is_write, u8 val);

/*
 * The data and flush ports: whether port (an access of size bytes, 1, 2
 * or 4) is the device's.  A read fills *val; a write to the flush port
 * puts the page's guest-physical address in *flush_gpa for the caller to
 * unmap (else *flush_gpa is PC_TESTDEV_NO_FLUSH).
 */
bool pc_testdev_pio(struct pc_testdev *d, u16 port, bool is_write, u8 size, u32 *val,
		    u64 *flush_gpa);

/* IORAM: whether [gpa, gpa + len) (len 1 to 8) lies in it; a read fills *data. */
bool pc_testdev_mmio(struct pc_testdev *d, u64 gpa, u32 len, bool is_write, u64 *data);
