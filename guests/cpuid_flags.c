/*
 * cpuid_flags: what the guest's CPUID says of x2APIC, PCID and INVPCID,
 * and whether using each faults, for its VMM to compare with the CPUID
 * flags it gave the VM (tests/kernel/test_guest_cpuid_flags.c,
 * vmx/vcpu_cpuid.c).  The guest asserts nothing itself: it records every
 * observation at CPUID_FLAGS_RESULT_GPA and ends, so that one run shows
 * every mismatch at once (a negative control breaks several).
 */
#include "guest.h"
#include "cpuid_flags_abi.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_EXTD (1ULL << 10)	/* x2APIC mode (SDM Vol. 3A 11.12.1) */
#define MSR_X2APIC_ID 0x802
#define INVPCID_ALL_INCL_GLOBAL 2	/* INVPCID type 2 (SDM Vol. 2B INVPCID) */

struct invpcid_desc {
	uint64_t pcid;
	uint64_t addr;
};
_Static_assert(sizeof(struct invpcid_desc) == 16, "SDM Vol. 2B: a 128-bit descriptor");

static int invpcid_safe(uint64_t type, const struct invpcid_desc *desc)
{
	return GUEST_SAFE("invpcid %0, %1", : : "m"(*desc), "r"(type) : "r11", "memory");
}

void guest_main(void)
{
	volatile struct cpuid_flags_result *r = (void *)CPUID_FLAGS_RESULT_GPA;
	struct invpcid_desc desc = { 0, 0 };
	uint32_t a, b, c, d;
	uint64_t base, id;

	guest_idt_install();
	guest_cpuid(1, &a, &b, &c, &d);
	r->cpuid1_ecx = c;
	guest_cpuid(7, &a, &b, &c, &d);
	r->cpuid7_ebx = b;
	GUEST_ASSERT(rdmsr_safe(MSR_APIC_BASE, &base) == CPUID_FLAGS_NO_FAULT);
	r->extd_vector = wrmsr_safe(MSR_APIC_BASE, base | APIC_BASE_EXTD);
	r->x2apic_msr_vector = rdmsr_safe(MSR_X2APIC_ID, &id);
	r->pcide_vector = guest_write_cr4_safe(guest_read_cr4() | CPUID_FLAGS_CR4_PCIDE);
	r->cr4 = guest_read_cr4();
	r->invpcid_vector = invpcid_safe(INVPCID_ALL_INCL_GLOBAL, &desc);
	r->done = 1;
	GUEST_DONE();
}
