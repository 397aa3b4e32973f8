/*
 * The pre-entry checker (vmx/check.c) against known-good VMCS images built
 * for Bochs' corei7_skylake_x capabilities, then one corruption per rule:
 * each case names the field that must be reported and the SDM section its
 * rule must cite.  Also vmcs_field_name() against every enumerator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "capture.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "compiler.h"
#include "lib/errno.h"
#include "vmx/caps.h"
#include "vmx/check.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_bits.h"

/*
 * Capability MSRs as Bochs 2.7 reports them for cpu: model=corei7_skylake_x
 * (measured; docs/bochs.md).  They are plausible for the real
 * part: TRUE_ controls whose allowed-0 halves drop the CR3-load/store and
 * debug-control default-1 bits, no posted interrupts, no MTF, no
 * SMX/UMIP/LA57/PKE in CR4_FIXED1, four CR3 targets, HLT/shutdown/SIPI
 * activity states, zero-length software-event injection (MISC bit 30).
 */
#define SKX_BASIC (0x2bULL | (4096ULL << 32) | (6ULL << 50) | VMX_BASIC_TRUE_CTLS)
#define SKX_PINBASED 0x0000007f00000016ULL
#define SKX_PROCBASED 0xf7f9fffe04006172ULL
#define SKX_PROCBASED2 0x02177fff00000000ULL
#define SKX_EXIT 0x007fffff00036dfbULL
#define SKX_ENTRY 0x0000ffff000011fbULL
#define SKX_MISC 0x00000000600401e0ULL
#define SKX_CR0_FIXED0 0x80000021ULL
#define SKX_CR0_FIXED1 0xffffffffULL
#define SKX_CR4_FIXED0 0x2000ULL
#define SKX_CR4_FIXED1 0x3727ffULL
/*
 * Bochs' init_ept_vpid_capabilities(): 0x06114141 (execute-only, 4-level,
 * UC, WB, 2M, INVEPT, single- and all-context) | 1G | A/D, and INVVPID with
 * all four types (0xf01 << 32).  Bochs also allows UC, beyond the brief's list.
 */
#define SKX_EPT_VPID 0x00000f0106334141ULL
/* What slotvisor's EPT code relies on. */
#define SKX_EPT_WANTED (EPT_CAP_WALK_4 | EPT_CAP_MEMTYPE_WB | EPT_CAP_2M | EPT_CAP_1G | \
			EPT_CAP_INVEPT | EPT_CAP_AD | EPT_CAP_INVEPT_SINGLE |        \
			EPT_CAP_INVEPT_ALL | VPID_CAP_INVVPID)
/* Bochs' default physical-address width. */
#define MAXPHYADDR 40

static const struct vmx_caps skylake_x = {
	.basic = SKX_BASIC,
	.pinbased = SKX_PINBASED,
	.procbased = SKX_PROCBASED,
	.procbased2 = SKX_PROCBASED2,
	.exit = SKX_EXIT,
	.entry = SKX_ENTRY,
	.misc = SKX_MISC,
	.cr0_fixed0 = SKX_CR0_FIXED0,
	.cr0_fixed1 = SKX_CR0_FIXED1,
	.cr4_fixed0 = SKX_CR4_FIXED0,
	.cr4_fixed1 = SKX_CR4_FIXED1,
	.ept_vpid = SKX_EPT_VPID,
	.feature_control = FEATURE_CONTROL_LOCKED | FEATURE_CONTROL_VMX_OUTSIDE_SMX,
};

#define LOW32(x) ((x) & 0xffffffffULL)
#define NONCANONICAL 0x0000800000000000ULL
#define BEYOND_PA (1ULL << MAXPHYADDR)
#define RFLAGS_FIXED BIT(1)
#define RFLAGS_TF BIT(8)
#define RFLAGS_VM BIT(17)
#define PAT_DEFAULT 0x0007040600070406ULL

/* The controls of the good images: every default-1 bit plus what slotvisor uses. */
#define GOOD_PIN (LOW32(SKX_PINBASED) | PIN_BASED_EXT_INTR_EXITING | PIN_BASED_NMI_EXITING | \
		  PIN_BASED_VIRTUAL_NMIS | PIN_BASED_PREEMPTION_TIMER)
#define GOOD_PROC (LOW32(SKX_PROCBASED) | CPU_BASED_HLT_EXITING | CPU_BASED_USE_IO_BITMAPS | \
		   CPU_BASED_USE_MSR_BITMAPS | CPU_BASED_ACTIVATE_SECONDARY)
#define GOOD_PROC2 (SECONDARY_EPT | SECONDARY_VPID | SECONDARY_ENABLE_PML)
#define GOOD_PROC2_UG (SECONDARY_EPT | SECONDARY_VPID | SECONDARY_UNRESTRICTED_GUEST)
#define GOOD_EXIT (LOW32(SKX_EXIT) | VM_EXIT_SAVE_DEBUG_CONTROLS | VM_EXIT_HOST_ADDR_SPACE_SIZE | \
		   VM_EXIT_ACK_INTR_ON_EXIT | VM_EXIT_SAVE_IA32_PAT | VM_EXIT_LOAD_IA32_PAT | \
		   VM_EXIT_SAVE_IA32_EFER | VM_EXIT_LOAD_IA32_EFER)
#define GOOD_ENTRY_32 (LOW32(SKX_ENTRY) | VM_ENTRY_LOAD_DEBUG_CONTROLS | VM_ENTRY_LOAD_IA32_PAT | \
		       VM_ENTRY_LOAD_IA32_EFER)
#define GOOD_ENTRY_64 (GOOD_ENTRY_32 | VM_ENTRY_IA32E_MODE_GUEST)
#define GOOD_EPTP (0x13000ULL | VMX_EPTP_MT_WB | VMX_EPTP_PWL_4 | VMX_EPTP_AD)

#define CR0_MP BIT(1)
#define CR0_ET BIT(4)
#define HOST_CR0_VAL (X86_CR0_PG | X86_CR0_WP | X86_CR0_NE | CR0_ET | CR0_MP | X86_CR0_PE)
#define HOST_CR4_VAL (X86_CR4_VMXE | X86_CR4_PGE | X86_CR4_PAE)
#define HOST_EFER_VAL (EFER_NXE | EFER_LMA | EFER_LME | EFER_SCE)
#define GUEST64_CR0 (X86_CR0_PG | X86_CR0_WP | X86_CR0_NE | CR0_ET | X86_CR0_PE)
#define GUEST64_CR4 (X86_CR4_VMXE | X86_CR4_PAE)
#define REAL_CR0 (X86_CR0_NE | CR0_ET)
#define REAL_CR4 X86_CR4_VMXE

/* Access rights: P, S, DPL 0, type; with G, D/B, L where named. */
#define AR_CODE64 0xa09bULL	/* G, L, P, S, execute/read accessed */
#define AR_DATA32 0xc093ULL	/* G, D/B, P, S, read/write accessed */
#define AR_CODE32 0xc09bULL
#define AR_CODE16 0x9bULL
#define AR_DATA16 0x93ULL
#define AR_TSS_BUSY 0x8bULL
#define AR_LDT 0x82ULL
#define AR_UNUSABLE VMX_AR_UNUSABLE
#define AR_DPL3 (3ULL << VMX_AR_DPL_SHIFT)

/* ---- a VMCS as a table: the reader the checker sees ------------------- */

#define VMCS_SPACE 0x8000	/* every encoding is below this */

struct vmcs_image {
	struct vmcs_reader r;
	u64 v[VMCS_SPACE];
};

static struct vmcs_image img;

static u64 image_read(const struct vmcs_reader *r, enum vmcs_field f)
{
	const struct vmcs_image *im = container_of(r, struct vmcs_image, r);

	if ((unsigned int)f >= VMCS_SPACE || strcmp(vmcs_field_name(f), "?") == 0) {
		fail_msg("the checker read field 0x%x, which has no name", (unsigned int)f);
	}
	return im->v[f];
}

static void set(enum vmcs_field f, u64 v)
{
	img.v[f] = v;
}

static void seg(enum vmcs_field sel, u64 s, u64 base, u64 limit, u64 ar)
{
	/* The selector, base, limit and AR encodings of one register differ by a fixed stride. */
	set(sel, s);
	set(sel - GUEST_ES_SELECTOR + GUEST_ES_BASE, base);
	set(sel - GUEST_ES_SELECTOR + GUEST_ES_LIMIT, limit);
	set(sel - GUEST_ES_SELECTOR + GUEST_ES_AR_BYTES, ar);
}

