/*
 * The pre-entry checker: the VM-entry checks on the VMX controls, the host
 * state and the guest state that can be made from VMCS fields alone, in the
 * order the SDM lists them; the first failure is reported with its field.
 *
 * Section numbers cite Intel SDM Vol. 3C in the editions where Chapter 25 is
 * "Virtual Machine Control Structures" and Chapter 27 "VM Entries", as the
 * rest of slotvisor does (Appendix A, the capability MSRs, is in Vol. 3D).
 * Newer editions number these chapters 26 and 28 (27.3.1.2 is 28.3.1.2
 * there); older ones 24 and 26.
 *
 * Not checked, and why (each is also noted where it would go):
 *  - 27.1 (VMLAUNCH of a launched VMCS, VMRESUME of a clear one, ...): the
 *    state of the VMX instruction, not of the VMCS.
 *  - Anything that needs memory the checker does not read: TPR threshold
 *    against VTPR in the virtual-APIC page (27.2.1.1); the revision id and
 *    shadow indicator at the VMCS link pointer (27.3.1.5); the guest PDPTEs
 *    when EPT is off (27.3.1.6: they come from guest memory through CR3).
 *  - Anything that needs a capability struct vmx_caps does not hold: the
 *    IA32_PERF_GLOBAL_CTRL reserved bits (CPUID leaf 0AH), RTM and SGX
 *    support for the RTM and enclave bits, the IA32_VMX_VMFUNC bits (only
 *    EPTP switching is defined, so bits 63:1 are treated as reserved), the
 *    tertiary controls (IA32_VMX_PROCBASED_CTLS3).
 *  - Fields not in enum vmcs_field: SPPTP, ENCLS/ENCLV-exiting bitmaps,
 *    CET, PKRS, IA32_RTIT_CTL and LBR state (controls for them are still
 *    checked against the capability MSRs, and Bochs offers none of them).
 *  - The host is taken to be in IA-32e mode (slotvisor is 64-bit), so of
 *    27.2.4 only the "host address-space size = 1" branch applies, and the
 *    entry to SMM (never made outside SMM) is rejected outright.
 * "Canonical" uses 57-bit linear addresses where CR4.LA57 may be 1 in VMX
 * operation (IA32_VMX_CR4_FIXED1 bit 12), 48 bits otherwise.
 */
#include "check_internal.h"

/* ---- the whole sequence ----------------------------------------------- */

static int (*const vmentry_checks[])(struct check_ctx *c) = {
	check_exec_ctl_words,		/* 27.2.1.1 */
	check_exec_bitmaps,
	check_exec_tpr_shadow,
	check_exec_nmi,
	check_exec_apic_virt,
	check_exec_ept_vpid,
	check_exec_vmfunc,
	check_exec_shadowing_ve,
	check_exit_controls,		/* 27.2.1.2 */
	check_entry_controls,		/* 27.2.1.3 */
	check_host_control_regs,	/* 27.2.2 */
	check_host_segments,		/* 27.2.3 */
	check_host_addr_size,		/* 27.2.4 */
	check_guest_control_regs,	/* 27.3.1.1 */
	check_guest_segments,		/* 27.3.1.2 */
	check_guest_desc_tables,	/* 27.3.1.3 */
	check_guest_rip_rflags,		/* 27.3.1.4 */
	check_guest_non_register,	/* 27.3.1.5 */
	check_guest_pdptes,		/* 27.3.1.6 */
};

/* Run every check in the SDM's order; 0, or -EINVAL with the first failure in *fail. */
int vmx_check_vmentry(const struct vmcs_reader *r, const struct vmx_caps *caps,
		      unsigned int maxphyaddr, struct vmx_check_failure *fail)
{
	struct vmx_check_failure unused;
	struct check_ctx c = {
		.r = r,
		.caps = caps,
		.maxphyaddr = maxphyaddr,
		.va_bits = (caps->cr4_fixed1 & X86_CR4_LA57) ? VA_BITS_5LEVEL : VA_BITS_4LEVEL,
		.fail = fail ? fail : &unused,
	};
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(vmentry_checks); i++) {
		err = vmentry_checks[i](&c);
		if (err) {
			return err;
		}
	}
	return 0;
}

/* Print one "vmx: entry check failed: FIELD = 0x... (rule)" line. */
void vmx_check_print(const struct vmx_check_failure *fail)
{
	kprintf("vmx: entry check failed: %s = 0x%llx (%s)\n", vmcs_field_name(fail->field),
		fail->value, fail->rule);
}
