/*
 * The VM's interrupt controllers as one layer (include/irq/irq.h): lines in
 * from the devices, one question per VM entry from vmx/.  Sources that
 * follow a clock (the PIT's IRQ 0, COM1's level) are sampled before every
 * answer, so an answer is as fresh as the entry that asks.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "irq/irq.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "vmx/vcpu.h"

void irqchip_init(struct irqchip *chip)
{
	memset(chip, 0, sizeof(*chip));	/* the lock unlocked */
	pic_init(&chip->pic);
}

int irqchip_add_source(struct irqchip *chip, void (*sample)(struct irqchip *, void *), void *ctx)
{
	if (chip->nr_sources == IRQCHIP_MAX_SOURCES)
		return -ENOSPC;
	chip->sources[chip->nr_sources++] = (struct irq_source){ .sample = sample, .ctx = ctx };
	return 0;
}

void __irqchip_set_line(struct irqchip *chip, unsigned int irq, bool level)
{
	pic_set_irq(&chip->pic, irq, level);
}

void irqchip_set_line(struct irqchip *chip, unsigned int irq, bool level)
{
	spin_lock(&chip->lock);
	__irqchip_set_line(chip, irq, level);
	spin_unlock(&chip->lock);
}

static void sample_sources(struct irqchip *chip)
{
	for (unsigned int i = 0; i < chip->nr_sources; i++)
		chip->sources[i].sample(chip, chip->sources[i].ctx);
}

void irqchip_lapic_enable(struct irqchip *chip, struct vcpu *v)
{
	unsigned int i = v->vcpu_idx;

	if (i >= KVM_MAX_VCPUS)
		return;
	vlapic_reset(&chip->lapic[i], (u8)v->id);
	chip->lapic_was_enabled[i] = true;
	v->apic_base = VLAPIC_DEFAULT_BASE | MSR_APIC_BASE_ENABLE | (v->id ? 0 : MSR_APIC_BASE_BSP);
	v->apic = &chip->lapic[i];
	v->tpr = &chip->lapic[i].tpr;	/* CR8 is this APIC's TPR[7:4] */
}

/*
 * v's xAPIC while IA32_APIC_BASE enables it, else NULL.  Disabling it puts
 * it back in its power-up state (SDM Vol. 3A 11.4.3), so that the guest
 * finds it that way when it enables it again (kvm-unit-tests' reset_apic()).
 * Caller holds chip->lock.
 */
static struct vlapic *vcpu_apic(struct irqchip *chip, struct vcpu *v)
{
	unsigned int i = v->vcpu_idx;

	if (!v->apic)
		return NULL;
	if (!(v->apic_base & MSR_APIC_BASE_ENABLE)) {
		if (chip->lapic_was_enabled[i])
			vlapic_reset(v->apic, (u8)v->id);
		chip->lapic_was_enabled[i] = false;
		return NULL;
	}
	chip->lapic_was_enabled[i] = true;
	return v->apic;
}

bool irqchip_lapic_mmio(struct irqchip *chip, struct vcpu *v)
{
	struct vcpu_exit *e = &v->exit;
	u64 base = v->apic_base & ~(u64)(VLAPIC_MMIO_SIZE - 1);	/* IA32_APIC_BASE may move it */
	u64 off = e->mmio.gpa - base;
	unsigned int shift = (off & 3) * 8;
	struct vlapic *a;

	spin_lock(&chip->lock);
	a = vcpu_apic(chip, v);
	if (!a || e->mmio.gpa < base || off >= VLAPIC_MMIO_SIZE) {
		spin_unlock(&chip->lock);
		return false;
	}
	/* The registers are 32 bits wide on 16-byte boundaries; a narrower read sees part of one. */
	if (e->mmio.is_write) {
		if (e->mmio.len == 4 && !(off & 3))
			vlapic_write(a, (u32)off, (u32)e->mmio.data, rdtsc());
	} else {
		u64 val = vlapic_read(a, (u32)off & ~3u, rdtsc()) >> shift;

		e->mmio.data = e->mmio.len >= 4 ? val : val & ((1ULL << (e->mmio.len * 8)) - 1);
	}
	spin_unlock(&chip->lock);
	return true;
}

bool irqchip_pending(struct irqchip *chip, struct kvm *kvm)
{
	struct vcpu *v;
	unsigned int i;
	bool pending;

	spin_lock(&chip->lock);
	sample_sources(chip);
	pending = pic_has_interrupt(&chip->pic);
	kvm_for_each_vcpu(i, v, kvm) {
		struct vlapic *a = vcpu_apic(chip, v);

		if (a && (a->nmi_pending || vlapic_pending(a, rdtsc()) >= 0))
			pending = true;
	}
	spin_unlock(&chip->lock);
	return pending;
}

u64 irqchip_next_event(struct irqchip *chip, struct kvm *kvm)
{
	u64 next = ~0ULL, now = rdtsc();
	struct vcpu *v;
	unsigned int i;

	spin_lock(&chip->lock);
	kvm_for_each_vcpu(i, v, kvm) {
		const struct vlapic *a = (v->apic && (v->apic_base & MSR_APIC_BASE_ENABLE)) ?
						 v->apic : NULL;

		if (a && !(a->lvt[0] & APIC_LVT_MASKED) && vlapic_next_event(a, now) < next)
			next = vlapic_next_event(a, now);
	}
	spin_unlock(&chip->lock);
	return next;
}

/* The vector v's xAPIC would hand the CPU, or the PIC's INTR; -1 if none.  Lock held. */
static int peek_interrupt(struct irqchip *chip, struct vcpu *v, struct vlapic **from)
{
	struct vlapic *a = vcpu_apic(chip, v);
	int vec;

	sample_sources(chip);
	vec = a ? vlapic_pending(a, rdtsc()) : -1;
	*from = vec >= 0 ? a : NULL;
	if (vec >= 0)
		return vec;
	return pic_has_interrupt(&chip->pic) ? 0x100 : -1;	/* the PIC's vector comes at its ack */
}

bool kvm_cpu_has_injectable_intr(struct vcpu *v)
{
	struct irqchip *chip = v->kvm->irqchip;
	struct vlapic *from;
	bool has;

	if (!chip)
		return false;
	spin_lock(&chip->lock);
	has = peek_interrupt(chip, v, &from) >= 0;
	spin_unlock(&chip->lock);
	return has;
}

int kvm_cpu_get_interrupt(struct vcpu *v)
{
	struct irqchip *chip = v->kvm->irqchip;
	struct vlapic *from;
	int vec;

	if (!chip)
		return -1;
	spin_lock(&chip->lock);
	vec = peek_interrupt(chip, v, &from);
	if (from)
		vlapic_ack(from, (u8)vec);
	else if (vec >= 0)
		vec = pic_ack(&chip->pic);
	spin_unlock(&chip->lock);
	return vec;
}

bool irqchip_nmi_pending(struct vcpu *v)
{
	struct irqchip *chip = v->kvm->irqchip;
	bool pending;

	if (!chip)
		return false;
	spin_lock(&chip->lock);
	pending = vcpu_apic(chip, v) && v->apic->nmi_pending;
	spin_unlock(&chip->lock);
	return pending;
}

void irqchip_nmi_ack(struct vcpu *v)
{
	struct irqchip *chip = v->kvm->irqchip;

	spin_lock(&chip->lock);
	v->apic->nmi_pending = false;
	spin_unlock(&chip->lock);
}
