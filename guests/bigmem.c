/*
 * bigmem: touch one address in each test slot so that EPT maps it; the
 * VMM then checks the leaf level of each through the EPT iterator.
 * The addresses match tests/kernel/test_guest_ept.c.
 */
#include "guest.h"

static const uint64_t touch[] = { 0x1001234, 0x2000010, 0x40123456 };

void guest_main(void)
{
	for (unsigned int i = 0; i < sizeof(touch) / sizeof(touch[0]); i++) {
		*(volatile uint32_t *)touch[i] = 0xa0 + i;
		GUEST_SYNC2(i + 1, *(volatile uint32_t *)touch[i]);
	}
}
