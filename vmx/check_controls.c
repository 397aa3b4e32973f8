/*
 * The pre-entry checker (vmx/check.c): the VMX controls, SDM Vol. 3C 27.2.1.
 */
#include "check_internal.h"

/* ---- 27.2.1.1 VM-execution control fields ----------------------------- */

int check_exec_ctl_words(struct check_ctx *c)
{
	int err;

	c->pin = rd(c, PIN_BASED_VM_EXEC_CONTROL);
	err = check_ctl(c, PIN_BASED_VM_EXEC_CONTROL, c->pin, c->caps->pinbased,
			"SDM 27.2.1.1: pin-based controls must set every bit the (TRUE_)PINBASED_CTLS allowed-0 settings require (A.3.1)",
			"SDM 27.2.1.1: pin-based controls set a bit the (TRUE_)PINBASED_CTLS allowed-1 settings forbid (A.3.1)");
	if (err) {
		return err;
	}
	c->proc = rd(c, CPU_BASED_VM_EXEC_CONTROL);
	err = check_ctl(c, CPU_BASED_VM_EXEC_CONTROL, c->proc, c->caps->procbased,
			"SDM 27.2.1.1: primary processor-based controls must set every bit the (TRUE_)PROCBASED_CTLS allowed-0 settings require (A.3.2)",
			"SDM 27.2.1.1: primary processor-based controls set a bit the (TRUE_)PROCBASED_CTLS allowed-1 settings forbid (A.3.2)");
	if (err) {
		return err;
	}
	/* With "activate secondary controls" 0 they are all treated as 0. */
	c->proc2 = 0;
	if (!(c->proc & CPU_BASED_ACTIVATE_SECONDARY)) {
		return 0;
	}
	c->proc2 = rd(c, SECONDARY_VM_EXEC_CONTROL);
	return check_ctl(c, SECONDARY_VM_EXEC_CONTROL, c->proc2, c->caps->procbased2,
			 "SDM 27.2.1.1: secondary processor-based controls must set every bit PROCBASED_CTLS2 allowed-0 requires (A.3.3)",
			 "SDM 27.2.1.1: secondary processor-based controls set a bit PROCBASED_CTLS2 allowed-1 forbids (A.3.3)");
}

static const struct addr_rule io_bitmap_rule =
	ADDR_RULE("27.2.1.1", "I/O-bitmap addresses", "4-KByte");
static const struct addr_rule msr_bitmap_rule =
	ADDR_RULE("27.2.1.1", "the MSR-bitmap address", "4-KByte");

int check_exec_bitmaps(struct check_ctx *c)
{
	u64 count = rd(c, CR3_TARGET_COUNT);
	int err;

	if (count > VMX_MISC_CR3_TARGETS(c->caps->misc)) {
		return report(c, CR3_TARGET_COUNT, count,
			      "SDM 27.2.1.1: CR3-target count must not exceed 4 (IA32_VMX_MISC bits 24:16)");
	}
	if (c->proc & CPU_BASED_USE_IO_BITMAPS) {
		err = check_addr(c, IO_BITMAP_A, VMX_PAGE_ALIGN, &io_bitmap_rule);
		if (!err) {
			err = check_addr(c, IO_BITMAP_B, VMX_PAGE_ALIGN, &io_bitmap_rule);
		}
		if (err) {
			return err;
		}
	}
	if (c->proc & CPU_BASED_USE_MSR_BITMAPS) {
		return check_addr(c, MSR_BITMAP, VMX_PAGE_ALIGN, &msr_bitmap_rule);
	}
	return 0;
}

static const struct addr_rule vapic_rule =
	ADDR_RULE("27.2.1.1", "the virtual-APIC address (use TPR shadow)", "4-KByte");

