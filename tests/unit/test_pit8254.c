/* The emulated 8254 (vmm/pit8254.c): Linux's periodic and one-shot clockevent, TSC calibration, latches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "devices/pit8254.h"

#define LATCH_250HZ 4773	/* (PIT_HZ + HZ/2) / HZ for HZ=250 */

static void set_count(struct pit *p, u16 port, u16 count, u64 now)
{
	pit_write(p, port, count & 0xff, now);
	pit_write(p, port, count >> 8, now);
}

static u16 read16(struct pit *p, u16 port, u64 now)
{
	u8 lo = pit_read(p, port, now);

	return lo | (u16)(pit_read(p, port, now) << 8);
}

static void mode2_raises_irq0_once_per_period(void **state)
{
	struct pit p;

	pit_init(&p);
	assert_int_equal(pit_irq0_edges(&p, 1000000), 0);
	pit_write(&p, PIT_MODE_PORT, 0x34, 1000);	/* channel 0, lo/hi, mode 2 */
	set_count(&p, PIT_CH0, LATCH_250HZ, 1000);
	assert_int_equal(pit_next_edge(&p, 1000), 1000 + LATCH_250HZ);
	assert_int_equal(pit_irq0_edges(&p, 1000 + LATCH_250HZ - 1), 0);
	assert_int_equal(pit_irq0_edges(&p, 1000 + LATCH_250HZ), 1);
	assert_int_equal(pit_next_edge(&p, 1000 + LATCH_250HZ), 1000 + 2 * LATCH_250HZ);
	/* A late look sees the missed periods at once. */
	assert_int_equal(pit_irq0_edges(&p, 1000 + 4 * LATCH_250HZ + 5), 3);
	assert_int_equal(read16(&p, PIT_CH0, 1000 + 4 * LATCH_250HZ + 5), LATCH_250HZ - 5);
}

/*
 * A running periodic channel 0 whose new count is half written stops
 * (write_count()); the edges it reported before must not make the next
 * look report 2^64 - 1 new ones (found by tests/fuzz/fuzz_legacy_pio.c).
 */
static void a_stopped_channel_reports_no_new_edges(void **state)
{
	struct pit p;

	pit_init(&p);
	pit_write(&p, PIT_MODE_PORT, 0x34, 0);
	set_count(&p, PIT_CH0, LATCH_250HZ, 0);
	assert_int_equal(pit_irq0_edges(&p, 3 * LATCH_250HZ), 3);
	pit_write(&p, PIT_CH0, 0x10, 3 * LATCH_250HZ);	/* the low byte only: stopped */
	assert_int_equal(pit_irq0_edges(&p, 3 * LATCH_250HZ), 0);
	assert_int_equal(pit_irq0_edges(&p, 10 * LATCH_250HZ), 0);
	assert_int_equal(pit_next_edge(&p, 10 * LATCH_250HZ), ~0ULL);
	/* The high byte loads the count: edges count from there. */
	pit_write(&p, PIT_CH0, LATCH_250HZ >> 8, 10 * LATCH_250HZ);
	assert_int_equal(pit_irq0_edges(&p, 10 * LATCH_250HZ + ((LATCH_250HZ >> 8) << 8 | 0x10)), 1);
}

/*
 * Count 2 in mode 2 (597 kHz): IRQ 0 comes every 239 ticks (200 us, KVM's
 * min_timer_period_us), not every 2, so that the guest runs between its
 * interrupts; the counter read back still counts by 2.
 */
static void a_too_fast_rate_interrupts_every_200us(void **state)
{
	struct pit p;

	pit_init(&p);
	pit_write(&p, PIT_MODE_PORT, 0x34, 0);
	set_count(&p, PIT_CH0, 2, 0);
	assert_int_equal(pit_next_edge(&p, 0), 239);
	assert_int_equal(pit_irq0_edges(&p, 238), 0);
	assert_int_equal(pit_irq0_edges(&p, 1000), 4);
	assert_int_equal(pit_next_edge(&p, 1000), 5 * 239);
	assert_int_equal(read16(&p, PIT_CH0, 1001), 1);
}

