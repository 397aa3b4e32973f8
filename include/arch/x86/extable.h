/*
 * The exception fixup table: an instruction listed here may fault, and the
 * handler then resumes at its fixup address instead of stopping the machine
 * (the idea of Linux's __ex_table).  EXTABLE_DUMP entries also print the full
 * exception dump, so that tests can exercise the handlers end to end.
 */
#pragma once

#define EXTABLE_QUIET 0
#define EXTABLE_DUMP 1

#ifdef __ASSEMBLY__
.macro EXTABLE insn, fixup, flags=EXTABLE_QUIET
	.pushsection .extable, "a"
	.balign 8
	.quad \insn, \fixup, \flags
	.popsection
.endm
#else
#include "types.h"

struct extable_entry {
	u64 insn;
	u64 fixup;
	u64 flags;
};
_Static_assert(sizeof(struct extable_entry) == 24, "must match the EXTABLE macro");

/* The entry for a faulting rip, or NULL. */
const struct extable_entry *extable_find(u64 rip);
#endif
