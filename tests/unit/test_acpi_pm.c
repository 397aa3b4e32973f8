/*
 * ACPI fixed hardware (devices/acpi_pm.c): PM1_STS write-1-to-clear,
 * PM1_EN's writable bits, PM1_CNT and the sleep request SLP_EN makes, the
 * 32-bit PM timer, its TMR_STS and its rate against the TSC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/acpi.h"
#include "devices/acpi_pm.h"

#define T0 1000			/* the VM's time when the device was made, in timer ticks */
#define TSC_KHZ 2000000ULL	/* a 2 GHz TSC */

static u32 in(struct acpi_pm_device *pm, u16 port, u8 size, u64 now)
{
	u32 v = 0xdeadbeef;

	assert_true(acpi_pm_io(pm, port, false, size, &v, now));
	return v;
}

static void out(struct acpi_pm_device *pm, u16 port, u8 size, u32 v, u64 now)
{
	assert_true(acpi_pm_io(pm, port, true, size, &v, now));
}

/* Power-on: in ACPI mode already (no SMI_CMD to ask for it), nothing else set. */
static void power_on_state_is_acpi_mode(void **state)
{
	struct acpi_pm_device pm;

	acpi_pm_init(&pm, T0);
	assert_int_equal(in(&pm, ACPI_PM1_STS_PORT, 2, T0), 0);
	assert_int_equal(in(&pm, ACPI_PM1_EN_PORT, 2, T0), 0);
	assert_int_equal(in(&pm, ACPI_PM1_CNT_PORT, 2, T0), ACPI_PM1_SCI_EN);
	assert_int_equal(acpi_pm_sleep_request(&pm), ACPI_PM_AWAKE);
}

static void only_the_blocks_ports_are_claimed(void **state)
{
	struct acpi_pm_device pm;
	u32 v = 0;

	acpi_pm_init(&pm, T0);
	assert_false(acpi_pm_io(&pm, ACPI_PM_IO_BASE - 1, false, 1, &v, T0));
	assert_false(acpi_pm_io(&pm, ACPI_PM_IO_BASE - 4, false, 4, &v, T0));
	assert_false(acpi_pm_io(&pm, ACPI_PM_IO_END, false, 1, &v, T0));
	assert_false(acpi_pm_io(&pm, 0x3f8, true, 1, &v, T0));
	/* The gap between PM1_CNT and the timer reads all ones and keeps nothing. */
	out(&pm, ACPI_PM1_CNT_PORT + 2, 2, 0, T0);
	assert_int_equal(in(&pm, ACPI_PM1_CNT_PORT + 2, 2, T0), 0xffff);
}

static void pm1_sts_is_write_one_to_clear(void **state)
{
	struct acpi_pm_device pm;

	acpi_pm_init(&pm, T0);
	acpi_pm_wake(&pm, ACPI_PM1_RTC_STS);
	assert_int_equal(in(&pm, ACPI_PM1_STS_PORT, 2, T0), ACPI_PM1_WAK_STS | ACPI_PM1_RTC_STS);
	/* Zeros change nothing; a one clears its bit only. */
	out(&pm, ACPI_PM1_STS_PORT, 2, 0, T0);
	assert_int_equal(in(&pm, ACPI_PM1_STS_PORT, 2, T0), ACPI_PM1_WAK_STS | ACPI_PM1_RTC_STS);
	out(&pm, ACPI_PM1_STS_PORT, 2, ACPI_PM1_RTC_STS, T0);
	assert_int_equal(in(&pm, ACPI_PM1_STS_PORT, 2, T0), ACPI_PM1_WAK_STS);
	/* WAK_STS is in the high byte: a byte write there reaches it. */
	out(&pm, ACPI_PM1_STS_PORT + 1, 1, ACPI_PM1_WAK_STS >> 8, T0);
	assert_int_equal(in(&pm, ACPI_PM1_STS_PORT, 2, T0), 0);
}

static void pm1_en_keeps_its_enable_bits(void **state)
{
	struct acpi_pm_device pm;

	acpi_pm_init(&pm, T0);
	/* kvm-unit-tests' s3: outw(0x400, pm1a_evt_blk + 2), RTC_EN. */
	out(&pm, ACPI_PM1_EN_PORT, 2, 0x400, T0);
	assert_int_equal(in(&pm, ACPI_PM1_EN_PORT, 2, T0), ACPI_PM1_RTC_EN);
	assert_int_equal(pm.en, ACPI_PM1_RTC_EN);
	/* Reserved bits stay 0; the low byte alone leaves RTC_EN. */
	out(&pm, ACPI_PM1_EN_PORT, 2, 0xffff, T0);
	assert_int_equal(in(&pm, ACPI_PM1_EN_PORT, 2, T0), ACPI_PM1_EN_WRITABLE);
	out(&pm, ACPI_PM1_EN_PORT, 1, 0, T0);
	assert_int_equal(in(&pm, ACPI_PM1_EN_PORT, 2, T0), ACPI_PM1_EN_WRITABLE & 0xff00);
	/* One 32-bit write reaches both PM1_STS and PM1_EN (PM1_STS: clear nothing). */
	out(&pm, ACPI_PM1_EVT_PORT, 4, (u32)ACPI_PM1_TMR_EN << 16, T0);
	assert_int_equal(in(&pm, ACPI_PM1_EVT_PORT, 4, T0), (u32)ACPI_PM1_TMR_EN << 16);
}

