/* The emulated I/O APIC (irq/ioapic.c), programmed as Linux's io_apic.c does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "irq/ioapic.h"

static struct ioapic io;
static struct ioapic_irq sent[16];
static unsigned int nr_sent;

static void deliver(void *ctx, const struct ioapic_irq *irq)
{
	assert_ptr_equal(ctx, &io);
	sent[nr_sent % 16] = *irq;
	nr_sent++;
}

static int setup(void **state)
{
	ioapic_reset(&io, 2, deliver, &io);
	nr_sent = 0;
	return 0;
}

static u32 reg_read(u32 index)
{
	ioapic_mmio_write(&io, IOAPIC_REG_SELECT, index);
	return ioapic_mmio_read(&io, IOAPIC_REG_WINDOW);
}

static void reg_write(u32 index, u32 val)
{
	ioapic_mmio_write(&io, IOAPIC_REG_SELECT, index);
	ioapic_mmio_write(&io, IOAPIC_REG_WINDOW, val);
}

/* Entry pin: vector, flags (IOAPIC_RTE_*), physical destination APIC ID. */
static void route(unsigned int pin, u8 vector, u64 flags, u8 dest)
{
	u64 e = vector | flags;

	reg_write(IOAPIC_REDIR_BASE + 2 * pin + 1, (u32)dest << 24);
	reg_write(IOAPIC_REDIR_BASE + 2 * pin, (u32)e);
}

