/*
 * ACPI fixed hardware (ACPI 6.5, 4.8): the PM1a event block (PM1_STS and
 * PM1_EN), the PM1a control block (PM1_CNT) and the power-management
 * timer, in QEMU's PIIX4 layout at I/O ports 0x600-0x60b (QEMU's
 * hw/acpi/piix4.c and hw/acpi/core.c are the model for the registers'
 * behaviour).  A VM has it when it boots a multiboot v1 kernel
 * (kvm-unit-tests' .flat files), whose FADT then names these blocks
 * (devices/acpi_build.c); a Linux guest gets a hardware-reduced FADT and
 * no such device.
 *
 * The timer is 32 bits wide (the FADT sets TMR_VAL_EXT, 5.2.9 Table 5.10)
 * and counts at ACPI_PM_TIMER_HZ (3.579545 MHz, 4.8.3.3) from the
 * caller's time: "now" is in timer ticks since the VM was made (vm/pc.c
 * converts from the TSC), so nothing runs between accesses.  The SCI
 * (ISA IRQ 9, as the FADT's SCI_INT and the MADT's override say) is a
 * level the VMM samples: high while SCI_EN is set and an enabled fixed
 * event's status bit is (4.8.2).
 *
 * Writing SLP_EN records a sleep request (7.4.2, 16.1); acting on it
 * (stopping the vCPUs, waking them) is the VMM's (vm/sleep.c).  No
 * hardware dependency: host-tested (tests/unit/test_acpi_pm.c).
 */
#pragma once

#include "compiler.h"
#include "types.h"

/* The blocks' ports (QEMU's PIIX4 PM at base 0x600). */
#define ACPI_PM_IO_BASE 0x600
#define ACPI_PM1_EVT_PORT 0x600		/* PM1a_EVT_BLK: PM1_STS, then PM1_EN */
#define ACPI_PM1_EVT_LEN 4
#define ACPI_PM1_STS_PORT ACPI_PM1_EVT_PORT
#define ACPI_PM1_EN_PORT (ACPI_PM1_EVT_PORT + 2)
#define ACPI_PM1_CNT_PORT 0x604		/* PM1a_CNT_BLK */
#define ACPI_PM1_CNT_LEN 2
#define ACPI_PM_TMR_PORT 0x608		/* PM_TMR_BLK */
#define ACPI_PM_TMR_LEN 4
#define ACPI_PM_IO_END (ACPI_PM_TMR_PORT + ACPI_PM_TMR_LEN)
#define ACPI_PM_SCI_IRQ 9		/* the FADT's SCI_INT, as QEMU's PIIX4 */

/* PM1_STS (4.8.4.1.1, Table 4.16): write 1 to clear. */
#define ACPI_PM1_TMR_STS BIT(0)		/* the timer's top bit toggled */
#define ACPI_PM1_BM_STS BIT(4)
#define ACPI_PM1_GBL_STS BIT(5)
#define ACPI_PM1_PWRBTN_STS BIT(8)
#define ACPI_PM1_SLPBTN_STS BIT(9)
#define ACPI_PM1_RTC_STS BIT(10)	/* the RTC alarm raised its wake event */
#define ACPI_PM1_WAK_STS BIT(15)	/* the system woke from a sleeping state */

/* PM1_EN (4.8.4.1.2, Table 4.17). */
#define ACPI_PM1_TMR_EN BIT(0)
#define ACPI_PM1_GBL_EN BIT(5)
#define ACPI_PM1_PWRBTN_EN BIT(8)
#define ACPI_PM1_SLPBTN_EN BIT(9)
#define ACPI_PM1_RTC_EN BIT(10)		/* the RTC alarm may wake the system */
#define ACPI_PM1_EN_WRITABLE (ACPI_PM1_TMR_EN | ACPI_PM1_GBL_EN | ACPI_PM1_PWRBTN_EN | \
			      ACPI_PM1_SLPBTN_EN | ACPI_PM1_RTC_EN)

