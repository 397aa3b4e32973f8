/*
 * The host's MC146818 (include/arch/x86/cmos.h).  Register reads follow
 * the data sheet's rule for a consistent time: wait until update in
 * progress (register A bit 7) is clear, which leaves at least 244 us
 * before the next update, then read; and read the seconds again to catch
 * an update that came anyway (an SMI can stop this CPU for longer).
 */
#include "arch/x86/cmos.h"
#include "arch/x86/cpu.h"
#include "arch/x86/io.h"
#include "arch/x86/setup.h"

#define CMOS_INDEX_PORT 0x70
#define CMOS_DATA_PORT 0x71
#define CMOS_REG_A 0x0a
#define CMOS_REG_B 0x0b
#define CMOS_LAST_TIME_REG 0x09
#define CMOS_CENTURY 0x32
#define CMOS_SECONDS 0x00
#define CMOS_A_UIP 0x80
#define CMOS_EMPTY_BUS 0xff
#define CMOS_TRIES 3

/* Index bit 7 stays clear: NMIs remain enabled, as they were. */
static u8 cmos_read(u8 idx)
{
	outb(CMOS_INDEX_PORT, idx);
	return inb(CMOS_DATA_PORT);
}

/* Wait for update in progress to fall, at most a second (an update comes every second). */
static bool wait_uip_clear(void)
{
	u64 end = rdtsc() + tsc_khz * 1000;

	while (cmos_read(CMOS_REG_A) & CMOS_A_UIP) {
		if (rdtsc() > end)
			return false;
		cpu_relax();
	}
	return true;
}

bool host_cmos_read_clock(u8 regs[CMOS_BYTES])
{
	if (cmos_read(CMOS_REG_A) == CMOS_EMPTY_BUS)
		return false;
	for (int i = 0; i < CMOS_TRIES; i++) {
		if (!wait_uip_clear())
			return false;
		for (u8 r = CMOS_SECONDS; r <= CMOS_LAST_TIME_REG; r++)
			regs[r] = cmos_read(r);
		regs[CMOS_REG_B] = cmos_read(CMOS_REG_B);
		regs[CMOS_CENTURY] = cmos_read(CMOS_CENTURY);
		if (cmos_read(CMOS_SECONDS) == regs[CMOS_SECONDS])
			return true;
	}
	return false;
}
