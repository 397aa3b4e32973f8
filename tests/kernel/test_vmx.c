/* VMX detection: the capabilities slotvisor will rely on are reported. */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "ktest.h"
#include "vmx/controls.h"
#include "vmx/caps.h"

KTEST(test_vmx_detect, "vmx.detect")
{
	struct vmx_caps c;
	const char *why = "";
	char missing[400];
	u64 p2, e;

	if (!(cpuid(1).ecx & CPUID_1_ECX_VMX)) {
		ktest_skip(t, "this CPU has no VT-x (CPUID.1:ECX.VMX = 0)");
		return;
	}
	/* VT-x without what slotvisor needs (Penryn: no EPT) is absent hardware. */
	if (vmx_detect(&c, &why) && vmx_caps_missing(&c, missing, sizeof(missing))) {
		ktest_skip(t, "%s", why);
		return;
	}
	KT_ASSERT(t, vmx_detect(&c, &why) == 0, "expected VT-x usable, saw: %s", why);
	KT_ASSERT(t, (c.feature_control & (FEATURE_CONTROL_LOCKED | FEATURE_CONTROL_VMX_OUTSIDE_SMX)) ==
			     (FEATURE_CONTROL_LOCKED | FEATURE_CONTROL_VMX_OUTSIDE_SMX),
		  "expected IA32_FEATURE_CONTROL locked with VMX outside SMX, saw 0x%llx",
		  (unsigned long long)c.feature_control);
	KT_ASSERT(t, (c.basic & VMX_BASIC_REVISION_MASK) != 0, "expected a VMCS revision id, saw 0");
	KT_ASSERT(t, VMX_BASIC_VMCS_SIZE(c.basic) > 0 && VMX_BASIC_VMCS_SIZE(c.basic) <= 4096,
		  "expected a VMCS size in (0, 4096], saw %llu",
		  (unsigned long long)VMX_BASIC_VMCS_SIZE(c.basic));
	p2 = c.procbased2 >> 32;
	e = c.ept_vpid;
	KT_ASSERT(t, p2 & SECONDARY_EPT, "expected EPT in the secondary controls, saw 0x%llx",
		  (unsigned long long)p2);
	KT_ASSERT(t, p2 & SECONDARY_VPID, "expected VPID, saw secondary 0x%llx",
		  (unsigned long long)p2);
	KT_ASSERT(t, p2 & SECONDARY_UNRESTRICTED_GUEST,
		  "expected unrestricted guest, saw secondary 0x%llx", (unsigned long long)p2);
	KT_ASSERT(t, (e & (EPT_CAP_WALK_4 | EPT_CAP_MEMTYPE_WB | EPT_CAP_2M | EPT_CAP_INVEPT)) ==
			     (EPT_CAP_WALK_4 | EPT_CAP_MEMTYPE_WB | EPT_CAP_2M | EPT_CAP_INVEPT),
		  "expected 4-level WB EPT with 2M pages and INVEPT, saw EPT_VPID_CAP 0x%llx",
		  (unsigned long long)e);
	KT_ASSERT(t, (c.cr4_fixed0 & X86_CR4_VMXE), "expected CR4.VMXE fixed to 1 in VMX, saw 0x%llx",
		  (unsigned long long)c.cr4_fixed0);
}