/*
 * PM1_CNT (4.8.4.2.1, Table 4.18): SCI_EN, SLP_TYP and SLP_EN are
 * ACPI_PM1_SCI_EN, ACPI_PM1_SLP_TYP_* and ACPI_PM1_SLP_EN (arch/acpi.h).
 */
#define ACPI_PM1_BM_RLD BIT(1)
#define ACPI_PM1_GBL_RLS BIT(2)		/* write-only: reads as 0 */

/* The SLP_TYP values the DSDT's \_S3_ and \_S5_ packages give (QEMU's PIIX4 values). */
#define ACPI_PM_SLP_TYP_S3 1
#define ACPI_PM_SLP_TYP_S5 0

#define ACPI_PM_TMR_TOP_BIT 31		/* TMR_STS is set when it toggles (TMR_VAL_EXT) */

/* What the guest's last write of SLP_EN asked for. */
enum acpi_pm_sleep {
	ACPI_PM_AWAKE,			/* no request */
	ACPI_PM_SLEEP_S3,		/* suspend to RAM: SLP_TYP ACPI_PM_SLP_TYP_S3 */
	ACPI_PM_SLEEP_S5,		/* soft off: SLP_TYP ACPI_PM_SLP_TYP_S5 */
	ACPI_PM_SLEEP_UNSUPPORTED,	/* any other SLP_TYP (slp_typ says which) */
};

struct acpi_pm_device {
	u16 sts;		/* PM1_STS but TMR_STS, which tmr_sts_from gives */
	u16 en;			/* PM1_EN */
	u16 cnt;		/* PM1_CNT as it reads: SCI_EN, BM_RLD, SLP_TYP */
	u64 tmr_sts_from;	/* the time TMR_STS was last cleared (or the VM made) */
	enum acpi_pm_sleep sleep;
	u8 slp_typ;		/* the SLP_TYP of that request */
};

/*
 * TSC ticks to timer ticks: tsc_delta ticks of a TSC at tsc_khz are this
 * many periods of ACPI_PM_TIMER_HZ (the TSC rate the hypervisor measured,
 * as the PIT's and the RTC's clocks use it).
 */
u64 acpi_pm_ticks(u64 tsc_delta, u64 tsc_khz);

/* Power-on state at time now (ticks of ACPI_PM_TIMER_HZ): SCI_EN set, everything else clear. */
void acpi_pm_init(struct acpi_pm_device *pm, u64 now);

/*
 * A port access of size bytes (1, 2 or 4) at time now: whether port is
 * one of the device's (any byte of the access in its blocks; the others
 * read as all ones and ignore writes); a read fills *val.  A write of
 * SLP_EN records a sleep request (acpi_pm_sleep_request()).
 */
bool acpi_pm_io(struct acpi_pm_device *pm, u16 port, bool is_write, u8 size, u32 *val, u64 now);

/* The SCI's level at time now: SCI_EN, and a PM1_STS bit whose PM1_EN bit is set. */
bool acpi_pm_sci_level(const struct acpi_pm_device *pm, u64 now);

/* The pending sleep request (ACPI_PM_AWAKE when none). */
enum acpi_pm_sleep acpi_pm_sleep_request(const struct acpi_pm_device *pm);

/*
 * A fixed event happened (a PM1_STS bit: ACPI_PM1_RTC_STS, ...): its
 * status bit is set whatever PM1_EN says (4.8.4.1.1); whether its enable
 * bit (the same bit of PM1_EN) is set, i.e. whether it may wake a sleeping
 * system.
 */
bool acpi_pm_event(struct acpi_pm_device *pm, u16 event);

/*
 * The sleeping VM wakes on event (a PM1_STS bit, e.g. ACPI_PM1_RTC_STS):
 * WAK_STS and that bit set, the request gone (16.3: what firmware leaves
 * for OSPM's waking path).
 */
void acpi_pm_wake(struct acpi_pm_device *pm, u16 event);
