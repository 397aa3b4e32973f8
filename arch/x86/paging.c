/*
 * The hypervisor's own page tables (4-level, SDM Vol. 3A 4.5).  Built once
 * at boot from the memory map: a direct map of all physical memory at
 * DIRECT_MAP_BASE with the largest pages the CPU has, and the image at
 * KERNEL_VMA.  The boot identity map is dropped, so the low half faults.
 * Table frames are taken below 4 GiB (reachable through the boot tables'
 * direct map) straight out of the usable memory map, before the frame
 * allocator takes the rest.
 */
#include "arch/memory.h"
#include "arch/x86/cpu.h"
#include "arch/x86/layout.h"
#include "arch/x86/msr.h"
#include "arch/x86/setup.h"
#include "lib/panic.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/frame.h"

#define PTE_P BIT(0)
#define PTE_W BIT(1)
#define PTE_PWT BIT(3)
#define PTE_PCD BIT(4)	/* PAT index bit 1 (bit 0 is PWT): entries 2 and 3 are UC- and UC */
#define PTE_PS BIT(7)
#define PTE_G BIT(8)
#define PTE_NX BIT(63)
#define PT_ENTRIES 512
#define PML4_INDEX(va) (((va) >> 39) & 511)
#define PDPT_INDEX(va) (((va) >> 30) & 511)
#define PD_INDEX(va) (((va) >> 21) & 511)
#define PT_INDEX(va) (((va) >> 12) & 511)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL
#define DIRECT_MAP_MAX GiB(512)	/* one PML4 slot */
#define BOOT_MAP_LIMIT GiB(4)
#define CPUID_ADDR_SIZES 0x80000008	/* EAX[7:0]: MAXPHYADDR (SDM Vol. 3A 4.1.4) */
#define MAXPHYADDR_DEFAULT 36		/* without that leaf */

static u64 direct_map_page_size;
static u64 nx_bit;		/* PTE_NX where the CPU has NX */
static u64 mmio_next = MMIO_MAP_BASE;	/* the next free page of the MMIO window */

static u64 *pt_alloc(struct memmap *usable)
{
	for (unsigned int i = 0; i < usable->nr; i++) {
		hpa_t pa = usable->r[i].start;

		if (pa + FRAME_SIZE > BOOT_MAP_LIMIT || usable->r[i].end - pa < FRAME_SIZE)
			continue;
		if (memmap_remove(usable, pa, pa + FRAME_SIZE) < 0)
			break;
		return memset(phys_to_virt(pa), 0, FRAME_SIZE);
	}
	panic("paging_init: no free page below 4 GiB for page tables");
}

static void map_direct(u64 *pml4, struct memmap *usable, hpa_t top, u64 nx)
{
	u64 *pdpt = pt_alloc(usable);
	bool gb = cpuid(0x80000001).edx & CPUID_80000001_EDX_PDPE1GB;

	direct_map_page_size = gb ? GiB(1) : MiB(2);
	pml4[PML4_INDEX(DIRECT_MAP_BASE)] = virt_to_phys(pdpt) | PTE_P | PTE_W | nx;
	for (hpa_t pa = 0; pa < top; pa += GiB(1)) {
		u64 *pd;

		if (gb) {
			pdpt[PDPT_INDEX(pa)] = pa | PTE_P | PTE_W | PTE_PS | PTE_G | nx;
			continue;
		}
		pd = pt_alloc(usable);
		pdpt[PDPT_INDEX(pa)] = virt_to_phys(pd) | PTE_P | PTE_W | nx;
		for (int i = 0; i < PT_ENTRIES; i++)
			pd[i] = (pa + i * MiB(2)) | PTE_P | PTE_W | PTE_PS | PTE_G | nx;
	}
}

/* The image lives in the first GiB; map that GiB at KERNEL_VMA with 2 MiB pages. */
static void map_kernel(u64 *pml4, struct memmap *usable)
{
	u64 *pdpt = pt_alloc(usable), *pd = pt_alloc(usable);

	pml4[PML4_INDEX(KERNEL_VMA)] = virt_to_phys(pdpt) | PTE_P | PTE_W;
	pdpt[PDPT_INDEX(KERNEL_VMA)] = virt_to_phys(pd) | PTE_P | PTE_W;
	for (int i = 0; i < PT_ENTRIES; i++)
		pd[i] = (i * MiB(2)) | PTE_P | PTE_W | PTE_PS | PTE_G;
}

