/*
 * hostile_hlt: HLT with interrupts off (the hostile suite, issue 17;
 * tests/kernel/test_hostile.c).  Nothing can wake the vCPU (SDM Vol. 3A
 * 8.10.2: only an interrupt, NMI, SMI, INIT or reset resumes a halted
 * CPU, and no device of this VM is armed): the VMM must end the VM and
 * name why, not wait for ever.  SYNC 1 first, so the test knows it got
 * there.
 */
#include "guest.h"

void guest_main(void)
{
	GUEST_SYNC(1);
	for (;;)
		__asm__ __volatile__("cli; hlt");
}
