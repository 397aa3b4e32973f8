/*
 * VMXON and the VMCS accessors on the real (emulated) CPU: values round
 * trip at every width, and each kind of failure is caught and reported
 * with the field's name and the VM-instruction error (SDM Vol. 3C 31.4).
 */
#include "arch/invept.h"
#include "arch/x86/cpu.h"
#include "lib/errno.h"
#include "ktest_vmx.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"
#include "lib/errno.h"

#define VMX_ERR_UNSUPPORTED_FIELD 12
#define VMX_ERR_WRITE_READ_ONLY 13
#define VMCS_FIELD_THAT_DOES_NOT_EXIST 0x6ffe

KTEST(test_vmx_vmxon, "vmx.vmxon")
{
	if (!ktest_need_vmx(t))
		return;
	KT_ASSERT(t, arch_invept(INVEPT_ALL_CONTEXT, 0) == 0, "expected INVEPT to work in VMX");
	KT_ASSERT(t, read_cr4() & X86_CR4_VMXE, "expected CR4.VMXE set in VMX operation");
	vmx_cpu_disable();
	KT_ASSERT(t, !(read_cr4() & X86_CR4_VMXE), "expected CR4.VMXE clear after VMXOFF");
	KT_ASSERT(t, !vmx_cpu_enabled(), "expected VMX off after vmx_cpu_disable");
	KT_ASSERT(t, arch_invept(INVEPT_ALL_CONTEXT, 0) == -ENODEV,
		  "expected INVEPT outside VMX operation to report -ENODEV");
	if (!ktest_need_vmx(t))
		return;
	KT_ASSERT(t, vmx_cpu_enabled(), "expected VMXON again after VMXOFF");
}

KTEST(test_vmx_vmcs_rw, "vmx.vmcs.rw")
{
	struct vmcs *v;
	bool ok = true;

	if (!ktest_need_vmx(t))
		return;
	v = vmcs_alloc();
	KT_ASSERT(t, v, "expected a VMCS region, saw NULL");
	KT_ASSERT(t, vmcs_clear(v) == 0 && vmcs_load(v) == 0, "expected VMCLEAR and VMPTRLD to succeed");
	ok &= vmcs_write16(VIRTUAL_PROCESSOR_ID, 0x1234);
	ok &= vmcs_write32(EXCEPTION_BITMAP, 0xdeadbeef);
	ok &= vmcs_write64(EPT_POINTER, 0x123456789000ULL | 0x5e);
	ok &= vmcs_writenat(GUEST_RIP, 0xffffffff81000000ULL);
	KT_ASSERT(t, ok, "expected four VMWRITEs to succeed");
	KT_ASSERT_EQ(t, vmcs_read16(VIRTUAL_PROCESSOR_ID), 0x1234);
	KT_ASSERT_EQ(t, vmcs_read32(EXCEPTION_BITMAP), 0xdeadbeef);
	KT_ASSERT_EQ(t, vmcs_read64(EPT_POINTER), 0x123456789000ULL | 0x5e);
	KT_ASSERT_EQ(t, vmcs_readnat(GUEST_RIP), 0xffffffff81000000ULL);
	vmcs_clear(v);
	vmcs_free(v);
}

KTEST(test_vmx_vmcs_errors, "vmx.vmcs.errors")
{
	struct vmcs *v;

	if (!ktest_need_vmx(t))
		return;
	v = vmcs_alloc();
	KT_ASSERT(t, v, "expected a VMCS region, saw NULL");
	vmcs_clear(v);
	vmcs_load(v);
	/* Each failure prints a "vmx: VMWRITE ... failed" line; the runner checks it. */
	KT_ASSERT(t, !__vmcs_write(VMCS_FIELD_THAT_DOES_NOT_EXIST, 1),
		  "expected a VMWRITE to an unsupported field to fail");
	KT_ASSERT_EQ(t, vmcs_read32(VM_INSTRUCTION_ERROR), VMX_ERR_UNSUPPORTED_FIELD);
	/*
	 * Exit-information fields are read-only unless IA32_VMX_MISC[29] says
	 * VMWRITE may write any field (SDM Vol. 3C 25.11.2; Bochs' Skylake-X has it).
	 */
	if (vmx_caps.misc & VMX_MISC_VMWRITE_ANY_FIELD) {
		KT_ASSERT(t, vmcs_write32(VM_EXIT_REASON, 1),
			  "expected VMWRITE to an exit-information field to work with MISC[29]");
	} else {
		KT_ASSERT(t, !vmcs_write32(VM_EXIT_REASON, 1),
			  "expected a VMWRITE to a read-only field to fail");
		KT_ASSERT_EQ(t, vmcs_read32(VM_INSTRUCTION_ERROR), VMX_ERR_WRITE_READ_ONLY);
	}
	v->revision_id ^= 1;
	vmcs_clear(v);
	KT_ASSERT(t, vmcs_load(v) == -EIO, "expected VMPTRLD of a bad revision id to fail");
	v->revision_id ^= 1;
	/* No current VMCS now: VMfailInvalid. */
	KT_ASSERT(t, __vmwrite(GUEST_RIP, 0) == VMX_FAIL_INVALID,
		  "expected VMfailInvalid without a current VMCS");
	vmcs_free(v);
}
