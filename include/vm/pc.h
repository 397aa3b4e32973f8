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

/* Give v an emulated xAPIC (irqchip_lapic_enable()). */
void vm_lapic_enable(struct vm *vm, struct vcpu *v);

/* An MMIO exit of v that the xAPIC claims (completed in v->exit), or false. */
bool vm_devices_mmio(struct vm *vm, struct vcpu *v);

/* A port I/O exit a device claims (an IN completed in e->io.data), or false. */
bool vm_devices_io(struct vm *vm, struct vcpu_exit *e);

/* Whether an interrupt waits for one of the VM's vCPUs (a halted vCPU wakes). */
bool vm_devices_pending(struct vm *vm);

/* The TSC when the next device event (PIT edge, xAPIC timer) is due, or 0 for none. */
u64 vm_devices_next_event(struct vm *vm);
