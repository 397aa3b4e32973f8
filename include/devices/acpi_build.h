/*
 * The guest's ACPI tables (ACPI 6.x, chapter 5.2), built from the VM's
 * configuration into guest memory, in the minimal set cloud VMMs give
 * (Firecracker, Cloud Hypervisor): an RSDP (revision 2) that points at an
 * XSDT, which lists a hardware-reduced FADT (with a DSDT that describes
 * COM1 and each virtio-mmio device) and a MADT with one Processor Local APIC per vCPU, the I/O APIC,
 * the ISA IRQ 0 -> GSI 2 override and the LINT1 NMI.  Linux finds the RSDP
 * through the boot protocol's acpi_rsdp_addr or by scanning the BIOS area.
 *
 * With fixed_hw (a multiboot v1 guest: kvm-unit-tests, or a BIOS-era OS
 * that scans for the RSDP) the FADT is a full one instead: the ACPI PM
 * device's PM1a event and control blocks and its 32-bit PM timer
 * (include/devices/acpi_pm.h), SCI_INT, and a FACS; the DSDT adds the
 * \_S3_ and \_S5_ sleep packages with the SLP_TYP values that device
 * takes, and an RSDT joins the XSDT.  The FACS then comes first, so that
 * the VMM knows where to read the guest's waking vector.
 * No hardware dependency: host-tested by parsing the result back with
 * slotvisor's own ACPI reader (tests/unit/test_acpi_build.c).
 */
#pragma once

#include "types.h"

#define ACPI_BUILD_MAX_CPUS 255	/* APIC IDs 0..254 in Processor Local APIC structures */

/* A virtio-mmio device the DSDT describes (_HID "LNRO0005", as Linux's virtio_mmio driver matches). */
struct acpi_virtio_mmio {
	u32 base;		/* its register window, VIRTIO_MMIO_SIZE bytes */
	u32 size;
	u32 gsi;		/* its I/O APIC pin: level-triggered, active high */
};

#define ACPI_BUILD_MAX_VIRTIO 8

struct acpi_build_config {
	const struct acpi_virtio_mmio *virtio;	/* nr_virtio devices (up to ACPI_BUILD_MAX_VIRTIO) */
	unsigned int nr_virtio;
	unsigned int nr_cpus;	/* vCPU i has ACPI processor UID i and APIC ID i */
	u32 lapic_base;		/* the local APICs' MMIO base (0xfee00000) */
	u8 ioapic_id;
	u32 ioapic_base;	/* the I/O APIC's MMIO base (0xfec00000), GSIs from 0 */
	bool pcat_compat;	/* the 8259A pair is there too (MADT flag) */
	bool fixed_hw;		/* a full FADT for the ACPI PM device, FACS, \_S3_, \_S5_ */
};

/* With fixed_hw, the FACS is at this offset of the tables (64-byte aligned if gpa is). */
#define ACPI_BUILD_FACS_OFFSET 0

/*
 * Lay the tables out in buf, which the guest sees at guest-physical gpa
 * (size bytes): the RSDP first (16-byte aligned if gpa is), then the XSDT,
 * FADT, DSDT and MADT, each with its checksum; with fixed_hw, the FACS
 * before the RSDP and an RSDT after it.  Returns the bytes used,
 * -EINVAL for a configuration the tables cannot state (no vCPU, more than
 * ACPI_BUILD_MAX_CPUS, tables beyond 4 GiB for the FADT's 32-bit DSDT
 * field), or -E2BIG if size is too small (buf is then unchanged).
 */
long acpi_build_tables(const struct acpi_build_config *cfg, void *buf, u64 gpa, u64 size);
