/*
 * EPT violations (SDM Vol. 3C 29.3.3.2; qualification: 28.2.1 Table 28-7).
 * ept/ maps the page when a slot backs it; otherwise the access is MMIO:
 * the instruction is fetched through the guest's paging, decoded, and the
 * access goes to the VMM as an MMIO exit.  A read completes on the next
 * vcpu_run() with the data the VMM puts in exit.mmio.data.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/insn_decode.h"
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

#define LINEAR32_MASK 0xffffffffULL

/*
 * Fetch up to 15 instruction bytes at CS:RIP, one page walk per page
 * (vmx/guest_mem.c): how many could be read, or < 0 when the fetch itself
 * failed (#PF injected, or the VM ended).
 */
static int fetch_instruction(struct vcpu *v, u8 *buf)
{
	u64 gva = vmcs_readnat(GUEST_CS_BASE) + vmcs_readnat(GUEST_RIP);

	if (vcpu_cpu_mode() != CPU_MODE_LONG64)
		gva &= LINEAR32_MASK;	/* EIP and the segment base add in 32 bits */
	return vcpu_fetch_insn(v, gva, buf, X86_MAX_INSN_LEN);
}

static int emulate_mmio(struct vcpu *v, u64 gpa, bool write_fault)
{
	u8 bytes[X86_MAX_INSN_LEN];
	char why[120];
	int n = fetch_instruction(v, bytes);
	struct mmio_insn *in = &v->mmio_insn;

	if (n < 0)
		return !v->dead;	/* the guest takes its #PF, or the VM ended */

	if (mmio_decode(bytes, n, vcpu_cpu_mode(), in, why, sizeof(why)) < 0)
		return vcpu_internal_error(v, "MMIO at gpa 0x%llx, RIP 0x%llx: %s", gpa,
					   vmcs_readnat(GUEST_RIP), why);
	if (in->write != write_fault && write_fault)
		return vcpu_internal_error(v, "MMIO at gpa 0x%llx: decoded a read for a write fault",
					   gpa);
	v->exit.reason = VCPU_EXIT_MMIO;
	v->exit.mmio.gpa = gpa;
	v->exit.mmio.len = in->size;
	v->exit.mmio.is_write = in->write;
	v->gprs.rsp_unused = vmcs_readnat(GUEST_RSP);	/* the decoder's register 4 */
	v->exit.mmio.data = in->write ? mmio_write_value(in, &v->gprs) : 0;
	if (in->write)
		vmcs_writenat(GUEST_RIP, vmcs_readnat(GUEST_RIP) + in->len);
	else
		v->mmio_read_pending = true;
	return 0;
}

int vmx_handle_ept_violation(struct vcpu *v)
{
	u64 q = vmcs_readnat(EXIT_QUALIFICATION);
	u64 gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	u32 access = q & EPT_QUAL_ACCESS_MASK;
	int r;

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
		return emulate_mmio(v, gpa, access & EPT_ACCESS_WRITE);
	return vcpu_internal_error(v, "EPT fault at gpa 0x%llx failed: %d", gpa, r);
}