int check_exec_tpr_shadow(struct check_ctx *c)
{
	u64 tpr;
	int err;

	if (!(c->proc & CPU_BASED_TPR_SHADOW)) {
		if (c->proc2 & (SECONDARY_VIRT_X2APIC_MODE | SECONDARY_APIC_REGISTER_VIRT |
				SECONDARY_VIRT_INTR_DELIVERY)) {
			return report(c, SECONDARY_VM_EXEC_CONTROL, c->proc2,
				      "SDM 27.2.1.1: virtualize x2APIC mode, APIC-register virtualization and virtual-interrupt delivery require use TPR shadow");
		}
		return 0;
	}
	err = check_addr(c, VIRTUAL_APIC_PAGE_ADDR, VMX_PAGE_ALIGN, &vapic_rule);
	if (err) {
		return err;
	}
	if (c->proc2 & SECONDARY_VIRT_INTR_DELIVERY) {
		return 0;
	}
	/* TPR threshold bits 3:0 against VTPR needs the virtual-APIC page: not checked. */
	tpr = rd(c, TPR_THRESHOLD);
	if (tpr & TPR_THRESHOLD_RESERVED) {
		return report(c, TPR_THRESHOLD, tpr,
			      "SDM 27.2.1.1: TPR threshold bits 31:4 must be 0 with use TPR shadow and no virtual-interrupt delivery");
	}
	return 0;
}

int check_exec_nmi(struct check_ctx *c)
{
	if (!(c->pin & PIN_BASED_NMI_EXITING) && (c->pin & PIN_BASED_VIRTUAL_NMIS)) {
		return report(c, PIN_BASED_VM_EXEC_CONTROL, c->pin,
			      "SDM 27.2.1.1: virtual NMIs requires NMI exiting");
	}
	if (!(c->pin & PIN_BASED_VIRTUAL_NMIS) && (c->proc & CPU_BASED_NMI_WINDOW_EXITING)) {
		return report(c, CPU_BASED_VM_EXEC_CONTROL, c->proc,
			      "SDM 27.2.1.1: NMI-window exiting requires virtual NMIs");
	}
	return 0;
}

static const struct addr_rule apic_access_rule =
	ADDR_RULE("27.2.1.1", "the APIC-access address", "4-KByte");
static const struct addr_rule pi_desc_rule =
	ADDR_RULE("27.2.1.1", "the posted-interrupt descriptor address", "64-byte");

static int check_exec_posted_intr(struct check_ctx *c)
{
	u64 nv, exit;

	if (!(c->pin & PIN_BASED_POSTED_INTR)) {
		return 0;
	}
	if (!(c->proc2 & SECONDARY_VIRT_INTR_DELIVERY)) {
		return report(c, PIN_BASED_VM_EXEC_CONTROL, c->pin,
			      "SDM 27.2.1.1: process posted interrupts requires virtual-interrupt delivery");
	}
	/* The VM-exit controls are checked in 27.2.1.2; this rule is listed here. */
	exit = rd(c, VM_EXIT_CONTROLS);
	if (!(exit & VM_EXIT_ACK_INTR_ON_EXIT)) {
		return report(c, VM_EXIT_CONTROLS, exit,
			      "SDM 27.2.1.1: process posted interrupts requires acknowledge interrupt on exit");
	}
	nv = rd(c, POSTED_INTR_NV);
	if (nv & POSTED_INTR_NV_RESERVED) {
		return report(c, POSTED_INTR_NV, nv,
			      "SDM 27.2.1.1: posted-interrupt notification vector bits 15:8 must be 0");
	}
	return check_addr(c, POSTED_INTR_DESC_ADDR, POSTED_INTR_DESC_ALIGN, &pi_desc_rule);
}

int check_exec_apic_virt(struct check_ctx *c)
{
	int err;

	if (c->proc2 & SECONDARY_VIRT_APIC_ACCESSES) {
		err = check_addr(c, APIC_ACCESS_ADDR, VMX_PAGE_ALIGN, &apic_access_rule);
		if (err) {
			return err;
		}
	}
	if ((c->proc2 & SECONDARY_VIRT_X2APIC_MODE) && (c->proc2 & SECONDARY_VIRT_APIC_ACCESSES)) {
		return report(c, SECONDARY_VM_EXEC_CONTROL, c->proc2,
			      "SDM 27.2.1.1: virtualize x2APIC mode and virtualize APIC accesses cannot both be 1");
	}
	if ((c->proc2 & SECONDARY_VIRT_INTR_DELIVERY) && !(c->pin & PIN_BASED_EXT_INTR_EXITING)) {
		return report(c, PIN_BASED_VM_EXEC_CONTROL, c->pin,
			      "SDM 27.2.1.1: virtual-interrupt delivery requires external-interrupt exiting");
	}
	return check_exec_posted_intr(c);
}

