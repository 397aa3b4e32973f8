/*
 * msr_pass: the MSRs the bitmap passes through (vmx/msr_bitmap.c,
 * tests/kernel/test_guest_msr_pass.c).  The VMM runs two VMs of this guest
 * on one CPU, turn about, each with its own seed at MSR_PASS_SEED_GPA:
 *  1. MSR_PASS_ROUNDS times, write FS_BASE, GS_BASE, KERNEL_GS_BASE, STAR,
 *     LSTAR, CSTAR, SFMASK, TSC_AUX (with RDTSCP) and SYSENTER_CS/ESP/EIP
 *     with msr_pass_value() and read each back; SYNC 1 with whether the
 *     guest has RDTSCP (the VMM then reads the last values through its
 *     vCPU-state API and checks its own);
 *  2. after the other VM ran: every MSR still this guest's last value,
 *     SWAPGS exchanges GS.base and KERNEL_GS_BASE (and back), RDTSCP
 *     returns TSC_AUX; SYNC 2; DONE.
 */
#include "guest.h"
#include "msr_pass_abi.h"

#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_EXT_EDX_RDTSCP (1u << 27)

static bool has_rdtscp(void)
{
	uint32_t a, b, c, d;

	guest_cpuid(CPUID_EXT_FEATURES, &a, &b, &c, &d);
	return d & CPUID_EXT_EDX_RDTSCP;
}

static uint64_t rdmsr(uint32_t msr)
{
	uint64_t v;

	GUEST_ASSERT(rdmsr_safe(msr, &v) == -1);
	return v;
}

static bool written(unsigned int k, bool rdtscp)
{
	return k != MSR_PASS_I_TSC_AUX || rdtscp;
}

static void write_round(uint64_t seed, unsigned int round, bool rdtscp)
{
	for (unsigned int k = 0; k < MSR_PASS_NR; k++) {
		if (!written(k, rdtscp))
			continue;
		GUEST_ASSERT(wrmsr_safe(msr_pass_index[k], msr_pass_value(k, seed, round)) == -1);
		GUEST_ASSERT(rdmsr(msr_pass_index[k]) == msr_pass_value(k, seed, round));
	}
}

static void swapgs_and_rdtscp(uint64_t seed, bool rdtscp)
{
	uint64_t gs = msr_pass_value(MSR_PASS_I_GS_BASE, seed, MSR_PASS_ROUNDS - 1);
	uint64_t kgs = msr_pass_value(MSR_PASS_I_KERNEL_GS_BASE, seed, MSR_PASS_ROUNDS - 1);
	uint32_t aux;

	__asm__ __volatile__("swapgs" ::: "memory");
	GUEST_ASSERT(rdmsr(MSR_PASS_GS_BASE) == kgs);
	GUEST_ASSERT(rdmsr(MSR_PASS_KERNEL_GS_BASE) == gs);
	__asm__ __volatile__("swapgs" ::: "memory");
	GUEST_ASSERT(rdmsr(MSR_PASS_GS_BASE) == gs);
	GUEST_ASSERT(rdmsr(MSR_PASS_KERNEL_GS_BASE) == kgs);
	if (!rdtscp)
		return;
	__asm__ __volatile__("rdtscp" : "=c"(aux) : : "rax", "rdx");
	GUEST_ASSERT(aux == msr_pass_value(MSR_PASS_I_TSC_AUX, seed, MSR_PASS_ROUNDS - 1));
}

void guest_main(void)
{
	uint64_t seed = *(volatile uint64_t *)MSR_PASS_SEED_GPA;
	bool rdtscp = has_rdtscp();

	guest_idt_install();
	for (unsigned int round = 0; round < MSR_PASS_ROUNDS; round++)
		write_round(seed, round, rdtscp);
	GUEST_SYNC2(1, rdtscp);

	for (unsigned int k = 0; k < MSR_PASS_NR; k++)
		if (written(k, rdtscp))
			GUEST_ASSERT(rdmsr(msr_pass_index[k]) ==
				     msr_pass_value(k, seed, MSR_PASS_ROUNDS - 1));
	swapgs_and_rdtscp(seed, rdtscp);
	GUEST_SYNC(2);
}
