/*
 * ACPI fixed hardware: PM1a event and control blocks and the PM timer
 * (include/devices/acpi_pm.h).  Accesses are taken a byte at a time, so
 * that any width at any offset reaches the 16-bit registers it covers as
 * QEMU's byte-valid PM regions do; a write's bytes are gathered per
 * register first, since writing SLP_EN acts on the SLP_TYP written with it.
 */
#include "arch/acpi.h"
#include "devices/acpi_pm.h"

#define BYTE_BITS 8
#define BYTE_MASK 0xffu
#define PM1_REGS 3		/* PM1_STS, PM1_EN, PM1_CNT: the 16-bit registers */
#define REG_STS 0
#define REG_EN 1
#define REG_CNT 2
#define PM1_STS_W1C ((u16)(ACPI_PM1_TMR_STS | ACPI_PM1_BM_STS | ACPI_PM1_GBL_STS | \
			   ACPI_PM1_PWRBTN_STS | ACPI_PM1_SLPBTN_STS | ACPI_PM1_RTC_STS | \
			   ACPI_PM1_WAK_STS))
/* What PM1_CNT keeps: SLP_EN and GBL_RLS are write-only, they read as 0 (Table 4.18). */
#define PM1_CNT_KEPT ((u16)(ACPI_PM1_SCI_EN | ACPI_PM1_BM_RLD | ACPI_PM1_SLP_TYP_MASK))
#define UNCLAIMED_BYTE 0xff

#define HZ_PER_KHZ 1000

u64 acpi_pm_ticks(u64 tsc_delta, u64 tsc_khz)
{
	return (u64)((unsigned __int128)tsc_delta * ACPI_PM_TIMER_HZ / (tsc_khz * HZ_PER_KHZ));
}

/*
 * SCI_EN set: the FADT has no SMI_CMD, so the machine is always in ACPI
 * mode and OSPM never asks for it (5.2.9 "SMI_CMD", 4.8.4.2.1).
 */
void acpi_pm_init(struct acpi_pm_device *pm, u64 now)
{
	*pm = (struct acpi_pm_device){ .cnt = ACPI_PM1_SCI_EN, .tmr_sts_from = now,
				       .sleep = ACPI_PM_AWAKE };
}

/* TMR_STS: the counter's top bit toggled since it was last cleared (4.8.3.3). */
static bool tmr_sts(const struct acpi_pm_device *pm, u64 now)
{
	return now >> ACPI_PM_TMR_TOP_BIT != pm->tmr_sts_from >> ACPI_PM_TMR_TOP_BIT;
}

/* The 16-bit register a port's byte belongs to (REG_*), or -1. */
static int pm1_reg(u16 port)
{
	if (port >= ACPI_PM1_STS_PORT && port < ACPI_PM1_EN_PORT)
		return REG_STS;
	if (port >= ACPI_PM1_EN_PORT && port < ACPI_PM1_EVT_PORT + ACPI_PM1_EVT_LEN)
		return REG_EN;
	if (port >= ACPI_PM1_CNT_PORT && port < ACPI_PM1_CNT_PORT + ACPI_PM1_CNT_LEN)
		return REG_CNT;
	return -1;
}

static bool is_tmr_port(u16 port)
{
	return port >= ACPI_PM_TMR_PORT && port < ACPI_PM_TMR_PORT + ACPI_PM_TMR_LEN;
}

static u16 reg_value(const struct acpi_pm_device *pm, int reg, u64 now)
{
	switch (reg) {
	case REG_STS:
		return (u16)(pm->sts | (tmr_sts(pm, now) ? ACPI_PM1_TMR_STS : 0));
	case REG_EN:
		return pm->en;
	default:
		return pm->cnt;
	}
}

/* The byte at port, as a read sees it. */
static u8 read_byte(const struct acpi_pm_device *pm, u16 port, u64 now)
{
	int reg = pm1_reg(port);

	if (is_tmr_port(port))	/* the low 32 bits of the count (TMR_VAL_EXT) */
		return (u8)(now >> ((port - ACPI_PM_TMR_PORT) * BYTE_BITS));
	if (reg < 0)
		return UNCLAIMED_BYTE;
	return (u8)(reg_value(pm, reg, now) >> ((port & 1) * BYTE_BITS));
}

