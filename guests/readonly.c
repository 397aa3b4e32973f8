/*
 * readonly: a write to a READONLY memslot must be an MMIO exit and leave
 * the memory as it was; a read must see the slot's contents.
 */
#include "guest.h"

#define RO_GPA 0x1000000ULL

void guest_main(void)
{
	volatile uint32_t *p = (volatile uint32_t *)RO_GPA;

	GUEST_SYNC2(1, *p);
	*p = 0xdeadbeef;
	GUEST_SYNC2(2, *p);
}
