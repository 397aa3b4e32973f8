/*
 * The arch contract for reaching physical memory.  The kernel maps all of
 * it at DIRECT_MAP_BASE (arch/x86/directmap.c); host unit tests back it with
 * a malloc'd arena (arch/fake/memory.c).  Generic code (mm/, later ept/ and
 * memslot/) touches physical memory only through these two functions.
 */
#pragma once

#include "types.h"

/* The hypervisor virtual address through which physical address pa is reached. */
void *phys_to_virt(hpa_t pa);

/* The physical address behind a direct-map (or kernel image) pointer. */
hpa_t virt_to_phys(const void *va);