static bool eptp_memtype_ok(u64 eptp, u64 cap)
{
	u64 mt = eptp & VMX_EPTP_MT_MASK;

	return (mt == VMX_EPTP_MT_UC && (cap & EPT_CAP_MEMTYPE_UC)) ||
	       (mt == VMX_EPTP_MT_WB && (cap & EPT_CAP_MEMTYPE_WB));
}

static bool eptp_walk_ok(u64 eptp, u64 cap)
{
	u64 pwl = eptp & VMX_EPTP_PWL_MASK;

	return (pwl == VMX_EPTP_PWL_4 && (cap & EPT_CAP_WALK_4)) ||
	       (pwl == VMX_EPTP_PWL_5 && (cap & EPT_CAP_WALK_5));
}

static int check_eptp(struct check_ctx *c)
{
	u64 eptp = rd(c, EPT_POINTER), cap = c->caps->ept_vpid;

	if (!eptp_memtype_ok(eptp, cap)) {
		return report(c, EPT_POINTER, eptp,
			      "SDM 27.2.1.1: EPTP memory type (bits 2:0) must be UC (0) or WB (6) as IA32_VMX_EPT_VPID_CAP allows");
	}
	if (!eptp_walk_ok(eptp, cap)) {
		return report(c, EPT_POINTER, eptp,
			      "SDM 27.2.1.1: EPTP bits 5:3 must be a supported page-walk length minus 1 (3: 4-level)");
	}
	if ((eptp & VMX_EPTP_AD) && !(cap & EPT_CAP_AD)) {
		return report(c, EPT_POINTER, eptp,
			      "SDM 27.2.1.1: EPTP bit 6 (accessed/dirty flags) must be 0 when IA32_VMX_EPT_VPID_CAP bit 21 is 0");
	}
	if (eptp & VMX_EPTP_RESERVED_11_7) {
		return report(c, EPT_POINTER, eptp, "SDM 27.2.1.1: EPTP reserved bits 11:7 must be 0");
	}
	if (!within_pa(c, eptp)) {
		return report(c, EPT_POINTER, eptp,
			      "SDM 27.2.1.1: EPTP must not set bits beyond the physical-address width");
	}
	return 0;
}

static const struct addr_rule pml_rule = ADDR_RULE("27.2.1.1", "the PML address", "4-KByte");

/* Secondary controls other than PML that require "enable EPT", in the SDM's order. */
static const struct {
	u64 bit;
	const char *rule;
} needs_ept[] = {
	{ SECONDARY_UNRESTRICTED_GUEST, "SDM 27.2.1.1: unrestricted guest requires enable EPT" },
	{ SECONDARY_MODE_BASED_EPT_EXEC, "SDM 27.2.1.1: mode-based execute control for EPT requires enable EPT" },
	{ SECONDARY_SUBPAGE_WRITE_EPT, "SDM 27.2.1.1: sub-page write permissions for EPT requires enable EPT" },
	{ SECONDARY_PT_USE_GPA, "SDM 27.2.1.1: Intel PT uses guest physical addresses requires enable EPT" },
};

static int check_exec_pml(struct check_ctx *c)
{
	if (!(c->proc2 & SECONDARY_ENABLE_PML)) {
		return 0;
	}
	if (!(c->proc2 & SECONDARY_EPT)) {
		return report(c, SECONDARY_VM_EXEC_CONTROL, c->proc2,
			      "SDM 27.2.1.1: enable PML requires enable EPT");
	}
	return check_addr(c, PML_ADDRESS, VMX_PAGE_ALIGN, &pml_rule);
}

