/*
 * RDMSR/WRMSR that exit: every MSR the bitmap does not pass through
 * (vmx/msr_bitmap.c), and all of them on a CPU without MSR bitmaps.  An
 * allowlist says what a guest may see and change; everything else is #GP,
 * as on a CPU without that MSR.  The SYSCALL/SWAPGS/RDTSCP MSRs are the
 * guest's own (vmx/shared_msrs.c); IA32_MISC_ENABLE and the microcode revision are
 * emulated.  The guest may never disable or move the real local APIC
 * (Bochs never re-enables a disabled one, docs/bochs.md), and its EFER and PAT
 * live in the VMCS, loaded on entry and saved on exit, as does the TSC
 * offset a write to IA32_TSC or IA32_TSC_ADJUST sets (the adjust value
 * itself is the vCPU's, emulated).  A vCPU whose VMM
 * emulates its APIC (v->apic) has its own IA32_APIC_BASE
 * instead: EN may be cleared and set again, the base may move, EXTD
 * enters x2APIC mode (whose registers are MSRs 0x800-0x8ff, irq/), and
 * IA32_TSC_DEADLINE arms its timer in the guest's TSC (host TSC plus the
 * offset a write to IA32_TSC set).
 */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/trap.h"
#include "irq/irq.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "exit_handlers.h"
#include "vcpu_internal.h"
#include "vmx/mce.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_bits.h"

#define MSR_IA32_TSC 0x10
#define MSR_IA32_TSC_ADJUST 0x3b
#define MSR_IA32_MTRRCAP 0xfe
#define MSR_IA32_MTRR_DEF_TYPE 0x2ff
#define MSR_IA32_UCODE_REV 0x8b
#define MSR_IA32_DEBUGCTL 0x1d9
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define GP_ERROR 0
/*
 * IA32_MISC_ENABLE as a new vCPU sees it (Bochs has no such MSR, and Linux
 * reads it before it has an IDT): fast strings on, BTS and PEBS
 * unavailable (SDM Vol. 4 Table 2-2).
 */
#define MISC_ENABLE_RESET (MISC_ENABLE_FAST_STRING | MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)
#define SHARED_MSR_HIGH_RESERVED 0xffffffff00000000ULL	/* SFMASK, TSC_AUX: bits 63:32 */

static u64 msr_value(struct vcpu *v)
{
	return (v->gprs.rdx << 32) | (u32)v->gprs.rax;
}

static int msr_fault(struct vcpu *v, const char *op, u32 msr)
{
	bool last;

	if (vcpu_report(&v->msr_refused, &last))
		kprintf("vmx: vcpu %u: %s of MSR 0x%x refused: #GP to the guest%s\n", v->id, op, msr,
			last ? " (more are counted in stats, not printed)" : "");
	vcpu_inject_exception(v, X86_TRAP_GP, true, GP_ERROR);
	return 1;
}

u64 vcpu_misc_enable_reset(void)
{
	return MISC_ENABLE_RESET;
}

/*
 * The writable bits are kept and read back, as on the CPU; two of them
 * change what the guest sees: LIMIT_CPUID makes CPUID.0:EAX read 2, and
 * XD_DISABLE hides NX from CPUID.80000001H and refuses EFER.NXE being
 * turned on (vmx/exit_cpuid.c, guest_write_efer()); the others (TCC,
 * EIST, the MONITOR FSM, xTPR) have nothing to act on here.  A reserved
 * bit is #GP; the read-only bits keep their value whatever is written.
 * Linux turns XD_DISABLE off at boot; kvm-unit-tests' `msr` writes every
 * writable bit and reads them back.  An EFER.NXE already on stays on (the
 * SDM says nothing of a CPU where XD is disabled under it).
 */
static bool guest_write_misc_enable(struct vcpu *v, u64 val)
{
	if (val & ~(MISC_ENABLE_WRITABLE | MISC_ENABLE_READ_ONLY))
		return false;
	v->misc_enable = (val & MISC_ENABLE_WRITABLE) | (v->misc_enable & MISC_ENABLE_READ_ONLY);
	vcpu_cpuid_update(v);
	return true;
}

