/*
 * The interrupt layer (irq/irq.c): lines raised into the VM's 8259A pair,
 * sources sampled before an answer, each vCPU's xAPIC before the PIC, NMIs,
 * and what the entry path is told (kvm_cpu_has_injectable_intr(),
 * kvm_cpu_get_interrupt()).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/pc_testdev.h"
#include "irq/irq.h"
#include "kvm/kvm_para.h"
#include "lib/errno.h"
#include "fake_vcpu.h"
#include "vmx/vcpu.h"

#define PIC_BASE 0x30

static struct irqchip chip;
static struct kvm kvm;
static struct vcpu vcpu0, vcpu1;

/* The PIC as Linux's init_8259A() leaves it, every line unmasked. */
static void pic_program(struct pic *p)
{
	pic_write(p, PIC_MASTER_CMD, 0x11);
	pic_write(p, PIC_MASTER_DATA, PIC_BASE);
	pic_write(p, PIC_MASTER_DATA, 1u << PIC_CASCADE_IRQ);
	pic_write(p, PIC_MASTER_DATA, 0x01);
	pic_write(p, PIC_SLAVE_CMD, 0x11);
	pic_write(p, PIC_SLAVE_DATA, PIC_BASE + 8);
	pic_write(p, PIC_SLAVE_DATA, PIC_CASCADE_IRQ);
	pic_write(p, PIC_SLAVE_DATA, 0x01);
	pic_write(p, PIC_MASTER_DATA, 0x00);
	pic_write(p, PIC_SLAVE_DATA, 0x00);
}

static int setup(void **state)
{
	memset(&kvm, 0, sizeof(kvm));
	memset(&vcpu0, 0, sizeof(vcpu0));
	memset(&vcpu1, 0, sizeof(vcpu1));
	irqchip_init(&chip, &kvm);
	pic_program(&chip.pic);
	kvm.irqchip = &chip;
	vcpu0.kvm = vcpu1.kvm = &kvm;
	vcpu1.id = vcpu1.vcpu_idx = 1;
	vcpu0.ready_for_interrupt = vcpu1.ready_for_interrupt = true;	/* halted with IF=1 */
	kvm.vcpus[0] = &vcpu0;
	kvm.vcpus[1] = &vcpu1;
	kvm.online_vcpus = 2;
	return 0;
}

static void a_vm_without_an_irqchip_has_nothing_to_inject(void **state)
{
	kvm.irqchip = NULL;
	assert_false(kvm_cpu_has_injectable_intr(&vcpu0));
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu0), -1);
	assert_int_equal(irqchip_nmi_take(&vcpu0), 0);
}

static void a_raised_line_is_injected_once_at_the_pic_vector(void **state)
{
	assert_false(kvm_cpu_has_injectable_intr(&vcpu0));
	irqchip_set_line(&chip, 3, true);
	assert_true(kvm_cpu_has_injectable_intr(&vcpu0));
	assert_true(irqchip_vcpu_pending(&vcpu0));
	assert_false(irqchip_vcpu_pending(&vcpu1));	/* the PIC reaches the BSP only */
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu0), PIC_BASE + 3);
	/* Acknowledged: in service now, nothing left to inject. */
	assert_false(kvm_cpu_has_injectable_intr(&vcpu0));
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu0), -1);
}

static unsigned int samples;
static bool com_level;

static void sample_level(struct irqchip *c, void *ctx)
{
	samples++;
	__irqchip_set_line(c, *(unsigned int *)ctx, com_level);
}

static void a_source_is_sampled_before_every_answer(void **state)
{
	static unsigned int irq = 4;

	samples = 0;
	com_level = false;
	assert_int_equal(irqchip_add_source(&chip, sample_level, &irq), 0);
	assert_false(kvm_cpu_has_injectable_intr(&vcpu0));
	assert_int_equal(samples, 1);
	com_level = true;	/* the device's output changed; nobody told the chip */
	assert_true(kvm_cpu_has_injectable_intr(&vcpu0));
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu0), PIC_BASE + 4);
	assert_true(samples >= 3);
}

static void sources_beyond_the_table_are_refused(void **state)
{
	static unsigned int irq = 5;

	for (unsigned int i = 0; i < IRQCHIP_MAX_SOURCES; i++)
		assert_int_equal(irqchip_add_source(&chip, sample_level, &irq), 0);
	assert_int_equal(irqchip_add_source(&chip, sample_level, &irq), -ENOSPC);
}