int check_exec_ept_vpid(struct check_ctx *c)
{
	size_t i;
	int err;

	if ((c->proc2 & SECONDARY_VPID) && rd(c, VIRTUAL_PROCESSOR_ID) == 0) {
		return report(c, VIRTUAL_PROCESSOR_ID, 0,
			      "SDM 27.2.1.1: the VPID must not be 0 when enable VPID is 1");
	}
	err = (c->proc2 & SECONDARY_EPT) ? check_eptp(c) : 0;
	if (!err) {
		err = check_exec_pml(c);
	}
	if (err) {
		return err;
	}
	for (i = 0; i < ARRAY_SIZE(needs_ept); i++) {
		if ((c->proc2 & needs_ept[i].bit) && !(c->proc2 & SECONDARY_EPT)) {
			return report(c, SECONDARY_VM_EXEC_CONTROL, c->proc2, needs_ept[i].rule);
		}
	}
	/* The SPPTP is not in enum vmcs_field: not checked. */
	return 0;
}

static const struct addr_rule eptp_list_rule =
	ADDR_RULE("27.2.1.1", "the EPTP-list address", "4-KByte");
static const struct addr_rule vmread_bitmap_rule =
	ADDR_RULE("27.2.1.1", "the VMREAD-bitmap address", "4-KByte");
static const struct addr_rule vmwrite_bitmap_rule =
	ADDR_RULE("27.2.1.1", "the VMWRITE-bitmap address", "4-KByte");
static const struct addr_rule ve_info_rule =
	ADDR_RULE("27.2.1.1", "the virtualization-exception information address", "4-KByte");

int check_exec_vmfunc(struct check_ctx *c)
{
	u64 vmfunc;

	if (!(c->proc2 & SECONDARY_ENABLE_VMFUNC)) {
		return 0;
	}
	vmfunc = rd(c, VM_FUNCTION_CONTROL);
	if (vmfunc & ~VMFUNC_EPTP_SWITCHING) {
		return report(c, VM_FUNCTION_CONTROL, vmfunc,
			      "SDM 27.2.1.1: VM-function controls bits 63:1 are reserved (only EPTP switching exists)");
	}
	if (!(vmfunc & VMFUNC_EPTP_SWITCHING)) {
		return 0;
	}
	if (!(c->proc2 & SECONDARY_EPT)) {
		return report(c, VM_FUNCTION_CONTROL, vmfunc,
			      "SDM 27.2.1.1: EPTP switching requires enable EPT");
	}
	return check_addr(c, EPTP_LIST_ADDRESS, VMX_PAGE_ALIGN, &eptp_list_rule);
}

int check_exec_shadowing_ve(struct check_ctx *c)
{
	int err;

	if (c->proc2 & SECONDARY_VMCS_SHADOWING) {
		err = check_addr(c, VMREAD_BITMAP, VMX_PAGE_ALIGN, &vmread_bitmap_rule);
		if (!err) {
			err = check_addr(c, VMWRITE_BITMAP, VMX_PAGE_ALIGN, &vmwrite_bitmap_rule);
		}
		if (err) {
			return err;
		}
	}
	if (c->proc2 & SECONDARY_EPT_VIOLATION_VE) {
		return check_addr(c, VE_INFO_ADDRESS, VMX_PAGE_ALIGN, &ve_info_rule);
	}
	/* ENCLS/ENCLV-exiting bitmaps are not in enum vmcs_field: not checked. */
	return 0;
}

/* ---- 27.2.1.2 VM-exit control fields ---------------------------------- */

/* A VM-exit or VM-entry MSR area: 16-byte aligned, its last byte within the width. */
static int check_msr_area(struct check_ctx *c, enum vmcs_field count_f, enum vmcs_field addr_f,
			  const struct addr_rule *rule)
{
	u64 count = rd(c, count_f), addr;
	int err;

	if (count == 0) {
		return 0;
	}
	err = check_addr(c, addr_f, VMX_MSR_ENTRY_SIZE, rule);
	if (err) {
		return err;
	}
	addr = rd(c, addr_f);
	if (!within_pa(c, addr + count * VMX_MSR_ENTRY_SIZE - 1)) {
		return report(c, addr_f, addr, rule->width);
	}
	return 0;
}

