/*
 * The pre-entry checker (vmx/check.c): the guest state but its segments, SDM Vol. 3C 27.3.1.1,
 * 27.3.1.3-27.3.1.6.
 */
#include "check_internal.h"

/* ---- 27.3.1.1 guest control registers, debug registers and MSRs ------- */

static int check_guest_cr0_cr4(struct check_ctx *c, u64 cr0, u64 cr4)
{
	const struct vmx_caps *k = c->caps;
	/* Unrestricted guest lifts the fixed-1 rule for PE and PG. */
	u64 cr0_must1 = k->cr0_fixed0 & ~(ug(c) ? X86_CR0_PE | X86_CR0_PG : 0);
	int err;

	err = check_fixed(c, GUEST_CR0, cr0, cr0_must1, k->cr0_fixed1,
			  "SDM 27.3.1.1: guest CR0 clears a bit IA32_VMX_CR0_FIXED0 fixes to 1 (PE and PG exempt with unrestricted guest; A.7)",
			  "SDM 27.3.1.1: guest CR0 sets a bit IA32_VMX_CR0_FIXED1 fixes to 0 (A.7)");
	if (err) {
		return err;
	}
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE)) {
		return report(c, GUEST_CR0, cr0, "SDM 27.3.1.1: guest CR0.PG requires CR0.PE");
	}
	err = check_fixed(c, GUEST_CR4, cr4, k->cr4_fixed0, k->cr4_fixed1,
			  "SDM 27.3.1.1: guest CR4 clears a bit IA32_VMX_CR4_FIXED0 fixes to 1 (A.8)",
			  "SDM 27.3.1.1: guest CR4 sets a bit IA32_VMX_CR4_FIXED1 fixes to 0 (A.8)");
	if (err) {
		return err;
	}
	if ((cr4 & X86_CR4_CET) && !(cr0 & X86_CR0_WP)) {
		return report(c, GUEST_CR0, cr0, "SDM 27.3.1.1: guest CR0.WP must be 1 when guest CR4.CET is 1");
	}
	return 0;
}

static int check_guest_mode_regs(struct check_ctx *c, u64 cr0, u64 cr4)
{
	u64 v;

	if ((c->entry & VM_ENTRY_LOAD_DEBUG_CONTROLS) &&
	    (rd(c, GUEST_IA32_DEBUGCTL) & DEBUGCTL_RESERVED)) {
		return report(c, GUEST_IA32_DEBUGCTL, rd(c, GUEST_IA32_DEBUGCTL),
			      "SDM 27.3.1.1: guest IA32_DEBUGCTL reserved bits must be 0 (load debug controls)");
	}
	if (ia32e_guest(c) && !(cr0 & X86_CR0_PG)) {
		return report(c, GUEST_CR0, cr0, "SDM 27.3.1.1: an IA-32e mode guest needs CR0.PG=1");
	}
	if (ia32e_guest(c) && !(cr4 & X86_CR4_PAE)) {
		return report(c, GUEST_CR4, cr4, "SDM 27.3.1.1: an IA-32e mode guest needs CR4.PAE=1");
	}
	if (!ia32e_guest(c) && (cr4 & X86_CR4_PCIDE)) {
		return report(c, GUEST_CR4, cr4, "SDM 27.3.1.1: CR4.PCIDE must be 0 unless the guest is IA-32e mode");
	}
	v = rd(c, GUEST_CR3);
	if (!within_pa(c, v)) {
		return report(c, GUEST_CR3, v,
			      "SDM 27.3.1.1: guest CR3 must not set bits beyond the physical-address width");
	}
	v = rd(c, GUEST_DR7);
	if ((c->entry & VM_ENTRY_LOAD_DEBUG_CONTROLS) && (v & DR7_RESERVED_HIGH)) {
		return report(c, GUEST_DR7, v, "SDM 27.3.1.1: guest DR7 bits 63:32 must be 0 (load debug controls)");
	}
	return 0;
}