static void the_xapic_goes_before_the_pic(void **state)
{
	irqchip_lapic_enable(&chip, &vcpu0);
	assert_ptr_equal(vcpu0.apic, &chip.lapic[0]);
	assert_ptr_equal(vcpu0.tpr, &chip.lapic[0].tpr);
	/* Software-enable the xAPIC (SVR bit 8), then a fixed interrupt to itself. */
	vlapic_write(vcpu0.apic, 0xf0, 0x1ff, 0);
	irqchip_set_line(&chip, 1, true);
	assert_true(vlapic_set_irq(vcpu0.apic, 0x41));
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu0), 0x41);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu0), PIC_BASE + 1);
	/* vCPU 1 has no xAPIC: the PIC alone. */
	assert_null(vcpu1.apic);
}

static void a_disabled_xapic_is_passed_over_and_reset(void **state)
{
	irqchip_lapic_enable(&chip, &vcpu0);
	vlapic_write(vcpu0.apic, 0xf0, 0x1ff, 0);
	assert_true(vlapic_set_irq(vcpu0.apic, 0x41));
	vcpu0.apic_base &= ~MSR_APIC_BASE_ENABLE;	/* the guest's WRMSR to IA32_APIC_BASE */
	assert_false(kvm_cpu_has_injectable_intr(&vcpu0));
	vcpu0.apic_base |= MSR_APIC_BASE_ENABLE;
	/* SDM Vol. 3A 11.4.3: enabled again, it is in its power-up state. */
	assert_false(kvm_cpu_has_injectable_intr(&vcpu0));
	assert_int_equal(vcpu0.apic->svr, 0xff);
}

/* NMIs wait in the xAPIC until the vCPU takes them, then in the vCPU until injected. */
static void nmis_wait_until_taken(void **state)
{
	assert_int_equal(irqchip_nmi_take(&vcpu0), 0);
	irqchip_lapic_enable(&chip, &vcpu1);
	vcpu1.apic->nmi_queued = 2;
	assert_int_equal(irqchip_nmi_take(&vcpu0), 0);
	assert_true(irqchip_vcpu_pending(&vcpu1));	/* wakes it from a halt */
	assert_int_equal(irqchip_nmi_take(&vcpu1), 2);
	assert_int_equal(irqchip_nmi_take(&vcpu1), 0);
	assert_false(irqchip_vcpu_pending(&vcpu1));
	vcpu1.nmi_pending = 1;				/* taken, not injected yet */
	assert_true(irqchip_vcpu_pending(&vcpu1));
}

/* A 32-bit write to v's xAPIC page, as the guest's MMIO exit brings it (chip lock taken). */
static void apic_mmio(struct vcpu *v, u32 reg, u32 val)
{
	v->exit.reason = VCPU_EXIT_MMIO;
	v->exit.mmio.gpa = VLAPIC_DEFAULT_BASE + reg;
	v->exit.mmio.len = 4;
	v->exit.mmio.is_write = true;
	v->exit.mmio.data = val;
	assert_true(irqchip_lapic_mmio(&chip, v));
}

/* Both vCPUs with software-enabled xAPICs, LDRs as Linux's flat mode sets them (1 << id). */
static void two_apics(void)
{
	irqchip_lapic_enable(&chip, &vcpu0);
	irqchip_lapic_enable(&chip, &vcpu1);
	for (int i = 0; i < 2; i++) {
		struct vlapic *a = i ? vcpu1.apic : vcpu0.apic;

		vlapic_write(a, APIC_SPIV, 0x1ff, 0);
		vlapic_write(a, APIC_LDR, (1u << i) << 24, 0);
	}
}

/* ... and the PIC masked, as Linux leaves it once it uses the I/O APIC. */
static void two_apics_pic_masked(void)
{
	two_apics();
	pic_write(&chip.pic, PIC_MASTER_DATA, 0xff);
	pic_write(&chip.pic, PIC_SLAVE_DATA, 0xff);
}

