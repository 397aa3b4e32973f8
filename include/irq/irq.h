/*
 * The guest's interrupt controllers, one layer between the devices and the
 * vCPUs' entry path (KVM's arch/x86/kvm/irq.c with its in-kernel 8259A and
 * local APICs): devices raise and lower lines into it (irqchip_set_line(),
 * or a source it samples), and vmx/ asks it once before every VM entry
 * what to inject (kvm_cpu_has_injectable_intr(), kvm_cpu_get_interrupt(),
 * irqchip_nmi_pending()).  Nothing in it calls the devices or vmx/.
 *
 * A VM's controllers: the 8259A pair on ISA lines 0-15, and an emulated
 * xAPIC for each vCPU that irqchip_lapic_enable() gives one (multiboot
 * guests; Linux keeps its PIC-only machine).  The xAPIC's interrupts go
 * before the PIC's.  The IOAPIC and MSI routing will plug in here.
 */
#pragma once

#include "irq/pic8259.h"
#include "irq/vlapic.h"
#include "kvm/kvm.h"
#include "lib/spinlock.h"

struct vcpu;
struct irqchip;

/* A line the layer samples before it answers (a device whose line follows a clock). */
struct irq_source {
	void (*sample)(struct irqchip *chip, void *ctx);
	void *ctx;
};

#define IRQCHIP_MAX_SOURCES 4

struct irqchip {
	/*
	 * Protects everything below: the VMM's CPU raises lines and reaches
	 * the controllers' registers through port I/O and MMIO exits while a
	 * vCPU's CPU asks what to inject before its entry.
	 */
	spinlock_t lock;
	struct pic pic;
	struct irq_source sources[IRQCHIP_MAX_SOURCES];
	unsigned int nr_sources;
	/* vCPU i's xAPIC (kvm->vcpus[i]->apic points here when it has one). */
	struct vlapic lapic[KVM_MAX_VCPUS];
	bool lapic_was_enabled[KVM_MAX_VCPUS];	/* IA32_APIC_BASE.EN when last looked at */
};

/* Power-on state: no sources, the PIC as a BIOS leaves it. */
void irqchip_init(struct irqchip *chip);

/* Sample src before every answer; -ENOSPC past IRQCHIP_MAX_SOURCES. */
int irqchip_add_source(struct irqchip *chip, void (*sample)(struct irqchip *, void *), void *ctx);

/* Drive ISA line irq (0-15) to level; caller holds chip->lock (sources) or not (devices). */
void irqchip_set_line(struct irqchip *chip, unsigned int irq, bool level);
void __irqchip_set_line(struct irqchip *chip, unsigned int irq, bool level);

/*
 * Give v an emulated xAPIC at the default base, enabled, with APIC ID
 * v->id; CR8 then reaches its TPR.
 */
void irqchip_lapic_enable(struct irqchip *chip, struct vcpu *v);

/* An MMIO access of v to its xAPIC's page, completed in v->exit; false if not the xAPIC's. */
bool irqchip_lapic_mmio(struct irqchip *chip, struct vcpu *v);

/* Whether an interrupt or NMI waits for any of the VM's vCPUs (a halted guest wakes). */
bool irqchip_pending(struct irqchip *chip, struct kvm *kvm);

/* When the next xAPIC timer of the VM fires (TSC), or ~0ULL. */
u64 irqchip_next_event(struct irqchip *chip, struct kvm *kvm);

/* Asked by the entry path, with v's VM's chip (v->kvm->irqchip). */
bool kvm_cpu_has_injectable_intr(struct vcpu *v);
/* The vector to inject now, acknowledged at its controller; -1 if none. */
int kvm_cpu_get_interrupt(struct vcpu *v);
/* An NMI waits for v (its xAPIC's NMI IPI to itself); irqchip_nmi_ack() once injected. */
bool irqchip_nmi_pending(struct vcpu *v);
void irqchip_nmi_ack(struct vcpu *v);
