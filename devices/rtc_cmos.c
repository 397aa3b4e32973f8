/*
 * The emulated MC146818A (include/devices/rtc_cmos.h), after Motorola's
 * MC146818A data sheet.  The clock is a count of seconds and the instant
 * of the next update; every access first brings both up to its time
 * (advance()), counting the updates and periodic-flag edges that passed
 * into register C's flags, so nothing runs between accesses.  The time
 * registers are made from the count in the format register B names at
 * each read: a guest that switches between BCD and binary, or 12 and
 * 24 hours, reads the same time in the new format, as it would after
 * setting the clock again (the data sheet leaves the old values
 * undefined until it does).
 */
#include "devices/rtc_cmos.h"

#define INDEX_MASK 0x7f		/* port 0x70's bits 6:0 (bit 7 is the PC's NMI mask) */
#define NMI_DISABLE 0x80
/*
 * UIP rises 244 us (tBUC, 8 cycles of the 32.768 kHz base) before each
 * update; an update here takes no time, so it falls at the update.
 */
#define UIP_TICKS 8
#define REG_A_WRITABLE 0x7f
#define REG_C_FLAGS (RTC_C_PF | RTC_C_AF | RTC_C_UF)
/*
 * Rate select 1 and 2 give 256 and 128 Hz; 3-15 give 2^(16 - RS) Hz, a
 * period of 2^(RS - 1) cycles of the 32.768 kHz base (data sheet, Table 5).
 */
#define RS_SLOW_SHIFT 6
#define SECS_PER_DAY 86400
#define DAYS_PER_400Y 146097
#define EPOCH_DAY_OF_WEEK 4	/* 1970-01-01 was a Thursday: Sunday is 0 */
#define INDEX_READ 0xff		/* port 0x70 is write-only on a PC: an empty bus */

static bool bcd(const struct rtc_cmos *r)
{
	return !(r->ram[RTC_REG_B] & RTC_B_DM_BINARY);
}

static u8 to_reg(const struct rtc_cmos *r, u32 v)
{
	return bcd(r) ? (u8)((v / 10 % 10) << 4 | v % 10) : (u8)v;
}

/* A value in the current format; a BCD digit over 9 counts as it is, not as an error. */
static u32 from_reg(const struct rtc_cmos *r, u8 v)
{
	return bcd(r) ? (v >> 4) * 10u + (v & 0xf) : v;
}

static u8 hour_to_reg(const struct rtc_cmos *r, u32 h)
{
	u32 h12 = h % 12 ? h % 12 : 12;

	if (r->ram[RTC_REG_B] & RTC_B_24H)
		return to_reg(r, h);
	return to_reg(r, h12) | (h >= 12 ? RTC_HOURS_PM : 0);
}

