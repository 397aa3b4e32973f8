/*
 * A memmap is a small sorted set of disjoint physical ranges [start, end).
 * Boot code builds the usable one from the multiboot2 memory map, removes
 * what must never be handed out (firmware areas, the kernel image, boot
 * modules) and gives the result to the frame allocator.
 */
#pragma once

#include "types.h"

#define MEMMAP_MAX 64

struct mem_range {
	hpa_t start;
	hpa_t end;	/* exclusive */
};

struct memmap {
	unsigned int nr;
	struct mem_range r[MEMMAP_MAX];	/* sorted by start, disjoint, non-adjacent */
};

/* Add [start, end), merging with overlapping or adjacent ranges.  -ENOSPC when full, -EINVAL if start > end. */
int memmap_add(struct memmap *map, hpa_t start, hpa_t end);

/* Remove [start, end) from every range (may split one).  -ENOSPC when a split does not fit. */
int memmap_remove(struct memmap *map, hpa_t start, hpa_t end);

/* Shrink every range inward to multiples of align (a power of two), dropping empty ones. */
void memmap_align(struct memmap *map, u64 align);

/* Total bytes covered. */
u64 memmap_total(const struct memmap *map);
