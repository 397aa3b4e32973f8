/*
 * VMX detection and the capability MSRs (SDM Vol. 3D Appendix A).
 */
#pragma once

#include "types.h"
#include "vmx/vmx_bits.h"

#define MSR_IA32_VMX_BASIC 0x480
#define MSR_IA32_VMX_PINBASED_CTLS 0x481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x482
#define MSR_IA32_VMX_EXIT_CTLS 0x483
#define MSR_IA32_VMX_ENTRY_CTLS 0x484
#define MSR_IA32_VMX_MISC 0x485
#define MSR_IA32_VMX_CR0_FIXED0 0x486
#define MSR_IA32_VMX_CR0_FIXED1 0x487
#define MSR_IA32_VMX_CR4_FIXED0 0x488
#define MSR_IA32_VMX_CR4_FIXED1 0x489
#define MSR_IA32_VMX_VMCS_ENUM 0x48a
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP 0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS 0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS 0x490

/* IA32_VMX_BASIC (SDM Vol. 3D A.1). */
#define VMX_BASIC_REVISION_MASK 0x7fffffffULL
#define VMX_BASIC_VMCS_SIZE(b) (((b) >> 32) & 0x1fff)
#define VMX_BASIC_MEMTYPE(b) (((b) >> 50) & 0xf)
/* VM exits for INS and OUTS report the instruction information (SDM Vol. 3C 28.2.5). */
#define VMX_BASIC_INS_OUTS_INFO BIT(54)
#define VMX_BASIC_TRUE_CTLS BIT(55)

/* IA32_VMX_EPT_VPID_CAP (SDM Vol. 3D A.10). */
#define EPT_CAP_WALK_4 BIT(6)
#define EPT_CAP_MEMTYPE_WB BIT(14)
#define EPT_CAP_2M BIT(16)
#define EPT_CAP_1G BIT(17)
#define EPT_CAP_INVEPT BIT(20)
#define EPT_CAP_AD BIT(21)
#define EPT_CAP_INVEPT_SINGLE BIT(25)
#define EPT_CAP_INVEPT_ALL BIT(26)
#define VPID_CAP_INVVPID BIT(32)

/* VMX_MISC: preemption timer rate (TSC >> n). */
#define VMX_MISC_PREEMPT_RATE(m) ((m) & 0x1f)

struct vmx_caps {
	u32 cpuid_max_basic;			/* CPUID.0:EAX, the CPU's highest basic leaf */
	u64 basic;
	u64 pinbased, procbased, exit, entry;	/* TRUE_ MSRs where BASIC[55] */
	u64 procbased2;				/* 0 when there are no secondary controls */
	u64 misc;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 ept_vpid;				/* 0 when neither EPT nor VPID exists */
	u64 feature_control;
};

/*
 * Detect VT-x on this CPU: CPUID.1:ECX.VMX, IA32_FEATURE_CONTROL (set and
 * lock it when the firmware left it unlocked) and the capability MSRs.
 * Returns 0 and fills caps, or -ENODEV with why set to a one-line reason.
 */
int vmx_detect(struct vmx_caps *caps, const char **why);

/* Print the capabilities in one short block, lines prefixed "vmx:". */
void vmx_print_caps(const struct vmx_caps *caps);

/* Do the allowed-1 settings of a control MSR permit all of bits? */
static inline bool vmx_ctl_allows(u64 ctl_msr, u64 bits)
{
	return ((ctl_msr >> 32) & bits) == bits;
}
