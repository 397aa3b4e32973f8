/*
 * hostile_init: an INIT IPI to itself (the hostile suite, issue 17;
 * tests/kernel/test_hostile.c).  The vCPU is the VM's BSP, which an INIT
 * resets to fetch at the reset vector, 0xfffffff0 (SDM Vol. 3A 9.1.4): no
 * firmware is there in this VM, and the VMM must end it naming that.
 * SYNC 1 first.
 */
#include "guest.h"

#define APIC_BASE 0xfee00000UL
#define APIC_SVR 0xf0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_SVR_ENABLE 0x100
#define ICR_DM_INIT (5u << 8)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_SELF (1u << 18)

static volatile uint32_t *apic_reg(unsigned int off)
{
	return (volatile uint32_t *)(APIC_BASE + off);
}

void guest_main(void)
{
	GUEST_SYNC(1);
	*apic_reg(APIC_SVR) = APIC_SVR_ENABLE | 0xff;
	*apic_reg(APIC_ICR_HI) = 0;
	*apic_reg(APIC_ICR_LO) = ICR_SELF | ICR_DM_INIT | ICR_LEVEL_ASSERT;
	for (;;)
		__asm__ __volatile__("pause");
}
