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

#include "irq/irq.h"
#include "lib/errno.h"
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
	irqchip_init(&chip);
	pic_program(&chip.pic);
	kvm.irqchip = &chip;
	vcpu0.kvm = vcpu1.kvm = &kvm;
	vcpu1.id = vcpu1.vcpu_idx = 1;
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
	assert_false(irqchip_nmi_pending(&vcpu0));
}

static void a_raised_line_is_injected_once_at_the_pic_vector(void **state)
{
	assert_false(kvm_cpu_has_injectable_intr(&vcpu0));
	irqchip_set_line(&chip, 3, true);
	assert_true(kvm_cpu_has_injectable_intr(&vcpu0));
	assert_true(irqchip_pending(&chip, &kvm));
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

static void an_nmi_is_pending_until_acknowledged(void **state)
{
	assert_false(irqchip_nmi_pending(&vcpu0));
	irqchip_lapic_enable(&chip, &vcpu1);
	vcpu1.apic->nmi_pending = true;
	assert_false(irqchip_nmi_pending(&vcpu0));
	assert_true(irqchip_nmi_pending(&vcpu1));
	assert_true(irqchip_pending(&chip, &kvm));	/* wakes a halted VM */
	irqchip_nmi_ack(&vcpu1);
	assert_false(irqchip_nmi_pending(&vcpu1));
	assert_false(irqchip_pending(&chip, &kvm));
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
		cmocka_unit_test_setup(an_nmi_is_pending_until_acknowledged, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
