/*
 * dirtier: dirty_log_test's guest.  Each round it writes the round number
 * to the first word of WRITES_PER_ROUND pseudo-random pages of the
 * dirty-logged slot, then GUEST_SYNC(round), so that every write of the
 * round has retired when the VMM fetches the log.
 */
#include "guest.h"

#define LOG_GPA 0x10000000ULL
#define LOG_PAGES 1040		/* 16 pages past a multiple of 64 */
#define WRITES_PER_ROUND 300
#define PAGE 4096

void guest_main(void)
{
	uint64_t x = 88172645463325252ULL;

	for (uint64_t round = 1;; round++) {
		for (int i = 0; i < WRITES_PER_ROUND; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			*(volatile uint64_t *)(LOG_GPA + (x % LOG_PAGES) * PAGE) = round;
		}
		GUEST_SYNC(round);
	}
}
