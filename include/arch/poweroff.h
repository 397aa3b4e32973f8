/*
 * Ending a run.  The status reaches QEMU's isa-debug-exit device (QEMU then
 * exits with (status << 1) | 1), so test runners can tell outcomes apart;
 * Bochs and real machines just power off.
 */
#pragma once

#include "compiler.h"

enum exit_status {
	EXIT_OK = 0,		/* QEMU exit 1 */
	EXIT_TESTS_FAILED = 1,	/* QEMU exit 3 */
	EXIT_NO_VMX = 2,	/* QEMU exit 5 */
	EXIT_PANIC = 3,		/* QEMU exit 7 */
};

/* Drain the console and power the machine off; halts if nothing worked. */
__noreturn void arch_poweroff(enum exit_status status);
