/*
 * The interrupt layer (irq/irq.c with irq/ioapic.c, irq/vlapic.c and
 * irq/pic8259.c) on what guests do to it: MMIO accesses of any offset and
 * size to each vCPU's xAPIC page and the I/O APIC's page (the exits'
 * entry points, irqchip_lapic_mmio() and irqchip_ioapic_mmio()), x2APIC
 * MSRs, the IA32_APIC_BASE transitions vmx/exit_msr.c allows, PV IPIs,
 * lines raised by devices, the entry path's questions, TSC deadlines
 * (time is the host's TSC, as irq/irq.c reads it),
 * on a VM of two vCPUs built as tests/unit/test_irq.c builds it.  Each
 * operation is 8 bytes: what (and an access size), which vCPU, an offset,
 * a value.
 * Invariants: no APIC holds a vector below 16 in IRR or ISR (SDM Vol. 3A
 * 11.8.3: illegal vectors are refused), what the entry path is given to
 * inject is a vector of 16 or more or the PIC's, the I/O APIC's register
 * select stays a byte and its read-only bits are the model's, and an MMIO
 * read answers only the bytes the guest asked for.
 */
#include "arch/x86/cpu.h"
#include "irq/irq.h"
#include "irq/ioapic.h"
#include "irq/vlapic.h"
#include "kvm/kvm.h"
#include "vmx/vcpu.h"
#include "fuzz.h"

#define NR_VCPUS		2
#define FIRST_LEGAL_VECTOR	16
#define VECTORS_PER_WORD	32
#define PAGE			0x1000u
#define ISA_IRQS		16
#define PIC_VECTOR_MASK		0xf8u
/* The operation; bits 5:4 of the byte are an MMIO size, bit 7 a PV IPI's width. */
#define OP_MASK			0x0f
#define IOREGSEL_MASK		0xffu

enum op {
	OP_LAPIC_WRITE, OP_LAPIC_READ, OP_IOAPIC_WRITE, OP_IOAPIC_READ,
	OP_MSR_WRITE, OP_MSR_READ, OP_X2APIC_ON, OP_APIC_DISABLE,
	OP_LINE, OP_INJECT, OP_NMI_TAKE, OP_ACCEPT_EVENTS, OP_PV_IPI, OP_TIME, OP_TSC_DEADLINE,
	NR_OPS
};

static const u32 mmio_sizes[] = { 1, 2, 4, 8 };

static struct irqchip chip;
static struct kvm kvm;
static struct vcpu vcpus[NR_VCPUS];

static void vm_build(void)
{
	memset(&kvm, 0, sizeof(kvm));
	memset(vcpus, 0, sizeof(vcpus));
	irqchip_init(&chip, &kvm);
	kvm.irqchip = &chip;
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		vcpus[i].kvm = &kvm;
		vcpus[i].id = vcpus[i].vcpu_idx = i;
		vcpus[i].ready_for_interrupt = true;
		kvm.vcpus[i] = &vcpus[i];
		irqchip_lapic_enable(&chip, &vcpus[i]);
	}
	kvm.online_vcpus = NR_VCPUS;
}

/* A guest MMIO access; a read's data must fit the access size. */
static void mmio(struct vcpu *v, u64 base, u16 off, u8 size_sel, bool is_write, u32 val)
{
	struct vcpu_exit *e = &v->exit;
	u32 len = mmio_sizes[size_sel % ARRAY_SIZE(mmio_sizes)];

	e->reason = VCPU_EXIT_MMIO;
	e->mmio.gpa = base + off % PAGE;
	e->mmio.len = len;
	e->mmio.is_write = is_write;
	e->mmio.data = is_write ? val : ~0ULL;
	if (base == IOAPIC_DEFAULT_BASE)
		irqchip_ioapic_mmio(&chip, e);
	else
		irqchip_lapic_mmio(&chip, v);
	if (!is_write && len < 8 && e->mmio.data != ~0ULL)
		FUZZ_CHECK(e->mmio.data < 1ULL << (8 * len), "a %u-byte read at 0x%llx gave 0x%llx",
			   len, (unsigned long long)e->mmio.gpa, (unsigned long long)e->mmio.data);
}

