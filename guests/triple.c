/*
 * triple: an exception with an empty IDT: #UD cannot be delivered (#GP),
 * nor can that (#DF), so the CPU shuts down (SDM Vol. 3A 6.15, #DF).
 */
#include "guest.h"

void guest_main(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty = { 0, 0 };

	guest_puts("about to triple fault\n");
	__asm__ __volatile__("lidt %0; ud2" : : "m"(empty));
	GUEST_ASSERT(0);
}
