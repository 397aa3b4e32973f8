/*
 * Control-register exits: the guest wrote CR0 or CR4 bits that the
 * guest/host masks own (the bits VMX operation fixes), or moved to or from
 * CR8, which is its own (or its emulated APIC's) task priority (only on a
 * CPU without TPR shadow: with it CR8 reaches the virtual-APIC page without
 * an exit, vmx/run.c).  The guest's value
 * goes to the read shadow, the fixed-up one to the VMCS.  When the guest
 * turns paging on or off with EFER.LME set, this write is where long mode
 * starts or ends, so EFER.LMA and the IA-32e-mode entry control follow
 * (SDM Vol. 3A 10.8.5; Vol. 3C 27.3.1.1).  Qualification: SDM Vol. 3C
 * 28.2.1, Table 28-3.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/trap.h"
#include "lib/errno.h"
#include "vmx/page_walk.h"
#include "vmx/vmx.h"
#include "exit_handlers.h"
#include "vcpu_internal.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_bits.h"

#define CR_QUAL_NUM(q) ((q) & 0xf)
#define CR_QUAL_TYPE(q) (((q) >> 4) & 3)
#define CR_QUAL_GPR(q) (((q) >> 8) & 0xf)
#define CR_TYPE_MOV_TO 0
#define CR_TYPE_CLTS 2
#define X86_CR0_TS BIT(3)

static void set_guest_cr0(struct vcpu *v, u64 val)
{
	u64 efer = vmcs_read64(GUEST_IA32_EFER);
	u32 entry = vmcs_read32(VM_ENTRY_CONTROLS);

	v->cr0_shadow = val;
	vmcs_writenat(CR0_READ_SHADOW, val);
	vmcs_writenat(GUEST_CR0, vcpu_cr0_hw_value(val));
	if ((val & X86_CR0_PG) && (efer & EFER_LME)) {
		efer |= EFER_LMA;
		entry |= VM_ENTRY_IA32E_MODE_GUEST;
	} else if (!(val & X86_CR0_PG)) {
		efer &= ~EFER_LMA;
		entry &= ~VM_ENTRY_IA32E_MODE_GUEST;
	}
	vmcs_write64(GUEST_IA32_EFER, efer);
	vmcs_write32(VM_ENTRY_CONTROLS, entry);
}

static void set_guest_cr4(struct vcpu *v, u64 val)
{
	v->cr4_shadow = val;
	vmcs_writenat(CR4_READ_SHADOW, val);
	vmcs_writenat(GUEST_CR4, vcpu_cr4_hw_value(val));
}

/*
 * MOV to CR0 raises #GP(0) for PG without PE, and for turning paging on
 * with EFER.LME but not CR4.PAE (SDM Vol. 3A 2.5, 10.8.5).
 */
static bool cr0_write_valid(struct vcpu *v, u64 val)
{
	if ((val & X86_CR0_PG) && !(val & X86_CR0_PE))
		return false;
	if ((val & X86_CR0_PG) && (vmcs_read64(GUEST_IA32_EFER) & EFER_LME) &&
	    !(v->cr4_shadow & X86_CR4_PAE))
		return false;
	return true;
}

/*
 * MOV to CR4 raises #GP(0) for a bit the CPU lacks, for VMXE and SMXE
 * (the guest has neither VMX nor SMX), for a bit the guest's CPUID lacks
 * (PCIDE without PCID: vcpu_cr4_cpuid_reserved(), as KVM's
 * kvm_is_valid_cr4()), for clearing PAE or changing LA57 in long mode, and
 * for setting PCIDE outside long mode or with CR3[11:0] not 0 (SDM Vol. 3A
 * 2.5, 4.10.1).  Only writes that reach the exit (they change a bit the
 * mask owns: VMXE, and those of vcpu_cr4_cpuid_reserved()) are checked
 * here; the CPU checks the rest.
 */
#define X86_CR4_LA57 BIT(12)

static bool cr4_write_valid(struct vcpu *v, u64 val);

/*
 * The bits whose change makes a MOV to CR0 or CR4 load the four PDPTEs
 * when PAE paging is on after it (SDM Vol. 3A 4.4.1).
 */
#define CR0_PDPTE_BITS (X86_CR0_PG | X86_CR0_CD | X86_CR0_NW)
#define CR4_PDPTE_BITS (X86_CR4_PAE | X86_CR4_PGE | X86_CR4_PSE | X86_CR4_SMEP)
#define PAE_PDPT_ADDR_MASK 0xffffffe0ULL	/* CR3 bits 31:5 */
#define PAE_PDPTE_COUNT 4

/*
 * This exit emulates the MOV, so it loads the PDPTEs the CPU would: with
 * EPT the next entry takes PAE paging's PDPTEs from GUEST_PDPTR0-3, not
 * from memory (SDM Vol. 3C 27.3.2.4), and the guest's page walk reads them
 * there too (vmx/guest_mem.c).  0: go on with the write; -EINVAL: a
 * reserved bit in a present PDPTE, #GP(0) (nothing loaded); -EIO: the PDPT
 * is where no memory slot is, *pdpt_gpa says where.
 */
