/*
 * The VM's interrupt controllers as one layer (include/irq/irq.h): lines in
 * from the devices, one question per VM entry from vmx/.  Sources that
 * follow a clock (the PIT's IRQ 0, COM1's level) are sampled before every
 * answer, so an answer is as fresh as the entry that asks.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "irq/irq.h"
#include "kvm/kvm_para.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "vmx/vcpu.h"

static void irqchip_ipi(void *ctx, struct vlapic *from, u32 icr_lo, u32 icr_hi);
static void irqchip_eoi(void *ctx, u8 vector);
static void irqchip_ioapic_deliver(void *ctx, const struct ioapic_irq *irq);

void irqchip_init(struct irqchip *chip, struct kvm *kvm)
{
	memset(chip, 0, sizeof(*chip));	/* the lock unlocked */
	chip->kvm = kvm;
	pic_init(&chip->pic);
	ioapic_reset(&chip->ioapic, IRQCHIP_IOAPIC_ID, irqchip_ioapic_deliver, chip);
	chip->bus = (struct vlapic_bus){ .ipi = irqchip_ipi, .eoi = irqchip_eoi, .ctx = chip };
}

int irqchip_add_source(struct irqchip *chip, void (*sample)(struct irqchip *, void *), void *ctx)
{
	if (chip->nr_sources == IRQCHIP_MAX_SOURCES)
		return -ENOSPC;
	chip->sources[chip->nr_sources++] = (struct irq_source){ .sample = sample, .ctx = ctx };
	return 0;
}

/* The I/O APIC pin of ISA IRQ irq: IRQ 0 is on pin 2, as the MADT's override says. */
unsigned int irqchip_isa_gsi(unsigned int irq)
{
	return irq == 0 ? 2 : irq;
}

void __irqchip_set_line(struct irqchip *chip, unsigned int irq, bool level)
{
	lockdep_assert_held(&chip->lock);
	pic_set_irq(&chip->pic, irq, level);
	if (irq != PIC_CASCADE_IRQ)
		ioapic_set_irq(&chip->ioapic, irqchip_isa_gsi(irq), level);
}

void irqchip_set_line(struct irqchip *chip, unsigned int irq, bool level)
{
	spin_lock(&chip->lock);
	__irqchip_set_line(chip, irq, level);
	spin_unlock(&chip->lock);
}

static void sample_sources(struct irqchip *chip)
{
	lockdep_assert_held(&chip->lock);
	for (unsigned int i = 0; i < chip->nr_sources; i++)
		chip->sources[i].sample(chip, chip->sources[i].ctx);
}

/* v's xAPIC in its power-up state, on the chip's bus. */
static void lapic_reset(struct irqchip *chip, struct vlapic *a, struct vcpu *v)
{
	vlapic_reset(a, (u8)v->id);
	a->min_period = chip->lapic_min_period;
	a->bus = &chip->bus;
}

void irqchip_lapic_enable(struct irqchip *chip, struct vcpu *v)
{
	unsigned int i = v->vcpu_idx;

	if (i >= KVM_MAX_VCPUS)
		return;
	lapic_reset(chip, &chip->lapic[i], v);
	/*
	 * The BSP's LINT0 passes the PIC's INTR (virtual-wire mode, as a BIOS
	 * leaves it and KVM's LINT0_REENABLED quirk sets it): a guest that
	 * never touches its APIC keeps the PIC's interrupts.
	 */
	if (i == 0)
		chip->lapic[i].lvt[3] = APIC_LVT_DM_EXTINT;
	chip->lapic_was_enabled[i] = true;
	v->apic_base = VLAPIC_DEFAULT_BASE | MSR_APIC_BASE_ENABLE | (v->id ? 0 : MSR_APIC_BASE_BSP);
	v->apic = &chip->lapic[i];
	v->tpr = &chip->lapic[i].tpr;	/* CR8 is this APIC's TPR[7:4] */
}

