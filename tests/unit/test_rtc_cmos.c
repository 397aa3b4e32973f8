/* The emulated MC146818A (devices/rtc_cmos.c): formats, the update, register C, the RAM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "devices/rtc_cmos.h"

#define SECOND RTC_HZ
#define UIP_WINDOW 8	/* 244 us of the 32.768 kHz base */
#define REG_A_POWER_ON 0x26
#define RS_1024HZ_TICKS 32

static u8 rd(struct rtc_cmos *r, u8 idx, u64 now)
{
	rtc_cmos_write(r, RTC_INDEX_PORT, idx, now);
	return rtc_cmos_read(r, RTC_DATA_PORT, now);
}

static void wr(struct rtc_cmos *r, u8 idx, u8 val, u64 now)
{
	rtc_cmos_write(r, RTC_INDEX_PORT, idx, now);
	rtc_cmos_write(r, RTC_DATA_PORT, val, now);
}

/* A clock at the given time at instant 0; its first update is at SECOND. */
static void start(struct rtc_cmos *r, u32 y, u8 mo, u8 d, u8 h, u8 mi, u8 s)
{
	const struct rtc_cmos_time t = { .year = y, .month = mo, .day = d, .hour = h, .min = mi,
					 .sec = s };

	rtc_cmos_init(r, &t, 0);
}

static void expect_time(struct rtc_cmos *r, u64 now, const u8 want[8])
{
	static const u8 regs[8] = { RTC_CENTURY, RTC_YEAR, RTC_MONTH, RTC_DAY_OF_MONTH,
				    RTC_HOURS, RTC_MINUTES, RTC_SECONDS, RTC_DAY_OF_WEEK };

	for (int i = 0; i < 8; i++) {
		u8 v = rd(r, regs[i], now);

		if (v != want[i])
			fail_msg("register %#x: expected %#x, saw %#x", regs[i], want[i], v);
	}
}

static void bcd_by_default_binary_with_dm(void **state)
{
	struct rtc_cmos r;

	start(&r, 2026, 12, 4, 15, 10, 50);	/* a Friday: day of week 6 (Sunday is 1) */
	assert_int_equal(rd(&r, RTC_REG_A, 0), REG_A_POWER_ON);
	assert_int_equal(rd(&r, RTC_REG_B, 0), RTC_B_24H);
	assert_int_equal(rd(&r, RTC_REG_D, 0), RTC_D_VRT);
	expect_time(&r, 0, (const u8[]){ 0x20, 0x26, 0x12, 0x04, 0x15, 0x10, 0x50, 0x06 });
	wr(&r, RTC_REG_B, RTC_B_24H | RTC_B_DM_BINARY, 0);
	expect_time(&r, 0, (const u8[]){ 20, 26, 12, 4, 15, 10, 50, 6 });
}

static void twelve_hour_mode_sets_the_pm_bit(void **state)
{
	struct rtc_cmos r;

	start(&r, 2026, 1, 1, 23, 0, 0);
	wr(&r, RTC_REG_B, 0, 0);	/* 12-hour, BCD */
	assert_int_equal(rd(&r, RTC_HOURS, 0), RTC_HOURS_PM | 0x11);
	wr(&r, RTC_REG_B, RTC_B_DM_BINARY, 0);	/* 12-hour, binary */
	assert_int_equal(rd(&r, RTC_HOURS, 0), RTC_HOURS_PM | 11);
	start(&r, 2026, 1, 1, 0, 30, 0);
	wr(&r, RTC_REG_B, 0, 0);
	assert_int_equal(rd(&r, RTC_HOURS, 0), 0x12);	/* 12 AM */
	start(&r, 2026, 1, 1, 12, 30, 0);
	wr(&r, RTC_REG_B, 0, 0);
	assert_int_equal(rd(&r, RTC_HOURS, 0), RTC_HOURS_PM | 0x12);	/* 12 PM */
	/* Set in 12-hour mode: 7 PM is 19:00. */
	wr(&r, RTC_HOURS, RTC_HOURS_PM | 0x07, 0);
	wr(&r, RTC_REG_B, RTC_B_24H, 0);
	assert_int_equal(rd(&r, RTC_HOURS, 0), 0x19);
}