static int load_pae_pdptes(struct vcpu *v, u64 cr0, u64 cr4, bool changed, u64 *pdpt_gpa)
{
	static const enum vmcs_field field[PAE_PDPTE_COUNT] = {
		GUEST_PDPTR0, GUEST_PDPTR1, GUEST_PDPTR2, GUEST_PDPTR3,
	};
	u64 pdpt = vmcs_readnat(GUEST_CR3) & PAE_PDPT_ADDR_MASK, pdpte[PAE_PDPTE_COUNT];

	if (!changed || !(cr0 & X86_CR0_PG) || !(cr4 & X86_CR4_PAE) ||
	    (vmcs_read64(GUEST_IA32_EFER) & EFER_LME))
		return 0;
	*pdpt_gpa = pdpt;
	if (vcpu_read_guest(v, pdpt, pdpte, sizeof(pdpte)))
		return -EIO;
	for (unsigned int i = 0; i < PAE_PDPTE_COUNT; i++) {
		if (vmx_pae_pdpte_reserved(pdpte[i], vcpu_guest_maxphyaddr()))
			return -EINVAL;
	}
	for (unsigned int i = 0; i < PAE_PDPTE_COUNT; i++)
		vmcs_write64(field[i], pdpte[i]);
	return 0;
}

int vcpu_set_cr0(struct vcpu *v, u64 val, u64 *pdpt_gpa)
{
	int r;

	if (!cr0_write_valid(v, val))
		return -EINVAL;
	r = load_pae_pdptes(v, val, vcpu_guest_cr4(v), (val ^ vcpu_guest_cr0(v)) & CR0_PDPTE_BITS,
			    pdpt_gpa);
	if (r)
		return r;
	set_guest_cr0(v, val);
	return 0;
}

/* A MOV to CR0 or CR4 that was refused: 1 after injecting #GP(0), 0 when the VM ended. */
static int cr_write_failed(struct vcpu *v, int err, u64 pdpt_gpa)
{
	if (err == -EINVAL) {
		vcpu_inject_exception(v, X86_TRAP_GP, true, 0);
		return 1;
	}
	return vcpu_internal_error(v, "PAE paging turned on with its PDPT at gpa 0x%llx, where no "
				      "memory slot is", pdpt_gpa);
}

static bool cr4_write_valid(struct vcpu *v, u64 val)
{
	bool long_mode = vmcs_read64(GUEST_IA32_EFER) & EFER_LMA;

	if (val & (~vmx_caps.cr4_fixed1 | X86_CR4_VMXE | X86_CR4_SMXE | vcpu_cr4_cpuid_reserved(v)))
		return false;
	if (long_mode && (!(val & X86_CR4_PAE) || ((val ^ v->cr4_shadow) & X86_CR4_LA57)))
		return false;
	if ((val & X86_CR4_PCIDE) && !(v->cr4_shadow & X86_CR4_PCIDE) &&
	    (!long_mode || (vmcs_readnat(GUEST_CR3) & 0xfff)))
		return false;
	return true;
}

static int set_cr4(struct vcpu *v, u64 val, u64 *pdpt_gpa)
{
	int r;

	if (!cr4_write_valid(v, val))
		return -EINVAL;
	r = load_pae_pdptes(v, vcpu_guest_cr0(v), val, (val ^ vcpu_guest_cr4(v)) & CR4_PDPTE_BITS,
			    pdpt_gpa);
	if (r)
		return r;
	set_guest_cr4(v, val);
	return 0;
}

/*
 * CR8 is the task priority, TPR[7:4]: a write clears TPR[3:0], bits 63:4
 * must be 0 (#GP), a read gives TPR[7:4] (SDM Vol. 3A 11.8.6, 2.5).
 */
#define CR8_TPR_SHIFT 4
#define CR8_VALID_MASK 0xfULL
#define CR_TYPE_MOV_FROM 1

static int cr8_access(struct vcpu *v, u64 q, unsigned int gpr, u64 val)
{
	if (CR_QUAL_TYPE(q) == CR_TYPE_MOV_TO) {
		if (val & ~CR8_VALID_MASK) {
			vcpu_inject_exception(v, X86_TRAP_GP, true, 0);
			return 1;
		}
		*v->tpr = (u32)val << CR8_TPR_SHIFT;
	} else {
		val = (*v->tpr >> CR8_TPR_SHIFT) & CR8_VALID_MASK;
		if (gpr == GPR_RSP)
			vmcs_writenat(GUEST_RSP, val);
		else
			*gpr_ptr(&v->gprs, gpr) = val;
	}
	vcpu_skip_instruction(v);
	return 1;
}

int vmx_handle_cr_access(struct vcpu *v)
{
	u64 q = vmcs_readnat(EXIT_QUALIFICATION);
	unsigned int gpr = CR_QUAL_GPR(q);
	u64 val = gpr == GPR_RSP ? vmcs_readnat(GUEST_RSP) : *gpr_ptr(&v->gprs, gpr);
	u64 pdpt_gpa = 0;

	if (CR_QUAL_NUM(q) == 8 &&
	    (CR_QUAL_TYPE(q) == CR_TYPE_MOV_TO || CR_QUAL_TYPE(q) == CR_TYPE_MOV_FROM))
		return cr8_access(v, q, gpr, val);
	if (CR_QUAL_TYPE(q) == CR_TYPE_CLTS) {
		set_guest_cr0(v, v->cr0_shadow & ~X86_CR0_TS);
	} else if (CR_QUAL_TYPE(q) == CR_TYPE_MOV_TO && CR_QUAL_NUM(q) == 0) {
		int r = vcpu_set_cr0(v, val, &pdpt_gpa);

		if (r)
			return cr_write_failed(v, r, pdpt_gpa);
	} else if (CR_QUAL_TYPE(q) == CR_TYPE_MOV_TO && CR_QUAL_NUM(q) == 4) {
		int r = set_cr4(v, val, &pdpt_gpa);

		if (r)
			return cr_write_failed(v, r, pdpt_gpa);
	} else {
		return vcpu_internal_error(v, "unexpected control-register exit, qualification 0x%llx",
					   q);
	}
	vcpu_skip_instruction(v);
	return 1;
}
