/*
 * phys_to_virt/virt_to_phys for the kernel: physical memory is reached
 * through the direct map; the image itself is also mapped at KERNEL_VMA.
 */
#include "arch/memory.h"
#include "arch/x86/layout.h"
#include "lib/panic.h"

void *phys_to_virt(hpa_t pa)
{
	return (void *)(DIRECT_MAP_BASE + pa);
}

hpa_t virt_to_phys(const void *va)
{
	u64 v = (u64)va;

	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA;
	if (v >= DIRECT_MAP_BASE && v < KERNEL_VMA)
		return v - DIRECT_MAP_BASE;
	panic("virt_to_phys: %p is not a hypervisor address", va);
}
