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
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/trap.h"
#include "compiler.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "vmx/caps.h"
#include "vmx/check.h"
#include "vmx/vmx_bits.h"

/* Architectural bits the checks consult that arch/x86/ does not name (SDM Vol. 3A). */
#define X86_CR4_LA57 BIT(12)
#define X86_CR4_PCIDE BIT(17)
#define X86_CR4_CET BIT(23)
#define X86_RFLAGS_FIXED1 BIT(1)
#define X86_RFLAGS_TF BIT(8)
#define X86_RFLAGS_VM BIT(17)
/* RFLAGS bits 63:22, 15, 5 and 3 are reserved (SDM Vol. 1 3.4.3). */
#define X86_RFLAGS_RESERVED (~0x3fffffULL | BIT(15) | BIT(5) | BIT(3))
/* IA32_EFER: everything but SCE, LME, LMA and NXE is reserved on Intel (SDM Vol. 4 2.1). */
#define EFER_RESERVED (~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
/*
 * IA32_DEBUGCTL (SDM Vol. 3B 17.4.1): bits 63:16 and 5:3 are reserved; bit 2
 * is bus-lock detection on newer processors and is left alone.
 */
#define DEBUGCTL_BTF BIT(1)
#define DEBUGCTL_RESERVED (~0xffffULL | 0x38ULL)
/* Bits 63:32, which DR7, 32-bit bases and RIP outside 64-bit mode must leave 0. */
#define HIGH32_MASK 0xffffffff00000000ULL
#define DR7_RESERVED_HIGH HIGH32_MASK
/* IA32_BNDCFGS (SDM Vol. 1 17.3.3): bits 11:2 reserved, bits 63:12 a linear address. */
#define BNDCFGS_RESERVED 0xffcULL
#define BNDCFGS_BASE_MASK (~0xfffULL)
/* IA32_PAT (SDM Vol. 3A 11.12.2): eight one-byte entries, types 0, 1, 4, 5, 6, 7. */
#define PAT_ENTRIES 8
#define PAT_ENTRY_BITS 8
#define PAT_ENTRY_MASK 0xffULL
#define PAT_TYPE_MAX 7
#define PAT_VALID_TYPES (BIT(0) | BIT(1) | BIT(4) | BIT(5) | BIT(6) | BIT(7))
/* PAE page-directory-pointer-table entries (SDM Vol. 3A 4.4.1): bits 2:1 and 8:5 reserved. */
#define PDPTE_P BIT(0)
#define PDPTE_RESERVED_LOW 0x1e6ULL
#define PAE_PDPTE_COUNT 4
/* Exception vectors that trap.h does not name (SDM Vol. 3A 6.3.1). */
#define X86_TRAP_TS 10
#define X86_TRAP_NP 11
#define X86_TRAP_SS 12
#define X86_TRAP_AC 17
#define X86_TRAP_CP 21
/* Segment limits and the G bit (SDM 27.3.1.2). */
#define SEG_LIMIT_LOW_12 0xfffULL
#define SEG_LIMIT_HIGH_12 0xfff00000ULL
/* Descriptor-table limit fields: bits 31:16 must be 0 (SDM 27.3.1.3). */
#define DESC_LIMIT_RESERVED 0xffff0000ULL

#define FIELD16_MASK 0xffffULL
#define FIELD32_MASK 0xffffffffULL
#define CTL_ALLOWED0(msr) ((msr) & FIELD32_MASK)	/* bits that must be 1 */
#define CTL_ALLOWED1(msr) ((msr) >> 32)		/* bits that may be 1 */
#define VMX_PAGE_ALIGN KiB(4)
#define VA_BITS_4LEVEL 48
#define VA_BITS_5LEVEL 57
#define PA_BITS_MAX 64

