/*
 * A vCPU's CPUID feature overrides (include/vmx/cpuid_flags.h), what KVM
 * does at KVM_SET_CPUID2 and in vmx_vcpu_after_set_cpuid(): the CPUID exit
 * answers with them (vmx/exit_cpuid.c), and what the guest's CPUID lacks
 * faults as on a CPU without it, not only reads as absent:
 *   x2apic hidden: IA32_APIC_BASE.EXTD is reserved, a WRMSR setting it is
 *     #GP, and so is every x2APIC MSR (0x800-0x8ff) (SDM Vol. 3A 11.12.1;
 *     KVM's kvm_apic_set_base(), vmx/exit_msr.c);
 *   pcid hidden: CR4.PCIDE is reserved, a MOV to CR4 setting it is #GP
 *     (SDM Vol. 3A 2.5, 4.10.1; KVM's kvm_is_valid_cr4()): the CR4
 *     guest/host mask owns the bit, so that the write exits (vmx/exit_cr.c);
 *   invpcid: shown only with the "enable INVPCID" control set, without it
 *     INVPCID is #UD in the guest (SDM Vol. 3C 25.6.2, Vol. 2B INVPCID;
 *     KVM's vmx_compute_secondary_exec_control()).
 * A feature the CPU lacks cannot be shown: +pcid and +invpcid are refused
 * there, by name, and the guest does not boot.
 */
#include "arch/x86/cpu.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "vcpu_internal.h"
#include "vmx/caps.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "vmx/vmx_bits.h"

/* Why this CPU cannot show flag to a guest, or NULL when it can. */
static const char *cannot_show(enum vcpu_cpuid_flag flag)
{
	switch (flag) {
	case VCPU_CPUID_PCID:
		if (!(cpuid(1).ecx & CPUID_1_ECX_PCID) || !(vmx_caps.cr4_fixed1 & X86_CR4_PCIDE))
			return "this CPU has no PCID (CPUID.1:ECX[17], IA32_VMX_CR4_FIXED1[17])";
		return NULL;
	case VCPU_CPUID_INVPCID:
		if (!(cpuid_count(CPUID_LEAF_FEATURES7, 0).ebx & CPUID_7_EBX_INVPCID))
			return "this CPU has no INVPCID (CPUID.(7,0):EBX[10])";
		if (!vmx_ctl_allows(vmx_caps.procbased2, SECONDARY_ENABLE_INVPCID))
			return "this CPU's IA32_VMX_PROCBASED_CTLS2 does not allow \"enable "
			       "INVPCID\" (SDM Vol. 3C 25.6.2), without which INVPCID is #UD in "
			       "a guest";
		return NULL;
	default:
		return NULL;	/* x2apic: the emulated APIC's, on any CPU */
	}
}

u64 vcpu_cr4_cpuid_reserved(const struct vcpu *v)
{
	return vcpu_cpuid_flags_hides(&v->cpuid_flags, VCPU_CPUID_PCID) ? X86_CR4_PCIDE : 0;
}

int vcpu_set_cpuid_flags(struct vcpu *v, const struct vcpu_cpuid_flags *f)
{
	u32 proc2;

	for (unsigned int flag = 0; flag < VCPU_CPUID_NR_FLAGS; flag++) {
		const char *why = vcpu_cpuid_flags_shows(f, flag) ? cannot_show(flag) : NULL;

		if (why) {
			kprintf("vmx: CPUID flag +%s refused: %s\n", vcpu_cpuid_flag_name(flag),
				why);
			return -ENOTSUP;
		}
	}
	v->cpuid_flags = *f;
	vcpu_load(v);
	proc2 = vmcs_read32(SECONDARY_VM_EXEC_CONTROL) & ~SECONDARY_ENABLE_INVPCID;
	if (vcpu_cpuid_flags_shows(f, VCPU_CPUID_INVPCID))
		proc2 |= SECONDARY_ENABLE_INVPCID;
	if (!vmcs_write32(SECONDARY_VM_EXEC_CONTROL, proc2) ||
	    !vmcs_writenat(CR4_GUEST_HOST_MASK, vcpu_cr4_fixed_mask() | vcpu_cr4_cpuid_reserved(v)))
		return -EIO;
	return 0;
}
