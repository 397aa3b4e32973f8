/*
 * Run modes: what the machine does once the platform is up (main.c).  Each
 * mode says whether the command line asks for it and runs to an exit
 * status; kmain() runs the first one, in order of rank, that is wanted.
 * The production image registers the guest boot, the demo and the console;
 * the test image adds the in-hypervisor tests and benchmarks in its own
 * files, so main.c names no test code.
 */
#pragma once

#include "arch/poweroff.h"
#include "boot/multiboot2.h"
#include "compiler.h"
#include "types.h"

struct run_mode {
	const char *name;
	/* Whether the command line (or the modules) ask for this mode. */
	bool (*wanted)(const struct boot_info *bi);
	/* VMX is detected and turned on (this CPU) before run() is called. */
	bool needs_vmx;
	/* Runs the mode; what it returns is the power-off status. */
	enum exit_status (*run)(const struct boot_info *bi);
} __aligned(32);

/*
 * Register a mode; rank is two digits, lower runs first: 0x tests' own boot
 * checks, 1x tests, 2x benchmarks, 5x a guest the user gave, 9x the demo.
 */
#define RUN_MODE(rank, id, ...)                                                       \
	static const struct run_mode __run_mode_##id __used                            \
		__section(".run_modes." #rank) = { __VA_ARGS__ }