/* A 32-bit MMIO write to the I/O APIC's page, as the guest's exit brings it. */
static void ioapic_mmio(u32 off, u32 val)
{
	struct vcpu_exit e = { .reason = VCPU_EXIT_MMIO };

	e.mmio.gpa = IOAPIC_DEFAULT_BASE + off;
	e.mmio.len = 4;
	e.mmio.is_write = true;
	e.mmio.data = val;
	assert_true(irqchip_ioapic_mmio(&chip, &e));
}

static void ioapic_write_rte(unsigned int pin, u64 rte)
{
	ioapic_mmio(IOAPIC_REG_SELECT, IOAPIC_REDIR_BASE + 2 * pin);
	ioapic_mmio(IOAPIC_REG_WINDOW, (u32)rte);
	ioapic_mmio(IOAPIC_REG_SELECT, IOAPIC_REDIR_BASE + 2 * pin + 1);
	ioapic_mmio(IOAPIC_REG_WINDOW, (u32)(rte >> 32));
}

/* A guest access of len bytes at off in the I/O APIC's page; a read's data. */
static u64 ioapic_access(u32 off, u32 len, bool is_write, u64 val)
{
	struct vcpu_exit e = { .reason = VCPU_EXIT_MMIO };

	e.mmio.gpa = IOAPIC_DEFAULT_BASE + off;
	e.mmio.len = len;
	e.mmio.is_write = is_write;
	e.mmio.data = val;
	assert_true(irqchip_ioapic_mmio(&chip, &e));
	return e.mmio.data;
}

/*
 * The registers are dwords: a byte or word read sees its part of one, a
 * write of another size or alignment changes nothing (found by
 * tests/fuzz/fuzz_irqchip.c: a byte read returned the whole register, and a
 * byte write cleared the other three bytes).
 */
static void ioapic_accesses_narrower_than_a_dword(void **state)
{
	const u64 rte = 0x1a2b3 | IOAPIC_RTE_MASKED;	/* vector 0xb3, masked */

	ioapic_write_rte(5, rte);
	ioapic_mmio(IOAPIC_REG_SELECT, IOAPIC_REDIR_BASE + 2 * 5);
	assert_int_equal(ioapic_access(IOAPIC_REG_WINDOW, 1, false, 0), 0xb3);
	assert_int_equal(ioapic_access(IOAPIC_REG_WINDOW + 1, 1, false, 0), 0xa2);
	assert_int_equal(ioapic_access(IOAPIC_REG_WINDOW + 2, 2, false, 0), 0x0001);
	assert_int_equal(ioapic_access(IOAPIC_REG_WINDOW, 4, false, 0), (u32)rte);
	ioapic_access(IOAPIC_REG_WINDOW, 1, true, 0x40);	/* would unmask it, vector 0x40 */
	ioapic_access(IOAPIC_REG_WINDOW + 2, 2, true, 0);
	ioapic_access(IOAPIC_REG_SELECT + 1, 4, true, 0);	/* unaligned: IOREGSEL keeps 0x1a */
	assert_int_equal(ioapic_access(IOAPIC_REG_SELECT, 4, false, 0), IOAPIC_REDIR_BASE + 2 * 5);
	assert_int_equal(ioapic_access(IOAPIC_REG_WINDOW, 4, false, 0), (u32)rte);
}

/*
 * ISA IRQ 0 is the I/O APIC's pin 2 (the MADT's override), other IRQs their
 * own pin; a message goes to the vCPU it names, which is kicked.
 */
static void ioapic_pins_reach_the_vcpu_they_name(void **state)
{
	two_apics_pic_masked();
	ioapic_write_rte(2, 0x30 | IOAPIC_RTE_DEST_LOGICAL | (2ULL << IOAPIC_RTE_DEST_SHIFT));
	ioapic_write_rte(4, 0x34 | (0ULL << IOAPIC_RTE_DEST_SHIFT));	/* physical, APIC 0 */
	irqchip_set_line(&chip, 0, true);
	assert_int_equal(vcpu1.kicks_sent, 1);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu1), 0x30);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu0), -1);
	irqchip_set_line(&chip, 4, true);
	assert_int_equal(vcpu0.kicks_sent, 1);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu0), 0x34);
}