struct check_ctx {
	const struct vmcs_reader *r;
	const struct vmx_caps *caps;
	unsigned int maxphyaddr;
	unsigned int va_bits;
	struct vmx_check_failure *fail;
	/* The controls, once checked; proc2 is 0 unless activated (SDM 27.2.1.1). */
	u64 pin, proc, proc2, exit, entry;
	u64 intr_info;
};

static u64 rd(const struct check_ctx *c, enum vmcs_field f)
{
	u64 v = c->r->read(c->r, f);

	/* VMREAD zero-extends 16- and 32-bit fields (SDM Vol. 3C 25.11.2). */
	switch (VMCS_FIELD_WIDTH(f)) {
	case VMCS_WIDTH_16:
		return v & FIELD16_MASK;
	case VMCS_WIDTH_32:
		return v & FIELD32_MASK;
	default:
		return v;
	}
}

static int report(struct check_ctx *c, enum vmcs_field f, u64 v, const char *rule)
{
	c->fail->field = f;
	c->fail->value = v;
	c->fail->rule = rule;
	return -EINVAL;
}

static bool canonical(const struct check_ctx *c, u64 va)
{
	unsigned int shift = PA_BITS_MAX - c->va_bits;

	return (u64)((s64)(va << shift) >> shift) == va;
}

static bool within_pa(const struct check_ctx *c, u64 pa)
{
	return c->maxphyaddr >= PA_BITS_MAX || (pa >> c->maxphyaddr) == 0;
}

static bool ug(const struct check_ctx *c)
{
	return c->proc2 & SECONDARY_UNRESTRICTED_GUEST;
}

static bool ia32e_guest(const struct check_ctx *c)
{
	return c->entry & VM_ENTRY_IA32E_MODE_GUEST;
}

static bool pat_valid(u64 pat)
{
	unsigned int i;

	for (i = 0; i < PAT_ENTRIES; i++) {
		u64 type = (pat >> (i * PAT_ENTRY_BITS)) & PAT_ENTRY_MASK;

		if (type > PAT_TYPE_MAX || !(PAT_VALID_TYPES & BIT(type))) {
			return false;
		}
	}
	return true;
}

/* An address field's two rules: alignment, then the physical-address width. */
struct addr_rule {
	const char *align;
	const char *width;
};

#define ADDR_RULE(sect, what, align)                                            \
	{ "SDM " sect ": " what " must be " align " aligned",                     \
	  "SDM " sect ": " what " must not set bits beyond the physical-address width" }

static int check_addr(struct check_ctx *c, enum vmcs_field f, u64 align,
		      const struct addr_rule *rule)
{
	u64 a = rd(c, f);

	if (!IS_ALIGNED(a, align)) {
		return report(c, f, a, rule->align);
	}
	if (!within_pa(c, a)) {
		return report(c, f, a, rule->width);
	}
	return 0;
}

/* A control word against its capability MSR's allowed-0 and allowed-1 halves (SDM A.3-A.5). */
static int check_ctl(struct check_ctx *c, enum vmcs_field f, u64 v, u64 msr,
		     const char *must1_rule, const char *may1_rule)
{
	if ((v & CTL_ALLOWED0(msr)) != CTL_ALLOWED0(msr)) {
		return report(c, f, v, must1_rule);
	}
	if (v & ~CTL_ALLOWED1(msr)) {
		return report(c, f, v, may1_rule);
	}
	return 0;
}

/* ---- 27.2.1.1 VM-execution control fields ----------------------------- */

static int check_exec_ctl_words(struct check_ctx *c)
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

static int check_exec_bitmaps(struct check_ctx *c)
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

static int check_exec_tpr_shadow(struct check_ctx *c)
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

static int check_exec_nmi(struct check_ctx *c)
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

static int check_exec_apic_virt(struct check_ctx *c)
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

static int check_exec_ept_vpid(struct check_ctx *c)
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

static int check_exec_vmfunc(struct check_ctx *c)
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

static int check_exec_shadowing_ve(struct check_ctx *c)
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

static int check_exit_controls(struct check_ctx *c)
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