static void pm1_cnt_keeps_sci_en_and_slp_typ(void **state)
{
	struct acpi_pm_device pm;
	u16 typ5 = 5 << ACPI_PM1_SLP_TYP_SHIFT;

	acpi_pm_init(&pm, T0);
	out(&pm, ACPI_PM1_CNT_PORT, 2, ACPI_PM1_SCI_EN | typ5 | ACPI_PM1_GBL_RLS, T0);
	/* GBL_RLS is write-only (Table 4.18); without SLP_EN nothing sleeps. */
	assert_int_equal(in(&pm, ACPI_PM1_CNT_PORT, 2, T0), ACPI_PM1_SCI_EN | typ5);
	assert_int_equal(acpi_pm_sleep_request(&pm), ACPI_PM_AWAKE);
}

static void slp_en_with_s3_asks_for_s3(void **state)
{
	struct acpi_pm_device pm;

	acpi_pm_init(&pm, T0);
	/* kvm-unit-tests' s3: outw(0x2400, pm1a_cnt_blk): SLP_TYP 1 and SLP_EN. */
	out(&pm, ACPI_PM1_CNT_PORT, 2, 0x2400, T0);
	assert_int_equal(acpi_pm_sleep_request(&pm), ACPI_PM_SLEEP_S3);
	assert_int_equal(pm.slp_typ, ACPI_PM_SLP_TYP_S3);
	/* SLP_EN reads as 0; SLP_TYP stays, and SCI_EN as written (cleared, as QEMU lets it). */
	assert_int_equal(in(&pm, ACPI_PM1_CNT_PORT, 2, T0),
			 ACPI_PM_SLP_TYP_S3 << ACPI_PM1_SLP_TYP_SHIFT);
	acpi_pm_wake(&pm, ACPI_PM1_RTC_STS);
	assert_int_equal(acpi_pm_sleep_request(&pm), ACPI_PM_AWAKE);
	assert_true(in(&pm, ACPI_PM1_STS_PORT, 2, T0) & ACPI_PM1_WAK_STS);
}

static void a_byte_write_of_slp_typ_and_slp_en_sleeps(void **state)
{
	struct acpi_pm_device pm;
	/* SLP_TYP and SLP_EN are both in the high byte: one byte write does both. */
	u16 s3 = ACPI_PM1_SLP_EN | (ACPI_PM_SLP_TYP_S3 << ACPI_PM1_SLP_TYP_SHIFT);

	acpi_pm_init(&pm, T0);
	out(&pm, ACPI_PM1_CNT_PORT + 1, 1, s3 >> 8, T0);
	assert_int_equal(acpi_pm_sleep_request(&pm), ACPI_PM_SLEEP_S3);
}

/* An event sets its status bit either way; it is a wake event only with its enable bit. */
static void an_event_wakes_only_when_enabled(void **state)
{
	struct acpi_pm_device pm;

	acpi_pm_init(&pm, T0);
	assert_false(acpi_pm_event(&pm, ACPI_PM1_RTC_STS));
	assert_int_equal(in(&pm, ACPI_PM1_STS_PORT, 2, T0), ACPI_PM1_RTC_STS);
	out(&pm, ACPI_PM1_STS_PORT, 2, ACPI_PM1_RTC_STS, T0);
	out(&pm, ACPI_PM1_EN_PORT, 2, ACPI_PM1_RTC_EN, T0);
	assert_true(acpi_pm_event(&pm, ACPI_PM1_RTC_STS));
	assert_int_equal(in(&pm, ACPI_PM1_STS_PORT, 2, T0), ACPI_PM1_RTC_STS);
}

/* The SCI: an enabled event's status with SCI_EN; cleared with the status or SCI_EN. */
static void the_sci_follows_enabled_status(void **state)
{
	struct acpi_pm_device pm;
	u64 flip = 1ULL << ACPI_PM_TMR_TOP_BIT;

	acpi_pm_init(&pm, T0);
	acpi_pm_event(&pm, ACPI_PM1_RTC_STS);
	assert_false(acpi_pm_sci_level(&pm, T0));		/* RTC_EN clear */
	out(&pm, ACPI_PM1_EN_PORT, 2, ACPI_PM1_RTC_EN, T0);
	assert_true(acpi_pm_sci_level(&pm, T0));
	out(&pm, ACPI_PM1_CNT_PORT, 2, 0, T0);			/* SCI_EN clear */
	assert_false(acpi_pm_sci_level(&pm, T0));
	out(&pm, ACPI_PM1_CNT_PORT, 2, ACPI_PM1_SCI_EN, T0);
	out(&pm, ACPI_PM1_STS_PORT, 2, ACPI_PM1_RTC_STS, T0);
	assert_false(acpi_pm_sci_level(&pm, T0));
	/* The timer's top bit toggling, with TMR_EN. */
	out(&pm, ACPI_PM1_EN_PORT, 2, ACPI_PM1_TMR_EN, T0);
	assert_false(acpi_pm_sci_level(&pm, flip - 1));
	assert_true(acpi_pm_sci_level(&pm, flip));
	/* WAK_STS has no enable bit: no SCI. */
	out(&pm, ACPI_PM1_EN_PORT, 2, 0, flip);
	acpi_pm_wake(&pm, 0);
	assert_false(acpi_pm_sci_level(&pm, T0));
}