static int check_guest_efer(struct check_ctx *c, u64 cr0)
{
	u64 efer = rd(c, GUEST_IA32_EFER);
	bool lma = efer & EFER_LMA;

	if (efer & EFER_RESERVED) {
		return report(c, GUEST_IA32_EFER, efer,
			      "SDM 27.3.1.1: guest IA32_EFER reserved bits must be 0 (load IA32_EFER)");
	}
	if (lma != ia32e_guest(c)) {
		return report(c, GUEST_IA32_EFER, efer,
			      "SDM 27.3.1.1: guest IA32_EFER.LMA must equal IA-32e mode guest (load IA32_EFER)");
	}
	if ((cr0 & X86_CR0_PG) && !!(efer & EFER_LME) != lma) {
		return report(c, GUEST_IA32_EFER, efer,
			      "SDM 27.3.1.1: guest IA32_EFER.LME must equal LMA when CR0.PG=1 (load IA32_EFER)");
	}
	return 0;
}

static int check_guest_msrs(struct check_ctx *c, u64 cr0)
{
	u64 v = rd(c, GUEST_SYSENTER_ESP);
	int err;

	if (!canonical(c, v)) {
		return report(c, GUEST_SYSENTER_ESP, v, "SDM 27.3.1.1: guest IA32_SYSENTER_ESP must be canonical");
	}
	v = rd(c, GUEST_SYSENTER_EIP);
	if (!canonical(c, v)) {
		return report(c, GUEST_SYSENTER_EIP, v, "SDM 27.3.1.1: guest IA32_SYSENTER_EIP must be canonical");
	}
	/* IA32_PERF_GLOBAL_CTRL reserved bits depend on CPUID leaf 0AH: not checked. */
	if ((c->entry & VM_ENTRY_LOAD_IA32_PAT) && !pat_valid(rd(c, GUEST_IA32_PAT))) {
		return report(c, GUEST_IA32_PAT, rd(c, GUEST_IA32_PAT),
			      "SDM 27.3.1.1: every guest IA32_PAT entry must be 0, 1, 4, 5, 6 or 7 (load IA32_PAT)");
	}
	if (c->entry & VM_ENTRY_LOAD_IA32_EFER) {
		err = check_guest_efer(c, cr0);
		if (err) {
			return err;
		}
	}
	if (!(c->entry & VM_ENTRY_LOAD_BNDCFGS)) {
		return 0;
	}
	v = rd(c, GUEST_BNDCFGS);
	if ((v & BNDCFGS_RESERVED) || !canonical(c, v & BNDCFGS_BASE_MASK)) {
		return report(c, GUEST_BNDCFGS, v,
			      "SDM 27.3.1.1: guest IA32_BNDCFGS bits 11:2 must be 0 and bits 63:12 canonical (load IA32_BNDCFGS)");
	}
	return 0;
}

int check_guest_control_regs(struct check_ctx *c)
{
	u64 cr0 = rd(c, GUEST_CR0), cr4 = rd(c, GUEST_CR4);
	int err;

	err = check_guest_cr0_cr4(c, cr0, cr4);
	if (!err) {
		err = check_guest_mode_regs(c, cr0, cr4);
	}
	if (!err) {
		err = check_guest_msrs(c, cr0);
	}
	return err;
}

/* ---- 27.3.1.3 guest descriptor-table registers ------------------------ */

int check_guest_desc_tables(struct check_ctx *c)
{
	u64 v = rd(c, GUEST_GDTR_BASE);

	if (!canonical(c, v)) {
		return report(c, GUEST_GDTR_BASE, v, "SDM 27.3.1.3: the GDTR base must be canonical");
	}
	v = rd(c, GUEST_IDTR_BASE);
	if (!canonical(c, v)) {
		return report(c, GUEST_IDTR_BASE, v, "SDM 27.3.1.3: the IDTR base must be canonical");
	}
	v = rd(c, GUEST_GDTR_LIMIT);
	if (v & DESC_LIMIT_RESERVED) {
		return report(c, GUEST_GDTR_LIMIT, v, "SDM 27.3.1.3: GDTR limit bits 31:16 must be 0");
	}
	v = rd(c, GUEST_IDTR_LIMIT);
	if (v & DESC_LIMIT_RESERVED) {
		return report(c, GUEST_IDTR_LIMIT, v, "SDM 27.3.1.3: IDTR limit bits 31:16 must be 0");
	}
	return 0;
}

/* ---- 27.3.1.4 guest RIP and RFLAGS ------------------------------------ */