static void registers_after_reset(void **state)
{
	assert_int_equal(reg_read(IOAPIC_ID), 2u << 24);
	assert_int_equal(reg_read(IOAPIC_VER), 0x00170011);	/* 24 entries, version 0x11 */
	assert_int_equal(reg_read(IOAPIC_ARB), 2u << 24);
	for (unsigned int pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		assert_int_equal(reg_read(IOAPIC_REDIR_BASE + 2 * pin), IOAPIC_RTE_MASKED);
	assert_int_equal(reg_read(IOAPIC_REDIR_BASE + 2 * IOAPIC_NUM_PINS), 0);
	assert_int_equal(ioapic_mmio_read(&io, IOAPIC_REG_SELECT), IOAPIC_REDIR_BASE + 2 * 24);
	assert_int_equal(ioapic_mmio_read(&io, 0x20), 0);
}

static void id_is_writable_version_is_not(void **state)
{
	reg_write(IOAPIC_ID, 0x05000000 | 0xff);
	assert_int_equal(reg_read(IOAPIC_ID), 0x05000000);
	reg_write(IOAPIC_VER, 0);
	assert_int_equal(reg_read(IOAPIC_VER), 0x00170011);
}

static void read_only_bits_keep_their_value(void **state)
{
	route(9, 0x39, IOAPIC_RTE_LEVEL, 0);
	ioapic_set_irq(&io, 9, true);
	assert_true(reg_read(IOAPIC_REDIR_BASE + 18) & IOAPIC_RTE_REMOTE_IRR);
	/* The guest rewrites the entry with remote IRR clear: it stays set. */
	reg_write(IOAPIC_REDIR_BASE + 18, 0x39 | IOAPIC_RTE_LEVEL);
	assert_true(reg_read(IOAPIC_REDIR_BASE + 18) & IOAPIC_RTE_REMOTE_IRR);
	assert_int_equal(nr_sent, 1);
}

static void an_edge_sends_once_per_rising_edge(void **state)
{
	route(2, 0x30, 0, 3);
	ioapic_set_irq(&io, 2, true);
	ioapic_set_irq(&io, 2, true);	/* no edge */
	assert_int_equal(nr_sent, 1);
	assert_int_equal(sent[0].vector, 0x30);
	assert_int_equal(sent[0].dest, 3);
	assert_int_equal(sent[0].pin, 2);
	assert_false(sent[0].level);
	assert_false(sent[0].logical);
	assert_int_equal(sent[0].delivery_mode, IOAPIC_DELIVERY_FIXED);
	ioapic_set_irq(&io, 2, false);
	ioapic_set_irq(&io, 2, true);
	assert_int_equal(nr_sent, 2);
}

static void a_masked_edge_is_lost(void **state)
{
	route(4, 0x34, IOAPIC_RTE_MASKED, 0);
	ioapic_set_irq(&io, 4, true);
	route(4, 0x34, 0, 0);	/* unmasked while the line stays high: no new edge */
	assert_int_equal(nr_sent, 0);
	ioapic_set_irq(&io, 4, false);
	ioapic_set_irq(&io, 4, true);
	assert_int_equal(nr_sent, 1);
}

static void a_level_waits_for_the_eoi(void **state)
{
	route(11, 0x3b, IOAPIC_RTE_LEVEL | IOAPIC_RTE_DEST_LOGICAL, 0x01);
	ioapic_set_irq(&io, 11, true);
	assert_int_equal(nr_sent, 1);
	assert_true(sent[0].level);
	assert_true(sent[0].logical);
	ioapic_set_irq(&io, 11, true);
	assert_int_equal(nr_sent, 1);	/* remote IRR holds it */
	ioapic_eoi(&io, 0x3c);		/* another vector: nothing */
	assert_int_equal(nr_sent, 1);
	ioapic_eoi(&io, 0x3b);		/* still asserted: again */
	assert_int_equal(nr_sent, 2);
	ioapic_set_irq(&io, 11, false);
	ioapic_eoi(&io, 0x3b);		/* deasserted: remote IRR clears, nothing sent */
	assert_int_equal(nr_sent, 2);
	assert_false(reg_read(IOAPIC_REDIR_BASE + 22) & IOAPIC_RTE_REMOTE_IRR);
}

static void unmasking_an_asserted_level_sends(void **state)
{
	route(10, 0x3a, IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED, 0);
	ioapic_set_irq(&io, 10, true);
	assert_int_equal(nr_sent, 0);
	route(10, 0x3a, IOAPIC_RTE_LEVEL, 0);
	assert_int_equal(nr_sent, 1);
}

static void active_low_inverts_the_input(void **state)
{
	route(9, 0x39, IOAPIC_RTE_LEVEL | IOAPIC_RTE_ACTIVE_LOW, 0);
	assert_int_equal(nr_sent, 1);	/* a low line is asserted for an active-low pin */
	ioapic_set_irq(&io, 9, true);	/* deasserted */
	ioapic_eoi(&io, 0x39);
	assert_int_equal(nr_sent, 1);
	ioapic_set_irq(&io, 9, false);
	assert_int_equal(nr_sent, 2);
}

static void pins_beyond_24_are_ignored(void **state)
{
	ioapic_set_irq(&io, IOAPIC_NUM_PINS, true);
	ioapic_set_irq(&io, 1000, true);
	reg_write(IOAPIC_REDIR_BASE + 2 * IOAPIC_NUM_PINS, 0x40);
	assert_int_equal(reg_read(IOAPIC_REDIR_BASE + 2 * IOAPIC_NUM_PINS), 0);
	assert_int_equal(nr_sent, 0);
	assert_int_equal(io.line, 0);
}

/*
 * Random guest register traffic, lines and EOIs (a deterministic xorshift
 * stream): whatever the guest writes, an edge entry never holds remote
 * IRR, a masked pin never sends, and every message names its pin's vector.
 */
static void random_traffic_keeps_the_invariants(void **state)
{
	u64 x = 0x9e3779b97f4a7c15ULL;

	for (unsigned int i = 0; i < 200000; i++) {
		unsigned int before = nr_sent, pin;
		u64 e;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		pin = (x >> 8) % (IOAPIC_NUM_PINS + 2);
		switch (x % 4) {
		case 0:
			ioapic_mmio_write(&io, (x >> 40) & 1 ? IOAPIC_REG_WINDOW : IOAPIC_REG_SELECT,
					  (u32)(x >> 16));
			break;
		case 1:
			(void)ioapic_mmio_read(&io, (u32)(x >> 32) & 0xfff);
			break;
		case 2:
			e = pin < IOAPIC_NUM_PINS ? io.redirtbl[pin] : 0;
			ioapic_set_irq(&io, pin, (x >> 33) & 1);
			if (pin < IOAPIC_NUM_PINS && (e & IOAPIC_RTE_MASKED))
				assert_int_equal(nr_sent, before);
			if (nr_sent != before)
				assert_int_equal(sent[(nr_sent - 1) % 16].vector,
						 io.redirtbl[pin] & IOAPIC_RTE_VECTOR_MASK);
			break;
		default:
			ioapic_eoi(&io, (u8)(x >> 24));
			break;
		}
		if (nr_sent >= 16)
			nr_sent = 0;	/* keep the record bounded */
		for (unsigned int p = 0; p < IOAPIC_NUM_PINS; p++) {
			if (!(io.redirtbl[p] & IOAPIC_RTE_LEVEL))
				assert_false(io.redirtbl[p] & IOAPIC_RTE_REMOTE_IRR);
		}
		assert_true(io.ioregsel <= 0xff);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(registers_after_reset, setup),
		cmocka_unit_test_setup(id_is_writable_version_is_not, setup),
		cmocka_unit_test_setup(read_only_bits_keep_their_value, setup),
		cmocka_unit_test_setup(an_edge_sends_once_per_rising_edge, setup),
		cmocka_unit_test_setup(a_masked_edge_is_lost, setup),
		cmocka_unit_test_setup(a_level_waits_for_the_eoi, setup),
		cmocka_unit_test_setup(unmasking_an_asserted_level_sends, setup),
		cmocka_unit_test_setup(active_low_inverts_the_input, setup),
		cmocka_unit_test_setup(pins_beyond_24_are_ignored, setup),
		cmocka_unit_test_setup(random_traffic_keeps_the_invariants, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
