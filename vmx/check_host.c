/*
 * The pre-entry checker (vmx/check.c): the host state, SDM Vol. 3C 27.2.2-27.2.4.
 */
#include "check_internal.h"

/* ---- 27.2.2 host control registers and MSRs --------------------------- */

static int check_host_efer(struct check_ctx *c)
{
	u64 efer = rd(c, HOST_IA32_EFER);
	bool hass = c->exit & VM_EXIT_HOST_ADDR_SPACE_SIZE;

	if (efer & EFER_RESERVED) {
		return report(c, HOST_IA32_EFER, efer,
			      "SDM 27.2.2: host IA32_EFER reserved bits must be 0 (load IA32_EFER)");
	}
	if (!!(efer & EFER_LMA) != hass || !!(efer & EFER_LME) != hass) {
		return report(c, HOST_IA32_EFER, efer,
			      "SDM 27.2.2: host IA32_EFER.LMA and LME must equal host address-space size (load IA32_EFER)");
	}
	return 0;
}

int check_host_control_regs(struct check_ctx *c)
{
	const struct vmx_caps *k = c->caps;
	u64 cr0 = rd(c, HOST_CR0), cr4 = rd(c, HOST_CR4), v;
	int err;

	err = check_fixed(c, HOST_CR0, cr0, k->cr0_fixed0, k->cr0_fixed1,
			  "SDM 27.2.2: host CR0 clears a bit IA32_VMX_CR0_FIXED0 fixes to 1 (A.7)",
			  "SDM 27.2.2: host CR0 sets a bit IA32_VMX_CR0_FIXED1 fixes to 0 (A.7)");
	if (!err) {
		err = check_fixed(c, HOST_CR4, cr4, k->cr4_fixed0, k->cr4_fixed1,
				  "SDM 27.2.2: host CR4 clears a bit IA32_VMX_CR4_FIXED0 fixes to 1 (A.8)",
				  "SDM 27.2.2: host CR4 sets a bit IA32_VMX_CR4_FIXED1 fixes to 0 (A.8)");
	}
	if (err) {
		return err;
	}
	if ((cr4 & X86_CR4_CET) && !(cr0 & X86_CR0_WP)) {
		return report(c, HOST_CR0, cr0, "SDM 27.2.2: host CR0.WP must be 1 when host CR4.CET is 1");
	}
	v = rd(c, HOST_CR3);
	if (!within_pa(c, v)) {
		return report(c, HOST_CR3, v,
			      "SDM 27.2.2: host CR3 must not set bits beyond the physical-address width");
	}
	v = rd(c, HOST_IA32_SYSENTER_ESP);
	if (!canonical(c, v)) {
		return report(c, HOST_IA32_SYSENTER_ESP, v,
			      "SDM 27.2.2: host IA32_SYSENTER_ESP must be canonical");
	}
	v = rd(c, HOST_IA32_SYSENTER_EIP);
	if (!canonical(c, v)) {
		return report(c, HOST_IA32_SYSENTER_EIP, v,
			      "SDM 27.2.2: host IA32_SYSENTER_EIP must be canonical");
	}
	/* IA32_PERF_GLOBAL_CTRL reserved bits depend on CPUID leaf 0AH: not checked. */
	if ((c->exit & VM_EXIT_LOAD_IA32_PAT) && !pat_valid(rd(c, HOST_IA32_PAT))) {
		return report(c, HOST_IA32_PAT, rd(c, HOST_IA32_PAT),
			      "SDM 27.2.2: every host IA32_PAT entry must be 0, 1, 4, 5, 6 or 7 (load IA32_PAT)");
	}
	if (c->exit & VM_EXIT_LOAD_IA32_EFER) {
		return check_host_efer(c);
	}
	return 0;
}

/* ---- 27.2.3 host segment and descriptor-table registers --------------- */

static const enum vmcs_field host_selectors[] = {
	HOST_ES_SELECTOR, HOST_CS_SELECTOR, HOST_SS_SELECTOR, HOST_DS_SELECTOR,
	HOST_FS_SELECTOR, HOST_GS_SELECTOR, HOST_TR_SELECTOR,
};

static const enum vmcs_field host_bases[] = {
	HOST_FS_BASE, HOST_GS_BASE, HOST_GDTR_BASE, HOST_IDTR_BASE, HOST_TR_BASE,
};

int check_host_segments(struct check_ctx *c)
{
	size_t i;
	u64 v;

	for (i = 0; i < ARRAY_SIZE(host_selectors); i++) {
		v = rd(c, host_selectors[i]);
		if (v & (SEL_RPL_MASK | SEL_TI)) {
			return report(c, host_selectors[i], v,
				      "SDM 27.2.3: host selectors must have RPL (bits 1:0) and TI (bit 2) 0");
		}
	}
	if (rd(c, HOST_CS_SELECTOR) == 0) {
		return report(c, HOST_CS_SELECTOR, 0, "SDM 27.2.3: the host CS selector must not be 0");
	}
	if (rd(c, HOST_TR_SELECTOR) == 0) {
		return report(c, HOST_TR_SELECTOR, 0, "SDM 27.2.3: the host TR selector must not be 0");
	}
	if (!(c->exit & VM_EXIT_HOST_ADDR_SPACE_SIZE) && rd(c, HOST_SS_SELECTOR) == 0) {
		return report(c, HOST_SS_SELECTOR, 0,
			      "SDM 27.2.3: the host SS selector must not be 0 when host address-space size is 0");
	}
	for (i = 0; i < ARRAY_SIZE(host_bases); i++) {
		v = rd(c, host_bases[i]);
		if (!canonical(c, v)) {
			return report(c, host_bases[i], v,
				      "SDM 27.2.3: host FS, GS, GDTR, IDTR and TR bases must be canonical");
		}
	}
	return 0;
}

/* ---- 27.2.4 address-space size ---------------------------------------- */

int check_host_addr_size(struct check_ctx *c)
{
	u64 v;

	/* slotvisor runs with IA32_EFER.LMA = 1, so the host must be 64-bit. */
	if (!(c->exit & VM_EXIT_HOST_ADDR_SPACE_SIZE)) {
		return report(c, VM_EXIT_CONTROLS, c->exit,
			      "SDM 27.2.4: host address-space size must be 1 when VM entry runs in IA-32e mode");
	}
	v = rd(c, HOST_CR4);
	if (!(v & X86_CR4_PAE)) {
		return report(c, HOST_CR4, v,
			      "SDM 27.2.4: host CR4.PAE must be 1 when host address-space size is 1");
	}
	v = rd(c, HOST_RIP);
	if (!canonical(c, v)) {
		return report(c, HOST_RIP, v,
			      "SDM 27.2.4: host RIP must be canonical when host address-space size is 1");
	}
	return 0;
}