static void uip_is_set_for_244us_before_each_update(void **state)
{
	struct rtc_cmos r;

	start(&r, 2026, 12, 4, 15, 10, 50);
	assert_false(rd(&r, RTC_REG_A, SECOND - UIP_WINDOW - 1) & RTC_A_UIP);
	assert_int_equal(rd(&r, RTC_SECONDS, SECOND - UIP_WINDOW - 1), 0x50);
	assert_true(rd(&r, RTC_REG_A, SECOND - UIP_WINDOW) & RTC_A_UIP);
	assert_true(rd(&r, RTC_REG_A, SECOND - 1) & RTC_A_UIP);
	assert_false(rd(&r, RTC_REG_A, SECOND) & RTC_A_UIP);
	assert_int_equal(rd(&r, RTC_SECONDS, SECOND), 0x51);
	assert_true(rd(&r, RTC_REG_A, 2 * SECOND - 1) & RTC_A_UIP);
	assert_int_equal(rd(&r, RTC_SECONDS, 10 * SECOND + 5), 0x00);	/* 15:11:00 */
	assert_int_equal(rd(&r, RTC_MINUTES, 10 * SECOND + 5), 0x11);
	/* SET stops the updates and clears UIP. */
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H, 11 * SECOND - 4);
	assert_false(rd(&r, RTC_REG_A, 11 * SECOND - 4) & RTC_A_UIP);
	assert_int_equal(rd(&r, RTC_SECONDS, 20 * SECOND), 0x00);
}

/* One update from the given time shows the want registers. */
static void one_update(u32 y, u8 mo, u8 d, u8 h, u8 mi, u8 s, const u8 want[8])
{
	struct rtc_cmos r;

	start(&r, y, mo, d, h, mi, s);
	expect_time(&r, SECOND, want);
}

static void the_update_carries_through_every_field(void **state)
{
	one_update(2026, 12, 4, 15, 10, 59, (const u8[]){ 0x20, 0x26, 0x12, 0x04, 0x15, 0x11,
							 0x00, 0x06 });
	one_update(2026, 12, 4, 15, 59, 59, (const u8[]){ 0x20, 0x26, 0x12, 0x04, 0x16, 0x00,
							 0x00, 0x06 });
	one_update(2026, 12, 4, 23, 59, 59, (const u8[]){ 0x20, 0x26, 0x12, 0x05, 0x00, 0x00,
							 0x00, 0x07 });
	one_update(2026, 4, 30, 23, 59, 59, (const u8[]){ 0x20, 0x26, 0x05, 0x01, 0x00, 0x00,
							 0x00, 0x06 });
	one_update(2024, 2, 28, 23, 59, 59, (const u8[]){ 0x20, 0x24, 0x02, 0x29, 0x00, 0x00,
							 0x00, 0x05 });
	one_update(2000, 2, 28, 23, 59, 59, (const u8[]){ 0x20, 0x00, 0x02, 0x29, 0x00, 0x00,
							 0x00, 0x03 });
	one_update(2100, 2, 28, 23, 59, 59, (const u8[]){ 0x21, 0x00, 0x03, 0x01, 0x00, 0x00,
							 0x00, 0x02 });
	one_update(2026, 12, 31, 23, 59, 59, (const u8[]){ 0x20, 0x27, 0x01, 0x01, 0x00, 0x00,
							  0x00, 0x06 });
	one_update(2099, 12, 31, 23, 59, 59, (const u8[]){ 0x21, 0x00, 0x01, 0x01, 0x00, 0x00,
							  0x00, 0x06 });
	one_update(1999, 12, 31, 23, 59, 59, (const u8[]){ 0x20, 0x00, 0x01, 0x01, 0x00, 0x00,
							  0x00, 0x07 });
}