/* v's APIC if IA32_APIC_BASE enables it, else NULL; unlike vcpu_apic(), changing nothing. */
static const struct vlapic *vcpu_apic_enabled(const struct vcpu *v)
{
	return v->apic && (v->apic_base & MSR_APIC_BASE_ENABLE) ? v->apic : NULL;
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
			lapic_reset(chip, v->apic, v);
		chip->lapic_was_enabled[i] = false;
		return NULL;
	}
	chip->lapic_was_enabled[i] = true;
	/* EXTD set (vmx/exit_msr.c allows it only from xAPIC mode): x2APIC from now on. */
	if ((v->apic_base & MSR_APIC_BASE_EXTD) && !v->apic->x2apic)
		vlapic_enable_x2apic(v->apic);
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
	/* In x2APIC mode the page is not the APIC's (SDM 11.12.1.2). */
	if (!a || a->x2apic || e->mmio.gpa < base || off >= VLAPIC_MMIO_SIZE) {
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

bool irqchip_lapic_fill_page(struct vcpu *v, u32 *page, struct vlapic_vid *vid)
{
	struct irqchip *chip = v->kvm->irqchip;
	struct vlapic *a;

	if (!chip)
		return false;
	spin_lock(&chip->lock);
	a = vcpu_apic(chip, v);
	if (a) {
		vlapic_fill_page(a, page, rdtsc());
		if (vid)
			vlapic_vid_state(a, vid);
	}
	spin_unlock(&chip->lock);
	return a;
}

void irqchip_lapic_sync_page(struct vcpu *v, const u32 *page)
{
	struct irqchip *chip = v->kvm->irqchip;
	struct vlapic *a;

	spin_lock(&chip->lock);
	a = vcpu_apic(chip, v);
	if (a)
		vlapic_sync_page(a, page);
	spin_unlock(&chip->lock);
}

void irqchip_lapic_eoi_induced(struct vcpu *v, u8 vector)
{
	struct irqchip *chip = v->kvm->irqchip;
	struct vlapic *a;

	spin_lock(&chip->lock);
	a = vcpu_apic(chip, v);
	if (a)
		vlapic_eoi_induced(a, vector);
	spin_unlock(&chip->lock);
}

void irqchip_lapic_page_write(struct vcpu *v, u32 offset, const u32 *page)
{
	struct irqchip *chip = v->kvm->irqchip;
	struct vlapic *a;
	u32 reg = offset & 0xff0;
	u64 now = rdtsc();

	if (!chip)
		return;
	spin_lock(&chip->lock);
	a = vcpu_apic(chip, v);
	if (a && !a->x2apic) {
		if (reg == APIC_ICR)
			vlapic_write(a, APIC_ICR2, page[APIC_ICR2 / sizeof(u32)], now);
		vlapic_write(a, reg, page[reg / sizeof(u32)], now);
	}
	spin_unlock(&chip->lock);
}

/*
 * Whether the PIC's INTR goes to v: the BSP's, through its LINT0 in
 * virtual-wire mode, or a CPU without an APIC (KVM's
 * kvm_apic_accept_pic_intr()).
 */
static bool accepts_pic(struct irqchip *chip, struct vcpu *v)
{
	struct vlapic *a = vcpu_apic(chip, v);

	return v->vcpu_idx == 0 && (!a || vlapic_accepts_extint(a));
}

bool irqchip_vcpu_pending(struct vcpu *v)
{
	struct irqchip *chip = v->kvm->irqchip;
	struct vlapic *a;
	bool pending;

	if (!chip)
		return false;
	spin_lock(&chip->lock);
	sample_sources(chip);
	a = vcpu_apic(chip, v);
	if (v->mp_state == VCPU_MP_INIT_RECEIVED)	/* only INIT and SIPI wake it */
		pending = a && (a->init_pending || a->sipi_pending);
	else {
		/* Asked either way: it raises a timer that came due, so the timer moves on. */
		int vec = a ? vlapic_pending(a, rdtsc()) : -1;

		/* An interrupt only if the guest can take it (KVM's kvm_vcpu_has_events()). */
		pending = v->nmi_pending || (a && (a->nmi_queued || a->init_pending || a->sipi_pending)) ||
			  (v->ready_for_interrupt &&
			   (vec >= 0 || (accepts_pic(chip, v) && pic_has_interrupt(&chip->pic))));
	}
	spin_unlock(&chip->lock);
	return pending;
}

u64 irqchip_vcpu_next_event(struct vcpu *v)
{
	struct irqchip *chip = v->kvm->irqchip;
	const struct vlapic *a;
	u64 next = ~0ULL;

	if (!chip)
		return next;
	spin_lock(&chip->lock);
	a = vcpu_apic_enabled(v);
	if (a && !(a->lvt[0] & APIC_LVT_MASKED))
		next = vlapic_next_event(a, rdtsc());
	spin_unlock(&chip->lock);
	return next;
}

bool irqchip_pic_reaches(struct vcpu *v)
{
	struct irqchip *chip = v->kvm->irqchip;
	bool r;

	spin_lock(&chip->lock);
	r = accepts_pic(chip, v);
	spin_unlock(&chip->lock);
	return r;
}

void irqchip_poll(struct irqchip *chip)
{
	struct vcpu *bsp = chip->kvm->online_vcpus ? chip->kvm->vcpus[0] : NULL;

	spin_lock(&chip->lock);
	sample_sources(chip);	/* what reaches an APIC kicks its vCPU (deliver()) */
	if (bsp && accepts_pic(chip, bsp) && pic_has_interrupt(&chip->pic))
		kvm_vcpu_kick(bsp);
	spin_unlock(&chip->lock);
}

/*
 * Whether a message from from (NULL: the I/O APIC) with this shorthand and
 * destination is for a (SDM Vol. 3A 11.6.2).
 */
static bool message_for(const struct vlapic *a, const struct vlapic *from, u32 shorthand, u32 dest,
			bool logical)
{
	switch (shorthand) {
	case APIC_DEST_SELF:
		return a == from;
	case APIC_DEST_ALL:
		return true;
	case APIC_DEST_ALL_BUT_SELF:
		return a != from;
	default:
		return vlapic_match_dest(a, dest, logical);
	}
}

/*
 * Hand a message to the APICs it names and kick their vCPUs so that they
 * see it.  Lowest priority goes to the first APIC named (KVM arbitrates by
 * priority; any one of them is what the SDM allows software to expect).
 * Lock held.
 */
static void deliver(struct irqchip *chip, const struct vlapic *from, u32 shorthand, u32 dest,
		    bool logical, u32 mode, u8 vector, bool level)
{
	struct vcpu *v;
	unsigned int i;

	lockdep_assert_held(&chip->lock);
	kvm_for_each_vcpu(i, v, chip->kvm) {
		struct vlapic *a = vcpu_apic(chip, v);

		if (!a || !message_for(a, from, shorthand, dest, logical))
			continue;
		if (vlapic_accept(a, mode, vector, level))
			kvm_vcpu_kick(v);
		if (mode == APIC_DM_LOWEST)
			return;
	}
}

/* An 8-bit destination of the xAPIC format, its broadcast made the x2APICs' too (KVM's kvm_apic_mda()). */
static u32 xapic_format_dest(u8 dest)
{
	return dest == APIC_BROADCAST_ID ? X2APIC_BROADCAST_ID : dest;
}

static void irqchip_ipi(void *ctx, struct vlapic *from, u32 icr_lo, u32 icr_hi)
{
	u32 dest = from->x2apic ? icr_hi : xapic_format_dest(icr_hi >> 24);

	deliver(ctx, from, (icr_lo >> APIC_ICR_SHORTHAND_SHIFT) & 3, dest,
		icr_lo & APIC_ICR_LOGICAL, icr_lo & APIC_ICR_DM_MASK, icr_lo & 0xff,
		icr_lo & APIC_ICR_TRIGGER_LEVEL);
}

/* One bitmap of KVM_HC_SEND_IPI: bit i names APIC ID min + i.  Lock held. */
static long pv_send_ipi_bitmap(struct irqchip *chip, u64 bitmap, u32 min, unsigned int bits,
			       u32 icr)
{
	long count = 0;

	for (unsigned int i = 0; i < bits; i++) {
		struct vcpu *v;
		unsigned int j;

		/* xAPIC IDs are 8 bits and 0xff is the broadcast: nothing above 0xfe. */
		if (!(bitmap & (1ULL << i)) || (u64)min + i >= APIC_BROADCAST_ID)
			continue;
		kvm_for_each_vcpu(j, v, chip->kvm) {
			struct vlapic *a = vcpu_apic(chip, v);

			if (!a || !vlapic_match_dest(a, min + i, false))
				continue;
			if (vlapic_accept(a, icr & APIC_ICR_DM_MASK, icr & 0xff,
					  icr & APIC_ICR_TRIGGER_LEVEL)) {
				kvm_vcpu_kick(v);
				count++;
			}
		}
	}
	return count;
}

long kvm_pv_send_ipi(struct kvm *kvm, u64 bitmap_low, u64 bitmap_high, u32 min, u32 icr,
		     bool op_64_bit)
{
	struct irqchip *chip = kvm->irqchip;
	unsigned int bits = op_64_bit ? 64 : 32;
	long count;

	/* The hypercall names APICs by physical ID; it has no shorthand (KVM's rule). */
	if (icr & (APIC_ICR_LOGICAL | (3u << APIC_ICR_SHORTHAND_SHIFT)))
		return -KVM_EINVAL;
	if (!chip)
		return -KVM_EOPNOTSUPP;
	spin_lock(&chip->lock);
	count = pv_send_ipi_bitmap(chip, bitmap_low, min, bits, icr);
	/* min is 32 bits and wraps, as KVM's does */
	count += pv_send_ipi_bitmap(chip, bitmap_high, min + bits, bits, icr);
	spin_unlock(&chip->lock);
	return count;
}

/* A level-triggered vector's EOI goes to the I/O APIC (it has no EOI register: version 0x11). */
static void irqchip_eoi(void *ctx, u8 vector)
{
	struct irqchip *chip = ctx;

	ioapic_eoi(&chip->ioapic, vector);
}

static void irqchip_ioapic_deliver(void *ctx, const struct ioapic_irq *irq)
{
	if (irq->delivery_mode == IOAPIC_DELIVERY_EXTINT)
		return;	/* the PIC's INTR reaches the BSP through LINT0 already */
	deliver(ctx, NULL, APIC_DEST_NONE, xapic_format_dest(irq->dest), irq->logical,
		(u32)irq->delivery_mode << APIC_ICR_DM_SHIFT, irq->vector, irq->level);
}

bool irqchip_ioapic_mmio(struct irqchip *chip, struct vcpu_exit *e)
{
	u64 off = e->mmio.gpa - IOAPIC_DEFAULT_BASE;

	if (e->mmio.gpa < IOAPIC_DEFAULT_BASE || off >= IOAPIC_MMIO_SIZE)
		return false;
	/*
	 * IOREGSEL and IOWIN are 32-bit registers, accessed as dwords (82093AA
	 * datasheet, 3.0): a narrower or unaligned read sees part of one, as
	 * the xAPIC's do; any other write is dropped, as KVM drops it, rather
	 * than zero-extended over the whole register.
	 */
	spin_lock(&chip->lock);
	if (e->mmio.is_write) {
		if (e->mmio.len == IOAPIC_REG_BYTES && !(off & (IOAPIC_REG_BYTES - 1)))
			ioapic_mmio_write(&chip->ioapic, (u32)off, (u32)e->mmio.data);
	} else {
		u64 val = ioapic_mmio_read(&chip->ioapic, (u32)off & ~(IOAPIC_REG_BYTES - 1)) >>
			  ((off & (IOAPIC_REG_BYTES - 1)) * 8);

		e->mmio.data = e->mmio.len >= IOAPIC_REG_BYTES ? val :
			       val & ((1ULL << (e->mmio.len * 8)) - 1);
	}
	spin_unlock(&chip->lock);
	return true;
}

/* The vector v's xAPIC would hand the CPU, or the PIC's INTR; -1 if none.  Lock held. */
static int peek_interrupt(struct irqchip *chip, struct vcpu *v, struct vlapic **from)
{
	struct vlapic *a = vcpu_apic(chip, v);
	int vec;

	sample_sources(chip);
	/* With virtual-interrupt delivery the CPU delivers the xAPIC's vectors itself. */
	vec = a && !vcpu_vid_active(v) ? vlapic_pending(a, rdtsc()) : -1;
	*from = vec >= 0 ? a : NULL;
	if (vec >= 0)
		return vec;
	return accepts_pic(chip, v) && pic_has_interrupt(&chip->pic) ? 0x100 : -1;	/* the PIC's vector comes at its ack */
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

unsigned int irqchip_tpr_threshold(struct vcpu *v)
{
	struct irqchip *chip = v->kvm->irqchip;
	const struct vlapic *a;
	unsigned int th = 0;
	int irr;

	if (!chip)
		return 0;
	spin_lock(&chip->lock);
	a = vcpu_apic(chip, v);
	irr = a ? vlapic_highest_irr(a) : -1;
	if (irr >= 0 && ((u32)irr >> 4) <= ((a->tpr >> 4) & 0xf))
		th = (u32)irr >> 4;
	spin_unlock(&chip->lock);
	return th;
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

unsigned int irqchip_nmi_take(struct vcpu *v)
{
	struct irqchip *chip = v->kvm->irqchip;
	unsigned int n = 0;

	if (!chip)
		return 0;
	spin_lock(&chip->lock);
	if (vcpu_apic(chip, v)) {
		n = v->apic->nmi_queued;
		v->apic->nmi_queued = 0;
	}
	spin_unlock(&chip->lock);
	return n;
}

u64 kvm_get_lapic_tscdeadline_msr(struct vcpu *v)
{
	struct irqchip *chip = v->kvm->irqchip;
	u64 val;

	spin_lock(&chip->lock);
	val = vcpu_apic(chip, v) ? vlapic_get_tscdeadline(v->apic) : 0;
	spin_unlock(&chip->lock);
	return val;
}

void kvm_set_lapic_tscdeadline_msr(struct vcpu *v, u64 deadline)
{
	struct irqchip *chip = v->kvm->irqchip;

	spin_lock(&chip->lock);
	if (vcpu_apic(chip, v))
		vlapic_set_tscdeadline(v->apic, deadline, rdtsc());
	spin_unlock(&chip->lock);
}

/* An x2APIC MSR access of v: 0, or 1 (#GP) outside x2APIC mode or where the APIC refuses it. */
static int x2apic_msr(struct vcpu *v, u32 msr, u64 *data, bool write)
{
	struct irqchip *chip = v->kvm->irqchip;
	struct vlapic *a;
	int err = -1;

	if (!chip)
		return 1;
	spin_lock(&chip->lock);
	a = vcpu_apic(chip, v);
	if (a && a->x2apic)
		err = write ? vlapic_x2apic_write(a, msr, *data, rdtsc()) :
			      vlapic_x2apic_read(a, msr, data, rdtsc());
	spin_unlock(&chip->lock);
	return err ? 1 : 0;
}

int kvm_x2apic_msr_read(struct vcpu *v, u32 msr, u64 *data)
{
	return x2apic_msr(v, msr, data, false);
}

int kvm_x2apic_msr_write(struct vcpu *v, u32 msr, u64 data)
{
	return x2apic_msr(v, msr, &data, true);
}

void irqchip_vcpu_init(struct irqchip *chip, struct vcpu *v)
{
	spin_lock(&chip->lock);
	if (v->apic) {
		v->apic->init_pending = v->apic->sipi_pending = false;
		lapic_reset(chip, v->apic, v);
	}
	spin_unlock(&chip->lock);
	vcpu_init_event(v);
}

void kvm_apic_accept_events(struct vcpu *v)
{
	struct irqchip *chip = v->kvm->irqchip;
	bool init = false, sipi = false;
	u8 vector = 0;

	if (!chip || !v->apic)
		return;
	spin_lock(&chip->lock);
	if (vcpu_apic(chip, v)) {
		init = v->apic->init_pending;
		sipi = v->apic->sipi_pending;
		vector = v->apic->sipi_vector;
		v->apic->init_pending = v->apic->sipi_pending = false;
		if (init)	/* INIT resets the APIC too, but for its ID (SDM 11.4.7.3) */
			lapic_reset(chip, v->apic, v);
	}
	spin_unlock(&chip->lock);
	if (init) {
		vcpu_init_event(v);
		sipi = false;	/* a SIPI before the INIT was acted on is lost, as KVM's */
	}
	if (sipi && v->mp_state == VCPU_MP_INIT_RECEIVED)
		kvm_vcpu_deliver_sipi_vector(v, vector);
}
