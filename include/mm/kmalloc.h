/*
 * kmalloc: small allocations for hypervisor metadata, on top of the frame
 * allocator.  Blocks are 16-byte aligned.  Returns NULL when out of memory.
 */
#pragma once

#include <stddef.h>

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *kcalloc(size_t n, size_t size);	/* NULL on overflow too */

/* Free a kmalloc'd block; NULL is a no-op.  A double free or foreign pointer panics. */
void kfree(void *p);
