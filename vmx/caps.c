/*
 * VT-x detection (SDM Vol. 3C 24.6 "Discovering support for VMX", 24.7
 * "Enabling and entering VMX operation") and the capability MSRs.  The
 * secondary-control and EPT/VPID MSRs exist only when the controls that
 * reveal them are allowed; reading them otherwise is #GP.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "vmx/caps.h"
#include "vmx/controls.h"

static int feature_control_enable(struct vmx_caps *caps, const char **why)
{
	u64 fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

	if (!(fc & FEATURE_CONTROL_LOCKED)) {
		/* Unlocked: we may enable VMXON outside SMX and lock it (SDM 24.7). */
		fc |= FEATURE_CONTROL_VMX_OUTSIDE_SMX | FEATURE_CONTROL_LOCKED;
		if (wrmsr_safe(MSR_IA32_FEATURE_CONTROL, fc) < 0) {
			*why = "IA32_FEATURE_CONTROL is unlocked but could not be written";
			return -ENODEV;
		}
		fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	}
	caps->feature_control = fc;
	if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
		*why = "VT-x is disabled by the firmware (IA32_FEATURE_CONTROL locked "
		       "with VMX outside SMX off): enable it in the BIOS setup";
		return -ENODEV;
	}
	return 0;
}

static void read_control_msrs(struct vmx_caps *caps)
{
	bool true_ctls = caps->basic & VMX_BASIC_TRUE_CTLS;

	caps->pinbased = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS
					 : MSR_IA32_VMX_PINBASED_CTLS);
	caps->procbased = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS
					  : MSR_IA32_VMX_PROCBASED_CTLS);
	caps->exit = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS
				     : MSR_IA32_VMX_EXIT_CTLS);
	caps->entry = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS
				      : MSR_IA32_VMX_ENTRY_CTLS);
	caps->misc = rdmsr(MSR_IA32_VMX_MISC);
	caps->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	caps->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	caps->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	caps->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	caps->procbased2 = 0;
	caps->ept_vpid = 0;
	if (vmx_ctl_allows(caps->procbased, CPU_BASED_ACTIVATE_SECONDARY))
		caps->procbased2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
	if (vmx_ctl_allows(caps->procbased2, SECONDARY_EPT) ||
	    vmx_ctl_allows(caps->procbased2, SECONDARY_VPID))
		caps->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
}

/*
 * A CPU without something slotvisor needs (Penryn has VT-x but no EPT,
 * unrestricted guest or preemption timer) is refused here, in one line that
 * names all it lacks, before any VMXON: the production image powers off
 * with it and the tests that need a VM skip with it.
 */
static int needs_met(const struct vmx_caps *caps, const char **why)
{
	static char line[640];
	static const char prefix[] = "this CPU's VT-x lacks what slotvisor needs: ";
	char list[sizeof(line) - sizeof(prefix)];

	if (!vmx_caps_missing(caps, list, sizeof(list)))
		return 0;
	ksnprintf(line, sizeof(line), "%s%s", prefix, list);
	*why = line;
	return -ENODEV;
}

int vmx_detect(struct vmx_caps *caps, const char **why)
{
	int err;

	if (!(cpuid(1).ecx & CPUID_1_ECX_VMX)) {
		*why = "CPUID.1:ECX.VMX[bit 5] is 0 (this CPU, or the hypervisor "
		       "below us, does not offer VT-x; under QEMU use -enable-kvm "
		       "-cpu host,+vmx on an Intel host with nested=1)";
		return -ENODEV;
	}
	err = feature_control_enable(caps, why);
	if (err)
		return err;
	caps->cpuid_max_basic = cpuid(0).eax;
	caps->basic = rdmsr(MSR_IA32_VMX_BASIC);
	read_control_msrs(caps);
	return needs_met(caps, why);
}

static const char *yes(u64 v, u64 bit)
{
	return (v & bit) == bit ? "yes" : "no";
}

void vmx_print_caps(const struct vmx_caps *c)
{
	u64 p2 = c->procbased2 >> 32, e = c->ept_vpid;

	kprintf("vmx: VT-x present, IA32_FEATURE_CONTROL 0x%llx (locked, VMX outside SMX)\n",
		(unsigned long long)c->feature_control);
	kprintf("vmx: VMCS revision 0x%llx, %llu bytes, memory type %llu, true controls %s\n",
		(unsigned long long)(c->basic & VMX_BASIC_REVISION_MASK),
		(unsigned long long)VMX_BASIC_VMCS_SIZE(c->basic),
		(unsigned long long)VMX_BASIC_MEMTYPE(c->basic),
		yes(c->basic, VMX_BASIC_TRUE_CTLS));
	kprintf("vmx: pin 0x%016llx proc 0x%016llx proc2 0x%016llx\n",
		(unsigned long long)c->pinbased, (unsigned long long)c->procbased,
		(unsigned long long)c->procbased2);
	kprintf("vmx: exit 0x%016llx entry 0x%016llx misc 0x%016llx\n",
		(unsigned long long)c->exit, (unsigned long long)c->entry,
		(unsigned long long)c->misc);
	kprintf("vmx: EPT %s (4-level %s, WB %s, 2M %s, 1G %s, A/D %s, INVEPT single %s all %s), "
		"VPID %s, unrestricted guest %s, PML %s\n",
		yes(p2, SECONDARY_EPT), yes(e, EPT_CAP_WALK_4), yes(e, EPT_CAP_MEMTYPE_WB),
		yes(e, EPT_CAP_2M), yes(e, EPT_CAP_1G), yes(e, EPT_CAP_AD),
		yes(e, EPT_CAP_INVEPT_SINGLE), yes(e, EPT_CAP_INVEPT_ALL),
		yes(p2, SECONDARY_VPID), yes(p2, SECONDARY_UNRESTRICTED_GUEST),
		yes(p2, SECONDARY_ENABLE_PML));
}