static void other_sleep_types_are_named(void **state)
{
	struct acpi_pm_device pm;

	acpi_pm_init(&pm, T0);
	out(&pm, ACPI_PM1_CNT_PORT, 2,
	    ACPI_PM1_SLP_EN | (ACPI_PM_SLP_TYP_S5 << ACPI_PM1_SLP_TYP_SHIFT), T0);
	assert_int_equal(acpi_pm_sleep_request(&pm), ACPI_PM_SLEEP_S5);
	acpi_pm_init(&pm, T0);
	out(&pm, ACPI_PM1_CNT_PORT, 2, ACPI_PM1_SLP_EN | (6 << ACPI_PM1_SLP_TYP_SHIFT), T0);
	assert_int_equal(acpi_pm_sleep_request(&pm), ACPI_PM_SLEEP_UNSUPPORTED);
	assert_int_equal(pm.slp_typ, 6);
}

static void the_timer_counts_32_bits(void **state)
{
	struct acpi_pm_device pm;
	u64 now = 0x123456789aULL;

	acpi_pm_init(&pm, T0);
	assert_int_equal(in(&pm, ACPI_PM_TMR_PORT, 4, now), (u32)now);
	assert_int_equal(in(&pm, ACPI_PM_TMR_PORT, 4, now + 7) - in(&pm, ACPI_PM_TMR_PORT, 4, now),
			 7);
	/* Byte by byte, the same count. */
	for (u16 i = 0; i < ACPI_PM_TMR_LEN; i++)
		assert_int_equal(in(&pm, ACPI_PM_TMR_PORT + i, 1, now), (u8)(now >> (8 * i)));
	/* Read-only: a write changes nothing. */
	out(&pm, ACPI_PM_TMR_PORT, 4, 0, now);
	assert_int_equal(in(&pm, ACPI_PM_TMR_PORT, 4, now), (u32)now);
}

static void tmr_sts_follows_the_top_bit(void **state)
{
	struct acpi_pm_device pm;
	u64 flip = 1ULL << ACPI_PM_TMR_TOP_BIT;

	acpi_pm_init(&pm, T0);
	assert_false(in(&pm, ACPI_PM1_STS_PORT, 2, flip - 1) & ACPI_PM1_TMR_STS);
	assert_true(in(&pm, ACPI_PM1_STS_PORT, 2, flip) & ACPI_PM1_TMR_STS);
	out(&pm, ACPI_PM1_STS_PORT, 2, ACPI_PM1_TMR_STS, flip + 1);
	assert_false(in(&pm, ACPI_PM1_STS_PORT, 2, 2 * flip - 1) & ACPI_PM1_TMR_STS);
	assert_true(in(&pm, ACPI_PM1_STS_PORT, 2, 2 * flip) & ACPI_PM1_TMR_STS);
}

static void the_timer_runs_at_3_579545_mhz(void **state)
{
	/* One second of a 2 GHz TSC, and of a 100 MHz one (Bochs'). */
	assert_int_equal(acpi_pm_ticks(TSC_KHZ * 1000, TSC_KHZ), ACPI_PM_TIMER_HZ);
	assert_int_equal(acpi_pm_ticks(100000000ULL, 100000), 3579545);
	/* A millisecond: 3579.545 periods, rounded down. */
	assert_int_equal(acpi_pm_ticks(TSC_KHZ, TSC_KHZ), 3579);
	/* An hour at 4 GHz does not overflow the product. */
	assert_int_equal(acpi_pm_ticks(4000000000ULL * 3600, 4000000), 3579545ULL * 3600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(power_on_state_is_acpi_mode),
		cmocka_unit_test(only_the_blocks_ports_are_claimed),
		cmocka_unit_test(pm1_sts_is_write_one_to_clear),
		cmocka_unit_test(pm1_en_keeps_its_enable_bits),
		cmocka_unit_test(pm1_cnt_keeps_sci_en_and_slp_typ),
		cmocka_unit_test(slp_en_with_s3_asks_for_s3),
		cmocka_unit_test(a_byte_write_of_slp_typ_and_slp_en_sleeps),
		cmocka_unit_test(an_event_wakes_only_when_enabled),
		cmocka_unit_test(the_sci_follows_enabled_status),
		cmocka_unit_test(other_sleep_types_are_named),
		cmocka_unit_test(the_timer_counts_32_bits),
		cmocka_unit_test(tmr_sts_follows_the_top_bit),
		cmocka_unit_test(the_timer_runs_at_3_579545_mhz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