static void mode4_one_shot_fires_once_a_tick_after_zero(void **state)
{
	struct pit p;

	pit_init(&p);
	pit_write(&p, PIT_MODE_PORT, 0x38, 0);	/* Linux's set_state_oneshot */
	set_count(&p, PIT_CH0, 100, 50);
	assert_int_equal(pit_next_edge(&p, 50), 151);
	assert_int_equal(pit_irq0_edges(&p, 150), 0);
	assert_int_equal(pit_irq0_edges(&p, 151), 1);
	assert_int_equal(pit_irq0_edges(&p, 100000), 0);
	assert_int_equal(pit_next_edge(&p, 100000), ~0ULL);
	set_count(&p, PIT_CH0, 10, 200000);	/* the next event re-arms it */
	assert_int_equal(pit_irq0_edges(&p, 200011), 1);
}

static void a_half_written_count_does_not_start_the_channel(void **state)
{
	struct pit p;

	pit_init(&p);
	pit_write(&p, PIT_MODE_PORT, 0x30, 0);	/* mode 0 */
	pit_write(&p, PIT_CH0, 0x10, 0);
	assert_int_equal(pit_next_edge(&p, 0), ~0ULL);
	assert_int_equal(pit_irq0_edges(&p, 1000000), 0);
	pit_write(&p, PIT_CH0, 0x00, 10);
	assert_int_equal(pit_irq0_edges(&p, 10 + 0x10), 1);
}

static void channel2_calibration_sees_out2_at_terminal_count(void **state)
{
	struct pit p;

	pit_init(&p);
	pit_write(&p, PIT_PORT61, 0x01, 0);		/* gate on, speaker off */
	pit_write(&p, PIT_MODE_PORT, 0xb0, 0);		/* channel 2, lo/hi, mode 0 */
	set_count(&p, PIT_CH2, 0xffff, 100);
	assert_int_equal(pit_read(&p, PIT_PORT61, 100 + 0xfffe) & 0x20, 0);
	assert_int_equal(pit_read(&p, PIT_PORT61, 100 + 0xffff) & 0x20, 0x20);
	assert_int_equal(pit_read(&p, PIT_PORT61, 5) & 0x0f, 0x01);
	/* Gate low: channel 2 holds still. */
	pit_write(&p, PIT_PORT61, 0x00, 200);
	assert_int_equal(read16(&p, PIT_CH2, 5000), 0xffff);
}

static void a_latched_count_stays_until_read(void **state)
{
	struct pit p;

	pit_init(&p);
	pit_write(&p, PIT_MODE_PORT, 0x34, 0);
	set_count(&p, PIT_CH0, 1000, 0);
	pit_write(&p, PIT_MODE_PORT, 0x00, 300);	/* counter latch, channel 0 */
	assert_int_equal(read16(&p, PIT_CH0, 900), 700);
	assert_int_equal(read16(&p, PIT_CH0, 900), 100);	/* unlatched: live again */
	pit_write(&p, PIT_MODE_PORT, 0xd2, 950);	/* read-back: latch count of channel 0 */
	assert_int_equal(read16(&p, PIT_CH0, 990), 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mode2_raises_irq0_once_per_period),
		cmocka_unit_test(a_too_fast_rate_interrupts_every_200us),
		cmocka_unit_test(a_stopped_channel_reports_no_new_edges),
		cmocka_unit_test(mode4_one_shot_fires_once_a_tick_after_zero),
		cmocka_unit_test(a_half_written_count_does_not_start_the_channel),
		cmocka_unit_test(channel2_calibration_sees_out2_at_terminal_count),
		cmocka_unit_test(a_latched_count_stays_until_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