static void set_holds_what_is_written_and_the_phase_is_kept(void **state)
{
	struct rtc_cmos r;

	start(&r, 2026, 12, 4, 15, 10, 50);
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H | RTC_B_UIE, SECOND / 4);
	assert_int_equal(rd(&r, RTC_REG_B, SECOND / 4), RTC_B_SET | RTC_B_24H);	/* UIE cleared */
	wr(&r, RTC_YEAR, 0x30, SECOND / 4);
	wr(&r, RTC_MONTH, 0x07, SECOND / 4);
	wr(&r, RTC_DAY_OF_MONTH, 0x14, SECOND / 4);
	wr(&r, RTC_DAY_OF_WEEK, 0x06, SECOND / 4);	/* 2030-07-14 is a Sunday: 1; the guest says 6 */
	wr(&r, RTC_HOURS, 0x08, SECOND / 4);
	wr(&r, RTC_MINUTES, 0x00, SECOND / 4);
	wr(&r, RTC_SECONDS, 0x00, SECOND / 4);
	assert_int_equal(rd(&r, RTC_SECONDS, 5 * SECOND), 0x00);	/* no updates under SET */
	assert_int_equal(rd(&r, RTC_YEAR, 5 * SECOND), 0x30);
	wr(&r, RTC_REG_B, RTC_B_24H, 5 * SECOND + SECOND / 2);
	expect_time(&r, 5 * SECOND + SECOND / 2, (const u8[]){ 0x20, 0x30, 0x07, 0x14, 0x08, 0x00,
								0x00, 0x06 });
	/* The divider ran on: the next update is on the old phase, at 6 seconds. */
	assert_int_equal(rd(&r, RTC_SECONDS, 6 * SECOND - 1), 0x00);
	assert_int_equal(rd(&r, RTC_SECONDS, 6 * SECOND), 0x01);
	/* A field written while the clock runs takes effect at once. */
	wr(&r, RTC_MINUTES, 0x45, 7 * SECOND);
	assert_int_equal(rd(&r, RTC_MINUTES, 7 * SECOND), 0x45);
	assert_int_equal(rd(&r, RTC_HOURS, 7 * SECOND), 0x08);
	/* The day of the week counts on from what was written. */
	assert_int_equal(rd(&r, RTC_DAY_OF_WEEK, 7 * SECOND + 86400 * SECOND), 0x07);
}

static void out_of_range_fields_are_clamped(void **state)
{
	struct rtc_cmos r;

	start(&r, 2026, 12, 4, 15, 10, 50);
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H, 0);
	wr(&r, RTC_MONTH, 0x13, 0);
	wr(&r, RTC_DAY_OF_MONTH, 0x3f, 0);
	wr(&r, RTC_HOURS, 0xff, 0);
	wr(&r, RTC_SECONDS, 0x99, 0);
	wr(&r, RTC_REG_B, RTC_B_24H, 0);
	assert_int_equal(rd(&r, RTC_MONTH, 0), 0x12);
	assert_int_equal(rd(&r, RTC_DAY_OF_MONTH, 0), 0x31);
	assert_int_equal(rd(&r, RTC_HOURS, 0), 0x23);
	assert_int_equal(rd(&r, RTC_SECONDS, 0), 0x59);
}

static void register_c_flags_clear_on_read(void **state)
{
	struct rtc_cmos r;

	start(&r, 2026, 12, 4, 15, 10, 50);
	assert_int_equal(rd(&r, RTC_REG_C, RS_1024HZ_TICKS - 1), 0);
	assert_int_equal(rd(&r, RTC_REG_C, RS_1024HZ_TICKS), RTC_C_PF);	/* 1024 Hz: register A 0x26 */
	assert_int_equal(rd(&r, RTC_REG_C, RS_1024HZ_TICKS), 0);
	wr(&r, RTC_REG_A, RTC_A_DV_32KHZ, RS_1024HZ_TICKS);	/* no periodic rate */
	assert_int_equal(rd(&r, RTC_REG_C, SECOND), RTC_C_UF);
	assert_int_equal(rd(&r, RTC_REG_C, SECOND), 0);
	/* IRQF: a flag whose enable is set. */
	wr(&r, RTC_REG_B, RTC_B_24H | RTC_B_UIE, SECOND);
	assert_int_equal(rd(&r, RTC_REG_C, 2 * SECOND), RTC_C_IRQF | RTC_C_UF);
	/* The alarm at 15:10:55 (now 15:10:52): AF with the update to :55, not before. */
	wr(&r, RTC_REG_B, RTC_B_24H, 2 * SECOND);
	wr(&r, RTC_HOURS_ALARM, 0x15, 2 * SECOND);
	wr(&r, RTC_MINUTES_ALARM, 0x10, 2 * SECOND);
	wr(&r, RTC_SECONDS_ALARM, 0x55, 2 * SECOND);
	assert_int_equal(rd(&r, RTC_REG_C, 4 * SECOND), RTC_C_UF);
	assert_int_equal(rd(&r, RTC_REG_C, 5 * SECOND), RTC_C_UF | RTC_C_AF);
	/* "Don't care" hours and minutes: :55 of any minute, a day of updates at once. */
	wr(&r, RTC_HOURS_ALARM, RTC_ALARM_DONT_CARE, 5 * SECOND);
	wr(&r, RTC_MINUTES_ALARM, RTC_ALARM_DONT_CARE, 5 * SECOND);
	assert_int_equal(rd(&r, RTC_REG_C, 64 * SECOND), RTC_C_UF);	/* up to 15:11:54 */
	assert_int_equal(rd(&r, RTC_REG_C, 65 * SECOND), RTC_C_UF | RTC_C_AF);
	assert_int_equal(rd(&r, RTC_REG_C, 3 * 86400 * SECOND), RTC_C_UF | RTC_C_AF);
	/* An alarm hour that never comes. */
	wr(&r, RTC_HOURS_ALARM, 0x25, 3 * 86400 * SECOND);
	assert_int_equal(rd(&r, RTC_REG_C, 5 * 86400 * SECOND), RTC_C_UF);
	/* Writes to C and D change nothing. */
	wr(&r, RTC_REG_C, 0xff, 5 * 86400 * SECOND);
	wr(&r, RTC_REG_D, 0x00, 5 * 86400 * SECOND);
	assert_int_equal(rd(&r, RTC_REG_C, 5 * 86400 * SECOND), 0);
	assert_int_equal(rd(&r, RTC_REG_D, 5 * 86400 * SECOND), RTC_D_VRT);
}