void paging_init(struct memmap *usable, hpa_t top)
{
	u64 nx = 0, *pml4;

	if (cpuid(0x80000001).edx & CPUID_80000001_EDX_NX) {
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
		nx = PTE_NX;
	}
	nx_bit = nx;
	top = ALIGN_UP(MAX(top, BOOT_MAP_LIMIT), GiB(1));
	if (top > DIRECT_MAP_MAX) {
		kprintf("paging: memory above %llu GiB is not mapped\n",
			(unsigned long long)(DIRECT_MAP_MAX >> 30));
		top = DIRECT_MAP_MAX;
	}
	pml4 = pt_alloc(usable);
	map_direct(pml4, usable, top, nx);
	map_kernel(pml4, usable);
	write_cr4(read_cr4() | X86_CR4_PGE);
	write_cr3(virt_to_phys(pml4));
	kprintf("paging: direct map of %llu GiB at %llx with %s pages\n",
		(unsigned long long)(top >> 30), (unsigned long long)DIRECT_MAP_BASE,
		direct_map_page_size == GiB(1) ? "1 GiB" : "2 MiB");
}

u64 paging_direct_map_page_size(void)
{
	return direct_map_page_size;
}

/* The table that entry i of a paging structure points to, made if absent; NULL without memory. */
static u64 *pt_next(u64 *table, unsigned int i)
{
	u64 *next;

	if (table[i] & PTE_P)
		return phys_to_virt(table[i] & PTE_ADDR_MASK);
	next = frame_alloc(0);
	if (!next)
		return NULL;
	memset(next, 0, FRAME_SIZE);
	table[i] = virt_to_phys(next) | PTE_P | PTE_W;
	return next;
}

/*
 * Map [pa, pa + len) in the MMIO window with 4 KiB pages taken from the
 * frame allocator; return the address of pa there, or NULL (no memory, the
 * window is full, or pa + len is past the CPU's physical address width,
 * which a PTE cannot hold).  The direct map is write-back in the page
 * tables and covers only [0, top), so it is no place for device memory.
 * The memory type comes from the power-on PAT, which slotvisor never
 * reprograms, so every CPU agrees (SDM Vol. 3A 12.12.2, Table 12-7):
 *   MMIO_UC: PCD|PWT, PAT entry 3, UC whatever the MTRRs say: registers
 *     (an MMIO console UART), where every access must reach the device;
 *   MMIO_UC_MINUS: PCD, PAT entry 2, UC-: the MTRRs decide, so a
 *     framebuffer the firmware made write-combining is WC, and it is never
 *     write-back, so no store waits in a cache line the device never sees.
 * The window's PML4 entry lives in the kernel's PML4, which every CPU
 * loads, so a mapping made before smp_init() is seen by all.
 */
void *paging_map_mmio(hpa_t pa, u64 len, enum mmio_type type)
{
	hpa_t start = ALIGN_DOWN(pa, FRAME_SIZE), end = ALIGN_UP(pa + len, FRAME_SIZE);
	u64 *pml4 = phys_to_virt(read_cr3() & PTE_ADDR_MASK);
	unsigned int maxphyaddr = cpuid(0x80000000).eax >= CPUID_ADDR_SIZES ?
				  cpuid(CPUID_ADDR_SIZES).eax & 0xff : MAXPHYADDR_DEFAULT;
	u64 flags = PTE_P | PTE_W | PTE_PCD | PTE_G | nx_bit | (type == MMIO_UC ? PTE_PWT : 0);
	u64 va = mmio_next;

	if (!len || end <= start || end > BIT(maxphyaddr) ||
	    end - start > MMIO_MAP_BASE + MMIO_MAP_SIZE - mmio_next)
		return NULL;
	for (hpa_t p = start; p < end; p += FRAME_SIZE, va += FRAME_SIZE) {
		u64 *pdpt = pt_next(pml4, PML4_INDEX(va));
		u64 *pd = pdpt ? pt_next(pdpt, PDPT_INDEX(va)) : NULL;
		u64 *pt = pd ? pt_next(pd, PD_INDEX(va)) : NULL;

		if (!pt)
			return NULL;
		pt[PT_INDEX(va)] = p | flags;
	}
	va = mmio_next + (pa - start);
	mmio_next += end - start;
	return (void *)va;
}
