/*
 * The PC machine of a VM (vm/pc.c): COM1, the PIT, and the port I/O and
 * MMIO of the interrupt controllers (irq/), behind the exits vm/run.c
 * hands it.
 */
#pragma once

#include "vmx/vcpu.h"

struct vm;

/* COM1, the PIT and the interrupt controllers in their power-on state, wired together. */
void vm_devices_init(struct vm *vm);

/* The guest's ACPI tables, RSDP first, in the BIOS area (below 1 MiB, reserved in e820). */
#define VM_ACPI_GPA 0xe0000ULL
#define VM_ACPI_SIZE 0x10000ULL

/*
 * Write the guest's ACPI tables for nr_vcpus vCPUs at VM_ACPI_GPA (RAM in
 * one memslot): 0, -EFAULT if that is not RAM, or acpi_build_tables()'s error.
 */
int vm_acpi_install(struct vm *vm, unsigned int nr_vcpus);

/* Give v an emulated xAPIC (irqchip_lapic_enable()). */
void vm_lapic_enable(struct vm *vm, struct vcpu *v);

/*
 * Give vm ACPI fixed hardware (include/devices/acpi_pm.h) at ports
 * 0x600-0x60b, its SCI a source of ISA IRQ 9, before vm_acpi_install()
 * (its FADT then names it): 0, -ENOMEM, or irqchip_add_source()'s -ENOSPC.
 */
int vm_acpi_pm_add(struct vm *vm);

/* The RTC's time base (RTC_HZ ticks since the VM was made), and such a time as a TSC value. */
u64 vm_rtc_now(const struct vm *vm);
u64 vm_rtc_to_tsc(const struct vm *vm, u64 rtc);

/* Give vm QEMU's pc-testdev (include/devices/pc_testdev.h): 0 or -ENOMEM. */
int vm_pc_testdev_add(struct vm *vm);

/* An MMIO exit of v that the xAPIC or the I/O APIC claims (completed in v->exit), or false. */
bool vm_devices_mmio(struct vm *vm, struct vcpu *v);

/* A port I/O exit a device claims (an IN completed in e->io.data), or false. */
bool vm_devices_io(struct vm *vm, struct vcpu_exit *e);

/* Whether an interrupt (or NMI, INIT, SIPI) waits for v (a halted vCPU wakes). */
bool vm_devices_pending(struct vcpu *v);

/* The TSC when the next device event for v (PIT edge, its xAPIC timer) is due, or 0 for none. */
u64 vm_devices_next_event(struct vm *vm, struct vcpu *v);