static void check_state(void)
{
	FUZZ_CHECK(chip.ioapic.ioregsel <= IOREGSEL_MASK, "IOREGSEL 0x%x", chip.ioapic.ioregsel);
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		const struct vlapic *a = &chip.lapic[i];
		u32 low = (1u << FIRST_LEGAL_VECTOR) - 1;

		FUZZ_CHECK(!(a->irr[0] & low) && !(a->isr[0] & low),
			   "APIC %u holds an illegal vector: IRR 0x%x ISR 0x%x", i, a->irr[0],
			   a->isr[0]);
	}
}

static void inject(struct vcpu *v)
{
	int vec;

	if (!kvm_cpu_has_injectable_intr(v))
		return;
	vec = kvm_cpu_get_interrupt(v);
	FUZZ_CHECK(vec < 0 || vec >= FIRST_LEGAL_VECTOR ||
		   ((u32)vec & PIC_VECTOR_MASK) == chip.pic.chip[0].vector_base ||
		   ((u32)vec & PIC_VECTOR_MASK) == chip.pic.chip[1].vector_base,
		   "vector %d given to inject", vec);
}

static void step(u8 op, struct vcpu *v, u16 off, u32 val)
{
	u64 data;

	switch ((op & OP_MASK) % NR_OPS) {
	case OP_LAPIC_WRITE: mmio(v, VLAPIC_DEFAULT_BASE, off, op >> 4, true, val); break;
	case OP_LAPIC_READ: mmio(v, VLAPIC_DEFAULT_BASE, off, op >> 4, false, 0); break;
	case OP_IOAPIC_WRITE: mmio(v, IOAPIC_DEFAULT_BASE, off, op >> 4, true, val); break;
	case OP_IOAPIC_READ: mmio(v, IOAPIC_DEFAULT_BASE, off, op >> 4, false, 0); break;
	case OP_MSR_WRITE:
		kvm_x2apic_msr_write(v, MSR_X2APIC_FIRST + off % 0x100, (u64)off << 32 | val);
		break;
	case OP_MSR_READ: kvm_x2apic_msr_read(v, MSR_X2APIC_FIRST + off % 0x100, &data); break;
	case OP_X2APIC_ON:	/* vmx/exit_msr.c allows EXTD only from an enabled xAPIC */
		if (v->apic_base & MSR_APIC_BASE_ENABLE)
			v->apic_base |= MSR_APIC_BASE_EXTD;
		break;
	case OP_APIC_DISABLE:	/* and clearing EN clears EXTD with it */
		v->apic_base &= ~(MSR_APIC_BASE_ENABLE | MSR_APIC_BASE_EXTD);
		break;
	case OP_LINE: irqchip_set_line(&chip, off % ISA_IRQS, val & 1); break;
	case OP_INJECT: inject(v); break;
	case OP_NMI_TAKE: irqchip_nmi_take(v); break;
	case OP_ACCEPT_EVENTS: kvm_apic_accept_events(v); break;
	case OP_PV_IPI: kvm_pv_send_ipi(&kvm, val, off, off >> 8, val, op & 0x80); break;
	case OP_TIME:	/* the layer reads the host's TSC: what is due by now */
		irqchip_vcpu_pending(v);
		irqchip_vcpu_next_event(v);
		irqchip_tpr_threshold(v);
		break;
	default: kvm_set_lapic_tscdeadline_msr(v, rdtsc() + val); break;
	}
	check_state();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fuzz_stream s = { data, size };

	vm_build();
	while (s.left) {
		u8 op = (u8)fuzz_take(&s, 1);
		struct vcpu *v = &vcpus[fuzz_take(&s, 1) % NR_VCPUS];
		u16 off = (u16)fuzz_take(&s, 2);

		step(op, v, off, (u32)fuzz_take(&s, 4));
	}
	return 0;
}
