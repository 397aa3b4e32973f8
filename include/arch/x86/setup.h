/* Boot-time services of arch/x86 used by the boot sequence and tests. */
#pragma once

#include "boot/multiboot2.h"
#include "mm/memmap.h"

/*
 * Bring the platform up (console, CPU tables, boot information, memory,
 * ACPI, TSC, the other CPUs) and return the parsed boot information.
 */
const struct boot_info *arch_setup(u32 magic, u32 mbi_pa);

/* The parsed multiboot2 information of this boot. */
extern struct boot_info boot_info;
extern hpa_t boot_mbi_phys;

/* Make the power-off path use ACPI alone (slotvisor.poweroff=acpi). */
void poweroff_set_acpi_only(bool on);

/*
 * Build the final page tables: the direct map of [0, max(top, 4 GiB)) with
 * 1 GiB pages where the CPU has them (else 2 MiB), and the kernel image at
 * KERNEL_VMA; then switch CR3 and drop the boot identity map.  Page-table
 * frames come out of usable.
 */
void paging_init(struct memmap *usable, hpa_t top);

/* The memory types of device mappings (paging.c says which PAT entries). */
enum mmio_type {
	MMIO_UC,	/* registers: every access reaches the device */
	MMIO_UC_MINUS,	/* a framebuffer: uncached, or write-combining where the MTRRs say */
};

/*
 * Map len bytes of device memory at physical pa in the MMIO window
 * (layout.h) with type, once the frame allocator is up; NULL if that failed.
 */
void *paging_map_mmio(hpa_t pa, u64 len, enum mmio_type type);

/* The size of the direct map's leaves (GiB(1) or MiB(2)). */
u64 paging_direct_map_page_size(void);

/* Measure the TSC frequency (ACPI PM timer, else the PIT), print it; 0 if that failed. */
u64 tsc_calibrate(void);
extern u64 tsc_khz;