/* What SLP_TYP asks for (the values of the DSDT's \_S3_ and \_S5_). */
static enum acpi_pm_sleep sleep_of(u8 slp_typ)
{
	if (slp_typ == ACPI_PM_SLP_TYP_S3)
		return ACPI_PM_SLEEP_S3;
	if (slp_typ == ACPI_PM_SLP_TYP_S5)
		return ACPI_PM_SLEEP_S5;
	return ACPI_PM_SLEEP_UNSUPPORTED;
}

/* PM1_CNT written: with SLP_EN, the system enters the SLP_TYP written with it (4.8.4.2.1). */
static void write_cnt(struct acpi_pm_device *pm, u16 val)
{
	pm->cnt = val & PM1_CNT_KEPT;
	if (!(val & ACPI_PM1_SLP_EN))
		return;
	pm->slp_typ = (u8)((val & ACPI_PM1_SLP_TYP_MASK) >> ACPI_PM1_SLP_TYP_SHIFT);
	pm->sleep = sleep_of(pm->slp_typ);
}

/* A write of val to the bytes of register reg that mask selects. */
static void write_reg(struct acpi_pm_device *pm, int reg, u16 val, u16 mask, u64 now)
{
	switch (reg) {
	case REG_STS:
		val &= mask;
		pm->sts &= (u16)~(val & PM1_STS_W1C);
		if (val & ACPI_PM1_TMR_STS)
			pm->tmr_sts_from = now;
		break;
	case REG_EN:
		pm->en = (u16)((pm->en & ~mask) | (val & mask & ACPI_PM1_EN_WRITABLE));
		break;
	default:
		write_cnt(pm, (u16)((pm->cnt & ~mask) | (val & mask)));
		break;
	}
}

static void pm_write(struct acpi_pm_device *pm, u16 port, u8 size, u32 val, u64 now)
{
	u16 vals[PM1_REGS] = { 0 }, masks[PM1_REGS] = { 0 };

	for (u8 i = 0; i < size; i++) {
		int reg = pm1_reg((u16)(port + i));
		unsigned int shift = ((port + i) & 1) * BYTE_BITS;

		if (reg < 0)
			continue;	/* the timer is read-only, the gaps go nowhere */
		vals[reg] |= (u16)(((val >> (i * BYTE_BITS)) & BYTE_MASK) << shift);
		masks[reg] |= (u16)(BYTE_MASK << shift);
	}
	for (int reg = 0; reg < PM1_REGS; reg++)
		if (masks[reg])
			write_reg(pm, reg, vals[reg], masks[reg], now);
}

bool acpi_pm_io(struct acpi_pm_device *pm, u16 port, bool is_write, u8 size, u32 *val, u64 now)
{
	u32 v = 0;

	if (port >= ACPI_PM_IO_END || port + size <= ACPI_PM_IO_BASE)
		return false;
	if (is_write) {
		pm_write(pm, port, size, *val, now);
		return true;
	}
	for (u8 i = 0; i < size; i++)
		v |= (u32)read_byte(pm, (u16)(port + i), now) << (i * BYTE_BITS);
	*val = v;
	return true;
}

bool acpi_pm_sci_level(const struct acpi_pm_device *pm, u64 now)
{
	/* Each fixed event's enable bit sits where its status bit does (Tables 4.16, 4.17). */
	return (pm->cnt & ACPI_PM1_SCI_EN) &&
	       (reg_value(pm, REG_STS, now) & pm->en & ACPI_PM1_EN_WRITABLE);
}

enum acpi_pm_sleep acpi_pm_sleep_request(const struct acpi_pm_device *pm)
{
	return pm->sleep;
}

bool acpi_pm_event(struct acpi_pm_device *pm, u16 event)
{
	event &= PM1_STS_W1C & ACPI_PM1_EN_WRITABLE;	/* the events PM1_EN has a bit for */
	pm->sts |= event;
	return pm->en & event;
}

void acpi_pm_wake(struct acpi_pm_device *pm, u16 event)
{
	pm->sts |= (u16)(ACPI_PM1_WAK_STS | (event & PM1_STS_W1C));
	pm->sleep = ACPI_PM_AWAKE;
}
