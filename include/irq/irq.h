/*
 * The guest's interrupt controllers, one layer between the devices and the
 * vCPUs' entry path (KVM's arch/x86/kvm/irq.c with its in-kernel 8259A and
 * local APICs): devices raise and lower lines into it (irqchip_set_line(),
 * or a source it samples), and vmx/ asks it once before every VM entry
 * what to inject (kvm_cpu_has_injectable_intr(), kvm_cpu_get_interrupt(),
 * irqchip_nmi_take()).  Nothing in it calls the devices or vmx/.
 *
 * A VM's controllers: the 8259A pair on ISA lines 0-15, the I/O APIC
 * (irq/ioapic.c) at IOAPIC_DEFAULT_BASE whose pins see the same lines (ISA
 * IRQ 0 on pin 2, irqchip_isa_gsi(), as the guest's MADT says), and an
 * emulated xAPIC for each vCPU that irqchip_lapic_enable() gives one.  The
 * xAPICs and the I/O APIC share a bus: an IPI or an I/O APIC message is
 * delivered to the APICs it names, whose vCPUs are kicked
 * (kvm_vcpu_kick()) so that a vCPU in its guest or halted on another CPU
 * sees it; an EOI of a level-triggered vector goes back to the I/O APIC.
 * The PIC's INTR reaches the BSP only, through its LINT0 in virtual-wire
 * mode (or a vCPU without an APIC).  An xAPIC's interrupts go before the
 * PIC's.
 */
#pragma once

#include "irq/ioapic.h"
#include "irq/pic8259.h"
#include "irq/vlapic.h"
#include "kvm/kvm.h"
#include "lib/spinlock.h"

struct vcpu;
struct vcpu_exit;
struct irqchip;

/* A line the layer samples before it answers (a device whose line follows a clock). */
struct irq_source {
	void (*sample)(struct irqchip *chip, void *ctx);
	void *ctx;
};

#define IRQCHIP_MAX_SOURCES 4
#define IRQCHIP_IOAPIC_ID 0	/* as QEMU's; the MADT states it (devices/acpi_build.c) */

struct irqchip {
	/*
	 * Protects everything below: the VMM's CPU raises lines and reaches
	 * the controllers' registers through port I/O and MMIO exits while a
	 * vCPU's CPU asks what to inject before its entry.
	 */
	spinlock_t lock;
	struct kvm *kvm;	/* whose vCPUs the messages go to */
	struct pic pic;
	struct ioapic ioapic;
	struct vlapic_bus bus;	/* what every xAPIC's IPIs and EOIs go through */
	struct irq_source sources[IRQCHIP_MAX_SOURCES];
	unsigned int nr_sources;
	/* vCPU i's xAPIC (kvm->vcpus[i]->apic points here when it has one). */
	struct vlapic lapic[KVM_MAX_VCPUS];
	bool lapic_was_enabled[KVM_MAX_VCPUS];	/* IA32_APIC_BASE.EN when last looked at */
	u64 lapic_min_period;	/* each xAPIC's min_period (the VM sets it: TSC ticks) */
};

/* Power-on state for kvm's vCPUs: no sources, the PIC as a BIOS leaves it, every pin masked. */
void irqchip_init(struct irqchip *chip, struct kvm *kvm);

/* Sample src before every answer; -ENOSPC past IRQCHIP_MAX_SOURCES. */
int irqchip_add_source(struct irqchip *chip, void (*sample)(struct irqchip *, void *), void *ctx);

/*
 * Drive line irq to level: 0-15 an ISA IRQ (the 8259A and its I/O APIC
 * pin, IRQ 0 on pin 2), 16-23 an I/O APIC pin alone (virtio's).  The
 * caller holds chip->lock (sources) or not (devices).
 */
void irqchip_set_line(struct irqchip *chip, unsigned int irq, bool level);
void __irqchip_set_line(struct irqchip *chip, unsigned int irq, bool level);
/* The I/O APIC input (GSI) of ISA IRQ irq. */
unsigned int irqchip_isa_gsi(unsigned int irq);
/* Sample the sources now (a device's level may have changed from outside a vCPU). */
void irqchip_poll(struct irqchip *chip);

/*
 * Give v an emulated xAPIC at the default base, enabled, with APIC ID
 * v->id; CR8 then reaches its TPR.
 */
void irqchip_lapic_enable(struct irqchip *chip, struct vcpu *v);

/* An MMIO access of v to its xAPIC's page, completed in v->exit; false if not the xAPIC's. */
bool irqchip_lapic_mmio(struct irqchip *chip, struct vcpu *v);

/*
 * APIC-register virtualization (vmx/apic_access.c).  Fill v's virtual-APIC
 * page (VLAPIC_PAGE_WORDS u32) with its xAPIC's registers, and, when vid
 * is not NULL (virtual-interrupt delivery), what the VMCS needs with it:
 * false, page untouched, when v has no enabled APIC.  In x2APIC mode, the
 * x2APIC's layout (vlapic_fill_page()).
 */
