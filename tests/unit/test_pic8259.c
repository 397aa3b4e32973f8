/* The emulated 8259A pair (vmm/pic8259.c), programmed as Linux's i8259 driver does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "irq/pic8259.h"

/* init_8259A(): ICW1 0x11, ICW2 base, ICW3 cascade, ICW4 8086 mode (0x03 for auto EOI). */
static struct pic linux_pic(bool auto_eoi)
{
	struct pic p;

	pic_init(&p);
	pic_write(&p, PIC_MASTER_CMD, 0x11);
	pic_write(&p, PIC_MASTER_DATA, 0x30);
	pic_write(&p, PIC_MASTER_DATA, 1u << PIC_CASCADE_IRQ);
	pic_write(&p, PIC_MASTER_DATA, auto_eoi ? 0x03 : 0x01);
	pic_write(&p, PIC_SLAVE_CMD, 0x11);
	pic_write(&p, PIC_SLAVE_DATA, 0x38);
	pic_write(&p, PIC_SLAVE_DATA, PIC_CASCADE_IRQ);
	pic_write(&p, PIC_SLAVE_DATA, 0x01);
	pic_write(&p, PIC_MASTER_DATA, 0xfb);	/* all masked but the cascade */
	pic_write(&p, PIC_SLAVE_DATA, 0xff);
	return p;
}

static void power_on_masks_everything(void **state)
{
	struct pic p;

	pic_init(&p);
	assert_int_equal(pic_read(&p, PIC_MASTER_DATA), 0xff);
	assert_int_equal(pic_read(&p, PIC_SLAVE_DATA), 0xff);
	pic_set_irq(&p, 0, true);
	assert_false(pic_has_interrupt(&p));
}

static void a_rising_edge_is_delivered_once_at_the_programmed_vector(void **state)
{
	struct pic p = linux_pic(false);

	pic_write(&p, PIC_MASTER_DATA, 0xfa);	/* unmask IRQ 0 */
	pic_set_irq(&p, 0, true);
	assert_true(pic_has_interrupt(&p));
	assert_int_equal(pic_ack(&p), 0x30);
	/* In service until EOI; the line still high is no new edge. */
	assert_false(pic_has_interrupt(&p));
	pic_write(&p, PIC_MASTER_CMD, 0x20);
	assert_false(pic_has_interrupt(&p));
	pic_set_irq(&p, 0, false);
	pic_set_irq(&p, 0, true);
	assert_true(pic_has_interrupt(&p));
}

static void a_masked_request_waits_in_irr(void **state)
{
	struct pic p = linux_pic(false);

	pic_set_irq(&p, 4, true);
	assert_false(pic_has_interrupt(&p));
	pic_write(&p, PIC_MASTER_CMD, 0x0a);	/* OCW3: read IRR */
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 1u << 4);
	pic_write(&p, PIC_MASTER_DATA, 0xeb);	/* unmask IRQ 4 */
	assert_int_equal(pic_ack(&p), 0x34);
	pic_write(&p, PIC_MASTER_CMD, 0x0b);	/* OCW3: read ISR */
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 1u << 4);
	pic_write(&p, PIC_MASTER_CMD, 0x64);	/* specific EOI for IRQ 4 */
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 0);
}

static void a_higher_priority_irq_nests_a_lower_one_waits(void **state)
{
	struct pic p = linux_pic(false);

	pic_write(&p, PIC_MASTER_DATA, 0xea);	/* IRQ 0 and 4 */
	pic_set_irq(&p, 4, true);
	assert_int_equal(pic_ack(&p), 0x34);
	pic_set_irq(&p, 0, true);
	assert_true(pic_has_interrupt(&p));	/* IRQ 0 outranks IRQ 4 in service */
	assert_int_equal(pic_ack(&p), 0x30);
	pic_write(&p, PIC_MASTER_CMD, 0x20);	/* non-specific EOI: the highest, IRQ 0 */
	pic_write(&p, PIC_MASTER_CMD, 0x0b);
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 1u << 4);
	pic_write(&p, PIC_MASTER_CMD, 0x20);
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 0);
}

static void slave_irqs_arrive_through_the_cascade(void **state)
{
	struct pic p = linux_pic(false);

	pic_write(&p, PIC_SLAVE_DATA, 0xf7);	/* unmask IRQ 11 */
	pic_set_irq(&p, 11, true);
	assert_true(pic_has_interrupt(&p));
	assert_int_equal(pic_ack(&p), 0x38 + 3);
	pic_write(&p, PIC_SLAVE_CMD, 0x0b);
	assert_int_equal(pic_read(&p, PIC_SLAVE_CMD), 1u << 3);
	pic_write(&p, PIC_MASTER_CMD, 0x0b);
	assert_int_equal(pic_read(&p, PIC_MASTER_CMD), 1u << PIC_CASCADE_IRQ);
}

static void auto_eoi_leaves_nothing_in_service(void **state)
{
	struct pic p = linux_pic(true);

	pic_write(&p, PIC_MASTER_DATA, 0xfa);
	pic_set_irq(&p, 0, true);
	assert_int_equal(pic_ack(&p), 0x30);
	pic_set_irq(&p, 0, false);
	pic_set_irq(&p, 0, true);
	assert_true(pic_has_interrupt(&p));
}

static void an_ack_with_nothing_pending_is_spurious_irq7(void **state)
{
	struct pic p = linux_pic(false);

	assert_int_equal(pic_ack(&p), 0x37);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(power_on_masks_everything),
		cmocka_unit_test(a_rising_edge_is_delivered_once_at_the_programmed_vector),
		cmocka_unit_test(a_masked_request_waits_in_irr),
		cmocka_unit_test(a_higher_priority_irq_nests_a_lower_one_waits),
		cmocka_unit_test(slave_irqs_arrive_through_the_cascade),
		cmocka_unit_test(auto_eoi_leaves_nothing_in_service),
		cmocka_unit_test(an_ack_with_nothing_pending_is_spurious_irq7),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
