/*
 * What the msr_pass guest (guests/msr_pass.c) and its VMM
 * (tests/kernel/test_guest_msr_pass.c) share: the MSRs the guest writes,
 * in this order, and the value it writes to each in each round, so that
 * the VMM knows the guest's last values and each VM's differ (the seed,
 * which the VMM puts at MSR_PASS_SEED_GPA).  Plain C types only: the
 * guest includes this too.
 */
#pragma once

#include <stdint.h>

#define MSR_PASS_SEED_GPA 0x300000ULL	/* in slot 0, the guest's RAM */
#define MSR_PASS_ROUNDS 100

#define MSR_PASS_FS_BASE 0xc0000100
#define MSR_PASS_GS_BASE 0xc0000101
#define MSR_PASS_KERNEL_GS_BASE 0xc0000102
#define MSR_PASS_STAR 0xc0000081
#define MSR_PASS_LSTAR 0xc0000082
#define MSR_PASS_CSTAR 0xc0000083
#define MSR_PASS_SFMASK 0xc0000084
#define MSR_PASS_TSC_AUX 0xc0000103
#define MSR_PASS_SYSENTER_CS 0x174
#define MSR_PASS_SYSENTER_ESP 0x175
#define MSR_PASS_SYSENTER_EIP 0x176

enum msr_pass_index {
	MSR_PASS_I_FS_BASE,
	MSR_PASS_I_GS_BASE,
	MSR_PASS_I_KERNEL_GS_BASE,
	MSR_PASS_I_STAR,
	MSR_PASS_I_LSTAR,
	MSR_PASS_I_CSTAR,
	MSR_PASS_I_SFMASK,
	MSR_PASS_I_TSC_AUX,	/* written only where the guest has RDTSCP */
	MSR_PASS_I_SYSENTER_CS,
	MSR_PASS_I_SYSENTER_ESP,
	MSR_PASS_I_SYSENTER_EIP,
	MSR_PASS_NR
};

static const uint32_t msr_pass_index[MSR_PASS_NR] = {
	[MSR_PASS_I_FS_BASE] = MSR_PASS_FS_BASE,
	[MSR_PASS_I_GS_BASE] = MSR_PASS_GS_BASE,
	[MSR_PASS_I_KERNEL_GS_BASE] = MSR_PASS_KERNEL_GS_BASE,
	[MSR_PASS_I_STAR] = MSR_PASS_STAR,
	[MSR_PASS_I_LSTAR] = MSR_PASS_LSTAR,
	[MSR_PASS_I_CSTAR] = MSR_PASS_CSTAR,
	[MSR_PASS_I_SFMASK] = MSR_PASS_SFMASK,
	[MSR_PASS_I_TSC_AUX] = MSR_PASS_TSC_AUX,
	[MSR_PASS_I_SYSENTER_CS] = MSR_PASS_SYSENTER_CS,
	[MSR_PASS_I_SYSENTER_ESP] = MSR_PASS_SYSENTER_ESP,
	[MSR_PASS_I_SYSENTER_EIP] = MSR_PASS_SYSENTER_EIP,
};

/* Addresses in the lower canonical half; SFMASK, TSC_AUX and SYSENTER_CS: 32 bits. */
#define MSR_PASS_ADDR_BASE 0x00007f0000000000ULL

static inline int msr_pass_is_32bit(unsigned int k)
{
	return k == MSR_PASS_I_SFMASK || k == MSR_PASS_I_TSC_AUX || k == MSR_PASS_I_SYSENTER_CS;
}

/* What the guest of seed writes to MSR k in round (seed, k and round all show). */
static inline uint64_t msr_pass_value(unsigned int k, uint64_t seed, unsigned int round)
{
	if (msr_pass_is_32bit(k))
		return (seed << 24) | ((uint64_t)k << 16) | round;
	return MSR_PASS_ADDR_BASE | (seed << 32) | ((uint64_t)k << 24) | round;
}
