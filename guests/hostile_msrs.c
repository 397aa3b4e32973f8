/*
 * hostile_msrs: RDMSR and WRMSR over the architectural MSR ranges and the
 * hypervisor ranges (the hostile suite, issue 17; tests/kernel/
 * test_hostile.c).  Each MSR is read; one that reads is written back with
 * the value it gave (what a careless kernel does), one that faults is
 * written with zero and with all ones.  The only fault allowed is #GP
 * (SDM Vol. 2B RDMSR/WRMSR); anything else, or a VM that does not come
 * back, is the hypervisor's failure.  SYNC 1 reports how many MSRs could
 * be read, SYNC 2 how many accesses raised #GP.
 */
#include "guest.h"

#define GP_VECTOR 13

struct msr_range {
	uint32_t first, count;
};

static const struct msr_range ranges[] = {
	{ 0x00000000, 0x2000 },	/* the architectural and model-specific low range */
	{ 0x40000000, 0x100 },	/* the hypervisor range (Hyper-V, KVM's CPUID-announced MSRs) */
	{ 0x4b564d00, 0x100 },	/* KVM's paravirtual MSRs ("KVM" + n) */
	{ 0xc0000000, 0x2000 },	/* the high range: EFER, STAR, FS/GS base, ... */
	{ 0xc0010000, 0x2000 },	/* AMD's range, which an Intel CPU must refuse */
};

static void check(int vec, uint64_t *gps)
{
	GUEST_ASSERT(vec == -1 || vec == GP_VECTOR);
	if (vec == GP_VECTOR)
		(*gps)++;
}

void guest_main(void)
{
	uint64_t readable = 0, gps = 0, val;

	guest_idt_install();
	for (unsigned int r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
		for (uint32_t i = 0; i < ranges[r].count; i++) {
			uint32_t msr = ranges[r].first + i;
			int vec = rdmsr_safe(msr, &val);

			check(vec, &gps);
			if (vec == -1) {
				readable++;
				check(wrmsr_safe(msr, val), &gps);
			} else {
				check(wrmsr_safe(msr, 0), &gps);
				check(wrmsr_safe(msr, ~0ULL), &gps);
			}
		}
	}
	GUEST_SYNC2(1, readable);
	GUEST_SYNC2(2, gps);
}