/* The physical-address bits the CPU has (CPUID 0x80000008 EAX[7:0], SDM Vol. 3A 4.1.4). */
static u64 phys_addr_mask(void)
{
	unsigned int bits = cpuid(0x80000000).eax >= 0x80000008 ? cpuid(0x80000008).eax & 0xff : 36;

	return (bits >= 64 ? ~0ULL : (1ULL << bits) - 1);
}

/* What the guest's RDTSC adds to the TSC: TSC_OFFSET once it wrote IA32_TSC, else 0. */
static u64 guest_tsc_offset(void)
{
	return (vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) & CPU_BASED_USE_TSC_OFFSETTING) ?
		       vmcs_read64(TSC_OFFSET) : 0;
}

/*
 * The guest's TSC moves by the offset only (SDM Vol. 3C 27.3.3.1, "TSC
 * offsetting"): RDTSC, RDTSCP and RDMSR then read host TSC + offset.
 * The VMM's clocks (PIT, LAPIC timer, run budgets) stay on the host TSC.
 */
static bool guest_set_tsc_offset(u64 offset)
{
	u32 proc = vmcs_read32(CPU_BASED_VM_EXEC_CONTROL);

	return vmcs_write64(TSC_OFFSET, offset) &&
	       vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, proc | CPU_BASED_USE_TSC_OFFSETTING);
}

/*
 * IA32_TSC and IA32_TSC_ADJUST move together (SDM Vol. 3B 17.17.3): a
 * write to IA32_TSC that adds X to the TSC adds X to IA32_TSC_ADJUST, and
 * a write to IA32_TSC_ADJUST that adds X to it adds X to the TSC.  What
 * Linux reads to trust the TSC: an adjust value that nobody else changes.
 */
static bool guest_write_tsc(struct vcpu *v, u64 val)
{
	u64 old = guest_tsc_offset(), offset = val - rdtsc();

	v->tsc_adjust += offset - old;
	return guest_set_tsc_offset(offset);
}

static bool guest_write_tsc_adjust(struct vcpu *v, u64 val)
{
	u64 offset = guest_tsc_offset() + (val - v->tsc_adjust);

	v->tsc_adjust = val;
	return guest_set_tsc_offset(offset);
}

/*
 * Whether v's CPUID has x2APIC: without it EXTD is reserved, so the APIC
 * never enters x2APIC mode and the x2APIC MSRs stay #GP (vmx/vcpu_cpuid.c).
 */
static bool x2apic_shown(const struct vcpu *v)
{
	return !vcpu_cpuid_flags_hides(&v->cpuid_flags, VCPU_CPUID_X2APIC);
}

/*
 * A new IA32_APIC_BASE for an emulated APIC (KVM's kvm_apic_set_base()
 * rules, SDM Vol. 3A 11.12.5): EN and EXTD make the mode (disabled, xAPIC,
 * x2APIC; EXTD without EN is invalid); x2APIC is entered only from xAPIC
 * mode and left only by disabling; BSP is read-only; bits 0-7, 9 and
 * those above MAXPHYADDR are reserved, and EXTD too when the guest's CPUID
 * has no x2APIC (SDM Vol. 3A 11.12.1; vmx/vcpu_cpuid.c).  False: #GP.
 */
static bool apic_base_valid(const struct vcpu *v, u64 old, u64 val)
{
	bool old_x2 = old & MSR_APIC_BASE_EXTD, new_x2 = val & MSR_APIC_BASE_EXTD;
	bool old_en = old & MSR_APIC_BASE_ENABLE, new_en = val & MSR_APIC_BASE_ENABLE;

	if (val & ~(MSR_APIC_BASE_ENABLE | MSR_APIC_BASE_EXTD | MSR_APIC_BASE_BSP |
		    (phys_addr_mask() & ~0xfffULL)))
		return false;
	if (new_x2 && !x2apic_shown(v))
		return false;
	if (new_x2 && !new_en)
		return false;				/* invalid state */
	if (old_x2 && new_en && !new_x2)
		return false;				/* x2APIC -> xAPIC */
	if (!old_en && new_x2)
		return false;				/* disabled -> x2APIC */
	return true;
}