static const struct addr_rule exit_store_rule =
	ADDR_RULE("27.2.1.2", "the VM-exit MSR-store area (address to last byte)", "16-byte");
static const struct addr_rule exit_load_rule =
	ADDR_RULE("27.2.1.2", "the VM-exit MSR-load area (address to last byte)", "16-byte");

int check_exit_controls(struct check_ctx *c)
{
	int err;

	c->exit = rd(c, VM_EXIT_CONTROLS);
	err = check_ctl(c, VM_EXIT_CONTROLS, c->exit, c->caps->exit,
			"SDM 27.2.1.2: VM-exit controls must set every bit the (TRUE_)EXIT_CTLS allowed-0 settings require (A.4)",
			"SDM 27.2.1.2: VM-exit controls set a bit the (TRUE_)EXIT_CTLS allowed-1 settings forbid (A.4)");
	if (err) {
		return err;
	}
	if ((c->exit & VM_EXIT_SAVE_PREEMPTION_TIMER) && !(c->pin & PIN_BASED_PREEMPTION_TIMER)) {
		return report(c, VM_EXIT_CONTROLS, c->exit,
			      "SDM 27.2.1.2: save VMX-preemption timer value requires activate VMX-preemption timer");
	}
	err = check_msr_area(c, VM_EXIT_MSR_STORE_COUNT, VM_EXIT_MSR_STORE_ADDR, &exit_store_rule);
	if (err) {
		return err;
	}
	return check_msr_area(c, VM_EXIT_MSR_LOAD_COUNT, VM_EXIT_MSR_LOAD_ADDR, &exit_load_rule);
}

/* ---- 27.2.1.3 VM-entry control fields --------------------------------- */

static bool vector_has_error_code(const struct check_ctx *c, u64 vector)
{
	switch (vector) {
	case X86_TRAP_DF:
	case X86_TRAP_TS:
	case X86_TRAP_NP:
	case X86_TRAP_SS:
	case X86_TRAP_GP:
	case X86_TRAP_PF:
	case X86_TRAP_AC:
		return true;
	case X86_TRAP_CP:
		/* #CP exists only where CET does (CR4.CET allowed in VMX operation). */
		return c->caps->cr4_fixed1 & X86_CR4_CET;
	default:
		return false;
	}
}

static bool is_soft_event(u64 type)
{
	return type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_PRIV_SOFT_EXCEPTION ||
	       type == INTR_TYPE_SOFT_EXCEPTION;
}

static int check_intr_type_vector(struct check_ctx *c, u64 info)
{
	u64 type = INTR_INFO_TYPE(info), vector = info & INTR_INFO_VECTOR_MASK;

	if (type == INTR_TYPE_RESERVED) {
		return report(c, VM_ENTRY_INTR_INFO_FIELD, info,
			      "SDM 27.2.1.3: interruption type 1 is reserved");
	}
	if (type == INTR_TYPE_OTHER_EVENT &&
	    !vmx_ctl_allows(c->caps->procbased, CPU_BASED_MONITOR_TRAP_FLAG)) {
		return report(c, VM_ENTRY_INTR_INFO_FIELD, info,
			      "SDM 27.2.1.3: interruption type 7 (other event) is reserved without monitor trap flag support");
	}
	if (type == INTR_TYPE_NMI && vector != X86_TRAP_NMI) {
		return report(c, VM_ENTRY_INTR_INFO_FIELD, info,
			      "SDM 27.2.1.3: an injected NMI must have vector 2");
	}
	if (type == INTR_TYPE_HARD_EXCEPTION && vector >= X86_NR_EXCEPTIONS) {
		return report(c, VM_ENTRY_INTR_INFO_FIELD, info,
			      "SDM 27.2.1.3: an injected hardware exception must have a vector of at most 31");
	}
	if (type == INTR_TYPE_OTHER_EVENT && vector != INTR_OTHER_EVENT_PENDING_MTF) {
		return report(c, VM_ENTRY_INTR_INFO_FIELD, info,
			      "SDM 27.2.1.3: an injected other event must have vector 0 (pending MTF)");
	}
	return 0;
}

