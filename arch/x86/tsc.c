/*
 * The TSC's frequency, measured once at boot over 10 ms against a clock of
 * known rate: the ACPI PM timer (3.579545 MHz, at the port the FADT names)
 * where the firmware has one, which every ACPI PC has and which, unlike
 * the PIT, firmware does not gate off; else PIT channel 2 (1.193182 MHz)
 * with the speaker gate.  CPUID 0x15 (TSC/crystal ratio and crystal clock)
 * and 0x16 (base frequency) are printed beside the measurement but not
 * trusted: many CPUs leave the crystal clock 0, and an emulator can report
 * its model's figures while its TSC runs at another rate (Bochs' TSC counts
 * retired instructions, the "ips" setting, whatever CPUID says).
 */
#include "arch/acpi.h"
#include "arch/x86/cpu.h"
#include "arch/x86/io.h"
#include "arch/x86/setup.h"
#include "lib/printf.h"

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
#define CPUID_LEAF_TSC 0x15	/* EAX/EBX: TSC/crystal ratio, ECX: crystal Hz */
#define CPUID_LEAF_FREQ 0x16	/* EAX: base frequency in MHz */

u64 tsc_khz;

/* TSC ticks over CALIBRATE_MS of the PM timer at port; 0 if it does not count. */
static u64 measure_pm_timer(u16 port, unsigned int bits)
{
	u32 mask = bits == 32 ? 0xffffffffu : 0xffffffu;
	u32 want = ACPI_PM_TIMER_HZ / (1000 / CALIBRATE_MS), start, now = 0;
	u64 t0;
	int i;

	start = inl(port) & mask;
	t0 = rdtsc();
	for (i = 0; i < CALIBRATE_POLLS; i++) {
		now = inl(port) & mask;
		if (((now - start) & mask) >= want)
			break;
	}
	if (i == CALIBRATE_POLLS)
		return 0;
	/* Scale to exactly CALIBRATE_MS: the last read may be past want. */
	return (rdtsc() - t0) * want / ((now - start) & mask);
}

/* TSC ticks over CALIBRATE_MS of PIT channel 2 in mode 0; 0 if OUT2 never rose. */
static u64 measure_pit(void)
{
	u32 latch = PIT_HZ / (1000 / CALIBRATE_MS);
	u64 t0;
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
	return i < CALIBRATE_POLLS ? rdtsc() - t0 : 0;
}

/* What CPUID 0x15/0x16 say the TSC runs at, in kHz; 0 when they do not say. */
static u64 cpuid_tsc_khz(void)
{
	struct cpuid_regs r;
	u32 max = cpuid(0).eax;

	if (max >= CPUID_LEAF_TSC) {
		r = cpuid_count(CPUID_LEAF_TSC, 0);
		if (r.eax && r.ebx && r.ecx)
			return (u64)r.ecx * r.ebx / r.eax / 1000;
	}
	if (max >= CPUID_LEAF_FREQ) {
		r = cpuid_count(CPUID_LEAF_FREQ, 0);
		if (r.eax & 0xffff)
			return (u64)(r.eax & 0xffff) * 1000;
	}
	return 0;
}

u64 tsc_calibrate(void)
{
	unsigned int bits = 0;
	u16 port = acpi_pm_timer(&bits);
	const char *source = "the ACPI PM timer";
	u64 ticks = port ? measure_pm_timer(port, bits) : 0, cpuid_khz = cpuid_tsc_khz();

	if (!ticks) {
		source = port ? "PIT channel 2 (the ACPI PM timer did not count)" : "PIT channel 2";
		ticks = measure_pit();
	}
	tsc_khz = ticks / CALIBRATE_MS;
	if (!tsc_khz)
		kprintf("tsc: neither the ACPI PM timer nor PIT channel 2 counted: no TSC frequency\n");
	else if (cpuid_khz)
		kprintf("tsc: %llu kHz, measured against %s (CPUID 0x15/0x16 say %llu kHz)\n",
			(unsigned long long)tsc_khz, source, (unsigned long long)cpuid_khz);
	else
		kprintf("tsc: %llu kHz, measured against %s\n", (unsigned long long)tsc_khz, source);
	return tsc_khz;
}
