/*
 * VMCS regions and the accessors behind include/vmx/vmcs.h.  A failed
 * VMREAD/VMWRITE is a hypervisor bug (a field the CPU lacks, a read-only
 * field, no current VMCS): it is printed with everything needed to find it.
 */
#include "arch/memory.h"
#include "arch/x86/msr.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "mm/frame.h"
#include "vmx/caps.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_insn.h"

#define NO_FIELD (~0u)

static const char *const insn_errors[] = {
	[1] = "VMCALL executed in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "Invalid operand to INVEPT/INVVPID",
};

const char *vmx_insn_error_name(u32 err)
{
	if (err < sizeof(insn_errors) / sizeof(insn_errors[0]) && insn_errors[err])
		return insn_errors[err];
	return "unknown VM-instruction error";
}

void vmx_insn_report(const char *insn, int status, unsigned int field, u64 value)
{
	char what[96] = "";
	u64 err = 0;

	if (field != NO_FIELD)
		ksnprintf(what, sizeof(what), " %s (0x%x) = 0x%llx", vmcs_field_name(field),
			  field, value);
	if (status == VMX_FAIL_INVALID) {
		kprintf("vmx: %s%s failed: VMfailInvalid (no current VMCS)\n", insn, what);
		return;
	}
	__vmread(VM_INSTRUCTION_ERROR, &err);
	kprintf("vmx: %s%s failed: VM-instruction error %llu (%s)\n", insn, what, err,
		vmx_insn_error_name((u32)err));
}

bool __vmcs_write(enum vmcs_field field, u64 value)
{
	int st = __vmwrite(field, value);

	if (st)
		vmx_insn_report("VMWRITE", st, field, value);
	return st == 0;
}

u64 __vmcs_read(enum vmcs_field field)
{
	u64 v;
	int st = __vmread(field, &v);

	if (st) {
		vmx_insn_report("VMREAD", st, field, 0);
		return 0;
	}
	return v;
}

struct vmcs *vmcs_alloc(void)
{
	struct vmcs *v = frame_zalloc(ORDER_4K);

	if (v)
		v->revision_id = rdmsr(MSR_IA32_VMX_BASIC) & VMX_BASIC_REVISION_MASK;
	return v;
}

void vmcs_free(struct vmcs *v)
{
	if (v)
		frame_free(v);
}

int vmcs_clear(struct vmcs *v)
{
	int st = __vmclear(virt_to_phys(v));

	if (st)
		vmx_insn_report("VMCLEAR", st, NO_FIELD, 0);
	return st ? -EIO : 0;
}

int vmcs_load(struct vmcs *v)
{
	int st = __vmptrld(virt_to_phys(v));

	if (st)
		vmx_insn_report("VMPTRLD", st, NO_FIELD, 0);
	return st ? -EIO : 0;
}
