/*
 * The host I/O APIC's decisions (arch/x86/host_ioapic_route.c): an ISA
 * IRQ through the MADT's interrupt source overrides (ACPI 6.x 5.2.12.5),
 * the redirection-table entry it becomes (82093AA datasheet 3.2.4), and
 * which I/O APIC serves a GSI.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "arch/x86/host_ioapic.h"
#include "lib/errno.h"

#define VEC 0xf2

static void add_iso(struct acpi_madt_info *m, u8 irq, u32 gsi, u16 flags)
{
	m->iso[m->nr_isos++] = (struct acpi_iso_info){ .irq = irq, .gsi = gsi, .flags = flags };
}

/* No override: the ISA IRQ is its GSI, edge, active high (ISA's rule). */
static void isa_identity(void **state)
{
	struct acpi_madt_info m = { 0 };
	struct host_ioapic_route r;

	add_iso(&m, 0, 2, 0);	/* another IRQ's override changes nothing for IRQ 4 */
	assert_int_equal(host_ioapic_isa_route(&m, 4, &r), 0);
	assert_int_equal(r.gsi, 4);
	assert_false(r.active_low);
	assert_false(r.level);
	assert_int_equal(host_ioapic_isa_route(&m, 0, &r), 0);
	assert_int_equal(r.gsi, 2);
	assert_int_equal(host_ioapic_isa_route(&m, 16, &r), -EINVAL);
}

/* An override's GSI, polarity and trigger mode; "conforms" is ISA's edge and active high. */
static void isa_override(void **state)
{
	struct acpi_madt_info m = { 0 };
	struct host_ioapic_route r;

	add_iso(&m, 4, 20, ACPI_MPS_POLARITY_LOW | ACPI_MPS_TRIGGER_LEVEL);
	add_iso(&m, 3, 3, ACPI_MPS_POLARITY_HIGH | ACPI_MPS_TRIGGER_EDGE);
	add_iso(&m, 9, 9, ACPI_MPS_POLARITY_CONFORMS | ACPI_MPS_TRIGGER_LEVEL);
	add_iso(&m, 5, 5, 0x2);				/* polarity 10b is reserved */
	add_iso(&m, 6, 6, 0x2 << ACPI_MPS_TRIGGER_SHIFT);	/* and so is trigger 10b */
	assert_int_equal(host_ioapic_isa_route(&m, 4, &r), 0);
	assert_int_equal(r.gsi, 20);
	assert_true(r.active_low);
	assert_true(r.level);
	assert_int_equal(host_ioapic_isa_route(&m, 3, &r), 0);
	assert_false(r.active_low);
	assert_false(r.level);
	assert_int_equal(host_ioapic_isa_route(&m, 9, &r), 0);
	assert_false(r.active_low);
	assert_true(r.level);
	assert_int_equal(host_ioapic_isa_route(&m, 5, &r), -EINVAL);
	assert_int_equal(host_ioapic_isa_route(&m, 6, &r), -EINVAL);
}

/*
 * The entry's bits: vector 7:0, fixed delivery, physical mode, polarity 13,
 * trigger 15, mask 16, destination 63:56.
 */
static void rte_encoding(void **state)
{
	struct host_ioapic_route edge_high = { .gsi = 4 };
	struct host_ioapic_route level_low = { .gsi = 20, .active_low = true, .level = true };

	assert_int_equal(host_ioapic_rte(&edge_high, VEC, 0, false), 0xf2);
	assert_int_equal(host_ioapic_rte(&edge_high, VEC, 3, false), 0x03000000000000f2ULL);
	assert_int_equal(host_ioapic_rte(&edge_high, VEC, 0xff, true), 0xff000000000100f2ULL);
	assert_int_equal(host_ioapic_rte(&level_low, 0x31, 1, false), 0x010000000000a031ULL);
	assert_int_equal(host_ioapic_rte(&level_low, 0x31, 1, true), 0x010000000001a031ULL);
}

/* A GSI belongs to the I/O APIC whose range [gsi_base, gsi_base + entries) holds it. */
static void find_ioapic(void **state)
{
	struct acpi_madt_info m = { .nr_ioapics = 2 };
	const unsigned int pins[2] = { 24, 32 };
	unsigned int pin = 99;

	m.ioapic[0].gsi_base = 0;
	m.ioapic[1].gsi_base = 24;
	assert_int_equal(host_ioapic_find(&m, pins, 4, &pin), 0);
	assert_int_equal(pin, 4);
	assert_int_equal(host_ioapic_find(&m, pins, 23, &pin), 0);
	assert_int_equal(pin, 23);
	assert_int_equal(host_ioapic_find(&m, pins, 24, &pin), 1);
	assert_int_equal(pin, 0);
	assert_int_equal(host_ioapic_find(&m, pins, 55, &pin), 1);
	assert_int_equal(pin, 31);
	assert_int_equal(host_ioapic_find(&m, pins, 56, &pin), -ENOENT);
	m.nr_ioapics = 0;
	assert_int_equal(host_ioapic_find(&m, pins, 4, &pin), -ENOENT);
}

/*
 * An SPCR's GSI: an override's flags where an ISA IRQ is wired to it, else
 * ISA's edge and active high below 16, a PCI interrupt's level and low above.
 */
static void gsi_route(void **state)
{
	struct acpi_madt_info m = { 0 };
	struct host_ioapic_route r = { .active_low = true, .level = true };

	host_ioapic_gsi_route(&m, 4, &r);
	assert_int_equal(r.gsi, 4);
	assert_false(r.active_low);
	assert_false(r.level);
	host_ioapic_gsi_route(&m, 40, &r);
	assert_int_equal(r.gsi, 40);
	assert_true(r.active_low);
	assert_true(r.level);
	add_iso(&m, 4, 20, ACPI_MPS_POLARITY_HIGH | ACPI_MPS_TRIGGER_EDGE);
	add_iso(&m, 9, 9, ACPI_MPS_POLARITY_LOW | ACPI_MPS_TRIGGER_LEVEL);
	host_ioapic_gsi_route(&m, 20, &r);
	assert_int_equal(r.gsi, 20);
	assert_false(r.active_low);
	assert_false(r.level);
	host_ioapic_gsi_route(&m, 9, &r);
	assert_true(r.active_low);
	assert_true(r.level);
	add_iso(&m, 5, 41, 0x2);	/* reserved polarity: the range's rule stands */
	host_ioapic_gsi_route(&m, 41, &r);
	assert_true(r.active_low);
	assert_true(r.level);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(isa_identity),
		cmocka_unit_test(isa_override),
		cmocka_unit_test(rte_encoding),
		cmocka_unit_test(find_ioapic),
		cmocka_unit_test(gsi_route),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
