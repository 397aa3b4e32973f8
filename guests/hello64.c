/*
 * hello64: the smallest 64-bit guest.  Prints through the emulated COM1,
 * checks what CPUID tells it (no VMX), syncs with the VMM, halts once, and
 * finishes.  Used by the vmx.guest.* scenarios and as the demo's first step.
 */
#include "guest.h"

#define CPUID_1_ECX_VMX (1u << 5)

void guest_main(void)
{
	uint32_t a, b, c, d;

	guest_puts("hello from a 64-bit guest\n");
	guest_cpuid(1, &a, &b, &c, &d);
	GUEST_ASSERT(!(c & CPUID_1_ECX_VMX));
	GUEST_SYNC2(1, c);
	__asm__ __volatile__("hlt");
	GUEST_SYNC(2);
}