static bool injecting(const struct check_ctx *c, u64 type)
{
	return (c->intr_info & INTR_INFO_VALID) && INTR_INFO_TYPE(c->intr_info) == type;
}

int check_guest_rip_rflags(struct check_ctx *c)
{
	bool cs_l = rd(c, GUEST_CS_AR_BYTES) & VMX_AR_L;
	u64 rip = rd(c, GUEST_RIP), rflags = rd(c, GUEST_RFLAGS);

	if (!(ia32e_guest(c) && cs_l) && (rip & HIGH32_MASK)) {
		return report(c, GUEST_RIP, rip,
			      "SDM 27.3.1.4: RIP bits 63:32 must be 0 unless the guest is IA-32e mode with CS.L=1");
	}
	if (ia32e_guest(c) && cs_l && !canonical(c, rip)) {
		return report(c, GUEST_RIP, rip, "SDM 27.3.1.4: RIP must be canonical in 64-bit mode");
	}
	if (rflags & X86_RFLAGS_RESERVED) {
		return report(c, GUEST_RFLAGS, rflags, "SDM 27.3.1.4: RFLAGS bits 63:22, 15, 5 and 3 must be 0");
	}
	if (!(rflags & X86_RFLAGS_FIXED1)) {
		return report(c, GUEST_RFLAGS, rflags, "SDM 27.3.1.4: RFLAGS bit 1 must be 1");
	}
	if ((rflags & X86_RFLAGS_VM) && (ia32e_guest(c) || !(rd(c, GUEST_CR0) & X86_CR0_PE))) {
		return report(c, GUEST_RFLAGS, rflags,
			      "SDM 27.3.1.4: RFLAGS.VM must be 0 in an IA-32e mode guest or with CR0.PE=0");
	}
	if (injecting(c, INTR_TYPE_EXT_INTR) && !(rflags & X86_RFLAGS_IF)) {
		return report(c, GUEST_RFLAGS, rflags,
			      "SDM 27.3.1.4: RFLAGS.IF must be 1 when injecting an external interrupt");
	}
	return 0;
}

/* ---- 27.3.1.5 guest non-register state -------------------------------- */

static bool activity_supported(const struct check_ctx *c, u64 state)
{
	switch (state) {
	case GUEST_ACTIVITY_ACTIVE:
		return true;
	case GUEST_ACTIVITY_HLT:
		return c->caps->misc & VMX_MISC_ACTIVITY_HLT;
	case GUEST_ACTIVITY_SHUTDOWN:
		return c->caps->misc & VMX_MISC_ACTIVITY_SHUTDOWN;
	case GUEST_ACTIVITY_WAIT_SIPI:
		return c->caps->misc & VMX_MISC_ACTIVITY_WAIT_SIPI;
	default:
		return false;
	}
}

/* May the event in the VM-entry interruption information be injected in this state? */
static bool event_allowed_in(u64 state, u64 info)
{
	u64 type = INTR_INFO_TYPE(info), vector = info & INTR_INFO_VECTOR_MASK;
	bool hw = type == INTR_TYPE_HARD_EXCEPTION;

	switch (state) {
	case GUEST_ACTIVITY_HLT:
		return type == INTR_TYPE_EXT_INTR || type == INTR_TYPE_NMI ||
		       (hw && (vector == X86_TRAP_DB || vector == X86_TRAP_MC)) ||
		       (type == INTR_TYPE_OTHER_EVENT && vector == INTR_OTHER_EVENT_PENDING_MTF);
	case GUEST_ACTIVITY_SHUTDOWN:
		return type == INTR_TYPE_NMI || (hw && vector == X86_TRAP_MC);
	case GUEST_ACTIVITY_WAIT_SIPI:
		return false;
	default:
		return true;
	}
}