/* A level-triggered pin sends once until the vCPU's EOI clears remote IRR (version 0x11). */
static void a_level_pin_waits_for_the_eoi(void **state)
{
	two_apics_pic_masked();
	ioapic_write_rte(9, 0x39 | IOAPIC_RTE_LEVEL | (1ULL << IOAPIC_RTE_DEST_SHIFT));
	irqchip_set_line(&chip, 9, true);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu1), 0x39);
	assert_true(chip.ioapic.redirtbl[9] & IOAPIC_RTE_REMOTE_IRR);
	irqchip_set_line(&chip, 9, false);
	irqchip_set_line(&chip, 9, true);				/* held back by remote IRR */
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu1), -1);
	apic_mmio(&vcpu1, APIC_EOI, 0);			/* still asserted: again */
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu1), 0x39);
	/* TMR keeps the level bit after the EOI (SDM 11.8.4); an edge of the vector clears it. */
	irqchip_set_line(&chip, 9, false);
	apic_mmio(&vcpu1, APIC_EOI, 0);
	assert_true(vlapic_read(vcpu1.apic, APIC_TMR + 0x10, 0) & (1u << (0x39 - 32)));
	ioapic_write_rte(9, 0x39 | (1ULL << IOAPIC_RTE_DEST_SHIFT));
	irqchip_set_line(&chip, 9, true);
	assert_false(vlapic_read(vcpu1.apic, APIC_TMR + 0x10, 0) & (1u << (0x39 - 32)));
}

/* IPIs between vCPUs: fixed by ID, all-but-self, and INIT then SIPI starting an AP. */
static void ipis_reach_other_vcpus_and_start_aps(void **state)
{
	two_apics();
	vcpu1.mp_state = VCPU_MP_INIT_RECEIVED;
	apic_mmio(&vcpu0, APIC_ICR2, 1u << 24);
	apic_mmio(&vcpu0, APIC_ICR, APIC_DM_FIXED | 0x61);
	assert_int_equal(vcpu1.kicks_sent, 1);
	assert_false(irqchip_vcpu_pending(&vcpu1));	/* waiting for SIPI: interrupts do not wake it */
	vcpu1.mp_state = VCPU_MP_RUNNABLE;
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu1), 0x61);
	apic_mmio(&vcpu1, APIC_ICR, (APIC_DEST_ALL_BUT_SELF << APIC_ICR_SHORTHAND_SHIFT) |
					   APIC_DM_NMI);
	assert_int_equal(irqchip_nmi_take(&vcpu0), 1);
	assert_int_equal(irqchip_nmi_take(&vcpu1), 0);
	/* Linux's wakeup_secondary_cpu_via_init(): INIT assert, de-assert, SIPI. */
	apic_mmio(&vcpu0, APIC_ICR, APIC_DM_INIT | APIC_ICR_LEVEL_ASSERT |
					   APIC_ICR_TRIGGER_LEVEL);
	apic_mmio(&vcpu0, APIC_ICR, APIC_DM_INIT | APIC_ICR_TRIGGER_LEVEL);
	assert_true(irqchip_vcpu_pending(&vcpu1));
	kvm_apic_accept_events(&vcpu1);
	assert_int_equal(vcpu1.mp_state, VCPU_MP_INIT_RECEIVED);
	assert_int_equal(vcpu1.apic->svr, 0xff);			/* INIT reset its APIC */
	assert_false(irqchip_vcpu_pending(&vcpu1));
	fake_sipi_vector = -1;
	apic_mmio(&vcpu0, APIC_ICR, APIC_DM_STARTUP | 0x9a);
	assert_true(irqchip_vcpu_pending(&vcpu1));
	kvm_apic_accept_events(&vcpu1);
	assert_int_equal(fake_sipi_vector, 0x9a);
	assert_int_equal(vcpu1.mp_state, VCPU_MP_RUNNABLE);
	/* A second SIPI to a running vCPU is dropped. */
	fake_sipi_vector = -1;
	apic_mmio(&vcpu0, APIC_ICR, APIC_DM_STARTUP | 0x9b);
	kvm_apic_accept_events(&vcpu1);
	assert_int_equal(fake_sipi_vector, -1);
}

