/*
 * What the cpuid_flags guest (guests/cpuid_flags.c) and its VMM
 * (tests/kernel/test_guest_cpuid_flags.c) share: where the guest leaves
 * what it saw, and the bits and vectors both compare.  Plain C types only:
 * the guest includes this too.
 */
#pragma once

#include <stdint.h>

#define CPUID_FLAGS_RESULT_GPA 0x300000ULL	/* in slot 0, the guest's RAM */

#define CPUID_FLAGS_1_ECX_PCID (1u << 17)	/* SDM Vol. 2A, CPUID leaf 01H ECX */
#define CPUID_FLAGS_1_ECX_X2APIC (1u << 21)
#define CPUID_FLAGS_7_EBX_INVPCID (1u << 10)	/* CPUID leaf 07H subleaf 0 EBX */
#define CPUID_FLAGS_CR4_PCIDE (1ULL << 17)	/* SDM Vol. 3A 2.5 */
#define CPUID_FLAGS_NO_FAULT (-1)		/* GUEST_SAFE()'s "it ran" */
#define CPUID_FLAGS_UD 6
#define CPUID_FLAGS_GP 13

/* One field per observation, in the order the guest makes them. */
struct cpuid_flags_result {
	uint64_t cpuid1_ecx;		/* CPUID.1:ECX */
	uint64_t cpuid7_ebx;		/* CPUID.(7,0):EBX */
	int64_t extd_vector;		/* WRMSR IA32_APIC_BASE with EXTD set */
	int64_t x2apic_msr_vector;	/* RDMSR of the x2APIC ID register, 0x802, after it */
	int64_t pcide_vector;		/* MOV to CR4 setting PCIDE */
	uint64_t cr4;			/* CR4 after it */
	int64_t invpcid_vector;		/* INVPCID type 2 (all contexts, globals too) */
	uint64_t done;			/* 1 when the guest got to the end */
};
_Static_assert(sizeof(struct cpuid_flags_result) == 64, "guest and VMM agree on its layout");