static void build_controls_and_host(void)
{
	memset(&img, 0, sizeof(img));
	img.r.read = image_read;
	set(PIN_BASED_VM_EXEC_CONTROL, GOOD_PIN);
	set(CPU_BASED_VM_EXEC_CONTROL, GOOD_PROC);
	set(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2);
	set(VM_EXIT_CONTROLS, GOOD_EXIT);
	set(VM_ENTRY_CONTROLS, GOOD_ENTRY_64);
	set(IO_BITMAP_A, 0x10000);
	set(IO_BITMAP_B, 0x11000);
	set(MSR_BITMAP, 0x12000);
	set(EPT_POINTER, GOOD_EPTP);
	set(VIRTUAL_PROCESSOR_ID, 1);
	set(PML_ADDRESS, 0x14000);
	set(VMCS_LINK_POINTER, VMCS_LINK_POINTER_NONE);
	set(HOST_CR0, HOST_CR0_VAL);
	set(HOST_CR3, 0x200000);
	set(HOST_CR4, HOST_CR4_VAL);
	set(HOST_CS_SELECTOR, 0x08);
	set(HOST_SS_SELECTOR, 0x10);
	set(HOST_DS_SELECTOR, 0x10);
	set(HOST_ES_SELECTOR, 0x10);
	set(HOST_FS_SELECTOR, 0x10);
	set(HOST_GS_SELECTOR, 0x10);
	set(HOST_TR_SELECTOR, 0x18);
	set(HOST_TR_BASE, 0xffffffff80100000ULL);
	set(HOST_GDTR_BASE, 0xffffffff80101000ULL);
	set(HOST_IDTR_BASE, 0xffffffff80102000ULL);
	set(HOST_GS_BASE, 0xffff888000000000ULL);
	set(HOST_RIP, 0xffffffff80001000ULL);
	set(HOST_RSP, 0xffffffff80200000ULL);
	set(HOST_IA32_EFER, HOST_EFER_VAL);
	set(HOST_IA32_PAT, PAT_DEFAULT);
	set(GUEST_IA32_PAT, PAT_DEFAULT);
	set(GUEST_DR7, 0x400);
}

/* A 64-bit ring-0 guest with EPT, VPID and PML, no unrestricted guest. */
static void build_64bit(void)
{
	build_controls_and_host();
	set(GUEST_CR0, GUEST64_CR0);
	set(GUEST_CR3, 0x300000);
	set(GUEST_CR4, GUEST64_CR4);
	set(GUEST_IA32_EFER, EFER_LMA | EFER_LME);
	seg(GUEST_CS_SELECTOR, 0x08, 0, 0xffffffff, AR_CODE64);
	seg(GUEST_SS_SELECTOR, 0x10, 0, 0xffffffff, AR_DATA32);
	seg(GUEST_DS_SELECTOR, 0x10, 0, 0xffffffff, AR_DATA32);
	seg(GUEST_ES_SELECTOR, 0x10, 0, 0xffffffff, AR_DATA32);
	seg(GUEST_FS_SELECTOR, 0, 0x7f0000000000ULL, 0, AR_UNUSABLE);
	seg(GUEST_GS_SELECTOR, 0, 0xffff880000000000ULL, 0, AR_UNUSABLE | 0x1234);
	seg(GUEST_LDTR_SELECTOR, 0, 0, 0, AR_UNUSABLE);
	seg(GUEST_TR_SELECTOR, 0x18, 0x1000, 0x67, AR_TSS_BUSY);
	set(GUEST_GDTR_BASE, 0x2000);
	set(GUEST_GDTR_LIMIT, 0x27);
	set(GUEST_IDTR_BASE, 0xffff800000003000ULL);
	set(GUEST_IDTR_LIMIT, 0xfff);
	set(GUEST_RIP, 0xffff800000400000ULL);
	set(GUEST_RSP, 0x7ffffff000ULL);
	set(GUEST_RFLAGS, RFLAGS_FIXED | X86_RFLAGS_IF);
	set(GUEST_PDPTR0, 0xdead);	/* ignored outside PAE paging */
}

/* An unrestricted-guest real-mode guest at the reset vector. */
static void build_real(void)
{
	build_controls_and_host();
	set(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2_UG);
	set(VM_ENTRY_CONTROLS, GOOD_ENTRY_32);
	set(GUEST_CR0, REAL_CR0);
	set(GUEST_CR4, REAL_CR4);
	set(GUEST_IA32_EFER, 0);
	seg(GUEST_CS_SELECTOR, 0xf000, 0xf0000, 0xffff, AR_CODE16);
	seg(GUEST_SS_SELECTOR, 0, 0, 0xffff, AR_DATA16);
	seg(GUEST_DS_SELECTOR, 0, 0, 0xffff, AR_DATA16);
	seg(GUEST_ES_SELECTOR, 0, 0, 0xffff, AR_DATA16);
	seg(GUEST_FS_SELECTOR, 0, 0, 0xffff, AR_DATA16);
	seg(GUEST_GS_SELECTOR, 0, 0, 0xffff, AR_DATA16);
	seg(GUEST_LDTR_SELECTOR, 0, 0, 0xffff, AR_LDT);
	seg(GUEST_TR_SELECTOR, 0, 0, 0xffff, AR_TSS_BUSY);
	set(GUEST_GDTR_LIMIT, 0xffff);
	set(GUEST_IDTR_LIMIT, 0x3ff);
	set(GUEST_RIP, 0xfff0);
	set(GUEST_RFLAGS, RFLAGS_FIXED);
}

/* A 32-bit protected-mode guest with PAE paging under EPT: the PDPTEs are checked. */
static void build_pae32(void)
{
	build_controls_and_host();
	set(VM_ENTRY_CONTROLS, GOOD_ENTRY_32);
	set(GUEST_CR0, GUEST64_CR0);
	set(GUEST_CR3, 0x5000);
	set(GUEST_CR4, GUEST64_CR4);
	set(GUEST_IA32_EFER, 0);
	seg(GUEST_CS_SELECTOR, 0x08, 0, 0xffffffff, AR_CODE32);
	seg(GUEST_SS_SELECTOR, 0x10, 0, 0xffffffff, AR_DATA32);
	seg(GUEST_DS_SELECTOR, 0x10, 0, 0xffffffff, AR_DATA32);
	seg(GUEST_ES_SELECTOR, 0x10, 0, 0xffffffff, AR_DATA32);
	seg(GUEST_FS_SELECTOR, 0x10, 0, 0xffffffff, AR_DATA32);
	seg(GUEST_GS_SELECTOR, 0x10, 0, 0xffffffff, AR_DATA32);
	seg(GUEST_LDTR_SELECTOR, 0, 0, 0, AR_UNUSABLE);
	seg(GUEST_TR_SELECTOR, 0x18, 0x9000, 0x67, AR_TSS_BUSY);
	set(GUEST_GDTR_BASE, 0x8000);
	set(GUEST_GDTR_LIMIT, 0x1f);
	set(GUEST_IDTR_LIMIT, 0x7ff);
	set(GUEST_RIP, 0x100000);
	set(GUEST_RFLAGS, RFLAGS_FIXED);
	set(GUEST_PDPTR0, 0x6001);
	set(GUEST_PDPTR1, 0x7001);
}

/* A virtual-8086 task under 32-bit PAE paging. */
static void build_v86(void)
{
	build_pae32();
	seg(GUEST_CS_SELECTOR, 0x1000, 0x10000, 0xffff, VMX_AR_V86);
	seg(GUEST_SS_SELECTOR, 0x2000, 0x20000, 0xffff, VMX_AR_V86);
	seg(GUEST_DS_SELECTOR, 0, 0, 0xffff, VMX_AR_V86);
	seg(GUEST_ES_SELECTOR, 0, 0, 0xffff, VMX_AR_V86);
	seg(GUEST_FS_SELECTOR, 0, 0, 0xffff, VMX_AR_V86);
	seg(GUEST_GS_SELECTOR, 0, 0, 0xffff, VMX_AR_V86);
	seg(GUEST_TR_SELECTOR, 0x18, 0x9000, 0x2067, AR_TSS_BUSY);
	set(GUEST_RIP, 0x100);
	set(GUEST_RFLAGS, RFLAGS_FIXED | X86_RFLAGS_IF | RFLAGS_VM);
}

enum base { B64, BREAL, BPAE, BV86 };

static void (*const builders[])(void) = {
	[B64] = build_64bit, [BREAL] = build_real, [BPAE] = build_pae32, [BV86] = build_v86,
};

/* ---- capability variants ---------------------------------------------- */

static void caps_no_ept_uc(struct vmx_caps *c)
{
	c->ept_vpid &= ~EPT_CAP_MEMTYPE_UC;
}

static void caps_no_ept_ad(struct vmx_caps *c)
{
	c->ept_vpid &= ~EPT_CAP_AD;
}

static void caps_no_shutdown(struct vmx_caps *c)
{
	c->misc &= ~VMX_MISC_ACTIVITY_SHUTDOWN;
}

static void caps_no_zero_len(struct vmx_caps *c)
{
	c->misc &= ~VMX_MISC_ZERO_LEN_INJECT;
}

static void caps_posted_intr(struct vmx_caps *c)
{
	c->pinbased |= PIN_BASED_POSTED_INTR << 32;
}

static void caps_cet(struct vmx_caps *c)
{
	c->cr4_fixed1 |= BIT(23);
}

static void caps_mtf(struct vmx_caps *c)
{
	c->procbased |= CPU_BASED_MONITOR_TRAP_FLAG << 32;
}

static void caps_bndcfgs(struct vmx_caps *c)
{
	c->entry |= VM_ENTRY_LOAD_BNDCFGS << 32;
}

/* ---- the cases ------------------------------------------------------- */

struct edit {
	bool on;
	enum vmcs_field f;
	u64 v;
};

struct check_case {
	const char *name;
	enum base base;
	struct edit e[6];
	const char *section;		/* NULL: the image must pass */
	enum vmcs_field field;
	void (*caps)(struct vmx_caps *c);
};

#define E(f, v) { true, f, v }
#define PASS(n, b, ...) { .name = n, .base = b, .e = { __VA_ARGS__ } }
#define FAIL(n, b, sect, fld, ...) \
	{ .name = n, .base = b, .section = sect, .field = fld, .e = { __VA_ARGS__ } }
#define FAILC(n, b, sect, fld, capfn, ...) \
	{ .name = n, .base = b, .section = sect, .field = fld, .caps = capfn, .e = { __VA_ARGS__ } }