/* A vCPU halted with interrupts off wakes for an NMI, not for an interrupt (KVM's rule). */
static void interrupts_off_only_an_nmi_wakes(void **state)
{
	two_apics();
	vcpu1.ready_for_interrupt = false;
	apic_mmio(&vcpu0, APIC_ICR2, 1u << 24);
	apic_mmio(&vcpu0, APIC_ICR, APIC_DM_FIXED | 0x61);
	assert_false(irqchip_vcpu_pending(&vcpu1));
	apic_mmio(&vcpu0, APIC_ICR, APIC_DM_NMI);
	assert_true(irqchip_vcpu_pending(&vcpu1));
}

/* The PIC reaches the BSP only through LINT0 in virtual-wire mode (KVM's LINT0 quirk at reset). */
static void the_pic_needs_lint0_in_extint_mode(void **state)
{
	two_apics();
	irqchip_set_line(&chip, 3, true);
	assert_true(irqchip_vcpu_pending(&vcpu0));
	assert_false(irqchip_vcpu_pending(&vcpu1));
	apic_mmio(&vcpu0, APIC_LVT0, APIC_LVT_MASKED | APIC_LVT_DM_EXTINT);
	assert_false(irqchip_vcpu_pending(&vcpu0));
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu0), -1);
}

/*
 * KVM_HC_SEND_IPI: bit i of the low bitmap is APIC ID min + i, of the high
 * one min + 64 + i (32 outside 64-bit mode); the count of APICs that took
 * the IPI comes back; logical and shorthand messages are refused.
 */
static void the_send_ipi_hypercall_names_apics_by_bitmap(void **state)
{
	two_apics();
	assert_int_equal(kvm_pv_send_ipi(&kvm, 0x3, 0, 0, APIC_DM_FIXED | 0x41, true), 2);
	assert_int_equal(vcpu0.kicks_sent, 1);
	assert_int_equal(vcpu1.kicks_sent, 1);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu0), 0x41);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu1), 0x41);
	/* min 1: bit 0 is APIC 1; APIC 2 does not exist (0x52: a class above the 0x41 in service) */
	assert_int_equal(kvm_pv_send_ipi(&kvm, 0x3, 0, 1, APIC_DM_FIXED | 0x52, true), 1);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu0), -1);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu1), 0x52);
	/* the high bitmap starts at min + 64, or min + 32 for a 32-bit caller */
	assert_int_equal(kvm_pv_send_ipi(&kvm, 0, 1, (u32)-64 + 1, APIC_DM_NMI, true), 1);
	assert_int_equal(irqchip_nmi_take(&vcpu1), 1);
	assert_int_equal(irqchip_nmi_take(&vcpu0), 0);
	assert_int_equal(kvm_pv_send_ipi(&kvm, 0, 1, (u32)-32, APIC_DM_NMI, false), 1);
	assert_int_equal(irqchip_nmi_take(&vcpu0), 1);
	/* kvm-unit-tests' apic test: min beyond every APIC, nothing sent */
	assert_int_equal(kvm_pv_send_ipi(&kvm, 0xffffffff, 0, 0xffffffff, 0, true), 0);
	assert_int_equal(kvm_pv_send_ipi(&kvm, 1, 0, 0, APIC_ICR_LOGICAL | 0x41, true),
			 -KVM_EINVAL);
	assert_int_equal(kvm_pv_send_ipi(&kvm, 1, 0, 0,
					 (APIC_DEST_SELF << APIC_ICR_SHORTHAND_SHIFT) | 0x41, true),
			 -KVM_EINVAL);
	assert_int_equal(vcpu0.kicks_sent, 2);
	assert_int_equal(vcpu1.kicks_sent, 3);
}

/*
 * pc-testdev's line ports: a byte to 0x2000 + n sets line n (ISA IRQ n, or
 * I/O APIC pin n above 15), as kvm-unit-tests' set_irq_line() expects.
 */
