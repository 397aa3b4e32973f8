/*
 * spin: read the data slot in a tight loop until the value changes, then
 * report what it saw and how many reads it made.  The VMM deletes the
 * slot while the guest spins (vcpu_run with a budget), so the next read
 * is an MMIO exit, never the old value from a stale EPT entry.  Then the
 * VMM re-creates the slot and the guest reads it once more (SYNC 3).
 */
#include "guest.h"

#define DATA_GPA 0x1000000ULL
#define START_VALUE 0x1234

void guest_main(void)
{
	volatile uint64_t *p = (volatile uint64_t *)DATA_GPA;
	uint64_t v, reads = 0;

	while ((v = *p) == START_VALUE)
		reads++;
	GUEST_SYNC2(1, v);
	GUEST_SYNC2(2, reads);
	GUEST_SYNC2(3, *p);
}
