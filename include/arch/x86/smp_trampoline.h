/* Shared by boot/trampoline.S and arch/x86/smp.c. */
#pragma once

/* The page the APs start in: below 1 MiB, free after boot (the first MiB is never allocated). */
#define TRAMPOLINE_PA 0x8000

#ifndef __ASSEMBLY__
#include "types.h"

/* The data block at the end of the trampoline (see boot/trampoline.S). */
struct trampoline_data {
	u32 cr3;	/* page tables mapping the trampoline page and the kernel */
	u32 efer;	/* bits to set in EFER */
	u32 cpu;	/* ap_entry's argument */
	u32 pad;
	u64 stack;	/* the AP's initial RSP */
	u64 entry;	/* ap_entry */
};
_Static_assert(sizeof(struct trampoline_data) == 32, "must match boot/trampoline.S");
#endif
