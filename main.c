/*
 * kmain: bring the platform up (arch/x86), then run the first run mode the
 * command line asks for (include/run_mode.h).  Nothing else decides what
 * the machine does.  VMX is detected and turned on only for a mode that
 * needs it, so a machine without VT-x still runs the modes that do not,
 * and stops with one clear line for those that do.
 */
#include "arch/poweroff.h"
#include "arch/x86/setup.h"
#include "console/console.h"
#include "console/demo.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "console/guest_boot.h"
#include "run_mode.h"
#include "vmx/caps.h"
#include "vmx/vmx.h"

extern const struct run_mode __run_modes_start[], __run_modes_end[];

static void vmx_setup_or_stop(void)
{
	struct vmx_caps caps;
	const char *why;

	if (vmx_detect(&caps, &why) < 0) {
		kprintf("vmx: VT-x not available: %s\n", why);
		arch_poweroff(EXIT_NO_VMX);
	}
	vmx_print_caps(&caps);
	if (vmx_cpu_enable(&why) < 0) {
		kprintf("vmx: cannot enter VMX operation: %s\n", why);
		arch_poweroff(EXIT_PANIC);
	}
}

void kmain(u32 magic, u32 mbi_pa)
{
	const struct boot_info *bi = arch_setup(magic, mbi_pa);

	for (const struct run_mode *m = __run_modes_start; m < __run_modes_end; m++) {
		if (!m->wanted(bi))
			continue;
		if (m->needs_vmx)
			vmx_setup_or_stop();
		arch_poweroff(m->run(bi));
	}
	/* The demo mode is wanted always: reaching here means the image lacks it. */
	kprintf("slotvisor: no run mode for this command line\n");
	arch_poweroff(EXIT_PANIC);
}

/* ---- the production image's modes -------------------------------------- */

/*
 * Test and benchmark switches reach an image without tests: say so rather
 * than run the demo in their place.  The test image's modes rank first.
 */
static bool devel_switch_wanted(const struct boot_info *bi)
{
	char val[8];

	return cmdline_get(bi->cmdline, "slotvisor.test", val, sizeof(val)) ||
	       cmdline_get(bi->cmdline, "slotvisor.bench", val, sizeof(val)) ||
	       cmdline_get(bi->cmdline, "slotvisor.crash", val, sizeof(val));
}

static enum exit_status devel_switch_refused(const struct boot_info *bi)
{
	kprintf("slotvisor: this image has no tests or benchmarks; "
		"boot build/slotvisor-test.elf for slotvisor.test=, slotvisor.bench= "
		"and slotvisor.crash=\n");
	return EXIT_PANIC;
}

RUN_MODE(40, devel_switch_refused, .name = "devel-switch-refused", .wanted = devel_switch_wanted,
	 .run = devel_switch_refused);

static enum exit_status boot_guest(const struct boot_info *bi)
{
	u64 status;
	int err;

	kprintf("slotvisor: boot complete; booting the guest\n");
	err = guest_boot(bi, &status);
	if (err) {
		kprintf("slotvisor: the guest could not be loaded: %s\n", errno_name(err));
		return EXIT_PANIC;
	}
	/* QEMU then exits with the guest's own status, as if it ran there (its low bits). */
	return (enum exit_status)(u32)(status >> 1);
}

RUN_MODE(50, guest, .name = "guest", .wanted = guest_boot_requested, .needs_vmx = true,
	 .run = boot_guest);

static bool always(const struct boot_info *bi)
{
	return true;
}

/* The demo; with slotvisor.console=1 it ends in the interactive console. */
static enum exit_status demo(const struct boot_info *bi)
{
	kprintf("slotvisor: boot complete; running the demo\n");
	if (demo_run())
		return EXIT_PANIC;
	if (cmdline_has(bi->cmdline, "slotvisor.console=1"))
		return console_demo() ? EXIT_PANIC : EXIT_OK;
	return EXIT_OK;
}

RUN_MODE(90, demo, .name = "demo", .wanted = always, .needs_vmx = true, .run = demo);