/* Posted interrupts on: TPR shadow, virtual-interrupt delivery, a descriptor. */
#define POSTED_INTR_SETUP                                                              \
	E(PIN_BASED_VM_EXEC_CONTROL, GOOD_PIN | PIN_BASED_POSTED_INTR),                   \
	E(CPU_BASED_VM_EXEC_CONTROL, GOOD_PROC | CPU_BASED_TPR_SHADOW),                   \
	E(VIRTUAL_APIC_PAGE_ADDR, 0x15000),                                               \
	E(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2 | SECONDARY_VIRT_INTR_DELIVERY),          \
	E(POSTED_INTR_DESC_ADDR, 0x1e040)

#define INFO(type, vec) (INTR_INFO_VALID | ((u64)(type) << INTR_INFO_TYPE_SHIFT) | (vec))
#define INFO_EC(type, vec) (INFO(type, vec) | INTR_INFO_DELIVER_CODE)

static const struct check_case cases[] = {
	/* The good images. */
	PASS("good_64bit", B64),
	PASS("good_real_unrestricted", BREAL),
	PASS("good_pae32", BPAE),
	PASS("good_v86", BV86),

	/* 27.2.1.1 VM-execution control fields. */
	FAIL("exec_pin_allowed0", B64, "27.2.1.1", PIN_BASED_VM_EXEC_CONTROL,
	     E(PIN_BASED_VM_EXEC_CONTROL, GOOD_PIN & ~BIT(1))),
	FAIL("exec_pin_allowed1", B64, "27.2.1.1", PIN_BASED_VM_EXEC_CONTROL,
	     E(PIN_BASED_VM_EXEC_CONTROL, GOOD_PIN | PIN_BASED_POSTED_INTR)),
	FAIL("exec_proc_allowed0", B64, "27.2.1.1", CPU_BASED_VM_EXEC_CONTROL,
	     E(CPU_BASED_VM_EXEC_CONTROL, GOOD_PROC & ~BIT(26))),
	FAIL("exec_proc_allowed1_mtf", B64, "27.2.1.1", CPU_BASED_VM_EXEC_CONTROL,
	     E(CPU_BASED_VM_EXEC_CONTROL, GOOD_PROC | CPU_BASED_MONITOR_TRAP_FLAG)),
	FAIL("exec_proc2_allowed1", B64, "27.2.1.1", SECONDARY_VM_EXEC_CONTROL,
	     E(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2 | SECONDARY_ENCLS_EXITING)),
	PASS("exec_proc2_ignored_when_not_activated_ok", B64,
	     E(CPU_BASED_VM_EXEC_CONTROL, GOOD_PROC & ~CPU_BASED_ACTIVATE_SECONDARY),
	     E(SECONDARY_VM_EXEC_CONTROL, ~0ULL)),
	FAIL("exec_cr3_target_count", B64, "27.2.1.1", CR3_TARGET_COUNT, E(CR3_TARGET_COUNT, 5)),
	PASS("exec_cr3_target_count_4_ok", B64, E(CR3_TARGET_COUNT, 4)),
	FAIL("exec_io_bitmap_a_align", B64, "27.2.1.1", IO_BITMAP_A, E(IO_BITMAP_A, 0x10010)),
	FAIL("exec_io_bitmap_b_width", B64, "27.2.1.1", IO_BITMAP_B, E(IO_BITMAP_B, BEYOND_PA)),
	PASS("exec_io_bitmap_unused_ok", B64,
	     E(CPU_BASED_VM_EXEC_CONTROL, GOOD_PROC & ~CPU_BASED_USE_IO_BITMAPS),
	     E(IO_BITMAP_A, 0x123)),
	FAIL("exec_msr_bitmap_align", B64, "27.2.1.1", MSR_BITMAP, E(MSR_BITMAP, 0x12800)),
	FAIL("exec_vapic_align", B64, "27.2.1.1", VIRTUAL_APIC_PAGE_ADDR,
	     E(CPU_BASED_VM_EXEC_CONTROL, GOOD_PROC | CPU_BASED_TPR_SHADOW),
	     E(VIRTUAL_APIC_PAGE_ADDR, 0x15001)),
	FAIL("exec_tpr_threshold_reserved", B64, "27.2.1.1", TPR_THRESHOLD,
	     E(CPU_BASED_VM_EXEC_CONTROL, GOOD_PROC | CPU_BASED_TPR_SHADOW),
	     E(VIRTUAL_APIC_PAGE_ADDR, 0x15000), E(TPR_THRESHOLD, 0x10)),
	FAIL("exec_x2apic_needs_tpr_shadow", B64, "27.2.1.1", SECONDARY_VM_EXEC_CONTROL,
	     E(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2 | SECONDARY_VIRT_X2APIC_MODE)),
	FAIL("exec_virtual_nmis_need_nmi_exiting", B64, "27.2.1.1", PIN_BASED_VM_EXEC_CONTROL,
	     E(PIN_BASED_VM_EXEC_CONTROL, GOOD_PIN & ~PIN_BASED_NMI_EXITING)),
	FAIL("exec_nmi_window_needs_virtual_nmis", B64, "27.2.1.1", CPU_BASED_VM_EXEC_CONTROL,
	     E(PIN_BASED_VM_EXEC_CONTROL, GOOD_PIN & ~PIN_BASED_VIRTUAL_NMIS),
	     E(CPU_BASED_VM_EXEC_CONTROL, GOOD_PROC | CPU_BASED_NMI_WINDOW_EXITING)),
	FAIL("exec_apic_access_align", B64, "27.2.1.1", APIC_ACCESS_ADDR,
	     E(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2 | SECONDARY_VIRT_APIC_ACCESSES),
	     E(APIC_ACCESS_ADDR, 0x16800)),
	FAIL("exec_x2apic_and_apic_access", B64, "27.2.1.1", SECONDARY_VM_EXEC_CONTROL,
	     E(CPU_BASED_VM_EXEC_CONTROL, GOOD_PROC | CPU_BASED_TPR_SHADOW),
	     E(VIRTUAL_APIC_PAGE_ADDR, 0x15000),
	     E(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2 | SECONDARY_VIRT_X2APIC_MODE |
					  SECONDARY_VIRT_APIC_ACCESSES),
	     E(APIC_ACCESS_ADDR, 0x16000)),
	FAIL("exec_vid_needs_ext_intr_exiting", B64, "27.2.1.1", PIN_BASED_VM_EXEC_CONTROL,
	     E(CPU_BASED_VM_EXEC_CONTROL, GOOD_PROC | CPU_BASED_TPR_SHADOW),
	     E(VIRTUAL_APIC_PAGE_ADDR, 0x15000),
	     E(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2 | SECONDARY_VIRT_INTR_DELIVERY),
	     E(PIN_BASED_VM_EXEC_CONTROL, GOOD_PIN & ~PIN_BASED_EXT_INTR_EXITING)),
	FAILC("exec_posted_intr_needs_vid", B64, "27.2.1.1", PIN_BASED_VM_EXEC_CONTROL, caps_posted_intr,
	      E(PIN_BASED_VM_EXEC_CONTROL, GOOD_PIN | PIN_BASED_POSTED_INTR)),
	FAILC("exec_posted_intr_needs_ack_on_exit", B64, "27.2.1.1", VM_EXIT_CONTROLS, caps_posted_intr,
	      POSTED_INTR_SETUP, E(VM_EXIT_CONTROLS, GOOD_EXIT & ~VM_EXIT_ACK_INTR_ON_EXIT)),
	FAILC("exec_posted_intr_vector", B64, "27.2.1.1", POSTED_INTR_NV, caps_posted_intr,
	      POSTED_INTR_SETUP, E(POSTED_INTR_NV, 0x1f2)),
	FAILC("exec_posted_intr_desc_align", B64, "27.2.1.1", POSTED_INTR_DESC_ADDR, caps_posted_intr,
	      POSTED_INTR_SETUP, E(POSTED_INTR_DESC_ADDR, 0x1e020)),
	{ .name = "exec_posted_intr_ok", .base = B64, .caps = caps_posted_intr,
	  .e = { POSTED_INTR_SETUP, E(POSTED_INTR_NV, 0xf2) } },
	FAIL("exec_vpid_zero", B64, "27.2.1.1", VIRTUAL_PROCESSOR_ID, E(VIRTUAL_PROCESSOR_ID, 0)),
	PASS("exec_vpid_unused_ok", B64,
	     E(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2 & ~SECONDARY_VPID),
	     E(VIRTUAL_PROCESSOR_ID, 0)),
	PASS("exec_eptp_uc_ok", B64, E(EPT_POINTER, GOOD_EPTP & ~VMX_EPTP_MT_MASK)),
	FAILC("exec_eptp_uc_unsupported", B64, "27.2.1.1", EPT_POINTER, caps_no_ept_uc,
	      E(EPT_POINTER, GOOD_EPTP & ~VMX_EPTP_MT_MASK)),
	FAIL("exec_eptp_memtype_wt", B64, "27.2.1.1", EPT_POINTER,
	     E(EPT_POINTER, (GOOD_EPTP & ~VMX_EPTP_MT_MASK) | 4)),
	FAIL("exec_eptp_walk_5_unsupported", B64, "27.2.1.1", EPT_POINTER,
	     E(EPT_POINTER, (GOOD_EPTP & ~VMX_EPTP_PWL_MASK) | VMX_EPTP_PWL_5)),
	FAIL("exec_eptp_walk_2", B64, "27.2.1.1", EPT_POINTER,
	     E(EPT_POINTER, (GOOD_EPTP & ~VMX_EPTP_PWL_MASK) | (1ULL << VMX_EPTP_PWL_SHIFT))),
	FAILC("exec_eptp_ad_unsupported", B64, "27.2.1.1", EPT_POINTER, caps_no_ept_ad,
	      E(EPT_POINTER, GOOD_EPTP)),
	FAIL("exec_eptp_reserved_bit7", B64, "27.2.1.1", EPT_POINTER, E(EPT_POINTER, GOOD_EPTP | BIT(7))),
	FAIL("exec_eptp_width", B64, "27.2.1.1", EPT_POINTER, E(EPT_POINTER, GOOD_EPTP | BEYOND_PA)),
	FAIL("exec_pml_needs_ept", B64, "27.2.1.1", SECONDARY_VM_EXEC_CONTROL,
	     E(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2 & ~SECONDARY_EPT)),
	FAIL("exec_pml_address_align", B64, "27.2.1.1", PML_ADDRESS, E(PML_ADDRESS, 0x14008)),
	FAIL("exec_unrestricted_needs_ept", BREAL, "27.2.1.1", SECONDARY_VM_EXEC_CONTROL,
	     E(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2_UG & ~SECONDARY_EPT)),
	FAIL("exec_vmfunc_reserved", B64, "27.2.1.1", VM_FUNCTION_CONTROL,
	     E(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2 | SECONDARY_ENABLE_VMFUNC),
	     E(VM_FUNCTION_CONTROL, BIT(1))),
	FAIL("exec_eptp_list_align", B64, "27.2.1.1", EPTP_LIST_ADDRESS,
	     E(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2 | SECONDARY_ENABLE_VMFUNC),
	     E(VM_FUNCTION_CONTROL, VMFUNC_EPTP_SWITCHING), E(EPTP_LIST_ADDRESS, 0x17008)),
	FAIL("exec_eptp_switching_needs_ept", B64, "27.2.1.1", VM_FUNCTION_CONTROL,
	     E(SECONDARY_VM_EXEC_CONTROL, SECONDARY_VPID | SECONDARY_ENABLE_VMFUNC),
	     E(VM_FUNCTION_CONTROL, VMFUNC_EPTP_SWITCHING)),
	FAIL("exec_vmwrite_bitmap_align", B64, "27.2.1.1", VMWRITE_BITMAP,
	     E(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2 | SECONDARY_VMCS_SHADOWING),
	     E(VMREAD_BITMAP, 0x18000), E(VMWRITE_BITMAP, 0x19004)),
	FAIL("exec_ve_info_align", B64, "27.2.1.1", VE_INFO_ADDRESS,
	     E(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2 | SECONDARY_EPT_VIOLATION_VE),
	     E(VE_INFO_ADDRESS, 0x1a010)),

	/* 27.2.1.2 VM-exit control fields. */
	FAIL("exit_allowed0", B64, "27.2.1.2", VM_EXIT_CONTROLS, E(VM_EXIT_CONTROLS, GOOD_EXIT & ~BIT(0))),
	FAIL("exit_allowed1", B64, "27.2.1.2", VM_EXIT_CONTROLS,
	     E(VM_EXIT_CONTROLS, GOOD_EXIT | VM_EXIT_CLEAR_BNDCFGS)),
	FAIL("exit_save_timer_needs_timer", B64, "27.2.1.2", VM_EXIT_CONTROLS,
	     E(PIN_BASED_VM_EXEC_CONTROL, GOOD_PIN & ~PIN_BASED_PREEMPTION_TIMER),
	     E(VM_EXIT_CONTROLS, GOOD_EXIT | VM_EXIT_SAVE_PREEMPTION_TIMER)),
	FAIL("exit_msr_store_align", B64, "27.2.1.2", VM_EXIT_MSR_STORE_ADDR,
	     E(VM_EXIT_MSR_STORE_COUNT, 2), E(VM_EXIT_MSR_STORE_ADDR, 0x1b008)),
	FAIL("exit_msr_load_end_width", B64, "27.2.1.2", VM_EXIT_MSR_LOAD_ADDR,
	     E(VM_EXIT_MSR_LOAD_COUNT, 2), E(VM_EXIT_MSR_LOAD_ADDR, BEYOND_PA - 16)),
	PASS("exit_msr_area_unused_ok", B64, E(VM_EXIT_MSR_STORE_ADDR, 3)),

	/* 27.2.1.3 VM-entry control fields. */
	FAIL("entry_allowed0", B64, "27.2.1.3", VM_ENTRY_CONTROLS,
	     E(VM_ENTRY_CONTROLS, GOOD_ENTRY_64 & ~BIT(12))),
	FAIL("entry_allowed1", B64, "27.2.1.3", VM_ENTRY_CONTROLS,
	     E(VM_ENTRY_CONTROLS, GOOD_ENTRY_64 | VM_ENTRY_LOAD_BNDCFGS)),
	FAIL("entry_intr_type_reserved", B64, "27.2.1.3", VM_ENTRY_INTR_INFO_FIELD,
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_RESERVED, 0x20))),
	FAIL("entry_intr_other_event_without_mtf", B64, "27.2.1.3", VM_ENTRY_INTR_INFO_FIELD,
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_OTHER_EVENT, 0))),
	FAILC("entry_intr_other_event_vector", B64, "27.2.1.3", VM_ENTRY_INTR_INFO_FIELD, caps_mtf,
	      E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_OTHER_EVENT, 1))),
	{ .name = "entry_intr_pending_mtf_ok", .base = B64, .caps = caps_mtf,
	  .e = { E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_OTHER_EVENT, 0)) } },
	FAIL("entry_intr_nmi_vector", B64, "27.2.1.3", VM_ENTRY_INTR_INFO_FIELD,
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_NMI, 3))),
	FAIL("entry_intr_exception_vector", B64, "27.2.1.3", VM_ENTRY_INTR_INFO_FIELD,
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_HARD_EXCEPTION, 32))),
	FAIL("entry_intr_gp_needs_error_code", B64, "27.2.1.3", VM_ENTRY_INTR_INFO_FIELD,
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_HARD_EXCEPTION, 13))),
	FAIL("entry_intr_ud_has_no_error_code", B64, "27.2.1.3", VM_ENTRY_INTR_INFO_FIELD,
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO_EC(INTR_TYPE_HARD_EXCEPTION, 6))),
	FAIL("entry_intr_real_mode_no_error_code", BREAL, "27.2.1.3", VM_ENTRY_INTR_INFO_FIELD,
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO_EC(INTR_TYPE_HARD_EXCEPTION, 13))),
	PASS("entry_intr_real_mode_gp_ok", BREAL,
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_HARD_EXCEPTION, 13))),
	FAIL("entry_intr_reserved_bits", B64, "27.2.1.3", VM_ENTRY_INTR_INFO_FIELD,
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_EXT_INTR, 0x20) | BIT(12))),
	FAIL("entry_error_code_high_bits", B64, "27.2.1.3", VM_ENTRY_EXCEPTION_ERROR_CODE,
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO_EC(INTR_TYPE_HARD_EXCEPTION, 14)),
	     E(VM_ENTRY_EXCEPTION_ERROR_CODE, 0x10002)),
	PASS("entry_pf_with_error_code_ok", B64,
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO_EC(INTR_TYPE_HARD_EXCEPTION, 14)),
	     E(VM_ENTRY_EXCEPTION_ERROR_CODE, 0x8002)),
	FAIL("entry_soft_intr_length_16", B64, "27.2.1.3", VM_ENTRY_INSTRUCTION_LEN,
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_SOFT_INTR, 0x80)),
	     E(VM_ENTRY_INSTRUCTION_LEN, 16)),
	PASS("entry_soft_intr_length_0_ok", B64,
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_SOFT_INTR, 0x80)),
	     E(VM_ENTRY_INSTRUCTION_LEN, 0)),
	FAILC("entry_soft_exception_length_0", B64, "27.2.1.3", VM_ENTRY_INSTRUCTION_LEN, caps_no_zero_len,
	      E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_SOFT_EXCEPTION, 3))),
	PASS("entry_ext_intr_ok", B64, E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_EXT_INTR, 0x20))),
	FAIL("entry_msr_load_align", B64, "27.2.1.3", VM_ENTRY_MSR_LOAD_ADDR,
	     E(VM_ENTRY_MSR_LOAD_COUNT, 1), E(VM_ENTRY_MSR_LOAD_ADDR, 0x1c004)),
	FAIL("entry_to_smm", B64, "27.2.1.3", VM_ENTRY_CONTROLS,
	     E(VM_ENTRY_CONTROLS, GOOD_ENTRY_64 | VM_ENTRY_ENTRY_TO_SMM)),
	FAIL("entry_deactivate_dual_monitor", B64, "27.2.1.3", VM_ENTRY_CONTROLS,
	     E(VM_ENTRY_CONTROLS, GOOD_ENTRY_64 | VM_ENTRY_DEACT_DUAL_MONITOR)),

	/* 27.2.2 host control registers and MSRs. */
	FAIL("host_cr0_fixed0", B64, "27.2.2", HOST_CR0, E(HOST_CR0, HOST_CR0_VAL & ~X86_CR0_NE)),
	FAIL("host_cr0_fixed1", B64, "27.2.2", HOST_CR0, E(HOST_CR0, HOST_CR0_VAL | BIT(32))),
	FAIL("host_cr4_fixed0", B64, "27.2.2", HOST_CR4, E(HOST_CR4, HOST_CR4_VAL & ~X86_CR4_VMXE)),
	FAIL("host_cr4_fixed1_la57", B64, "27.2.2", HOST_CR4, E(HOST_CR4, HOST_CR4_VAL | BIT(12))),
	FAILC("host_cet_needs_wp", B64, "27.2.2", HOST_CR0, caps_cet,
	      E(HOST_CR4, HOST_CR4_VAL | BIT(23)), E(HOST_CR0, HOST_CR0_VAL & ~X86_CR0_WP)),
	FAIL("host_cr3_width", B64, "27.2.2", HOST_CR3, E(HOST_CR3, BEYOND_PA | 0x1000)),
	FAIL("host_sysenter_esp", B64, "27.2.2", HOST_IA32_SYSENTER_ESP, E(HOST_IA32_SYSENTER_ESP, NONCANONICAL)),
	FAIL("host_sysenter_eip", B64, "27.2.2", HOST_IA32_SYSENTER_EIP, E(HOST_IA32_SYSENTER_EIP, NONCANONICAL)),
	FAIL("host_pat_type_2", B64, "27.2.2", HOST_IA32_PAT, E(HOST_IA32_PAT, PAT_DEFAULT | (2ULL << 56))),
	FAIL("host_efer_reserved", B64, "27.2.2", HOST_IA32_EFER, E(HOST_IA32_EFER, HOST_EFER_VAL | BIT(1))),
	FAIL("host_efer_lma", B64, "27.2.2", HOST_IA32_EFER, E(HOST_IA32_EFER, HOST_EFER_VAL & ~EFER_LMA)),

	/* 27.2.3 host segment and descriptor-table registers. */
	FAIL("host_cs_rpl", B64, "27.2.3", HOST_CS_SELECTOR, E(HOST_CS_SELECTOR, 0x0b)),
	FAIL("host_ds_rpl", B64, "27.2.3", HOST_DS_SELECTOR, E(HOST_DS_SELECTOR, 0x11)),
	FAIL("host_tr_ti", B64, "27.2.3", HOST_TR_SELECTOR, E(HOST_TR_SELECTOR, 0x1c)),
	FAIL("host_cs_null", B64, "27.2.3", HOST_CS_SELECTOR, E(HOST_CS_SELECTOR, 0)),
	FAIL("host_tr_null", B64, "27.2.3", HOST_TR_SELECTOR, E(HOST_TR_SELECTOR, 0)),
	PASS("host_ss_null_64bit_ok", B64, E(HOST_SS_SELECTOR, 0)),
	FAIL("host_ss_null_32bit_host", B64, "27.2.3", HOST_SS_SELECTOR,
	     E(VM_EXIT_CONTROLS, GOOD_EXIT & ~VM_EXIT_HOST_ADDR_SPACE_SIZE), E(HOST_IA32_EFER, 0),
	     E(HOST_SS_SELECTOR, 0)),
	FAIL("host_fs_base", B64, "27.2.3", HOST_FS_BASE, E(HOST_FS_BASE, NONCANONICAL)),
	FAIL("host_gdtr_base", B64, "27.2.3", HOST_GDTR_BASE, E(HOST_GDTR_BASE, 0x8000000000000000ULL)),
	FAIL("host_tr_base", B64, "27.2.3", HOST_TR_BASE, E(HOST_TR_BASE, 0xfff0800000000000ULL)),

	/* 27.2.4 address-space size. */
	FAIL("host_addr_space_size_0", B64, "27.2.4", VM_EXIT_CONTROLS,
	     E(VM_EXIT_CONTROLS, GOOD_EXIT & ~VM_EXIT_HOST_ADDR_SPACE_SIZE), E(HOST_IA32_EFER, 0)),
	FAIL("host_cr4_pae", B64, "27.2.4", HOST_CR4, E(HOST_CR4, HOST_CR4_VAL & ~X86_CR4_PAE)),
	FAIL("host_rip", B64, "27.2.4", HOST_RIP, E(HOST_RIP, NONCANONICAL)),

	/* 27.3.1.1 guest control registers, debug registers and MSRs. */
	FAIL("guest_cr0_ne", B64, "27.3.1.1", GUEST_CR0, E(GUEST_CR0, GUEST64_CR0 & ~X86_CR0_NE)),
	FAIL("guest_cr0_pg_without_unrestricted", BPAE, "27.3.1.1", GUEST_CR0,
	     E(GUEST_CR0, GUEST64_CR0 & ~X86_CR0_PG)),
	FAIL("guest_cr0_high_bit", B64, "27.3.1.1", GUEST_CR0, E(GUEST_CR0, GUEST64_CR0 | BIT(40))),
	FAIL("guest_cr0_pg_without_pe", BREAL, "27.3.1.1", GUEST_CR0, E(GUEST_CR0, REAL_CR0 | X86_CR0_PG)),
	FAIL("guest_cr4_vmxe", B64, "27.3.1.1", GUEST_CR4, E(GUEST_CR4, GUEST64_CR4 & ~X86_CR4_VMXE)),
	FAIL("guest_cr4_pke_unsupported", B64, "27.3.1.1", GUEST_CR4, E(GUEST_CR4, GUEST64_CR4 | BIT(22))),
	FAILC("guest_cet_needs_wp", B64, "27.3.1.1", GUEST_CR0, caps_cet,
	      E(GUEST_CR4, GUEST64_CR4 | BIT(23)), E(GUEST_CR0, GUEST64_CR0 & ~X86_CR0_WP)),
	FAIL("guest_debugctl_reserved", B64, "27.3.1.1", GUEST_IA32_DEBUGCTL, E(GUEST_IA32_DEBUGCTL, BIT(16))),
	FAIL("guest_ia32e_needs_pg", B64, "27.3.1.1", GUEST_CR0,
	     E(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2 | SECONDARY_UNRESTRICTED_GUEST),
	     E(GUEST_CR0, GUEST64_CR0 & ~X86_CR0_PG)),
	FAIL("guest_ia32e_needs_pae", B64, "27.3.1.1", GUEST_CR4, E(GUEST_CR4, GUEST64_CR4 & ~X86_CR4_PAE)),
	FAIL("guest_pcide_outside_ia32e", BREAL, "27.3.1.1", GUEST_CR4, E(GUEST_CR4, REAL_CR4 | BIT(17))),
	FAIL("guest_cr3_width", B64, "27.3.1.1", GUEST_CR3, E(GUEST_CR3, BEYOND_PA)),
	FAIL("guest_dr7_high", B64, "27.3.1.1", GUEST_DR7, E(GUEST_DR7, 0x100000400ULL)),
	PASS("guest_dr7_not_loaded_ok", B64,
	     E(VM_ENTRY_CONTROLS, GOOD_ENTRY_64 & ~VM_ENTRY_LOAD_DEBUG_CONTROLS),
	     E(GUEST_DR7, 0x100000400ULL)),
	FAIL("guest_sysenter_esp", B64, "27.3.1.1", GUEST_SYSENTER_ESP, E(GUEST_SYSENTER_ESP, NONCANONICAL)),
	FAIL("guest_sysenter_eip", B64, "27.3.1.1", GUEST_SYSENTER_EIP, E(GUEST_SYSENTER_EIP, NONCANONICAL)),
	FAIL("guest_pat_type_3", B64, "27.3.1.1", GUEST_IA32_PAT, E(GUEST_IA32_PAT, (PAT_DEFAULT & ~0xffULL) | 3)),
	FAIL("guest_efer_reserved", B64, "27.3.1.1", GUEST_IA32_EFER,
	     E(GUEST_IA32_EFER, EFER_LMA | EFER_LME | BIT(9))),
	FAIL("guest_efer_lma_vs_ia32e", B64, "27.3.1.1", GUEST_IA32_EFER, E(GUEST_IA32_EFER, EFER_LME)),
	FAIL("guest_efer_lme_vs_lma", B64, "27.3.1.1", GUEST_IA32_EFER, E(GUEST_IA32_EFER, EFER_LMA)),
	FAILC("guest_bndcfgs_reserved", B64, "27.3.1.1", GUEST_BNDCFGS, caps_bndcfgs,
	      E(VM_ENTRY_CONTROLS, GOOD_ENTRY_64 | VM_ENTRY_LOAD_BNDCFGS),
	      E(GUEST_BNDCFGS, 0x1004)),
	FAILC("guest_bndcfgs_base", B64, "27.3.1.1", GUEST_BNDCFGS, caps_bndcfgs,
	      E(VM_ENTRY_CONTROLS, GOOD_ENTRY_64 | VM_ENTRY_LOAD_BNDCFGS),
	      E(GUEST_BNDCFGS, NONCANONICAL | 1)),
	{ .name = "guest_bndcfgs_ok", .base = B64, .caps = caps_bndcfgs,
	  .e = { E(VM_ENTRY_CONTROLS, GOOD_ENTRY_64 | VM_ENTRY_LOAD_BNDCFGS),
		 E(GUEST_BNDCFGS, 0xffff800000001003ULL) } },
	PASS("guest_efer_lme_real_mode_ok", BREAL, E(GUEST_IA32_EFER, EFER_LME)),

	/* 27.3.1.2 guest segment registers. */
	FAIL("seg_tr_ti", B64, "27.3.1.2", GUEST_TR_SELECTOR, E(GUEST_TR_SELECTOR, 0x1c)),
	FAIL("seg_ldtr_ti", B64, "27.3.1.2", GUEST_LDTR_SELECTOR,
	     E(GUEST_LDTR_SELECTOR, 0x24),
	     E(GUEST_LDTR_AR_BYTES, AR_LDT), E(GUEST_LDTR_LIMIT, 0xff)),
	FAIL("seg_ss_rpl_vs_cs_rpl", B64, "27.3.1.2", GUEST_SS_SELECTOR, E(GUEST_SS_SELECTOR, 0x13)),
	PASS("seg_ss_rpl_unrestricted_ok", BREAL, E(GUEST_SS_SELECTOR, 0x3)),
	FAIL("seg_v86_cs_base", BV86, "27.3.1.2", GUEST_CS_BASE, E(GUEST_CS_BASE, 0x10010)),
	FAIL("seg_tr_base", B64, "27.3.1.2", GUEST_TR_BASE, E(GUEST_TR_BASE, NONCANONICAL)),
	FAIL("seg_fs_base", B64, "27.3.1.2", GUEST_FS_BASE, E(GUEST_FS_BASE, NONCANONICAL)),
	FAIL("seg_ldtr_base", B64, "27.3.1.2", GUEST_LDTR_BASE,
	     E(GUEST_LDTR_AR_BYTES, AR_LDT), E(GUEST_LDTR_BASE, NONCANONICAL)),
	FAIL("seg_cs_base_high", B64, "27.3.1.2", GUEST_CS_BASE, E(GUEST_CS_BASE, BIT(32))),
	FAIL("seg_ds_base_high", B64, "27.3.1.2", GUEST_DS_BASE, E(GUEST_DS_BASE, BIT(32))),
	PASS("seg_unusable_ds_base_high_ok", B64, E(GUEST_DS_AR_BYTES, AR_UNUSABLE),
	E(GUEST_DS_BASE, BIT(32))),
	FAIL("seg_v86_ss_limit", BV86, "27.3.1.2", GUEST_SS_LIMIT, E(GUEST_SS_LIMIT, 0xfffff)),
	FAIL("seg_v86_ds_ar", BV86, "27.3.1.2", GUEST_DS_AR_BYTES, E(GUEST_DS_AR_BYTES, 0xf2)),
	FAIL("seg_cs_data_type_without_unrestricted", B64, "27.3.1.2", GUEST_CS_AR_BYTES,
	     E(GUEST_CS_AR_BYTES, 0xa093)),
	FAIL("seg_cs_not_accessed", B64, "27.3.1.2", GUEST_CS_AR_BYTES, E(GUEST_CS_AR_BYTES, 0xa09a)),
	PASS("seg_cs_type3_unrestricted_ok", BREAL, E(GUEST_CS_AR_BYTES, AR_DATA16)),
	FAIL("seg_cs_type7_unrestricted", BREAL, "27.3.1.2", GUEST_CS_AR_BYTES, E(GUEST_CS_AR_BYTES, 0x97)),
	FAIL("seg_ss_read_only", B64, "27.3.1.2", GUEST_SS_AR_BYTES, E(GUEST_SS_AR_BYTES, 0xc091)),
	FAIL("seg_ss_code", B64, "27.3.1.2", GUEST_SS_AR_BYTES, E(GUEST_SS_AR_BYTES, 0xc09b)),
	FAIL("seg_ds_exec_only_code", B64, "27.3.1.2", GUEST_DS_AR_BYTES, E(GUEST_DS_AR_BYTES, 0xc099)),
	FAIL("seg_es_not_accessed", B64, "27.3.1.2", GUEST_ES_AR_BYTES, E(GUEST_ES_AR_BYTES, 0xc092)),
	PASS("seg_unusable_junk_ok", B64, E(GUEST_DS_AR_BYTES, AR_UNUSABLE | 0xfffe0f00ULL)),
	FAIL("seg_cs_system", B64, "27.3.1.2", GUEST_CS_AR_BYTES, E(GUEST_CS_AR_BYTES, AR_CODE64 & ~VMX_AR_S)),
	FAIL("seg_fs_system", BPAE, "27.3.1.2", GUEST_FS_AR_BYTES, E(GUEST_FS_AR_BYTES, AR_DATA32 & ~VMX_AR_S)),
	FAIL("seg_cs_dpl_vs_ss_dpl", B64, "27.3.1.2", GUEST_CS_AR_BYTES, E(GUEST_CS_AR_BYTES, AR_CODE64 | AR_DPL3)),
	FAIL("seg_conforming_cs_dpl_above_ss", B64, "27.3.1.2", GUEST_CS_AR_BYTES,
	     E(GUEST_CS_AR_BYTES, 0xa09fULL | AR_DPL3)),
	PASS("seg_conforming_cs_dpl_below_ss_ok", B64,
	     E(GUEST_CS_SELECTOR, 0x0b), E(GUEST_CS_AR_BYTES, 0xa09f),
	     E(GUEST_SS_SELECTOR, 0x13), E(GUEST_SS_AR_BYTES, AR_DATA32 | AR_DPL3)),
	FAIL("seg_cs_type3_dpl3", BREAL, "27.3.1.2", GUEST_CS_AR_BYTES, E(GUEST_CS_AR_BYTES, AR_DATA16 | AR_DPL3)),
	FAIL("seg_ss_dpl_vs_rpl", B64, "27.3.1.2", GUEST_SS_AR_BYTES,
	     E(GUEST_CS_AR_BYTES, AR_CODE64 | AR_DPL3), E(GUEST_SS_AR_BYTES, AR_DATA32 | AR_DPL3)),
	FAIL("seg_ss_dpl_real_mode", BREAL, "27.3.1.2", GUEST_SS_AR_BYTES,
	     E(GUEST_CS_AR_BYTES, AR_DATA16), E(GUEST_SS_AR_BYTES, AR_DATA16 | AR_DPL3)),
	FAIL("seg_ds_dpl_below_rpl", B64, "27.3.1.2", GUEST_DS_AR_BYTES, E(GUEST_DS_SELECTOR, 0x13)),
	PASS("seg_ds_conforming_dpl_below_rpl_ok", B64,
	     E(GUEST_DS_SELECTOR, 0x0b), E(GUEST_DS_AR_BYTES, 0xc09f)),
	PASS("seg_ds_dpl_below_rpl_unrestricted_ok", BREAL, E(GUEST_DS_SELECTOR, 0x3)),
	FAIL("seg_cs_not_present", B64, "27.3.1.2", GUEST_CS_AR_BYTES, E(GUEST_CS_AR_BYTES, AR_CODE64 & ~VMX_AR_P)),
	FAIL("seg_ss_not_present", B64, "27.3.1.2", GUEST_SS_AR_BYTES, E(GUEST_SS_AR_BYTES, AR_DATA32 & ~VMX_AR_P)),
	FAIL("seg_fs_reserved_11_8", BPAE, "27.3.1.2", GUEST_FS_AR_BYTES, E(GUEST_FS_AR_BYTES, AR_DATA32 | BIT(8))),
	FAIL("seg_cs_l_and_db", B64, "27.3.1.2", GUEST_CS_AR_BYTES, E(GUEST_CS_AR_BYTES, AR_CODE64 | VMX_AR_DB)),
	PASS("seg_cs_l_and_db_outside_ia32e_ok", BPAE, E(GUEST_CS_AR_BYTES, AR_CODE32 | VMX_AR_L)),
	FAIL("seg_ds_g_clear_big_limit", B64, "27.3.1.2", GUEST_DS_AR_BYTES, E(GUEST_DS_AR_BYTES, AR_DATA32 & ~VMX_AR_G)),
	FAIL("seg_es_g_set_ragged_limit", B64, "27.3.1.2", GUEST_ES_AR_BYTES, E(GUEST_ES_LIMIT, 0xffff0)),
	PASS("seg_es_g_set_limit_fffff_ok", B64, E(GUEST_ES_LIMIT, 0xfffff)),
	FAIL("seg_gs_reserved_31_17", BPAE, "27.3.1.2", GUEST_GS_AR_BYTES, E(GUEST_GS_AR_BYTES, AR_DATA32 | BIT(17))),
	FAIL("seg_tr_16bit_in_ia32e", B64, "27.3.1.2", GUEST_TR_AR_BYTES, E(GUEST_TR_AR_BYTES, 0x83)),
	PASS("seg_tr_16bit_outside_ia32e_ok", BREAL, E(GUEST_TR_AR_BYTES, 0x83)),
	FAIL("seg_tr_available_tss", B64, "27.3.1.2", GUEST_TR_AR_BYTES, E(GUEST_TR_AR_BYTES, 0x89)),
	FAIL("seg_tr_s_bit", B64, "27.3.1.2", GUEST_TR_AR_BYTES, E(GUEST_TR_AR_BYTES, AR_TSS_BUSY | VMX_AR_S)),
	FAIL("seg_tr_not_present", B64, "27.3.1.2", GUEST_TR_AR_BYTES, E(GUEST_TR_AR_BYTES, 0x0b)),
	FAIL("seg_tr_g_vs_limit", B64, "27.3.1.2", GUEST_TR_AR_BYTES, E(GUEST_TR_AR_BYTES, AR_TSS_BUSY | VMX_AR_G)),
	FAIL("seg_tr_reserved_11_8", B64, "27.3.1.2", GUEST_TR_AR_BYTES, E(GUEST_TR_AR_BYTES, AR_TSS_BUSY | BIT(8))),
	FAIL("seg_tr_reserved_31_17", B64, "27.3.1.2", GUEST_TR_AR_BYTES, E(GUEST_TR_AR_BYTES, AR_TSS_BUSY | BIT(17))),
	FAIL("seg_tr_unusable", B64, "27.3.1.2", GUEST_TR_AR_BYTES, E(GUEST_TR_AR_BYTES, AR_TSS_BUSY | AR_UNUSABLE)),
	FAIL("seg_ldtr_type", BREAL, "27.3.1.2", GUEST_LDTR_AR_BYTES, E(GUEST_LDTR_AR_BYTES, 0x83)),
	FAIL("seg_ldtr_s_bit", BREAL, "27.3.1.2", GUEST_LDTR_AR_BYTES, E(GUEST_LDTR_AR_BYTES, AR_LDT | VMX_AR_S)),
	FAIL("seg_ldtr_reserved_11_8", BREAL, "27.3.1.2", GUEST_LDTR_AR_BYTES, E(GUEST_LDTR_AR_BYTES, AR_LDT | BIT(9))),
	FAIL("seg_ldtr_g_vs_limit", BREAL, "27.3.1.2", GUEST_LDTR_AR_BYTES, E(GUEST_LDTR_LIMIT, 0x100000)),
	FAIL("seg_ldtr_not_present", BREAL, "27.3.1.2", GUEST_LDTR_AR_BYTES, E(GUEST_LDTR_AR_BYTES, 0x02)),
	FAIL("seg_ldtr_reserved_31_17", BREAL, "27.3.1.2", GUEST_LDTR_AR_BYTES,
	     E(GUEST_LDTR_AR_BYTES, AR_LDT | BIT(20))),

	/* 27.3.1.3 guest descriptor-table registers. */
	FAIL("dt_gdtr_base", B64, "27.3.1.3", GUEST_GDTR_BASE, E(GUEST_GDTR_BASE, NONCANONICAL)),
	FAIL("dt_idtr_base", B64, "27.3.1.3", GUEST_IDTR_BASE, E(GUEST_IDTR_BASE, 0x1ULL << 63)),
	FAIL("dt_gdtr_limit", B64, "27.3.1.3", GUEST_GDTR_LIMIT, E(GUEST_GDTR_LIMIT, 0x10000)),
	FAIL("dt_idtr_limit", BREAL, "27.3.1.3", GUEST_IDTR_LIMIT, E(GUEST_IDTR_LIMIT, 0x1ffff)),

	/* 27.3.1.4 guest RIP and RFLAGS. */
	FAIL("rip_noncanonical_64bit", B64, "27.3.1.4", GUEST_RIP, E(GUEST_RIP, NONCANONICAL)),
	FAIL("rip_high_real_mode", BREAL, "27.3.1.4", GUEST_RIP, E(GUEST_RIP, BIT(32))),
	FAIL("rip_high_compat_mode", B64, "27.3.1.4", GUEST_RIP,
	     E(GUEST_CS_AR_BYTES, AR_CODE32), E(GUEST_RIP, BIT(32))),
	FAIL("rflags_reserved_bit3", B64, "27.3.1.4", GUEST_RFLAGS, E(GUEST_RFLAGS, RFLAGS_FIXED | BIT(3))),
	FAIL("rflags_reserved_bit22", B64, "27.3.1.4", GUEST_RFLAGS, E(GUEST_RFLAGS, RFLAGS_FIXED | BIT(22))),
	FAIL("rflags_bit1_clear", B64, "27.3.1.4", GUEST_RFLAGS, E(GUEST_RFLAGS, X86_RFLAGS_IF)),
	FAIL("rflags_vm_in_ia32e", BV86, "27.3.1.4", GUEST_RFLAGS,
	     E(VM_ENTRY_CONTROLS, GOOD_ENTRY_64), E(GUEST_IA32_EFER, EFER_LMA | EFER_LME)),
	FAIL("rflags_vm_with_pe_0", BV86, "27.3.1.4", GUEST_RFLAGS,
	     E(SECONDARY_VM_EXEC_CONTROL, GOOD_PROC2 | SECONDARY_UNRESTRICTED_GUEST),
	     E(GUEST_CR0, REAL_CR0)),
	FAIL("rflags_if_for_ext_intr", B64, "27.3.1.4", GUEST_RFLAGS,
	     E(GUEST_RFLAGS, RFLAGS_FIXED),
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_EXT_INTR, 0x20))),

	/* 27.3.1.5 guest non-register state. */
	FAIL("activity_state_4", B64, "27.3.1.5", GUEST_ACTIVITY_STATE, E(GUEST_ACTIVITY_STATE, 4)),
	FAILC("activity_shutdown_unsupported", B64, "27.3.1.5", GUEST_ACTIVITY_STATE, caps_no_shutdown,
	      E(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_SHUTDOWN)),
	PASS("activity_hlt_ok", B64, E(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT)),
	FAIL("activity_hlt_at_cpl3", B64, "27.3.1.5", GUEST_ACTIVITY_STATE,
	     E(GUEST_CS_SELECTOR, 0x2b), E(GUEST_CS_AR_BYTES, AR_CODE64 | AR_DPL3),
	     E(GUEST_SS_SELECTOR, 0x33), E(GUEST_SS_AR_BYTES, AR_DATA32 | AR_DPL3),
	     E(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT)),
	FAIL("activity_hlt_with_sti_blocking", B64, "27.3.1.5", GUEST_ACTIVITY_STATE,
	     E(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT),
	     E(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_STI)),
	FAIL("activity_hlt_inject_pf", B64, "27.3.1.5", GUEST_ACTIVITY_STATE,
	     E(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT),
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO_EC(INTR_TYPE_HARD_EXCEPTION, 14))),
	PASS("activity_hlt_inject_ext_intr_ok", B64,
	     E(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT),
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_EXT_INTR, 0x20))),
	PASS("activity_shutdown_inject_nmi_ok", B64,
	     E(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_SHUTDOWN),
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_NMI, 2))),
	FAIL("activity_shutdown_inject_ext_intr", B64, "27.3.1.5", GUEST_ACTIVITY_STATE,
	     E(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_SHUTDOWN),
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_EXT_INTR, 0x20))),
	FAIL("activity_wait_sipi_inject_nmi", B64, "27.3.1.5", GUEST_ACTIVITY_STATE,
	     E(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_WAIT_SIPI),
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_NMI, 2))),
	FAIL("intr_state_reserved", B64, "27.3.1.5", GUEST_INTERRUPTIBILITY_INFO,
	     E(GUEST_INTERRUPTIBILITY_INFO, BIT(5))),
	FAIL("intr_state_sti_and_mov_ss", B64, "27.3.1.5", GUEST_INTERRUPTIBILITY_INFO,
	     E(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)),
	FAIL("intr_state_sti_with_if_0", B64, "27.3.1.5", GUEST_INTERRUPTIBILITY_INFO,
	     E(GUEST_RFLAGS, RFLAGS_FIXED), E(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_STI)),
	FAIL("intr_state_mov_ss_ext_intr", B64, "27.3.1.5", GUEST_INTERRUPTIBILITY_INFO,
	     E(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_MOV_SS),
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_EXT_INTR, 0x20))),
	FAIL("intr_state_mov_ss_nmi", B64, "27.3.1.5", GUEST_INTERRUPTIBILITY_INFO,
	     E(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_MOV_SS),
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_NMI, 2))),
	FAIL("intr_state_smi", B64, "27.3.1.5", GUEST_INTERRUPTIBILITY_INFO,
	     E(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_SMI)),
	FAIL("intr_state_sti_nmi", B64, "27.3.1.5", GUEST_INTERRUPTIBILITY_INFO,
	     E(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_STI),
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_NMI, 2))),
	FAIL("intr_state_nmi_blocking_virtual_nmi", B64, "27.3.1.5", GUEST_INTERRUPTIBILITY_INFO,
	     E(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_NMI),
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_NMI, 2))),
	PASS("intr_state_nmi_blocking_without_virtual_nmis_ok", B64,
	     E(PIN_BASED_VM_EXEC_CONTROL, GOOD_PIN & ~PIN_BASED_VIRTUAL_NMIS),
	     E(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_NMI),
	     E(VM_ENTRY_INTR_INFO_FIELD, INFO(INTR_TYPE_NMI, 2))),
	FAIL("intr_state_enclave_mov_ss", B64, "27.3.1.5", GUEST_INTERRUPTIBILITY_INFO,
	     E(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_ENCLAVE | GUEST_INTR_STATE_MOV_SS)),
	FAIL("pending_dbg_reserved", B64, "27.3.1.5", GUEST_PENDING_DBG_EXCEPTIONS,
	     E(GUEST_PENDING_DBG_EXCEPTIONS, BIT(4))),
	FAIL("pending_dbg_bs_missing_with_tf", B64, "27.3.1.5", GUEST_PENDING_DBG_EXCEPTIONS,
	     E(GUEST_RFLAGS, RFLAGS_FIXED | X86_RFLAGS_IF | RFLAGS_TF),
	     E(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_STI)),
	PASS("pending_dbg_bs_with_tf_ok", B64,
	     E(GUEST_RFLAGS, RFLAGS_FIXED | X86_RFLAGS_IF | RFLAGS_TF),
	     E(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_STI),
	     E(GUEST_PENDING_DBG_EXCEPTIONS, PENDING_DBG_BS)),
	FAIL("pending_dbg_bs_without_tf", B64, "27.3.1.5", GUEST_PENDING_DBG_EXCEPTIONS,
	     E(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_MOV_SS),
	     E(GUEST_PENDING_DBG_EXCEPTIONS, PENDING_DBG_BS)),
	FAIL("pending_dbg_bs_with_btf", B64, "27.3.1.5", GUEST_PENDING_DBG_EXCEPTIONS,
	     E(GUEST_RFLAGS, RFLAGS_FIXED | RFLAGS_TF), E(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT),
	     E(GUEST_IA32_DEBUGCTL, BIT(1)), E(GUEST_PENDING_DBG_EXCEPTIONS, PENDING_DBG_BS)),
	PASS("pending_dbg_bs_unblocked_ok", B64, E(GUEST_PENDING_DBG_EXCEPTIONS, PENDING_DBG_BS)),
	FAIL("pending_dbg_rtm_without_bp", B64, "27.3.1.5", GUEST_PENDING_DBG_EXCEPTIONS,
	     E(GUEST_PENDING_DBG_EXCEPTIONS, PENDING_DBG_RTM)),
	PASS("pending_dbg_rtm_ok", B64, E(GUEST_PENDING_DBG_EXCEPTIONS, PENDING_DBG_RTM | PENDING_DBG_ENABLED_BP)),
	FAIL("vmcs_link_unaligned", B64, "27.3.1.5", VMCS_LINK_POINTER, E(VMCS_LINK_POINTER, 0x1d008)),
	FAIL("vmcs_link_width", B64, "27.3.1.5", VMCS_LINK_POINTER, E(VMCS_LINK_POINTER, BEYOND_PA)),

	/* 27.3.1.6 guest PDPTEs (PAE paging under EPT). */
	FAIL("pdpte_reserved_low", BPAE, "27.3.1.6", GUEST_PDPTR0, E(GUEST_PDPTR0, 0x6003)),
	FAIL("pdpte_width", BPAE, "27.3.1.6", GUEST_PDPTR2, E(GUEST_PDPTR2, BEYOND_PA | 1)),
	PASS("pdpte_not_present_ok", BPAE, E(GUEST_PDPTR3, 0xfffffffffffffffeULL)),

	/* The first failure, in the SDM's order, is the one reported. */
	FAIL("order_host_before_guest", B64, "27.2.2", HOST_CR0,
	     E(GUEST_RIP, NONCANONICAL), E(HOST_CR0, HOST_CR0_VAL & ~X86_CR0_PE)),
	FAIL("order_controls_before_host", B64, "27.2.1.1", VIRTUAL_PROCESSOR_ID,
	     E(HOST_CR0, 0), E(VIRTUAL_PROCESSOR_ID, 0)),
};