static int check_entry_controls(struct check_ctx *c)
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

/* ---- 27.2.2 host control registers and MSRs --------------------------- */

static int check_fixed(struct check_ctx *c, enum vmcs_field f, u64 v, u64 must1, u64 may1,
		       const char *must1_rule, const char *may1_rule)
{
	if ((v & must1) != must1) {
		return report(c, f, v, must1_rule);
	}
	if (v & ~may1) {
		return report(c, f, v, may1_rule);
	}
	return 0;
}

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

static int check_host_control_regs(struct check_ctx *c)
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

static int check_host_segments(struct check_ctx *c)
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

static int check_host_addr_size(struct check_ctx *c)
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

static int check_guest_control_regs(struct check_ctx *c)
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

/* ---- 27.3.1.2 guest segment registers --------------------------------- */

enum seg_reg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, NR_SEG_REGS };

static const struct seg_field_set {
	enum vmcs_field sel, base, limit, ar;
} seg_fields[NR_SEG_REGS] = {
	[SEG_ES] = { GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES },
	[SEG_CS] = { GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES },
	[SEG_SS] = { GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES },
	[SEG_DS] = { GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES },
	[SEG_FS] = { GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES },
	[SEG_GS] = { GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES },
	[SEG_LDTR] = { GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT,
		       GUEST_LDTR_AR_BYTES },
	[SEG_TR] = { GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES },
};

/* CS, SS, DS, ES, FS, GS and the data-segment registers, in the order the SDM lists them. */
static const enum seg_reg user_segs[] = { SEG_CS, SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS };
static const enum seg_reg data_segs[] = { SEG_DS, SEG_ES, SEG_FS, SEG_GS };

struct seg {
	u64 sel, base, limit, ar;
};

struct guest_segs {
	struct seg s[NR_SEG_REGS];
	bool v86;	/* RFLAGS.VM: the guest will be virtual-8086 */
	bool pe;	/* CR0.PE */
};

static bool usable(const struct seg *s)
{
	return !(s->ar & VMX_AR_UNUSABLE);
}

/* Most access-rights checks apply to CS always and to the others when usable. */
static bool ar_checked(const struct guest_segs *g, enum seg_reg i)
{
	return i == SEG_CS || usable(&g->s[i]);
}

static u64 seg_type(const struct seg *s)
{
	return s->ar & VMX_AR_TYPE_MASK;
}

static u64 seg_rpl(const struct seg *s)
{
	return s->sel & SEL_RPL_MASK;
}

/* G must be 0 unless limit bits 11:0 are all 1, and 1 if any of bits 31:20 is 1. */
static bool g_bit_ok(const struct seg *s)
{
	bool g = s->ar & VMX_AR_G;

	if ((s->limit & SEG_LIMIT_LOW_12) != SEG_LIMIT_LOW_12 && g) {
		return false;
	}
	return g || !(s->limit & SEG_LIMIT_HIGH_12);
}

static void load_guest_segs(const struct check_ctx *c, struct guest_segs *g)
{
	size_t i;

	for (i = 0; i < NR_SEG_REGS; i++) {
		g->s[i].sel = rd(c, seg_fields[i].sel);
		g->s[i].base = rd(c, seg_fields[i].base);
		g->s[i].limit = rd(c, seg_fields[i].limit);
		g->s[i].ar = rd(c, seg_fields[i].ar);
	}
	g->v86 = rd(c, GUEST_RFLAGS) & X86_RFLAGS_VM;
	g->pe = rd(c, GUEST_CR0) & X86_CR0_PE;
}

