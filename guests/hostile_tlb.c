/*
 * hostile_tlb: a PTE changed without INVLPG, so that the CPU's cached
 * translation and a fresh page walk disagree (the hostile suite, issue 17;
 * tests/kernel/test_hostile_tlb.c).  The guest maps two pages of its own at
 * TLB_LINEAR (PML4 entry 1: a PDPT, PD and PT in its RAM) and:
 *  1. data, MMIO to RAM: D mapped to MMIO_A and read (an MMIO exit), then
 *     D's PTE pointed at a RAM page holding RAM_VALUE, no INVLPG, D read:
 *     SYNC 1 the value seen;
 *  2. data, RAM to MMIO: D mapped to that RAM page (INVLPG) and read (now
 *     in the TLB), then D's PTE pointed at MMIO_B, no INVLPG, D read:
 *     SYNC 2 the value seen;
 *  3. code: C mapped to a page holding "MOV EAX, [RSI]; RET" and called
 *     (a 4-byte read of MMIO_OLD: an MMIO exit, and C in the TLB), then
 *     C's PTE pointed at a page holding "MOV [RDI], RBX; RET" at the same
 *     offset, no INVLPG, C called again: SYNC 3 the value of EAX.  The CPU
 *     may run either page's bytes (SDM Vol. 3A 4.10.4.3: the old
 *     translation may be used until invalidated); the hypervisor fetches
 *     the new ones.  Emulating the new bytes for the old access (the bug
 *     of issue 17) would write MMIO_NEW and advance RIP by 3 on the old
 *     page, onto a UD2 there: the guest's #UD, an assertion that fails the
 *     test.  Right: the VM re-entered and the CPU faulting again with
 *     what it runs (ended after two mismatches), or the new instruction
 *     emulated as the CPU ran it.
 */
#include "guest.h"
#include "hostile_abi.h"

#define PTE_P 1ULL
#define PTE_W 2ULL
#define PAGE 4096

static uint64_t pdpt[512] __attribute__((aligned(PAGE)));
static uint64_t pd[512] __attribute__((aligned(PAGE)));
static uint64_t pt[512] __attribute__((aligned(PAGE)));
static volatile uint64_t ram_page[512] __attribute__((aligned(PAGE)));

/* The old code: a 4-byte load, RET; at +3, where the new code's length would land, UD2. */
static const uint8_t old_code[PAGE] __attribute__((aligned(PAGE))) = {
	0x8b, 0x06,		/* mov (%rsi), %eax */
	0xc3,			/* ret */
	0x0f, 0x0b,		/* ud2 */
};

/* The new code: an 8-byte store, RET. */
static const uint8_t new_code[PAGE] __attribute__((aligned(PAGE))) = {
	0x48, 0x89, 0x1f,	/* mov %rbx, (%rdi) */
	0xc3,			/* ret */
};

static void set_pte(uint64_t linear, uint64_t gpa, bool invlpg)
{
	pt[(linear >> 12) & 511] = gpa | PTE_P | PTE_W;
	if (invlpg)
		__asm__ __volatile__("invlpg (%0)" : : "r"(linear) : "memory");
}

/* PML4 entry 1 -> pdpt -> pd -> pt, then CR3 reloaded (a full flush). */
static void map_region(void)
{
	uint64_t cr3, *pml4;

	__asm__ __volatile__("mov %%cr3, %0" : "=r"(cr3));
	pml4 = (uint64_t *)(cr3 & ~0xfffULL);
	pd[(TLB_LINEAR >> 21) & 511] = (uint64_t)pt | PTE_P | PTE_W;
	pdpt[(TLB_LINEAR >> 30) & 511] = (uint64_t)pd | PTE_P | PTE_W;
	pml4[(TLB_LINEAR >> 39) & 511] = (uint64_t)pdpt | PTE_P | PTE_W;
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(cr3) : "memory");
}

static uint64_t read64(uint64_t linear)
{
	return *(volatile uint64_t *)linear;
}

static uint32_t call_code(uint64_t rsi, uint64_t rdi, uint64_t rbx)
{
	uint64_t rax = 0;

	__asm__ __volatile__("call *%1"
			     : "+a"(rax) : "r"(TLB_CODE), "S"(rsi), "D"(rdi), "b"(rbx)
			     : "rcx", "rdx", "r8", "r9", "r10", "r11", "memory", "cc");
	return (uint32_t)rax;
}

void guest_main(void)
{
	guest_idt_install();
	map_region();
	ram_page[0] = TLB_RAM_VALUE;

	set_pte(TLB_DATA, TLB_MMIO_A, true);
	GUEST_ASSERT(read64(TLB_DATA) == TLB_MMIO_VALUE(TLB_MMIO_A));
	set_pte(TLB_DATA, (uint64_t)ram_page, false);
	GUEST_SYNC2(1, read64(TLB_DATA));

	set_pte(TLB_DATA, (uint64_t)ram_page, true);
	GUEST_ASSERT(read64(TLB_DATA) == TLB_RAM_VALUE);
	set_pte(TLB_DATA, TLB_MMIO_B, false);
	GUEST_SYNC2(2, read64(TLB_DATA));

	set_pte(TLB_CODE, (uint64_t)old_code, true);
	GUEST_ASSERT(call_code(TLB_MMIO_OLD, TLB_MMIO_NEW, TLB_MARKER) ==
		     (uint32_t)TLB_MMIO_VALUE(TLB_MMIO_OLD));
	set_pte(TLB_CODE, (uint64_t)new_code, false);
	GUEST_SYNC2(3, call_code(TLB_MMIO_OLD, TLB_MMIO_NEW, TLB_MARKER));
}
