/*
 * Fake physical memory for host unit tests: an mmap'd arena stands in for
 * RAM at physical addresses [FAKE_PHYS_BASE, FAKE_PHYS_BASE + size).  The
 * base is 1 GiB aligned so that every block size can be tested.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "arch/memory.h"
#include "fake.h"

static char *arena;
static u64 arena_size;

void *fake_mem_init(u64 size)
{
	fake_mem_exit();
	arena = mmap(NULL, size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (arena == MAP_FAILED) {
		perror("fake_mem_init: mmap");
		abort();
	}
	arena_size = size;
	return arena;
}

void fake_mem_exit(void)
{
	if (arena)
		munmap(arena, arena_size);
	arena = NULL;
	arena_size = 0;
}

void *phys_to_virt(hpa_t pa)
{
	if (pa < FAKE_PHYS_BASE || pa - FAKE_PHYS_BASE >= arena_size) {
		fprintf(stderr, "phys_to_virt: 0x%llx outside the fake arena\n",
			(unsigned long long)pa);
		abort();
	}
	return arena + (pa - FAKE_PHYS_BASE);
}

hpa_t virt_to_phys(const void *va)
{
	const char *p = va;

	if (p < arena || (u64)(p - arena) >= arena_size) {
		fprintf(stderr, "virt_to_phys: %p outside the fake arena\n", va);
		abort();
	}
	return FAKE_PHYS_BASE + (u64)(p - arena);
}