/* The guest's value of msr, or false when the guest may not read it. */
static bool guest_rdmsr(struct vcpu *v, u32 msr, u64 *val)
{
	int slot = vcpu_shared_msr_slot(msr);

	if (slot >= 0) {
		*val = vcpu_get_shared_msr(v, slot);
		return true;
	}
	if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST)
		return v->apic && !kvm_x2apic_msr_read(v, msr, val);
	if (vcpu_mce_msr(msr))
		return vcpu_mce_get_msr(&v->mce, msr, val);
	switch (msr) {
	case MSR_IA32_MISC_ENABLE: *val = v->misc_enable; return true;
	case MSR_IA32_UCODE_REV: *val = 0; return true;	/* no microcode revision to report */
	case MSR_IA32_DEBUGCTL: *val = vmcs_read64(GUEST_IA32_DEBUGCTL); return true;
	case MSR_EFER: *val = vmcs_read64(GUEST_IA32_EFER); return true;
	case MSR_IA32_PAT: *val = vmcs_read64(GUEST_IA32_PAT); return true;
	case MSR_IA32_TSC: *val = rdtsc() + guest_tsc_offset(); return true;
	case MSR_IA32_TSC_ADJUST: *val = v->tsc_adjust; return true;
	case MSR_IA32_SYSENTER_CS: *val = vmcs_read32(GUEST_SYSENTER_CS); return true;
	case MSR_IA32_SYSENTER_ESP: *val = vmcs_readnat(GUEST_SYSENTER_ESP); return true;
	case MSR_IA32_SYSENTER_EIP: *val = vmcs_readnat(GUEST_SYSENTER_EIP); return true;
	case MSR_FS_BASE: *val = vmcs_readnat(GUEST_FS_BASE); return true;
	case MSR_GS_BASE: *val = vmcs_readnat(GUEST_GS_BASE); return true;
	case MSR_IA32_APIC_BASE:
		if (v->apic) {
			*val = v->apic_base;
			return true;
		}
		return rdmsr_safe(msr, val) == 0;
	case MSR_IA32_TSC_DEADLINE:
		if (!v->apic)
			return false;
		*val = kvm_get_lapic_tscdeadline_msr(v);
		*val = *val ? *val + guest_tsc_offset() : 0;
		return true;
	/* Read-only views of the host's platform MSRs. */
	case MSR_IA32_MTRRCAP:
	case MSR_IA32_MTRR_DEF_TYPE:
		return rdmsr_safe(msr, val) == 0;
	default:
		return false;
	}
}

/* Bits 63:47 all equal: a canonical 48-bit address (SDM Vol. 1 3.3.7.1). */
static bool canonical(u64 va)
{
	return ((s64)(va << 16) >> 16) == (s64)va;
}

/* Each PAT entry must be a valid memory type: 0, 1, 4, 5, 6 or 7 (SDM Vol. 3A 12.12.2). */
static bool pat_valid(u64 pat)
{
	for (int i = 0; i < 8; i++, pat >>= 8) {
		u8 type = pat & 0xff;

		if (type == 2 || type == 3 || type > 7)
			return false;
	}
	return true;
}

/*
 * EFER: only SCE, LME, LMA and NXE exist here, and LME may not change while
 * paging is on (SDM Vol. 3A 10.8.5); LMA is the CPU's to set, so the
 * current one is kept.  Paging is the guest's own CR0.PG, which it changes
 * without an exit (PG is outside the guest/host mask): read from GUEST_CR0,
 * not from the read shadow.
 */
