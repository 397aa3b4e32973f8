/*
 * wild: a hostile guest.  It writes to pseudo-random guest-physical
 * addresses in its low 8 MiB (its identity map covers them): half are MMIO
 * exits, some land in its own RAM, code and page tables included, so
 * sooner or later it faults, triple faults or jumps into garbage.  Whatever
 * it does must end only its own VM.
 */
#include "guest.h"

/* The low 8 MiB: half its own 4 MiB of RAM, half addresses without memory. */
#define WILD_MASK 0x7ffff8ULL

void guest_main(void)
{
	uint64_t x = 0x2545f4914f6cdd1dULL;

	for (;;) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		*(volatile uint64_t *)(x & WILD_MASK) = x;
	}
}