static int check_intr_error_code(struct check_ctx *c, u64 info)
{
	u64 type = INTR_INFO_TYPE(info), vector = info & INTR_INFO_VECTOR_MASK, code;
	bool pm = !ug(c) || (rd(c, GUEST_CR0) & X86_CR0_PE);
	bool want = pm && type == INTR_TYPE_HARD_EXCEPTION && vector_has_error_code(c, vector);

	if (!!(info & INTR_INFO_DELIVER_CODE) != want) {
		return report(c, VM_ENTRY_INTR_INFO_FIELD, info,
			      "SDM 27.2.1.3: deliver-error-code (bit 11) must be 1 exactly for hardware exceptions 8, 10-14 and 17 (21 with CET) in protected mode (CR0.PE=1 or unrestricted guest 0)");
	}
	if (info & INTR_INFO_RESERVED) {
		return report(c, VM_ENTRY_INTR_INFO_FIELD, info,
			      "SDM 27.2.1.3: VM-entry interruption-information bits 30:12 are reserved");
	}
	if (!(info & INTR_INFO_DELIVER_CODE)) {
		return 0;
	}
	code = rd(c, VM_ENTRY_EXCEPTION_ERROR_CODE);
	if (code & VM_ENTRY_ERROR_CODE_RESERVED) {
		return report(c, VM_ENTRY_EXCEPTION_ERROR_CODE, code,
			      "SDM 27.2.1.3: VM-entry exception error code bits 31:16 must be 0");
	}
	return 0;
}

static int check_intr_length(struct check_ctx *c, u64 info)
{
	u64 len, min = (c->caps->misc & VMX_MISC_ZERO_LEN_INJECT) ? 0 : VMX_MIN_INSTRUCTION_LEN;

	if (!is_soft_event(INTR_INFO_TYPE(info))) {
		return 0;
	}
	len = rd(c, VM_ENTRY_INSTRUCTION_LEN);
	if (len < min || len > VMX_MAX_INSTRUCTION_LEN) {
		return report(c, VM_ENTRY_INSTRUCTION_LEN, len,
			      "SDM 27.2.1.3: a software interrupt or exception needs an instruction length of 1-15 (0 if IA32_VMX_MISC bit 30)");
	}
	return 0;
}

static const struct addr_rule entry_load_rule =
	ADDR_RULE("27.2.1.3", "the VM-entry MSR-load area (address to last byte)", "16-byte");

int check_entry_controls(struct check_ctx *c)
{
	int err;

	c->entry = rd(c, VM_ENTRY_CONTROLS);
	err = check_ctl(c, VM_ENTRY_CONTROLS, c->entry, c->caps->entry,
			"SDM 27.2.1.3: VM-entry controls must set every bit the (TRUE_)ENTRY_CTLS allowed-0 settings require (A.5)",
			"SDM 27.2.1.3: VM-entry controls set a bit the (TRUE_)ENTRY_CTLS allowed-1 settings forbid (A.5)");
	if (err) {
		return err;
	}
	c->intr_info = rd(c, VM_ENTRY_INTR_INFO_FIELD);
	if (c->intr_info & INTR_INFO_VALID) {
		err = check_intr_type_vector(c, c->intr_info);
		if (!err) {
			err = check_intr_error_code(c, c->intr_info);
		}
		if (!err) {
			err = check_intr_length(c, c->intr_info);
		}
		if (err) {
			return err;
		}
	}
	err = check_msr_area(c, VM_ENTRY_MSR_LOAD_COUNT, VM_ENTRY_MSR_LOAD_ADDR, &entry_load_rule);
	if (err) {
		return err;
	}
	/* VMLAUNCH/VMRESUME never run in SMM here: both SMM controls must be 0. */
	if (c->entry & (VM_ENTRY_ENTRY_TO_SMM | VM_ENTRY_DEACT_DUAL_MONITOR)) {
		return report(c, VM_ENTRY_CONTROLS, c->entry,
			      "SDM 27.2.1.3: entry to SMM and deactivate dual-monitor treatment must be 0 outside SMM");
	}
	return 0;
}