/* ---- running one case ------------------------------------------------ */

static u64 field_value(enum vmcs_field f)
{
	switch (VMCS_FIELD_WIDTH(f)) {
	case VMCS_WIDTH_16:
		return img.v[f] & 0xffff;
	case VMCS_WIDTH_32:
		return img.v[f] & 0xffffffff;
	default:
		return img.v[f];
	}
}

static void run_case(void **state)
{
	const struct check_case *k = *state;
	struct vmx_caps caps = skylake_x;
	struct vmx_check_failure fail = { 0 };
	char prefix[32];
	size_t i;
	int err;

	builders[k->base]();
	for (i = 0; i < ARRAY_SIZE(k->e) && k->e[i].on; i++) {
		set(k->e[i].f, k->e[i].v);
	}
	if (k->caps) {
		k->caps(&caps);
	}
	err = vmx_check_vmentry(&img.r, &caps, MAXPHYADDR, &fail);
	if (!k->section) {
		if (err) {
			fail_msg("expected a pass, saw %s = 0x%llx (%s)", vmcs_field_name(fail.field),
				 fail.value, fail.rule);
		}
		return;
	}
	if (err != -EINVAL) {
		fail_msg("expected -EINVAL naming %s, saw %d", vmcs_field_name(k->field), err);
	}
	if (fail.field != k->field) {
		fail_msg("expected %s, saw %s = 0x%llx (%s)", vmcs_field_name(k->field),
			 vmcs_field_name(fail.field), fail.value, fail.rule);
	}
	snprintf(prefix, sizeof(prefix), "SDM %s: ", k->section);
	if (!fail.rule || strncmp(fail.rule, prefix, strlen(prefix)) != 0) {
		fail_msg("expected a rule citing \"%s\", saw \"%s\"", prefix, fail.rule ? fail.rule : "(null)");
	}
	assert_int_equal(fail.value, field_value(k->field));
}