static int check_seg_selectors(struct check_ctx *c, const struct guest_segs *g)
{
	const struct seg *tr = &g->s[SEG_TR], *ldtr = &g->s[SEG_LDTR];
	const struct seg *cs = &g->s[SEG_CS], *ss = &g->s[SEG_SS];

	if (tr->sel & SEL_TI) {
		return report(c, GUEST_TR_SELECTOR, tr->sel, "SDM 27.3.1.2: TR selector TI (bit 2) must be 0");
	}
	if (usable(ldtr) && (ldtr->sel & SEL_TI)) {
		return report(c, GUEST_LDTR_SELECTOR, ldtr->sel,
			      "SDM 27.3.1.2: a usable LDTR's selector TI (bit 2) must be 0");
	}
	if (!g->v86 && !ug(c) && seg_rpl(ss) != seg_rpl(cs)) {
		return report(c, GUEST_SS_SELECTOR, ss->sel,
			      "SDM 27.3.1.2: SS selector RPL must equal CS selector RPL (unless virtual-8086 or unrestricted guest)");
	}
	return 0;
}

static int check_seg_bases_v86(struct check_ctx *c, const struct guest_segs *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		const struct seg *s = &g->s[user_segs[i]];

		if (s->base != s->sel << VMX_V86_BASE_SHIFT) {
			return report(c, seg_fields[user_segs[i]].base, s->base,
				      "SDM 27.3.1.2: in virtual-8086 mode each segment base must be its selector times 16");
		}
	}
	return 0;
}

static int check_seg_bases(struct check_ctx *c, const struct guest_segs *g)
{
	static const enum seg_reg canon[] = { SEG_TR, SEG_FS, SEG_GS };
	static const enum seg_reg low32[] = { SEG_SS, SEG_DS, SEG_ES };
	const struct seg *s;
	size_t i;
	int err;

	err = g->v86 ? check_seg_bases_v86(c, g) : 0;
	if (err) {
		return err;
	}
	for (i = 0; i < ARRAY_SIZE(canon); i++) {
		s = &g->s[canon[i]];
		if (!canonical(c, s->base)) {
			return report(c, seg_fields[canon[i]].base, s->base,
				      "SDM 27.3.1.2: TR, FS and GS bases must be canonical");
		}
	}
	s = &g->s[SEG_LDTR];
	if (usable(s) && !canonical(c, s->base)) {
		return report(c, GUEST_LDTR_BASE, s->base, "SDM 27.3.1.2: a usable LDTR's base must be canonical");
	}
	if (g->s[SEG_CS].base & HIGH32_MASK) {
		return report(c, GUEST_CS_BASE, g->s[SEG_CS].base, "SDM 27.3.1.2: CS base bits 63:32 must be 0");
	}
	for (i = 0; i < ARRAY_SIZE(low32); i++) {
		s = &g->s[low32[i]];
		if (usable(s) && (s->base & HIGH32_MASK)) {
			return report(c, seg_fields[low32[i]].base, s->base,
				      "SDM 27.3.1.2: usable SS, DS and ES bases must have bits 63:32 0");
		}
	}
	return 0;
}

static int check_seg_v86_limits_ar(struct check_ctx *c, const struct guest_segs *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		if (g->s[user_segs[i]].limit != VMX_V86_LIMIT) {
			return report(c, seg_fields[user_segs[i]].limit, g->s[user_segs[i]].limit,
				      "SDM 27.3.1.2: in virtual-8086 mode each segment limit must be 0xffff");
		}
	}
	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		if (g->s[user_segs[i]].ar != VMX_AR_V86) {
			return report(c, seg_fields[user_segs[i]].ar, g->s[user_segs[i]].ar,
				      "SDM 27.3.1.2: in virtual-8086 mode each segment's access rights must be 0xf3");
		}
	}
	return 0;
}

static bool cs_type_ok(const struct check_ctx *c, u64 type)
{
	u64 code = VMX_AR_TYPE_CODE | VMX_AR_TYPE_ACCESSED;

	return (type & code) == code || (ug(c) && type == SEG_TYPE_DATA_RW_ACCESSED);
}

