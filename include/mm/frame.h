/*
 * The physical frame allocator: naturally aligned, physically contiguous
 * blocks of 2^order 4 KiB frames (a buddy allocator).  Blocks are returned
 * as direct-map pointers; virt_to_phys() gives their physical address.
 */
#pragma once

#include "types.h"
#include "mm/memmap.h"

#define FRAME_SHIFT 12
#define FRAME_SIZE (1UL << FRAME_SHIFT)
#define ORDER_4K 0
#define ORDER_2M 9
#define ORDER_1G 18
#define FRAME_MAX_ORDER ORDER_1G

struct frame_stats {
	u64 total_frames;	/* 4 KiB frames under the allocator's management */
	u64 free_frames;
	u64 used_frames;	/* handed out and not yet freed */
	u64 free_blocks[FRAME_MAX_ORDER + 1];	/* free blocks of each order */
};

/*
 * Take over the frames of usable (page-aligned ranges).  The allocator's own
 * metadata is carved from those ranges.  -ENOMEM if none is large enough for
 * it, -EINVAL for an empty or unaligned map.
 */
int frame_init(const struct memmap *usable);

/* A block of 2^order frames aligned to its size, or NULL when none is free. */
void *frame_alloc(unsigned int order);

/* A zeroed block, or NULL. */
void *frame_zalloc(unsigned int order);

/*
 * Return a block.  Freeing a block twice, or a pointer that frame_alloc()
 * never returned (a tail frame, a reserved frame, memory outside the
 * allocator), panics naming frame_free and the address.
 */
void frame_free(void *block);

/* The order of an allocated block (panics as frame_free does if it is not one). */
unsigned int frame_order(const void *block);

void frame_get_stats(struct frame_stats *st);

/* Print the free/used counts on the console, one line. */
void frame_print_stats(void);
