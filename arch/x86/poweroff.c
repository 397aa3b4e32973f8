/*
 * Power-off, trying each mechanism in turn:
 *   1. QEMU's isa-debug-exit at port 0xf4: QEMU exits with (status<<1)|1,
 *      which carries the outcome to the test runner;
 *   2. Bochs' shutdown port 0x8900 ("Shutdown");
 *   3. ACPI S5: SLP_TYPa/b from the DSDT's \_S5 with SLP_EN into PM1a/b_CNT
 *      (ACPI 6.x 4.8.3.2.1, 7.4.2), after switching to ACPI mode if needed.
 * "slotvisor.poweroff=acpi" skips the first two, so tests can exercise the
 * ACPI path on emulators.  If nothing works the CPU halts with a message.
 */
#include "arch/acpi.h"
#include "arch/poweroff.h"
#include "arch/x86/cpu.h"
#include "arch/x86/console.h"
#include "arch/x86/io.h"
#include "arch/x86/setup.h"
#include "arch/x86/uart.h"
#include "lib/printf.h"

#define DEBUG_EXIT_PORT 0xf4
#define BOCHS_SHUTDOWN_PORT 0x8900
#define PM1_CNT_SCI_EN 0x0001
#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_EN 0x2000
#define ACPI_ENABLE_POLLS 1000000
/* How long the chipset gets to act on SLP_EN before we say it did not. */
#define ACPI_S5_WAIT_MS 1000
#define ACPI_S5_WAIT_PAUSES 10000000	/* before the TSC is calibrated */

static bool acpi_only;

/* Make the power-off path use ACPI alone (for testing it on emulators). */
void poweroff_set_acpi_only(bool on)
{
	acpi_only = on;
}

static void acpi_enable_mode(const struct acpi_pm *pm)
{
	if ((inw(pm->pm1a_cnt) & PM1_CNT_SCI_EN) || !pm->smi_cmd || !pm->acpi_enable)
		return;
	outb(pm->smi_cmd, pm->acpi_enable);
	for (int i = 0; i < ACPI_ENABLE_POLLS; i++) {
		if (inw(pm->pm1a_cnt) & PM1_CNT_SCI_EN)
			return;
	}
}

static void acpi_poweroff(void)
{
	struct acpi_pm pm;

	if (acpi_get_pm(&pm) < 0 || !pm.pm1a_cnt)
		return;
	kprintf("poweroff: ACPI S5 (PM1a_CNT 0x%x, SLP_TYPa %u)\n", pm.pm1a_cnt,
		pm.slp_typa);
	console_drain();
	acpi_enable_mode(&pm);
	outw(pm.pm1a_cnt, (u16)(pm.slp_typa << PM1_CNT_SLP_TYP_SHIFT) | PM1_CNT_SLP_EN);
	if (pm.pm1b_cnt)
		outw(pm.pm1b_cnt, (u16)(pm.slp_typb << PM1_CNT_SLP_TYP_SHIFT) | PM1_CNT_SLP_EN);
	/*
	 * Power goes after a moment, not at the write: print nothing in
	 * between (QEMU stops the CPU a little later, and a screendump should
	 * find the screen as the power-off left it, not in a half-drawn line).
	 */
	if (tsc_khz) {
		u64 start = rdtsc();

		while (rdtsc() - start < tsc_khz * ACPI_S5_WAIT_MS)
			__asm__ __volatile__("pause");
	} else {
		for (int i = 0; i < ACPI_S5_WAIT_PAUSES; i++)
			__asm__ __volatile__("pause");
	}
}

void arch_poweroff(enum exit_status status)
{
	static const char shutdown[] = "Shutdown";

	irq_disable();
	console_drain();
	if (!acpi_only) {
		outb(DEBUG_EXIT_PORT, (u8)status);
		for (const char *p = shutdown; *p; p++)
			outb(BOCHS_SHUTDOWN_PORT, (u8)*p);
	}
	acpi_poweroff();
	kprintf("poweroff: no power-off mechanism worked; halting (status %d)\n", status);
	console_drain();
	cpu_halt_forever();
}