static bool data_type_ok(u64 type)
{
	if (!(type & VMX_AR_TYPE_ACCESSED)) {
		return false;
	}
	return !(type & VMX_AR_TYPE_CODE) || (type & VMX_AR_TYPE_READABLE);
}

static int check_seg_types(struct check_ctx *c, const struct guest_segs *g)
{
	const struct seg *cs = &g->s[SEG_CS], *ss = &g->s[SEG_SS];
	size_t i;

	if (!cs_type_ok(c, seg_type(cs))) {
		return report(c, GUEST_CS_AR_BYTES, cs->ar, ug(c) ?
			      "SDM 27.3.1.2: CS type must be 3 (with unrestricted guest), 9, 11, 13 or 15" :
			      "SDM 27.3.1.2: CS access rights type must be 9, 11, 13 or 15 (accessed code)");
	}
	if (usable(ss) && seg_type(ss) != SEG_TYPE_DATA_RW_ACCESSED &&
	    seg_type(ss) != SEG_TYPE_DATA_RW_DOWN_ACCESSED) {
		return report(c, GUEST_SS_AR_BYTES, ss->ar,
			      "SDM 27.3.1.2: a usable SS's type must be 3 or 7 (read/write accessed data)");
	}
	for (i = 0; i < ARRAY_SIZE(data_segs); i++) {
		const struct seg *s = &g->s[data_segs[i]];

		if (usable(s) && !data_type_ok(seg_type(s))) {
			return report(c, seg_fields[data_segs[i]].ar, s->ar,
				      "SDM 27.3.1.2: a usable DS, ES, FS or GS must be accessed (type bit 0), and readable if code");
		}
	}
	return 0;
}

static int check_seg_s_bits(struct check_ctx *c, const struct guest_segs *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		enum seg_reg r = user_segs[i];

		if (ar_checked(g, r) && !(g->s[r].ar & VMX_AR_S)) {
			return report(c, seg_fields[r].ar, g->s[r].ar,
				      "SDM 27.3.1.2: S (bit 4) must be 1 for CS and for usable SS, DS, ES, FS, GS");
		}
	}
	return 0;
}

static int check_cs_dpl(struct check_ctx *c, const struct guest_segs *g)
{
	const struct seg *cs = &g->s[SEG_CS];
	u64 type = seg_type(cs), dpl = VMX_AR_DPL(cs->ar), ss_dpl = VMX_AR_DPL(g->s[SEG_SS].ar);

	if (type == SEG_TYPE_DATA_RW_ACCESSED && dpl != 0) {
		return report(c, GUEST_CS_AR_BYTES, cs->ar,
			      "SDM 27.3.1.2: CS DPL must be 0 when its type is 3 (unrestricted guest)");
	}
	if (type >= SEG_TYPE_CODE_MIN && type < SEG_TYPE_CONFORMING_MIN && dpl != ss_dpl) {
		return report(c, GUEST_CS_AR_BYTES, cs->ar,
			      "SDM 27.3.1.2: CS DPL must equal SS DPL for a non-conforming code segment (type 9 or 11)");
	}
	if (type >= SEG_TYPE_CONFORMING_MIN && dpl > ss_dpl) {
		return report(c, GUEST_CS_AR_BYTES, cs->ar,
			      "SDM 27.3.1.2: CS DPL must not exceed SS DPL for a conforming code segment (type 13 or 15)");
	}
	return 0;
}