static int check_activity_state(struct check_ctx *c, u64 intr_state)
{
	u64 state = rd(c, GUEST_ACTIVITY_STATE);

	if (!activity_supported(c, state)) {
		return report(c, GUEST_ACTIVITY_STATE, state,
			      "SDM 27.3.1.5: activity state must be 0-3 and supported in IA32_VMX_MISC bits 8:6");
	}
	if (state == GUEST_ACTIVITY_HLT && VMX_AR_DPL(rd(c, GUEST_SS_AR_BYTES)) != 0) {
		return report(c, GUEST_ACTIVITY_STATE, state, "SDM 27.3.1.5: activity state HLT requires SS.DPL=0");
	}
	if (state != GUEST_ACTIVITY_ACTIVE &&
	    (intr_state & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))) {
		return report(c, GUEST_ACTIVITY_STATE, state,
			      "SDM 27.3.1.5: activity state must be active with blocking by STI or MOV SS");
	}
	if ((c->intr_info & INTR_INFO_VALID) && !event_allowed_in(state, c->intr_info)) {
		return report(c, GUEST_ACTIVITY_STATE, state,
			      "SDM 27.3.1.5: the injected event would be blocked in this activity state");
	}
	/* "Entry to SMM" with wait-for-SIPI: entry to SMM was already refused in 27.2.1.3. */
	return 0;
}

static int check_intr_state_events(struct check_ctx *c, u64 s)
{
	if (injecting(c, INTR_TYPE_EXT_INTR) &&
	    (s & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))) {
		return report(c, GUEST_INTERRUPTIBILITY_INFO, s,
			      "SDM 27.3.1.5: no blocking by STI or MOV SS when injecting an external interrupt");
	}
	if (injecting(c, INTR_TYPE_NMI) && (s & GUEST_INTR_STATE_MOV_SS)) {
		return report(c, GUEST_INTERRUPTIBILITY_INFO, s,
			      "SDM 27.3.1.5: no blocking by MOV SS when injecting an NMI");
	}
	if (s & GUEST_INTR_STATE_SMI) {
		return report(c, GUEST_INTERRUPTIBILITY_INFO, s,
			      "SDM 27.3.1.5: blocking by SMI (bit 2) must be 0 outside SMM");
	}
	/* "A processor may require" this one: checked, as some do. */
	if (injecting(c, INTR_TYPE_NMI) && (s & GUEST_INTR_STATE_STI)) {
		return report(c, GUEST_INTERRUPTIBILITY_INFO, s,
			      "SDM 27.3.1.5: no blocking by STI when injecting an NMI (required by some processors)");
	}
	if ((c->pin & PIN_BASED_VIRTUAL_NMIS) && injecting(c, INTR_TYPE_NMI) &&
	    (s & GUEST_INTR_STATE_NMI)) {
		return report(c, GUEST_INTERRUPTIBILITY_INFO, s,
			      "SDM 27.3.1.5: no blocking by NMI when injecting an NMI with virtual NMIs");
	}
	/* Whether the CPU has SGX is not in struct vmx_caps: only the MOV SS half is checked. */
	if ((s & GUEST_INTR_STATE_ENCLAVE) && (s & GUEST_INTR_STATE_MOV_SS)) {
		return report(c, GUEST_INTERRUPTIBILITY_INFO, s,
			      "SDM 27.3.1.5: enclave interruption (bit 4) excludes blocking by MOV SS");
	}
	return 0;
}

static int check_intr_state(struct check_ctx *c, u64 s)
{
	if (s & GUEST_INTR_STATE_RESERVED) {
		return report(c, GUEST_INTERRUPTIBILITY_INFO, s,
			      "SDM 27.3.1.5: interruptibility-state bits 31:5 are reserved");
	}
	if ((s & GUEST_INTR_STATE_STI) && (s & GUEST_INTR_STATE_MOV_SS)) {
		return report(c, GUEST_INTERRUPTIBILITY_INFO, s,
			      "SDM 27.3.1.5: blocking by STI and by MOV SS cannot both be 1");
	}
	if ((s & GUEST_INTR_STATE_STI) && !(rd(c, GUEST_RFLAGS) & X86_RFLAGS_IF)) {
		return report(c, GUEST_INTERRUPTIBILITY_INFO, s,
			      "SDM 27.3.1.5: blocking by STI requires RFLAGS.IF=1");
	}
	return check_intr_state_events(c, s);
}