/*
 * The wake event a sleeping VM waits for (vm/sleep.c): an alarm with AIE
 * set counts, one without does not; whether one can come at all; the next
 * update is when it could.
 */
static void alarm_interrupts_are_counted(void **state)
{
	struct rtc_cmos r;

	start(&r, 2026, 12, 4, 15, 10, 50);
	assert_false(rtc_cmos_alarm_armed(&r));
	assert_int_equal(rtc_cmos_next_update(&r), SECOND);
	/* Every second matches; without AIE, AF but no interrupt. */
	wr(&r, RTC_HOURS_ALARM, RTC_ALARM_DONT_CARE, 0);
	wr(&r, RTC_MINUTES_ALARM, RTC_ALARM_DONT_CARE, 0);
	wr(&r, RTC_SECONDS_ALARM, RTC_ALARM_DONT_CARE, 0);
	assert_int_equal(rtc_cmos_alarm_irqs(&r, SECOND), 0);
	assert_int_equal(rtc_cmos_next_update(&r), 2 * SECOND);
	/* kvm-unit-tests' s3: AIE, then the next update. */
	wr(&r, RTC_REG_B, RTC_B_24H | RTC_B_AIE, SECOND);
	assert_true(rtc_cmos_alarm_armed(&r));
	assert_int_equal(rtc_cmos_alarm_irqs(&r, 2 * SECOND - 1), 0);
	assert_int_equal(rtc_cmos_alarm_irqs(&r, 2 * SECOND), 1);
	assert_int_equal(rd(&r, RTC_REG_C, 2 * SECOND) & ~RTC_C_PF,
			 RTC_C_IRQF | RTC_C_AF | RTC_C_UF);
	/* A stopped divider or SET: none can come. */
	wr(&r, RTC_REG_B, RTC_B_24H | RTC_B_AIE | RTC_B_SET, 2 * SECOND);
	assert_false(rtc_cmos_alarm_armed(&r));
	wr(&r, RTC_REG_B, RTC_B_24H | RTC_B_AIE, 2 * SECOND);
	wr(&r, RTC_REG_A, 0, 2 * SECOND);
	assert_false(rtc_cmos_alarm_armed(&r));
}

static void the_nmi_bit_is_not_part_of_the_index(void **state)
{
	struct rtc_cmos r;

	start(&r, 2026, 12, 4, 15, 10, 50);
	rtc_cmos_write(&r, RTC_INDEX_PORT, 0x80 | RTC_REG_A, 0);
	assert_int_equal(rtc_cmos_read(&r, RTC_DATA_PORT, 0), REG_A_POWER_ON);
	assert_true(r.nmi_disabled);
	rtc_cmos_write(&r, RTC_INDEX_PORT, 0x80 | 0x40, 0);
	rtc_cmos_write(&r, RTC_DATA_PORT, 0x5a, 0);
	rtc_cmos_write(&r, RTC_INDEX_PORT, 0x40, 0);
	assert_false(r.nmi_disabled);
	assert_int_equal(rtc_cmos_read(&r, RTC_DATA_PORT, 0), 0x5a);
}