/* ---- the rest -------------------------------------------------------- */

static void caps_are_plausible(void **state)
{
	const struct vmx_caps *c = &skylake_x;
	u64 p2 = c->procbased2 >> 32, e = c->ept_vpid;

	assert_int_equal(c->basic & VMX_BASIC_REVISION_MASK, 0x2b);
	assert_int_equal(VMX_BASIC_VMCS_SIZE(c->basic), 4096);
	assert_int_equal(VMX_BASIC_MEMTYPE(c->basic), 6);
	/* Every allowed-0 bit is also allowed-1. */
	assert_int_equal(LOW32(c->pinbased) & ~(c->pinbased >> 32), 0);
	assert_int_equal(LOW32(c->procbased) & ~(c->procbased >> 32), 0);
	assert_int_equal(LOW32(c->exit) & ~(c->exit >> 32), 0);
	assert_int_equal(LOW32(c->entry) & ~(c->entry >> 32), 0);
	assert_int_equal(c->cr0_fixed0 & ~c->cr0_fixed1, 0);
	assert_int_equal(c->cr4_fixed0 & ~c->cr4_fixed1, 0);
	assert_int_equal(c->cr0_fixed0, X86_CR0_PG | X86_CR0_NE | X86_CR0_PE);
	assert_int_equal(c->cr4_fixed0, X86_CR4_VMXE);
	assert_true(p2 & SECONDARY_EPT);
	assert_true(p2 & SECONDARY_VPID);
	assert_true(p2 & SECONDARY_UNRESTRICTED_GUEST);
	assert_true(p2 & SECONDARY_ENABLE_PML);
	assert_int_equal(e & SKX_EPT_WANTED, SKX_EPT_WANTED);
	assert_int_equal(VMX_MISC_CR3_TARGETS(c->misc), 4);
	assert_int_equal(VMX_MISC_PREEMPT_RATE(c->misc), 0);
	assert_true(c->misc & VMX_MISC_ACTIVITY_HLT);
}

