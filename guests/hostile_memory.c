/*
 * hostile_memory: a guest that touches everything it can reach (the
 * hostile suite, issue 17; tests/kernel/test_hostile.c).
 *  1. every 4 KiB page of its RAM above its own image is written and read
 *     back (each a first touch: an EPT fault for the hypervisor to serve);
 *     SYNC 1 reports the pages;
 *  2. every page of the HOLE_PAGES after the end of RAM, where no memslot
 *     is, is read (each an MMIO exit the VMM answers as an empty bus) and
 *     written (dropped); SYNC 2 reports how many reads gave all ones.
 * The RAM size is HOSTILE_MEMORY_MIB, which tests/kernel/test_hostile.c
 * gives the VM.
 */
#include "guest.h"

#define PAGE 4096UL
#define HOSTILE_MEMORY_MIB 8
#define RAM_END (HOSTILE_MEMORY_MIB * 1024UL * 1024UL)
#define HOLE_PAGES 256

extern char _end[];

void guest_main(void)
{
	uint64_t pages = 0, ones = 0;
	uintptr_t first = ((uintptr_t)_end + PAGE - 1) & ~(PAGE - 1);	/* stack and tables lie below 1 MiB */

	for (uintptr_t p = first; p < RAM_END; p += PAGE) {
		*(volatile uint64_t *)p = p;
		GUEST_ASSERT(*(volatile uint64_t *)p == p);
		pages++;
	}
	GUEST_SYNC2(1, pages);
	for (uintptr_t p = RAM_END; p < RAM_END + HOLE_PAGES * PAGE; p += PAGE) {
		if (*(volatile uint64_t *)p == ~0ULL)
			ones++;
		*(volatile uint64_t *)p = p;
	}
	GUEST_SYNC2(2, ones);
}
