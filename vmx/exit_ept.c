/*
 * EPT violations (SDM Vol. 3C 29.3.3.2; qualification: 28.2.1 Table 28-7).
 * ept/ maps the page when a slot backs it; otherwise the access is MMIO:
 * the instruction is emulated (vmx/emulate_ops.c, emulate/), its MMIO
 * fragments going to the VMM as MMIO exits.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "ept/fault.h"
#include "lib/errno.h"
#include "exit_handlers.h"
#include "vcpu_internal.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_bits.h"

#define EPT_QUAL_ACCESS_MASK 7ULL
#define EPT_QUAL_GLA_VALID BIT(7)	/* bits 7 and 8: SDM Vol. 3C 28.2.1, Table 28-7 */
#define EPT_QUAL_GLA_TRANSLATED BIT(8)

enum cpu_mode vcpu_cpu_mode(void)
{
	u32 cs_ar = vmcs_read32(GUEST_CS_AR_BYTES);

	if (!(vmcs_readnat(GUEST_CR0) & X86_CR0_PE))
		return CPU_MODE_REAL;
	if ((vmcs_read64(GUEST_IA32_EFER) & EFER_LMA) && (cs_ar & VMX_AR_L))
		return CPU_MODE_LONG64;
	return (cs_ar & VMX_AR_DB) ? CPU_MODE_PROT32 : CPU_MODE_PROT16;
}

int vmx_handle_ept_violation(struct vcpu *v)
{
	u64 q = vmcs_readnat(EXIT_QUALIFICATION);
	u64 gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	u32 access = q & EPT_QUAL_ACCESS_MASK;
	int r;

	/* The APIC-access page is memory only while the CPU virtualizes it (vmx/apic_access.c). */
	if (unlikely(vcpu_apic_access_gpa(v, gpa)) && v->apicv_mode != APICV_MODE_XAPIC)
		r = -EFAULT;
	else
		r = kvm_tdp_page_fault(v->kvm, v->as_id, gpa, access);
	if (r > 0)
		return 1;
	if (r == -ENOMEM)
		return vcpu_internal_error(v, "out of memory mapping gpa 0x%llx", gpa);
	if (access & EPT_ACCESS_EXEC)
		return vcpu_internal_error(v, "the guest executes at gpa 0x%llx (RIP 0x%llx), "
					      "where no memory slot is",
					   gpa, vmcs_readnat(GUEST_RIP));
	/*
	 * Only an access the instruction itself made can be emulated: not one
	 * made while delivering an event (the guest's IDT or stack in a hole),
	 * nor one of the guest's own page-table walk.
	 */
	if ((vmcs_read32(IDT_VECTORING_INFO_FIELD) & INTR_INFO_VALID) ||
	    ((q & EPT_QUAL_GLA_VALID) && !(q & EPT_QUAL_GLA_TRANSLATED)))
		return vcpu_internal_error(v, "the guest's event delivery or page walk touched gpa "
					      "0x%llx, where no memory slot is (RIP 0x%llx)",
					   gpa, vmcs_readnat(GUEST_RIP));
	if (r == -EFAULT || r == -EPERM)
		return vcpu_emulate_mmio(v, gpa, q & EPT_QUAL_GLA_VALID,
					 vmcs_readnat(GUEST_LINEAR_ADDRESS));
	return vcpu_internal_error(v, "EPT fault at gpa 0x%llx failed: %d", gpa, r);
}