static void null_failure_pointer(void **state)
{
	build_64bit();
	set(GUEST_RIP, NONCANONICAL);
	assert_int_equal(vmx_check_vmentry(&img.r, &skylake_x, MAXPHYADDR, NULL), -EINVAL);
}

static void print_line(void **state)
{
	struct vmx_check_failure fail = {
		.field = GUEST_CS_AR_BYTES,
		.value = 0xa093,
		.rule = "SDM 27.3.1.2: CS access rights type must be 9, 11, 13 or 15 (accessed code)",
	};
	char line[256] = "";

	capture_begin();
	vmx_check_print(&fail);
	capture_end(line, sizeof(line));
	assert_string_equal(line, "vmx: entry check failed: GUEST_CS_AR_BYTES = 0xa093 (SDM 27.3.1.2: "
			    "CS access rights type must be 9, 11, 13 or 15 (accessed code))\n");
}

/* include/vmx/vmcs_fields.h, found from this file's path as the build gave it. */
static FILE *open_fields_header(void)
{
	const char *file = __FILE__, *tail = strstr(file, "tests/unit/");
	char path[512];

	snprintf(path, sizeof(path), "%.*sinclude/vmx/vmcs_fields.h",
		 tail ? (int)(tail - file) : 0, file);
	return fopen(path, "r");
}

