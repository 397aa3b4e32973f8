/*
 * mmio: accesses of every width to a guest-physical address no memslot
 * backs; each must reach the VMM as an MMIO exit with the right address,
 * width, direction and data, and a read must return what the VMM supplied.
 */
#include "guest.h"

#define MMIO_GPA 0xc0000000ULL

void guest_main(void)
{
	volatile uint8_t *b = (volatile uint8_t *)MMIO_GPA;

	*(volatile uint32_t *)(b + 0x0) = 0x11223344;
	*(volatile uint8_t *)(b + 0x1) = 0x55;
	*(volatile uint16_t *)(b + 0x2) = 0xbeef;
	*(volatile uint64_t *)(b + 0x8) = 0x0123456789abcdefULL;
	GUEST_SYNC2(1, *(volatile uint32_t *)(b + 0x10));
	GUEST_SYNC2(2, *(volatile uint8_t *)(b + 0x11));
	GUEST_SYNC2(3, *(volatile uint16_t *)(b + 0x12));
	GUEST_SYNC2(4, *(volatile uint64_t *)(b + 0x18));
}
