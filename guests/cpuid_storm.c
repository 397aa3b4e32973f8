/*
 * cpuid_storm: CPUID in a tight loop, forever: every few guest
 * instructions an exit the fast path handles (vmx/run.c), so a run's time
 * is almost all the hypervisor's.  tests/kernel/test_guest_budget.c runs
 * it against a budget.
 */
#include "guest.h"

void guest_main(void)
{
	uint32_t a, b, c, d;

	for (;;)
		guest_cpuid(0, &a, &b, &c, &d);
}
