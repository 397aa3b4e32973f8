/*
 * An emulated MC146818A real-time clock with its CMOS RAM (ports 0x70,
 * 0x71), after Motorola's MC146818A data sheet: the time and date in BCD
 * or binary, 12- or 24-hour, the update-in-progress window before each
 * second's update, registers A-D with the flags of register C, the
 * alarm, the PC's century byte and 114 bytes of RAM.  Time is the
 * caller's, in ticks of the chip's 32.768 kHz time base (RTC_HZ; vm/pc.c
 * converts from the TSC), so nothing runs between accesses.  No interrupt
 * line: IRQ 8 is not raised (docs/devices.md says why Linux does not need
 * it).  No hardware dependency: host-tested.
 */
#pragma once

#include "compiler.h"
#include "types.h"

#define RTC_HZ 32768ULL
#define RTC_INDEX_PORT 0x70
#define RTC_DATA_PORT 0x71
#define RTC_PORTS 2
#define RTC_CMOS_BYTES 128

/* The registers (data sheet, Figure 3 "Address map"). */
#define RTC_SECONDS 0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES 0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS 0x04
#define RTC_HOURS_ALARM 0x05
#define RTC_DAY_OF_WEEK 0x06
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_RAM_FIRST 0x0e
#define RTC_CENTURY 0x32	/* the PC's century byte (ACPI FADT "CENTURY" names it) */

/* Register A. */
#define RTC_A_UIP 0x80		/* update in progress, read-only */
#define RTC_A_DV_MASK 0x70	/* divider: 010 runs the clock from a 32.768 kHz base */
#define RTC_A_DV_32KHZ 0x20
#define RTC_A_RS_MASK 0x0f	/* rate select of the periodic flag */

/* Register B. */
#define RTC_B_SET 0x80		/* updates stop, the time registers hold what is written */
#define RTC_B_PIE 0x40
#define RTC_B_AIE 0x20
#define RTC_B_UIE 0x10
#define RTC_B_SQWE 0x08
#define RTC_B_DM_BINARY 0x04
#define RTC_B_24H 0x02
#define RTC_B_DSE 0x01

/* Register C (read-only, cleared by a read) and D. */
#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40
#define RTC_C_AF 0x20
#define RTC_C_UF 0x10
#define RTC_D_VRT 0x80		/* valid RAM and time: the battery is good */

#define RTC_HOURS_PM 0x80	/* 12-hour mode: the hour's bit 7 */
#define RTC_ALARM_DONT_CARE 0xc0	/* an alarm byte of 11xxxxxx matches any value */

/* A broken-down time: what the time registers say, in binary, 24-hour. */
struct rtc_cmos_time {
	u32 year;		/* 0-9999: the century byte and register 9 */
	u8 month, day;		/* 1-12, 1-31 */
	u8 hour, min, sec;	/* 0-23, 0-59, 0-59 */
};

struct rtc_cmos {
	u8 index;		/* the last index written to port 0x70, NMI bit dropped */
	bool nmi_disabled;	/* port 0x70's bit 7 as last written (no effect here) */
	u8 ram[RTC_CMOS_BYTES];	/* registers A, B, the alarm and the RAM as written */
	s64 secs;		/* the time registers' time, seconds since 1970-01-01 */
	u64 next;		/* the next update's instant; more follow every RTC_HZ */
	s8 dow_offset;		/* the day of the week as written, against the date's */
	u8 flags;		/* register C's PF, AF, UF since its last read */
	u64 flags_at;		/* the time up to which @flags are counted */
	u64 alarm_irqs;		/* alarms with AIE set: IRQF raised, a wake event */
};

/*
 * Power-on state at time now: the clock running (register A 0x26,
 * register B 24-hour BCD, as a PC's firmware leaves it) at @start.
 */
void rtc_cmos_init(struct rtc_cmos *r, const struct rtc_cmos_time *start, u64 now);

/* Guest accesses to ports 0x70 and 0x71 at time now. */
u8 rtc_cmos_read(struct rtc_cmos *r, u16 port, u64 now);
void rtc_cmos_write(struct rtc_cmos *r, u16 port, u8 val, u64 now);

/*
 * The clock brought up to now: how many alarms have raised IRQF (AF with
 * AIE set) since rtc_cmos_init().  An alarm interrupt is what wakes a
 * sleeping PC (ACPI 6.5 4.8.2.1.1, RTC_STS); a change of the count is one.
 */
u64 rtc_cmos_alarm_irqs(struct rtc_cmos *r, u64 now);

/*
 * Whether an alarm interrupt can come at all: AIE set, the divider
 * running and the clock not held by SET (an alarm byte always matches
 * some second of the day).
 */
bool rtc_cmos_alarm_armed(const struct rtc_cmos *r);

/* The time of the clock's next update, the only time an alarm can match. */
u64 rtc_cmos_next_update(const struct rtc_cmos *r);

/*
 * Decode time registers 0-9 and the century byte (regs[0x32]) in the
 * format register B (regs[0x0b]) names: how the hypervisor reads the
 * host's own clock.  Out-of-range fields are clamped into range.
 */
void rtc_cmos_decode(const u8 *regs, struct rtc_cmos_time *t);
