/*
 * spinner: read the data slot in a tight loop, counting the reads that
 * returned the starting value in a progress word the VMM watches (one per
 * vCPU: word i for vCPU i).  While it runs on another CPU the VMM deletes
 * the slot: once the delete has returned, the next read must be an MMIO
 * exit (tests/kernel/test_smp_flush.c, test_smp_multi.c).
 */
#include "guest.h"

#define DATA_GPA 0x1000000ULL
#define PROGRESS_GPA 0x300000ULL
#define START_VALUE 0x1234

void guest_main(void)
{
	volatile uint64_t *p = (volatile uint64_t *)DATA_GPA;
	volatile uint64_t *progress = (volatile uint64_t *)PROGRESS_GPA + guest_vcpu_id();
	uint64_t v, reads = 0;

	while ((v = *p) == START_VALUE)
		*progress = ++reads;
	GUEST_SYNC2(1, v);
}