static int check_seg_dpls(struct check_ctx *c, const struct guest_segs *g)
{
	const struct seg *ss = &g->s[SEG_SS];
	size_t i;
	int err;

	err = check_cs_dpl(c, g);
	if (err) {
		return err;
	}
	if (!ug(c) && VMX_AR_DPL(ss->ar) != seg_rpl(ss)) {
		return report(c, GUEST_SS_AR_BYTES, ss->ar,
			      "SDM 27.3.1.2: SS DPL must equal SS selector RPL (unrestricted guest 0)");
	}
	if ((seg_type(&g->s[SEG_CS]) == SEG_TYPE_DATA_RW_ACCESSED || !g->pe) &&
	    VMX_AR_DPL(ss->ar) != 0) {
		return report(c, GUEST_SS_AR_BYTES, ss->ar,
			      "SDM 27.3.1.2: SS DPL must be 0 when CS type is 3 or CR0.PE is 0");
	}
	if (ug(c)) {
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(data_segs); i++) {
		const struct seg *s = &g->s[data_segs[i]];

		if (usable(s) && seg_type(s) < SEG_TYPE_CONFORMING_MIN &&
		    VMX_AR_DPL(s->ar) < seg_rpl(s)) {
			return report(c, seg_fields[data_segs[i]].ar, s->ar,
				      "SDM 27.3.1.2: a usable data or non-conforming code DS, ES, FS, GS needs DPL >= RPL (unrestricted guest 0)");
		}
	}
	return 0;
}

/* The P, reserved-bit and G checks, each over CS, SS, DS, ES, FS, GS in turn. */
static int check_seg_ar_bits(struct check_ctx *c, const struct guest_segs *g)
{
	const struct seg *cs = &g->s[SEG_CS];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		if (ar_checked(g, user_segs[i]) && !(g->s[user_segs[i]].ar & VMX_AR_P)) {
			return report(c, seg_fields[user_segs[i]].ar, g->s[user_segs[i]].ar,
				      "SDM 27.3.1.2: P (bit 7) must be 1 for CS and for usable SS, DS, ES, FS, GS");
		}
	}
	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		if (ar_checked(g, user_segs[i]) && (g->s[user_segs[i]].ar & VMX_AR_RESERVED_11_8)) {
			return report(c, seg_fields[user_segs[i]].ar, g->s[user_segs[i]].ar,
				      "SDM 27.3.1.2: access-rights bits 11:8 are reserved (CS and usable SS, DS, ES, FS, GS)");
		}
	}
	if (ia32e_guest(c) && (cs->ar & VMX_AR_L) && (cs->ar & VMX_AR_DB)) {
		return report(c, GUEST_CS_AR_BYTES, cs->ar,
			      "SDM 27.3.1.2: CS D/B (bit 14) must be 0 when L (bit 13) is 1 in an IA-32e mode guest");
	}
	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		if (ar_checked(g, user_segs[i]) && !g_bit_ok(&g->s[user_segs[i]])) {
			return report(c, seg_fields[user_segs[i]].ar, g->s[user_segs[i]].ar,
				      "SDM 27.3.1.2: G (bit 15) must be 0 unless limit bits 11:0 are all 1, and 1 if any limit bit 31:20 is 1");
		}
	}
	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		if (ar_checked(g, user_segs[i]) &&
		    (g->s[user_segs[i]].ar & VMX_AR_RESERVED_31_17)) {
			return report(c, seg_fields[user_segs[i]].ar, g->s[user_segs[i]].ar,
				      "SDM 27.3.1.2: access-rights bits 31:17 are reserved (CS and usable SS, DS, ES, FS, GS)");
		}
	}
	return 0;
}