static void ram_bytes_keep_what_is_written(void **state)
{
	struct rtc_cmos r;

	start(&r, 2026, 12, 4, 15, 10, 50);
	for (u8 i = RTC_RAM_FIRST; i < RTC_CMOS_BYTES; i++)
		if (i != RTC_CENTURY)
			wr(&r, i, (u8)(i * 7 + 3), 0);
	for (u8 i = RTC_RAM_FIRST; i < RTC_CMOS_BYTES; i++)
		if (i != RTC_CENTURY && rd(&r, i, SECOND * 3) != (u8)(i * 7 + 3))
			fail_msg("CMOS byte %#x: expected %#x", i, (u8)(i * 7 + 3));
	/* The century byte is the clock's. */
	wr(&r, RTC_CENTURY, 0x21, SECOND * 3);
	assert_int_equal(rd(&r, RTC_YEAR, SECOND * 3), 0x26);
	assert_int_equal(rd(&r, RTC_CENTURY, SECOND * 4), 0x21);
}

static void the_divider_reset_stops_the_clock(void **state)
{
	struct rtc_cmos r;

	start(&r, 2026, 12, 4, 15, 10, 50);
	wr(&r, RTC_REG_A, 0x70, SECOND / 2);	/* divider in reset */
	assert_int_equal(rd(&r, RTC_SECONDS, 10 * SECOND), 0x50);
	assert_false(rd(&r, RTC_REG_A, 10 * SECOND) & RTC_A_UIP);
	wr(&r, RTC_REG_A, REG_A_POWER_ON, 10 * SECOND);
	/* The first update half a second after the divider leaves reset. */
	assert_int_equal(rd(&r, RTC_SECONDS, 10 * SECOND + SECOND / 2 - 1), 0x50);
	assert_int_equal(rd(&r, RTC_SECONDS, 10 * SECOND + SECOND / 2), 0x51);
	assert_int_equal(rd(&r, RTC_REG_A, 10 * SECOND), REG_A_POWER_ON);
}

static void the_hosts_registers_decode(void **state)
{
	u8 regs[RTC_CMOS_BYTES] = { 0 };
	struct rtc_cmos_time t;

	regs[RTC_SECONDS] = 0x07;
	regs[RTC_MINUTES] = 0x59;
	regs[RTC_HOURS] = RTC_HOURS_PM | 0x12;	/* 12 PM, 12-hour BCD */
	regs[RTC_DAY_OF_MONTH] = 0x31;
	regs[RTC_MONTH] = 0x12;
	regs[RTC_YEAR] = 0x99;
	regs[RTC_CENTURY] = 0x19;
	regs[RTC_REG_B] = 0;
	rtc_cmos_decode(regs, &t);
	assert_int_equal(t.year, 1999);
	assert_int_equal(t.month, 12);
	assert_int_equal(t.day, 31);
	assert_int_equal(t.hour, 12);
	assert_int_equal(t.min, 59);
	assert_int_equal(t.sec, 7);
	regs[RTC_REG_B] = RTC_B_DM_BINARY | RTC_B_24H;
	regs[RTC_HOURS] = 23;
	regs[RTC_YEAR] = 26;
	regs[RTC_CENTURY] = 20;
	rtc_cmos_decode(regs, &t);
	assert_int_equal(t.year, 2026);
	assert_int_equal(t.hour, 23);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bcd_by_default_binary_with_dm),
		cmocka_unit_test(twelve_hour_mode_sets_the_pm_bit),
		cmocka_unit_test(uip_is_set_for_244us_before_each_update),
		cmocka_unit_test(the_update_carries_through_every_field),
		cmocka_unit_test(set_holds_what_is_written_and_the_phase_is_kept),
		cmocka_unit_test(out_of_range_fields_are_clamped),
		cmocka_unit_test(register_c_flags_clear_on_read),
		cmocka_unit_test(alarm_interrupts_are_counted),
		cmocka_unit_test(the_nmi_bit_is_not_part_of_the_index),
		cmocka_unit_test(ram_bytes_keep_what_is_written),
		cmocka_unit_test(the_divider_reset_stops_the_clock),
		cmocka_unit_test(the_hosts_registers_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