static u32 hour_from_reg(const struct rtc_cmos *r, u8 v)
{
	u32 h;

	if (r->ram[RTC_REG_B] & RTC_B_24H)
		return from_reg(r, v);
	h = from_reg(r, v & ~RTC_HOURS_PM) % 12;	/* 12 AM is hour 0 */
	return v & RTC_HOURS_PM ? h + 12 : h;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static s64 days_from_civil(s64 y, u32 m, u32 d)
{
	s64 era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * DAYS_PER_400Y + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void civil_from_days(s64 z, struct rtc_cmos_time *t)
{
	s64 era, doe, yoe, doy, mp, y;

	z += 719468;
	era = (z >= 0 ? z : z - (DAYS_PER_400Y - 1)) / DAYS_PER_400Y;
	doe = z - era * DAYS_PER_400Y;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / (DAYS_PER_400Y - 1)) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	t->day = (u8)(doy - (153 * mp + 2) / 5 + 1);
	t->month = (u8)(mp < 10 ? mp + 3 : mp - 9);
	y = yoe + era * 400 + (t->month <= 2);
	t->year = (u32)y;
}

static s64 floor_div(s64 a, s64 b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static void secs_to_time(s64 s, struct rtc_cmos_time *t)
{
	s64 days = floor_div(s, SECS_PER_DAY), sod = s - days * SECS_PER_DAY;

	civil_from_days(days, t);
	t->hour = (u8)(sod / 3600);
	t->min = (u8)(sod / 60 % 60);
	t->sec = (u8)(sod % 60);
}

static s64 time_to_secs(const struct rtc_cmos_time *t)
{
	return days_from_civil(t->year, t->month, t->day) * SECS_PER_DAY + t->hour * 3600 +
	       t->min * 60 + t->sec;
}

static bool leap(u32 y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static u32 month_days(u32 y, u32 m)
{
	static const u8 days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return days[m - 1] + (m == 2 && leap(y));
}

static u32 clamp(u32 v, u32 lo, u32 hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Registers in r's format to a time, each field clamped into its range. */
static void decode(const struct rtc_cmos *r, const u8 *regs, struct rtc_cmos_time *t)
{
	t->year = clamp(from_reg(r, regs[RTC_CENTURY]), 0, 99) * 100 +
		  clamp(from_reg(r, regs[RTC_YEAR]), 0, 99);
	t->month = (u8)clamp(from_reg(r, regs[RTC_MONTH]), 1, 12);
	t->day = (u8)clamp(from_reg(r, regs[RTC_DAY_OF_MONTH]), 1, month_days(t->year, t->month));
	t->hour = (u8)clamp(hour_from_reg(r, regs[RTC_HOURS]), 0, 23);
	t->min = (u8)clamp(from_reg(r, regs[RTC_MINUTES]), 0, 59);
	t->sec = (u8)clamp(from_reg(r, regs[RTC_SECONDS]), 0, 59);
}

void rtc_cmos_decode(const u8 *regs, struct rtc_cmos_time *t)
{
	struct rtc_cmos fmt = { .ram[RTC_REG_B] = regs[RTC_REG_B] };

	decode(&fmt, regs, t);
}

/* Sunday is 1 (data sheet, Table 3), counted from the date plus what the guest wrote. */
static u8 day_of_week(const struct rtc_cmos *r, s64 secs)
{
	s64 d = floor_div(secs, SECS_PER_DAY) + EPOCH_DAY_OF_WEEK + r->dow_offset;

	return (u8)(d - floor_div(d, 7) * 7 + 1);
}

/* The time register idx (0, 2, 4, 6-9 or the century) of the time secs, in r's format. */
static u8 time_reg(const struct rtc_cmos *r, u8 idx, s64 secs)
{
	struct rtc_cmos_time t;

	secs_to_time(secs, &t);
	switch (idx) {
	case RTC_SECONDS:
		return to_reg(r, t.sec);
	case RTC_MINUTES:
		return to_reg(r, t.min);
	case RTC_HOURS:
		return hour_to_reg(r, t.hour);
	case RTC_DAY_OF_WEEK:
		return to_reg(r, day_of_week(r, secs));
	case RTC_DAY_OF_MONTH:
		return to_reg(r, t.day);
	case RTC_MONTH:
		return to_reg(r, t.month);
	case RTC_YEAR:
		return to_reg(r, t.year % 100);
	default:
		return to_reg(r, t.year / 100 % 100);
	}
}

static bool is_time_reg(u8 idx)
{
	return idx == RTC_SECONDS || idx == RTC_MINUTES || idx == RTC_HOURS ||
	       (idx >= RTC_DAY_OF_WEEK && idx <= RTC_YEAR) || idx == RTC_CENTURY;
}

static const u8 time_regs[] = { RTC_SECONDS, RTC_MINUTES, RTC_HOURS, RTC_DAY_OF_WEEK,
				RTC_DAY_OF_MONTH, RTC_MONTH, RTC_YEAR, RTC_CENTURY };

/* Put the running time into the time registers (as SET freezes them). */
static void snapshot(struct rtc_cmos *r)
{
	for (unsigned int i = 0; i < sizeof(time_regs); i++)
		r->ram[time_regs[i]] = time_reg(r, time_regs[i], r->secs);
}

/* Take the time from the time registers (as SET's fall, or a write while running, does). */
static void load(struct rtc_cmos *r)
{
	struct rtc_cmos_time t;
	u8 written = (u8)from_reg(r, r->ram[RTC_DAY_OF_WEEK]);

	decode(r, r->ram, &t);
	r->secs = time_to_secs(&t);
	r->dow_offset = 0;
	r->dow_offset = (s8)(((s32)written - day_of_week(r, r->secs)) % 7);
}

static bool divider_runs(const struct rtc_cmos *r)
{
	return (r->ram[RTC_REG_A] & RTC_A_DV_MASK) == RTC_A_DV_32KHZ;
}

static bool updating(const struct rtc_cmos *r)
{
	return divider_runs(r) && !(r->ram[RTC_REG_B] & RTC_B_SET);
}

/* The periodic flag's period in 32.768 kHz cycles, 0 for none. */
static u64 periodic_ticks(const struct rtc_cmos *r)
{
	u8 rs = r->ram[RTC_REG_A] & RTC_A_RS_MASK;

	if (!rs)
		return 0;
	return rs <= 2 ? 1ULL << (rs + RS_SLOW_SHIFT) : 1ULL << (rs - 1);
}

/* An alarm byte in r's format: the value it matches, or -1 for "don't care". */
static s32 alarm_field(const struct rtc_cmos *r, u8 idx)
{
	u8 v = r->ram[idx];

	if ((v & RTC_ALARM_DONT_CARE) == RTC_ALARM_DONT_CARE)
		return -1;
	return (s32)(idx == RTC_HOURS_ALARM ? hour_from_reg(r, v) : from_reg(r, v));
}

/*
 * Whether one of count updates that set the time to first, first + 1,
 * ... matched the alarm (hours, minutes, seconds; each may be "don't
 * care").  The alarm repeats daily, so a day of updates covers them all;
 * a field that does not match skips to where it next could.
 */
static bool alarm_matched(const struct rtc_cmos *r, s64 first, u64 count)
{
	s32 wh = alarm_field(r, RTC_HOURS_ALARM), wm = alarm_field(r, RTC_MINUTES_ALARM),
	    ws = alarm_field(r, RTC_SECONDS_ALARM);
	s64 sod = first - floor_div(first, SECS_PER_DAY) * SECS_PER_DAY;
	u64 n = MIN(count, (u64)SECS_PER_DAY);

	for (u64 d = 0; d < n;) {
		u32 s = (u32)((sod + d) % SECS_PER_DAY);

		if (wh >= 0 && (s32)(s / 3600) != wh)
			d += 3600 - s % 3600;
		else if (wm >= 0 && (s32)(s / 60 % 60) != wm)
			d += 60 - s % 60;
		else if (ws >= 0 && (s32)(s % 60) != ws)
			d++;
		else
			return true;
	}
	return false;
}

/* Bring the clock and register C's flags up to now. */
static void advance(struct rtc_cmos *r, u64 now)
{
	u64 p = periodic_ticks(r), n;

	if (!divider_runs(r)) {
		r->flags_at = now;
		return;
	}
	if (p && now / p > r->flags_at / p)
		r->flags |= RTC_C_PF;
	r->flags_at = now;
	if (now < r->next)
		return;
	n = (now - r->next) / RTC_HZ + 1;
	r->next += n * RTC_HZ;
	if (!updating(r))
		return;	/* SET: the divider counts on, the time registers stand */
	r->flags |= RTC_C_UF;
	if (alarm_matched(r, r->secs + 1, n)) {
		r->flags |= RTC_C_AF;
		if (r->ram[RTC_REG_B] & RTC_B_AIE)
			r->alarm_irqs++;
	}
	r->secs += (s64)n;
}

void rtc_cmos_init(struct rtc_cmos *r, const struct rtc_cmos_time *start, u64 now)
{
	*r = (struct rtc_cmos){ 0 };
	r->ram[RTC_REG_A] = RTC_A_DV_32KHZ | 0x06;	/* 1024 Hz periodic rate, as PC firmware sets */
	r->ram[RTC_REG_B] = RTC_B_24H;
	r->secs = time_to_secs(start);
	r->next = now + RTC_HZ;
	r->flags_at = now;
}

static u8 read_reg(struct rtc_cmos *r, u8 idx, u64 now)
{
	u8 v;

	switch (idx) {
	case RTC_REG_A:
		v = r->ram[RTC_REG_A];
		if (updating(r) && r->next - now <= UIP_TICKS)
			v |= RTC_A_UIP;
		return v;
	case RTC_REG_C:
		v = r->flags;
		if (v & r->ram[RTC_REG_B] & REG_C_FLAGS)	/* PF/PIE, AF/AIE, UF/UIE share bits */
			v |= RTC_C_IRQF;
		r->flags = 0;
		return v;
	case RTC_REG_D:
		return RTC_D_VRT;
	default:
		if (is_time_reg(idx) && !(r->ram[RTC_REG_B] & RTC_B_SET))
			return time_reg(r, idx, r->secs);
		return r->ram[idx];
	}
}

static void write_reg_a(struct rtc_cmos *r, u8 val, u64 now)
{
	bool ran = divider_runs(r);

	r->ram[RTC_REG_A] = val & REG_A_WRITABLE;
	/* Out of the divider's reset, the first update comes half a second later. */
	if (!ran && divider_runs(r))
		r->next = now + RTC_HZ / 2;
}

static void write_reg_b(struct rtc_cmos *r, u8 val)
{
	bool was_set = r->ram[RTC_REG_B] & RTC_B_SET, set = val & RTC_B_SET;

	if (set && !was_set) {
		snapshot(r);
		val &= ~RTC_B_UIE;	/* SET going high clears UIE (data sheet, register B) */
	}
	r->ram[RTC_REG_B] = val;
	if (was_set && !set)
		load(r);
}

static void write_reg(struct rtc_cmos *r, u8 idx, u8 val, u64 now)
{
	if (idx == RTC_REG_A) {
		write_reg_a(r, val, now);
	} else if (idx == RTC_REG_B) {
		write_reg_b(r, val);
	} else if (idx == RTC_REG_C || idx == RTC_REG_D) {
		/* read-only */
	} else if (is_time_reg(idx) && !(r->ram[RTC_REG_B] & RTC_B_SET)) {
		/* A running clock takes the new field at once, its second's phase kept. */
		snapshot(r);
		r->ram[idx] = val;
		load(r);
	} else {
		r->ram[idx] = val;
	}
}

u8 rtc_cmos_read(struct rtc_cmos *r, u16 port, u64 now)
{
	if (port != RTC_DATA_PORT)
		return INDEX_READ;
	advance(r, now);
	return read_reg(r, r->index, now);
}

void rtc_cmos_write(struct rtc_cmos *r, u16 port, u8 val, u64 now)
{
	if (port == RTC_INDEX_PORT) {
		r->index = val & INDEX_MASK;
		r->nmi_disabled = val & NMI_DISABLE;
		return;
	}
	advance(r, now);
	write_reg(r, r->index, val, now);
}

u64 rtc_cmos_alarm_irqs(struct rtc_cmos *r, u64 now)
{
	advance(r, now);
	return r->alarm_irqs;
}

bool rtc_cmos_alarm_armed(const struct rtc_cmos *r)
{
	return (r->ram[RTC_REG_B] & RTC_B_AIE) && divider_runs(r) && updating(r);
}

u64 rtc_cmos_next_update(const struct rtc_cmos *r)
{
	return r->next;
}