static int check_tr_ar(struct check_ctx *c, const struct seg *tr)
{
	u64 type = seg_type(tr);
	bool type_ok = type == SEG_TYPE_TSS_BUSY ||
		       (!ia32e_guest(c) && type == SEG_TYPE_TSS16_BUSY);

	if (!type_ok) {
		return report(c, GUEST_TR_AR_BYTES, tr->ar, ia32e_guest(c) ?
			      "SDM 27.3.1.2: TR type must be 11 (busy 64-bit TSS) in an IA-32e mode guest" :
			      "SDM 27.3.1.2: TR type must be 3 or 11 (busy TSS)");
	}
	if (tr->ar & VMX_AR_S) {
		return report(c, GUEST_TR_AR_BYTES, tr->ar, "SDM 27.3.1.2: TR S (bit 4) must be 0");
	}
	if (!(tr->ar & VMX_AR_P)) {
		return report(c, GUEST_TR_AR_BYTES, tr->ar, "SDM 27.3.1.2: TR P (bit 7) must be 1");
	}
	if (tr->ar & VMX_AR_RESERVED_11_8) {
		return report(c, GUEST_TR_AR_BYTES, tr->ar, "SDM 27.3.1.2: TR access-rights bits 11:8 are reserved");
	}
	if (!g_bit_ok(tr)) {
		return report(c, GUEST_TR_AR_BYTES, tr->ar, "SDM 27.3.1.2: TR G (bit 15) does not match its limit");
	}
	if (tr->ar & VMX_AR_UNUSABLE) {
		return report(c, GUEST_TR_AR_BYTES, tr->ar, "SDM 27.3.1.2: TR must be usable (bit 16 0)");
	}
	if (tr->ar & VMX_AR_RESERVED_31_17) {
		return report(c, GUEST_TR_AR_BYTES, tr->ar, "SDM 27.3.1.2: TR access-rights bits 31:17 are reserved");
	}
	return 0;
}

static int check_ldtr_ar(struct check_ctx *c, const struct seg *ldtr)
{
	if (!usable(ldtr)) {
		return 0;
	}
	if (seg_type(ldtr) != SEG_TYPE_LDT) {
		return report(c, GUEST_LDTR_AR_BYTES, ldtr->ar, "SDM 27.3.1.2: a usable LDTR's type must be 2 (LDT)");
	}
	if (ldtr->ar & VMX_AR_S) {
		return report(c, GUEST_LDTR_AR_BYTES, ldtr->ar, "SDM 27.3.1.2: a usable LDTR's S (bit 4) must be 0");
	}
	if (!(ldtr->ar & VMX_AR_P)) {
		return report(c, GUEST_LDTR_AR_BYTES, ldtr->ar, "SDM 27.3.1.2: a usable LDTR's P (bit 7) must be 1");
	}
	if (ldtr->ar & VMX_AR_RESERVED_11_8) {
		return report(c, GUEST_LDTR_AR_BYTES, ldtr->ar,
			      "SDM 27.3.1.2: LDTR access-rights bits 11:8 are reserved");
	}
	if (!g_bit_ok(ldtr)) {
		return report(c, GUEST_LDTR_AR_BYTES, ldtr->ar, "SDM 27.3.1.2: LDTR G (bit 15) does not match its limit");
	}
	if (ldtr->ar & VMX_AR_RESERVED_31_17) {
		return report(c, GUEST_LDTR_AR_BYTES, ldtr->ar,
			      "SDM 27.3.1.2: LDTR access-rights bits 31:17 are reserved");
	}
	return 0;
}

static int check_guest_segments(struct check_ctx *c)
{
	struct guest_segs g;
	int err;

	load_guest_segs(c, &g);
	err = check_seg_selectors(c, &g);
	if (!err) {
		err = check_seg_bases(c, &g);
	}
	if (!err && g.v86) {
		err = check_seg_v86_limits_ar(c, &g);
	}
	if (!err && !g.v86) {
		err = check_seg_types(c, &g);
		if (!err) {
			err = check_seg_s_bits(c, &g);
		}
		if (!err) {
			err = check_seg_dpls(c, &g);
		}
		if (!err) {
			err = check_seg_ar_bits(c, &g);
		}
	}
	if (!err) {
		err = check_tr_ar(c, &g.s[SEG_TR]);
	}
	if (!err) {
		err = check_ldtr_ar(c, &g.s[SEG_LDTR]);
	}
	return err;
}

/* ---- 27.3.1.3 guest descriptor-table registers ------------------------ */

static int check_guest_desc_tables(struct check_ctx *c)
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

static int check_guest_rip_rflags(struct check_ctx *c)
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

static int check_guest_non_register(struct check_ctx *c)
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

static int check_guest_pdptes(struct check_ctx *c)
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
