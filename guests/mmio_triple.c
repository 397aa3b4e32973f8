/*
 * mmio_triple: a guest that loops on MMIO, then triple-faults.  It reads a
 * gpa no slot covers MMIO_READS times (each an MMIO exit the VMM answers),
 * then raises #UD with an empty IDT, which shuts the CPU down (SDM Vol. 3A
 * 6.15).  Run on CPU 1 while the BSP changes slots (smp.hostile-under-churn.*).
 */
#include "guest.h"

#define MMIO_GPA 0x40000000ULL	/* above the guest's RAM: no slot */
#define MMIO_READS 3000

void guest_main(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty = { 0, 0 };

	for (int i = 0; i < MMIO_READS; i++)
		(void)*(volatile uint64_t *)MMIO_GPA;
	__asm__ __volatile__("lidt %0; ud2" : : "m"(empty));
	GUEST_ASSERT(0);
}