static void the_test_device_drives_lines(void **state)
{
	two_apics_pic_masked();
	ioapic_write_rte(14, 0x76 | (1ULL << IOAPIC_RTE_DEST_SHIFT));
	ioapic_write_rte(20, 0x77 | (1ULL << IOAPIC_RTE_DEST_SHIFT));
	spin_lock(&chip.lock);
	assert_true(pc_testdev_io(&chip, PC_TESTDEV_IRQ_BASE + 14, true, 1));
	assert_true(pc_testdev_io(&chip, PC_TESTDEV_IRQ_BASE + 14, true, 0));
	assert_true(pc_testdev_io(&chip, PC_TESTDEV_IRQ_BASE + 20, true, 0x80));	/* !!val */
	assert_false(pc_testdev_io(&chip, PC_TESTDEV_IRQ_BASE + 14, false, 0));
	assert_false(pc_testdev_io(&chip, PC_TESTDEV_IRQ_BASE + PC_TESTDEV_NR_IRQS, true, 1));
	assert_false(pc_testdev_io(&chip, PC_TESTDEV_IRQ_BASE - 1, true, 1));
	spin_unlock(&chip.lock);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu1), 0x77);
	apic_mmio(&vcpu1, APIC_EOI, 0);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu1), 0x76);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu1), -1);
}

/*
 * Both vCPUs in x2APIC mode: the I/O APIC's 8-bit logical destination
 * names cluster 0's bits (kvm-unit-tests' ioapic "logical destination
 * mode"), and an ICR written by MSR reaches the 32-bit ID it names.  The
 * MSRs are #GP (1) until the APIC is in x2APIC mode; the MMIO page is not
 * the APIC's after.
 */
static void x2apic_messages_and_msrs(void **state)
{
	u64 val;

	two_apics_pic_masked();
	assert_int_equal(kvm_x2apic_msr_read(&vcpu1, 0x802, &val), 1);	/* xAPIC mode */
	vcpu0.apic_base |= MSR_APIC_BASE_EXTD;
	vcpu1.apic_base |= MSR_APIC_BASE_EXTD;
	assert_int_equal(kvm_x2apic_msr_read(&vcpu1, 0x802, &val), 0);
	assert_int_equal(val, 1);
	assert_int_equal(kvm_x2apic_msr_read(&vcpu1, 0x80d, &val), 0);
	assert_int_equal(val, 2);					/* cluster 0, bit 1 */
	vcpu1.exit.reason = VCPU_EXIT_MMIO;
	vcpu1.exit.mmio.gpa = VLAPIC_DEFAULT_BASE + APIC_ID;
	vcpu1.exit.mmio.len = 4;
	vcpu1.exit.mmio.is_write = false;
	assert_false(irqchip_lapic_mmio(&chip, &vcpu1));
	ioapic_write_rte(14, 0x86 | IOAPIC_RTE_DEST_LOGICAL | (3ULL << IOAPIC_RTE_DEST_SHIFT));
	irqchip_set_line(&chip, 14, true);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu0), 0x86);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu1), 0x86);
	assert_int_equal(kvm_x2apic_msr_write(&vcpu0, 0x830, (1ULL << 32) | 0x95), 0);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu1), 0x95);
	assert_int_equal(kvm_cpu_get_interrupt(&vcpu0), -1);
	assert_int_equal(kvm_x2apic_msr_write(&vcpu0, 0x80e, 0), 1);	/* no DFR */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(a_vm_without_an_irqchip_has_nothing_to_inject, setup),
		cmocka_unit_test_setup(a_raised_line_is_injected_once_at_the_pic_vector, setup),
		cmocka_unit_test_setup(a_source_is_sampled_before_every_answer, setup),
		cmocka_unit_test_setup(sources_beyond_the_table_are_refused, setup),
		cmocka_unit_test_setup(the_xapic_goes_before_the_pic, setup),
		cmocka_unit_test_setup(a_disabled_xapic_is_passed_over_and_reset, setup),
		cmocka_unit_test_setup(nmis_wait_until_taken, setup),
		cmocka_unit_test_setup(ioapic_pins_reach_the_vcpu_they_name, setup),
		cmocka_unit_test_setup(a_level_pin_waits_for_the_eoi, setup),
		cmocka_unit_test_setup(ipis_reach_other_vcpus_and_start_aps, setup),
		cmocka_unit_test_setup(interrupts_off_only_an_nmi_wakes, setup),
		cmocka_unit_test_setup(the_pic_needs_lint0_in_extint_mode, setup),
		cmocka_unit_test_setup(the_send_ipi_hypercall_names_apics_by_bitmap, setup),
		cmocka_unit_test_setup(the_test_device_drives_lines, setup),
		cmocka_unit_test_setup(x2apic_messages_and_msrs, setup),
		cmocka_unit_test_setup(ioapic_accesses_narrower_than_a_dword, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
