/*
 * TSC frequency, measured against PIT channel 2 (1.193182 MHz) over 10 ms
 * with the speaker gate: the classic method, since CPUID 0x15 is absent or
 * (on Bochs) wrong.  On Bochs the TSC advances with retired instructions,
 * so the result is the emulated clock rate (the "ips" setting).
 */
#include "arch/x86/cpu.h"
#include "arch/x86/io.h"
#include "arch/x86/setup.h"

#define PIT_HZ 1193182
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_CMD_CH2_MODE0 0xb0	/* channel 2, lo/hi byte, mode 0, binary */
#define PORT_B 0x61
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20
#define CALIBRATE_MS 10
#define CALIBRATE_POLLS 10000000

u64 tsc_khz;

u64 tsc_calibrate(void)
{
	u32 latch = PIT_HZ / (1000 / CALIBRATE_MS);
	u64 t0, t1;
	int i;

	outb(PORT_B, (inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	outb(PIT_CMD, PIT_CMD_CH2_MODE0);
	outb(PIT_CH2, latch & 0xff);
	outb(PIT_CH2, latch >> 8);
	t0 = rdtsc();
	for (i = 0; i < CALIBRATE_POLLS; i++) {
		if (inb(PORT_B) & PORT_B_OUT2)
			break;
	}
	t1 = rdtsc();
	tsc_khz = i < CALIBRATE_POLLS ? (t1 - t0) / CALIBRATE_MS : 0;
	return tsc_khz;
}