bool irqchip_lapic_fill_page(struct vcpu *v, u32 *page, struct vlapic_vid *vid);
/*
 * With virtual-interrupt delivery, after the guest ran from a page
 * irqchip_lapic_fill_page() filled with vid: the xAPIC takes back what the
 * CPU delivered and ended (vlapic_sync_page()); and after an EOI-induced
 * exit, vector's end reaches the bus (vlapic_eoi_induced()).
 */
void irqchip_lapic_sync_page(struct vcpu *v, const u32 *page);
void irqchip_lapic_eoi_induced(struct vcpu *v, u8 vector);
/*
 * A guest write the CPU trapped after it wrote the value into the page (an
 * APIC-write VM exit): the register at offset takes page's value, as an
 * MMIO write would; an ICR write first takes ICR2 from the page, which
 * the CPU writes without an exit.
 */
void irqchip_lapic_page_write(struct vcpu *v, u32 offset, const u32 *page);

/* An MMIO access to the I/O APIC's page, completed in e; false if not the I/O APIC's. */
bool irqchip_ioapic_mmio(struct irqchip *chip, struct vcpu_exit *e);

/*
 * Whether an NMI, INIT, SIPI, or an interrupt the guest can take now
 * (v->ready_for_interrupt), waits for v: a halted vCPU wakes.  For a vCPU
 * in wait-for-SIPI, only INIT or SIPI.
 */
bool irqchip_vcpu_pending(struct vcpu *v);

/* When v's xAPIC timer next fires (TSC), or ~0ULL. */
u64 irqchip_vcpu_next_event(struct vcpu *v);

/* Whether the PIC's INTR would go to v (the BSP in virtual-wire mode). */
bool irqchip_pic_reaches(struct vcpu *v);

/* IA32_TSC_DEADLINE of v's xAPIC, in host TSC ticks (KVM's names). */
u64 kvm_get_lapic_tscdeadline_msr(struct vcpu *v);
void kvm_set_lapic_tscdeadline_msr(struct vcpu *v, u64 deadline);

/*
 * Act on an INIT or STARTUP IPI v's xAPIC latched (KVM's
 * kvm_apic_accept_events()): INIT resets v (vcpu_init_event()), a SIPI
 * starts a vCPU that waits for one.  On v's own CPU, before its entry.
 */
void kvm_apic_accept_events(struct vcpu *v);

/*
 * INIT v now, as kvm_apic_accept_events() acts on an INIT IPI, whatever
 * its xAPIC's state: the xAPIC reset but for its ID (any INIT or SIPI it
 * latched dropped), then v's registers (vcpu_init_event()).  What
 * firmware's S3 resume leaves a CPU in (vm/sleep.c).  On v's own CPU.
 */
void irqchip_vcpu_init(struct irqchip *chip, struct vcpu *v);

/*
 * KVM_HC_SEND_IPI (include/kvm/kvm_para.h): the message icr describes
 * (delivery mode, vector, trigger; physical, no shorthand) to APIC ID
 * min + i for each bit i of bitmap_low and min + 32 or 64 (op_64_bit) + i
 * for each bit of bitmap_high.  Returns how many APICs took it, or
 * -KVM_EINVAL for a logical or shorthand icr (KVM's kvm_pv_send_ipi()).
 */
long kvm_pv_send_ipi(struct kvm *kvm, u64 bitmap_low, u64 bitmap_high, u32 min, u32 icr,
		     bool op_64_bit);

/*
 * RDMSR/WRMSR of an x2APIC register (MSR 0x800-0x8ff, KVM's names): 0, or
 * 1 for #GP (v's APIC not in x2APIC mode, or vlapic_x2apic_read()/_write()
 * refuse it).  An ICR write delivers the IPI at once.
 */
int kvm_x2apic_msr_read(struct vcpu *v, u32 msr, u64 *data);
int kvm_x2apic_msr_write(struct vcpu *v, u32 msr, u64 data);

/* Asked by the entry path, with v's VM's chip (v->kvm->irqchip). */
bool kvm_cpu_has_injectable_intr(struct vcpu *v);
/*
 * For TPR shadow (KVM's update_cr8_intercept()): the priority class
 * (vector >> 4) of the highest interrupt v's xAPIC holds that its TPR
 * masks, so that a MOV to CR8 lowering the TPR below it exits; 0 when the
 * TPR masks none (or v has no xAPIC).  Never above TPR[7:4].
 */
unsigned int irqchip_tpr_threshold(struct vcpu *v);
/* The vector to inject now, acknowledged at its controller; -1 if none. */
int kvm_cpu_get_interrupt(struct vcpu *v);
/*
 * The NMIs sent to v's xAPIC since the last call (KVM's nmi_queued, taken
 * by process_nmi()); the vCPU keeps those it cannot inject yet.
 */
unsigned int irqchip_nmi_take(struct vcpu *v);