static void field_names(void **state)
{
	FILE *h = open_fields_header();
	char line[256], name[64];
	unsigned int enc, n = 0;

	assert_string_equal(vmcs_field_name(GUEST_CS_AR_BYTES), "GUEST_CS_AR_BYTES");
	assert_string_equal(vmcs_field_name(VIRTUAL_PROCESSOR_ID), "VIRTUAL_PROCESSOR_ID");
	assert_string_equal(vmcs_field_name(HOST_RIP), "HOST_RIP");
	assert_string_equal(vmcs_field_name(0x2001), "?");	/* a 64-bit field's high half */
	assert_string_equal(vmcs_field_name(0x1234), "?");
	if (!h) {
		skip();
	}
	/* Every enumerator "\tNAME = 0x....," has its own name. */
	while (fgets(line, sizeof(line), h)) {
		if (line[0] == '\t' && sscanf(line, " %63[A-Z0-9_] = 0x%x,", name, &enc) == 2) {
			if (strcmp(vmcs_field_name(enc), name) != 0) {
				fclose(h);
				fail_msg("vmcs_field_name(0x%04x) is \"%s\", expected \"%s\"", enc,
					 vmcs_field_name(enc), name);
			}
			n++;
		}
	}
	fclose(h);
	assert_true(n > 150);
}

int main(void)
{
	static struct CMUnitTest tests[4 + ARRAY_SIZE(cases)] = {
		cmocka_unit_test(caps_are_plausible),
		cmocka_unit_test(null_failure_pointer),
		cmocka_unit_test(print_line),
		cmocka_unit_test(field_names),
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		tests[4 + i] = (struct CMUnitTest){
			.name = cases[i].name,
			.test_func = run_case,
			.initial_state = (void *)&cases[i],
		};
	}
	return _cmocka_run_group_tests("vmx_check", tests, ARRAY_SIZE(tests), NULL, NULL);
}
