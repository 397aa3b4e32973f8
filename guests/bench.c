/*
 * bench: figures measured from inside a guest with RDTSC (in Bochs the TSC
 * counts retired instructions, so these are path lengths).
 *   SYNC 5: the CPUID loop below while the VMM profiles its handler path
 *   SYNC 1: mean ticks of a CPUID (a full exit round trip), not profiled
 *   SYNC 2: mean ticks of the first touch of a 4 KiB page (EPT fault-in)
 *   SYNC 3: mean ticks of the first touch of a 2 MiB chunk (fault-in of a 2M leaf)
 *   SYNC 4: mean ticks of a second touch (no exit), the baseline
 *   SYNC 6: mean ticks of a WRMSR of KERNEL_GS_BASE (passed through: no exit)
 *   SYNC 7: mean ticks of a WRMSR of IA32_PAT (intercepted: an exit round trip)
 *   SYNC 8: mean ticks of nothing between the two RDTSCs (what the loops' figures include)
 * The slots are set up by tests/kernel/bench.c.
 */
#include "guest.h"

#define ROUNDS 1000
#define SLOT_4K_GPA 0x10000000ULL	/* 4 KiB-only slot: 64 pages */
#define SLOT_2M_GPA 0x40000000ULL	/* 2 MiB-capable slot: 16 chunks */
#define PAGES_4K 64
#define CHUNKS_2M 16
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_IA32_PAT 0x277
#define KGS_BASE_VALUE 0x00007f0000000000ULL	/* canonical; each round adds its index */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
			     : "memory");
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

/* Mean ticks of a WRMSR of msr: base + the round's index (step 0: the same value every round). */
static uint64_t wrmsr_mean(uint32_t msr, uint64_t base, uint64_t step)
{
	uint64_t total = 0;

	for (int i = 0; i < ROUNDS; i++) {
		uint64_t t0 = rdtsc();

		wrmsr(msr, base + i * step);
		total += rdtsc() - t0;
	}
	return total / ROUNDS;
}

static uint64_t empty_mean(void)
{
	uint64_t total = 0;

	for (int i = 0; i < ROUNDS; i++) {
		uint64_t t0 = rdtsc();

		total += rdtsc() - t0;
	}
	return total / ROUNDS;
}

static uint64_t touch_each(uint64_t base, uint64_t stride, unsigned int n)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t t0 = rdtsc();

		*(volatile uint32_t *)(base + i * stride) = i;
		total += rdtsc() - t0;
	}
	return total / n;
}

void guest_main(void)
{
	uint64_t total = 0;
	uint32_t a, b, c, d;

	/* The same loop twice: first while the VMM counts its handler path, then without. */
	for (int pass = 0; pass < 2; pass++) {
		total = 0;
		for (int i = 0; i < ROUNDS; i++) {
			uint64_t t0 = rdtsc();

			guest_cpuid(0, &a, &b, &c, &d);
			total += rdtsc() - t0;
		}
		GUEST_SYNC2(pass ? 1 : 5, total / ROUNDS);
	}
	GUEST_SYNC2(2, touch_each(SLOT_4K_GPA, 4096, PAGES_4K));
	GUEST_SYNC2(3, touch_each(SLOT_2M_GPA, 2 << 20, CHUNKS_2M));
	GUEST_SYNC2(4, touch_each(SLOT_4K_GPA, 4096, PAGES_4K));
	GUEST_SYNC2(6, wrmsr_mean(MSR_KERNEL_GS_BASE, KGS_BASE_VALUE, 8));
	GUEST_SYNC2(7, wrmsr_mean(MSR_IA32_PAT, rdmsr(MSR_IA32_PAT), 0));
	GUEST_SYNC2(8, empty_mean());
}
