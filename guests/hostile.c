/*
 * hostile: instructions a guest must not be able to use against the
 * hypervisor.  VMX instructions raise #UD (the guest's CPU has no VMX), an
 * unknown MSR, an attempt to disable the local APIC and clearing EFER.LME
 * in long mode (SDM Vol. 3A 10.8.5: LME may not change while paging is
 * on) raise #GP.  Each
 * vector is reported with GUEST_SYNC2(stage, vector).  VMCALL is KVM's
 * hypercall: an unknown number returns -KVM_ENOSYS (-1000) and faults
 * nothing, KVM_HC_VAPIC_POLL_IRQ (1) returns 0.
 */
#include "guest.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1ULL << 11)
#define MSR_NONEXISTENT 0x12345678
#define MSR_EFER 0xc0000080
#define MSR_FS_BASE 0xc0000100
#define MSR_PAT 0x277
#define EFER_LME (1ULL << 8)

void guest_main(void)
{
	uint64_t desc[2] = { 0, 0 }, apic = 0, zero = 0, ret = 0x7fff0000, efer = 0;

	guest_idt_install();
	GUEST_SYNC2(1, GUEST_SAFE("vmcall", : "+a"(ret) : : "r11", "memory"));
	GUEST_ASSERT(ret == (uint64_t)-1000);
	ret = 1;
	__asm__ __volatile__("vmcall" : "+a"(ret) : : "memory");
	GUEST_ASSERT(ret == 0);
	GUEST_SYNC2(2, GUEST_SAFE("vmxon %0", : : "m"(zero) : "r11", "memory"));
	GUEST_SYNC2(3, GUEST_SAFE("invept %0, %1", : : "m"(desc), "r"(1ULL) : "r11", "memory"));
	GUEST_SYNC2(4, rdmsr_safe(MSR_NONEXISTENT, &apic));
	GUEST_ASSERT(rdmsr_safe(MSR_APIC_BASE, &apic) == -1);
	GUEST_SYNC2(5, wrmsr_safe(MSR_APIC_BASE, apic & ~APIC_BASE_ENABLE));
	GUEST_SYNC2(6, wrmsr_safe(MSR_APIC_BASE, apic));
	GUEST_SYNC2(7, wrmsr_safe(MSR_EFER, 1ULL << 3));		/* a reserved EFER bit */
	GUEST_SYNC2(8, wrmsr_safe(MSR_FS_BASE, 0x8000000000000000ULL));	/* not canonical */
	GUEST_SYNC2(9, wrmsr_safe(MSR_PAT, 0x0202020202020202ULL));	/* type 2 is reserved */
	GUEST_ASSERT(rdmsr_safe(MSR_EFER, &efer) == -1 && (efer & EFER_LME));
	GUEST_SYNC2(10, wrmsr_safe(MSR_EFER, efer & ~EFER_LME));	/* out of long mode, paging on */
}
