/*
 * pc-testdev: the test device QEMU gives kvm-unit-tests (QEMU's
 * hw/misc/pc-testdev.c, "-device pc-testdev").  Here its interrupt-line
 * ports: a byte written to PC_TESTDEV_IRQ_BASE + n sets ISA/GSI line n to
 * (value != 0) at the VM's interrupt controllers, which is how the
 * `ioapic` and `apic` tests raise I/O APIC pins.  A VM has it only when it
 * boots a multiboot v1 kernel (kvm-unit-tests' .flat files).
 */
#pragma once

#include "irq/irq.h"
#include "types.h"

#define PC_TESTDEV_IRQ_BASE 0x2000
#define PC_TESTDEV_NR_IRQS 24	/* one per I/O APIC pin (QEMU's 0x2000-0x2017) */

/*
 * Whether port is one of the device's and the access was its to take: a
 * write sets the line (chip's lock held).  Reads are not the device's (it
 * has no registers to read).
 */
bool pc_testdev_io(struct irqchip *chip, u16 port, bool is_write, u8 val);
