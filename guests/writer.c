/*
 * writer: memslot_modification_stress_test's vCPU.  Round after round it
 * writes the round number into every page of its region and checks that
 * every page holds it, while the VMM adds and deletes another slot over
 * and over.  The progress word counts finished rounds; a wrong value is a
 * failed assertion (a ucall the VMM sees as an I/O exit).  vCPU i uses
 * region i (REGION_STRIDE apart) and progress word i.
 */
#include "guest.h"

#define REGION_GPA 0x1000000ULL
#define REGION_STRIDE 0x200000ULL
#define REGION_PAGES 256
#define PAGE 4096
#define PROGRESS_GPA 0x300000ULL

void guest_main(void)
{
	unsigned int id = guest_vcpu_id();
	uint64_t region = REGION_GPA + id * REGION_STRIDE;
	volatile uint64_t *progress = (volatile uint64_t *)PROGRESS_GPA + id;

	for (uint64_t round = 1;; round++) {
		for (int i = 0; i < REGION_PAGES; i++)
			*(volatile uint64_t *)(region + i * PAGE) = round;
		for (int i = 0; i < REGION_PAGES; i++)
			GUEST_ASSERT(*(volatile uint64_t *)(region + i * PAGE) == round);
		*progress = round;
	}
}