static bool guest_write_efer(struct vcpu *v, u64 val)
{
	u64 cur = vmcs_read64(GUEST_IA32_EFER);

	if (val & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
		return false;
	/* NXE is reserved where CPUID shows no NX (SDM Vol. 3A 2.2.1, Vol. 4 Table 2-2 bit 34). */
	if ((val & ~cur & EFER_NXE) && (v->misc_enable & MISC_ENABLE_XD_DISABLE))
		return false;
	if ((vcpu_guest_cr0(v) & X86_CR0_PG) && ((val ^ cur) & EFER_LME))
		return false;
	return vmcs_write64(GUEST_IA32_EFER, (val & ~EFER_LMA) | (cur & EFER_LMA));
}

/* SYSCALL, SWAPGS and RDTSCP state: addresses canonical, reserved halves zero. */
static bool guest_write_shared(struct vcpu *v, int slot, u64 val)
{
	switch (slot) {
	case VCPU_MSR_LSTAR:
	case VCPU_MSR_CSTAR:
	case VCPU_MSR_KERNEL_GS_BASE:
		if (!canonical(val))
			return false;
		break;
	case VCPU_MSR_SFMASK:
	case VCPU_MSR_TSC_AUX:
		if (val & SHARED_MSR_HIGH_RESERVED)
			return false;
		break;
	default:
		break;
	}
	vcpu_set_shared_msr(v, slot, val);
	return true;
}

static bool guest_wrmsr(struct vcpu *v, u32 msr, u64 val)
{
	int slot = vcpu_shared_msr_slot(msr);
	u64 cur;

	if (slot >= 0)
		return guest_write_shared(v, slot, val);
	if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST)
		return v->apic && !kvm_x2apic_msr_write(v, msr, val);
	if (vcpu_mce_msr(msr))
		return vcpu_mce_set_msr(&v->mce, msr, val);
	switch (msr) {
	case MSR_IA32_MISC_ENABLE: return guest_write_misc_enable(v, val);
	case MSR_IA32_TSC: return guest_write_tsc(v, val);
	case MSR_IA32_TSC_ADJUST: return guest_write_tsc_adjust(v, val);
	case MSR_IA32_UCODE_REV: return true;	/* Linux writes 0 before it reads the revision */
	case MSR_IA32_DEBUGCTL: return val == 0 && vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	case MSR_EFER: return guest_write_efer(v, val);
	case MSR_IA32_PAT: return pat_valid(val) && vmcs_write64(GUEST_IA32_PAT, val);
	case MSR_IA32_SYSENTER_CS: return vmcs_write32(GUEST_SYSENTER_CS, (u32)val);
	case MSR_IA32_SYSENTER_ESP: return canonical(val) && vmcs_writenat(GUEST_SYSENTER_ESP, val);
	case MSR_IA32_SYSENTER_EIP: return canonical(val) && vmcs_writenat(GUEST_SYSENTER_EIP, val);
	case MSR_FS_BASE: return canonical(val) && vmcs_writenat(GUEST_FS_BASE, val);
	case MSR_GS_BASE: return canonical(val) && vmcs_writenat(GUEST_GS_BASE, val);
	case MSR_IA32_TSC_DEADLINE:
		if (!v->apic)
			return false;
		/* A deadline the host TSC already passed fires at once, as 1 does. */
		kvm_set_lapic_tscdeadline_msr(v, !val ? 0 : val > guest_tsc_offset() ?
						  val - guest_tsc_offset() : 1);
		return true;
	case MSR_IA32_APIC_BASE:
		if (v->apic) {
			/*
			 * EN, EXTD and the base may change (a base with RAM
			 * behind it shadows the APIC: its MMIO never exits).
			 */
			if (!apic_base_valid(v, v->apic_base, val))
				return false;
			v->apic_base = (v->apic_base & MSR_APIC_BASE_BSP) | (val & ~MSR_APIC_BASE_BSP);
			return true;
		}
		/* Writing back what it read is harmless; disabling or moving it is not. */
		return rdmsr_safe(msr, &cur) == 0 && val == cur;
	default:
		return false;
	}
}

int vcpu_get_msr(struct vcpu *v, u32 msr, u64 *val)
{
	vcpu_load(v);
	return guest_rdmsr(v, msr, val) ? 0 : -ENOENT;
}

int vmx_handle_rdmsr(struct vcpu *v)
{
	u32 msr = (u32)v->gprs.rcx;
	u64 val;

	if (!guest_rdmsr(v, msr, &val))
		return msr_fault(v, "RDMSR", msr);
	v->gprs.rax = (u32)val;
	v->gprs.rdx = val >> 32;
	vcpu_skip_instruction(v);
	return 1;
}

int vmx_handle_wrmsr(struct vcpu *v)
{
	u32 msr = (u32)v->gprs.rcx;

	if (!guest_wrmsr(v, msr, msr_value(v)))
		return msr_fault(v, "WRMSR", msr);
	vcpu_skip_instruction(v);
	return 1;
}