static int check_pending_dbg_bs(struct check_ctx *c, u64 pdbg, u64 intr_state)
{
	bool tf = rd(c, GUEST_RFLAGS) & X86_RFLAGS_TF;
	bool btf = rd(c, GUEST_IA32_DEBUGCTL) & DEBUGCTL_BTF;
	bool bs = pdbg & PENDING_DBG_BS;
	bool blocked = (intr_state & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) ||
		       rd(c, GUEST_ACTIVITY_STATE) == GUEST_ACTIVITY_HLT;

	if (blocked && tf && !btf && !bs) {
		return report(c, GUEST_PENDING_DBG_EXCEPTIONS, pdbg,
			      "SDM 27.3.1.5: BS (bit 14) must be 1 when RFLAGS.TF=1 and DEBUGCTL.BTF=0 under STI/MOV SS blocking or HLT");
	}
	if (blocked && (!tf || btf) && bs) {
		return report(c, GUEST_PENDING_DBG_EXCEPTIONS, pdbg,
			      "SDM 27.3.1.5: BS (bit 14) must be 0 when RFLAGS.TF=0 or DEBUGCTL.BTF=1 under STI/MOV SS blocking or HLT");
	}
	return 0;
}

static int check_pending_dbg(struct check_ctx *c, u64 intr_state)
{
	u64 pdbg = rd(c, GUEST_PENDING_DBG_EXCEPTIONS);
	int err;

	if (pdbg & PENDING_DBG_RESERVED) {
		return report(c, GUEST_PENDING_DBG_EXCEPTIONS, pdbg,
			      "SDM 27.3.1.5: pending debug exceptions bits 11:4, 13, 15 and 63:17 must be 0");
	}
	err = check_pending_dbg_bs(c, pdbg, intr_state);
	if (err || !(pdbg & PENDING_DBG_RTM)) {
		return err;
	}
	/* Whether the CPU has RTM is not in struct vmx_caps: not checked. */
	if ((pdbg & PENDING_DBG_RTM_ZERO) || !(pdbg & PENDING_DBG_ENABLED_BP) ||
	    (intr_state & GUEST_INTR_STATE_MOV_SS)) {
		return report(c, GUEST_PENDING_DBG_EXCEPTIONS, pdbg,
			      "SDM 27.3.1.5: with RTM (bit 16) set, bits 11:0 and 15:13 must be 0, bit 12 1, and no MOV SS blocking");
	}
	return 0;
}

static int check_vmcs_link(struct check_ctx *c)
{
	u64 link = rd(c, VMCS_LINK_POINTER);

	if (link == VMCS_LINK_POINTER_NONE) {
		return 0;
	}
	/* The revision id and shadow indicator at the pointer need memory: not checked. */
	if (!IS_ALIGNED(link, VMX_PAGE_ALIGN) || !within_pa(c, link)) {
		return report(c, VMCS_LINK_POINTER, link,
			      "SDM 27.3.1.5: the VMCS link pointer must be all ones, or 4-KByte aligned within the physical-address width");
	}
	return 0;
}

int check_guest_non_register(struct check_ctx *c)
{
	u64 intr_state = rd(c, GUEST_INTERRUPTIBILITY_INFO);
	int err;

	err = check_activity_state(c, intr_state);
	if (!err) {
		err = check_intr_state(c, intr_state);
	}
	if (!err) {
		err = check_pending_dbg(c, intr_state);
	}
	if (!err) {
		err = check_vmcs_link(c);
	}
	return err;
}

/* ---- 27.3.1.6 guest PDPTEs -------------------------------------------- */

static const enum vmcs_field pdpte_fields[PAE_PDPTE_COUNT] = {
	GUEST_PDPTR0, GUEST_PDPTR1, GUEST_PDPTR2, GUEST_PDPTR3,
};

int check_guest_pdptes(struct check_ctx *c)
{
	bool pae = (rd(c, GUEST_CR0) & X86_CR0_PG) && (rd(c, GUEST_CR4) & X86_CR4_PAE) &&
		   !ia32e_guest(c);
	size_t i;

	/* Without EPT the PDPTEs come from guest memory through CR3: not checked. */
	if (!pae || !(c->proc2 & SECONDARY_EPT)) {
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(pdpte_fields); i++) {
		u64 e = rd(c, pdpte_fields[i]);

		if ((e & PDPTE_P) && ((e & PDPTE_RESERVED_LOW) || !within_pa(c, e))) {
			return report(c, pdpte_fields[i], e,
				      "SDM 27.3.1.6: a present PDPTE must have bits 2:1, 8:5 and those beyond the physical-address width 0");
		}
	}
	return 0;
}
