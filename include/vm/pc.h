/* The emulated PC devices of a VM: COM1, the PICs, the PIT (vmm/devices.c). */
#pragma once

#include "vmx/vcpu.h"

struct vm;

/* Power-on state of every device; the PIT's clock starts now. */
void vm_devices_init(struct vm *vm);

/*
 * Give v an emulated xAPIC (vmm/lapic.c) at 0xfee00000: CPUID reports it,
 * IA32_APIC_BASE is v's own (enabled), MMIO to its page reaches it.
 */
void vm_lapic_enable(struct vm *vm, struct vcpu *v);

/* Handle an MMIO exit if a device owns the address (true), filling e->mmio.data for a read. */
bool vm_devices_mmio(struct vm *vm, struct vcpu *v);

/* Handle a port I/O exit if a device owns the port (true), filling e->io.data for an IN. */
bool vm_devices_io(struct vm *vm, struct vcpu_exit *e);

/*
 * Before an entry of v: sample the devices' interrupt outputs and inject
 * the PIC's interrupt if v can take it, else ask for the interrupt window.
 */
void vm_devices_sync(struct vm *vm, struct vcpu *v);

/* Whether the PIC has an interrupt for the CPU now (after sampling the devices). */
bool vm_devices_pending(struct vm *vm);

/* The TSC value at which a device will next raise an interrupt, or 0 if none is due. */
u64 vm_devices_next_event(const struct vm *vm);
