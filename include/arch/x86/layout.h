/*
 * The hypervisor's virtual memory layout (x86-64, 4-level paging):
 *   0xffff888000000000  direct map of all physical memory (PML4 slot 273)
 *   0xffffc90000000000  the MMIO window: device memory, uncached (PML4 slot 402)
 *   0xffffffff80000000  the kernel image, linked here, loaded at KERNEL_PHYS
 * The low half (where guest-physical addresses look like pointers) is left
 * unmapped once boot is done, so that a stray pointer to a small address
 * faults instead of silently reading memory.
 */
#pragma once

#define KERNEL_VMA 0xffffffff80000000
#define KERNEL_PHYS 0x200000
#define DIRECT_MAP_BASE 0xffff888000000000
#define MMIO_MAP_BASE 0xffffc90000000000
#define MMIO_MAP_SIZE 0x40000000	/* 1 GiB, within one PML4 slot */
#define KERNEL_STACK_SIZE 0x4000
#define IST_STACK_SIZE 0x2000
