/*
 * CPUID: the host's answers, minus what the guest does not get.  VMX is
 * hidden (nested VT-x is not offered), PDCM too (Bochs advertises it without
 * MSR 0x345, docs/bochs.md), the hypervisor bit is set and leaf 0x40000000 names
 * slotvisor; leaf 0x15 states the TSC rate slotvisor measured (Bochs'
 * built-in values disagree with its clock); no PMU is offered.  The APIC
 * ids are the vCPU's index, not those of the CPU it happens to run on: a
 * guest tells its vCPUs apart by them, and a vCPU may move between CPUs.
 * The topology is the VM's, as the guest's MADT states it: one package of
 * online_vcpus cores, one thread each (leaves 1, 4, 0xb and 0x1f).
 */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/setup.h"
#include "exit_handlers.h"
#include "vcpu_internal.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "vmx/vmx_bits.h"

#define CPUID_1_ECX_PDCM BIT(15)
#define CPUID_1_EDX_APIC BIT(9)
#define CPUID_1_ECX_TSC_DEADLINE BIT(24)
#define APIC_BASE_EN BIT(11)
/*
 * Leaf 1 features the guest does not get: VMX and SMX; the thermal,
 * power and debug-store MSRs behind DTES64, DS-CPL, EST, TM2, xTPR, PDCM,
 * MTRR, DS, ACPI, TM, PBE (slotvisor has none of them); and the
 * local APIC (APIC, x2APIC, TSC-deadline): the guest's interrupt controller
 * is the emulated one (irq/).  A vCPU with an emulated xAPIC (v->apic,
 * irq/vlapic.c) sees CPUID.1:EDX.APIC while it is enabled in
 * IA32_APIC_BASE, x2APIC (its MSR interface, irq/vlapic.c) and
 * TSC-deadline mode.  MCE and MCA stay: the machine-check MSRs are
 * emulated (vmx/mce.c), as KVM's are.  The VMM may hide x2APIC and PCID
 * and show INVPCID per VM (slotvisor.cpuid=; v->cpuid_flags,
 * vmx/vcpu_cpuid.c, which also enforces them).
 */
#define CPUID_1_ECX_HIDDEN (BIT(2) | BIT(4) | CPUID_1_ECX_VMX | CPUID_1_ECX_SMX | BIT(7) | \
			    BIT(8) | BIT(14) | CPUID_1_ECX_PDCM | CPUID_1_ECX_X2APIC | \
			    CPUID_1_ECX_TSC_DEADLINE)
#define CPUID_1_EDX_HIDDEN (BIT(9) | BIT(12) | BIT(21) | BIT(22) | BIT(29) | BIT(31))
#define CPUID_LEAF_POWER 0x6		/* thermal and power management: none */
#define CPUID_7_EBX_TSC_ADJUST BIT(1)	/* IA32_TSC_ADJUST, emulated (vmx/exit_msr.c) */
#define CPUID_7_ECX_OSPKE BIT(4)	/* mirrors the guest's CR4.PKE */
#define CPUID_1_ECX_OSXSAVE BIT(27)	/* mirrors the guest's CR4.OSXSAVE */
#define X86_CR4_PKE BIT(22)
#define CPUID_7_ECX_WAITPKG BIT(5)	/* needs "enable user wait and pause" */
#define CPUID_7_ECX_RDPID BIT(22)	/* follows "enable RDTSCP" */
/*
 * The speculation-control MSRs slotvisor does not give a guest (IA32_SPEC_CTRL
 * 0x48, IA32_PRED_CMD 0x49, IA32_FLUSH_CMD 0x10b, IA32_ARCH_CAPABILITIES
 * 0x10a: vmx/exit_msr.c refuses them with #GP): their CPUID bits go too, or
 * Linux writes PRED_CMD at the first context switch, takes the #GP in its
 * entry code and panics (Bochs' Ice Lake and Tiger Lake models have them).
 * SDM Vol. 2A, CPUID leaf 07H EDX.
 */
#define CPUID_7_EDX_SPEC_CTRL BIT(26)	/* IBRS and IBPB: IA32_SPEC_CTRL, IA32_PRED_CMD */
#define CPUID_7_EDX_STIBP BIT(27)
#define CPUID_7_EDX_L1D_FLUSH BIT(28)	/* IA32_FLUSH_CMD */
#define CPUID_7_EDX_ARCH_CAPS BIT(29)	/* IA32_ARCH_CAPABILITIES */
#define CPUID_7_EDX_CORE_CAPS BIT(30)	/* IA32_CORE_CAPABILITIES */
#define CPUID_7_EDX_SSBD BIT(31)	/* IA32_SPEC_CTRL.SSBD */
#define CPUID_7_EDX_SPEC_MSRS (CPUID_7_EDX_SPEC_CTRL | CPUID_7_EDX_STIBP | CPUID_7_EDX_L1D_FLUSH | \
			       CPUID_7_EDX_ARCH_CAPS | CPUID_7_EDX_CORE_CAPS | CPUID_7_EDX_SSBD)
#define CPUID_LEAF_XSTATE 0xd
#define CPUID_D1_EAX_XSAVES BIT(3)	/* needs "enable XSAVES/XRSTORS" */
#define CPUID_LEAF_EXT1 0x80000001
#define CPUID_LIMITED_MAX 2		/* leaf 0's EAX under IA32_MISC_ENABLE.LIMIT_CPUID */
#define CPUID_EXT1_EDX_RDTSCP BIT(27)
#define CPUID_LEAF_TSC 0x15
#define CPUID_LEAF_PMU 0xa
#define CPUID_LEAF_HV 0x40000000
#define CPUID_LEAF_TOPOLOGY 0xb		/* EDX: x2APIC id (SDM Vol. 2A, CPUID) */
#define CPUID_LEAF_TOPOLOGY_V2 0x1f
#define CPUID_1_EBX_APIC_ID_SHIFT 24	/* EBX[31:24]: initial APIC id */
#define CPUID_1_EBX_APIC_ID_MASK (0xffu << CPUID_1_EBX_APIC_ID_SHIFT)
#define CPUID_1_EBX_NR_LOGICAL_SHIFT 16	/* EBX[23:16]: addressable logical processors */
#define CPUID_1_EBX_NR_LOGICAL_MASK (0xffu << CPUID_1_EBX_NR_LOGICAL_SHIFT)
#define CPUID_1_EDX_HTT BIT(28)		/* EBX[23:16] is valid: more than one */
#define CPUID_LEAF_CACHE 0x4
#define CPUID_4_EAX_CORES_SHIFT 26	/* EAX[31:26]: cores per package - 1 */
#define CPUID_4_EAX_CORES_MASK (0x3fu << CPUID_4_EAX_CORES_SHIFT)
#define TOPOLOGY_LEVEL_SMT 1		/* leaf 0xb ECX[15:8] level types */
#define TOPOLOGY_LEVEL_CORE 2
/* "slotvisor" padded to 12 bytes, in EBX, ECX, EDX order. */
#define HV_SIG_EBX 0x746f6c73	/* "slot" */
#define HV_SIG_ECX 0x6f736976	/* "viso" */
#define HV_SIG_EDX 0x00202072	/* "r  " */

/* RDTSCP and RDPID #UD in the guest unless "enable RDTSCP" is on (SDM Vol. 3C 26.3). */
static bool vcpu_has_rdtscp(void)
{
	return vmcs_read32(SECONDARY_VM_EXEC_CONTROL) & SECONDARY_RDTSCP;
}

static u64 guest_cr4(void)
{
	return vmcs_readnat(GUEST_CR4);
}

/* Bits of an x2APIC id that count n cores: ceil(log2(n)). */
static u32 core_id_bits(u32 n)
{
	u32 bits = 0;

	while ((1u << bits) < n)
		bits++;
	return bits;
}

/*
 * Leaf 0xb (and 0x1f) for one package of n cores, one thread each: level
 * 0 is SMT (shift 0, one thread), level 1 the cores (shift to the package
 * id, n of them), then an invalid level (SDM Vol. 2A, CPUID leaf 0BH).
 */
static struct cpuid_regs topology_leaf(const struct vcpu *v, u32 subleaf)
{
	u32 n = v->kvm->online_vcpus;

	switch (subleaf) {
	case 0:
		return (struct cpuid_regs){ 0, 1, (TOPOLOGY_LEVEL_SMT << 8) | subleaf, v->id };
	case 1:
		return (struct cpuid_regs){ core_id_bits(n), n, (TOPOLOGY_LEVEL_CORE << 8) | subleaf,
					    v->id };
	default:
		return (struct cpuid_regs){ 0, 0, subleaf & 0xff, v->id };
	}
}

/*
 * The guest's highest basic leaf is at least 0x15, which slotvisor fills in
 * itself with the TSC frequency it measured: a CPU whose own stops before
 * it (everything before Skylake stops at 0xd) would leave Linux to
 * calibrate its TSC against PIT channel 2, each poll of port 0x61 an exit:
 * too slow under emulation, so Linux gave up on the TSC and hung.
 * A basic leaf above the CPU's own highest reads as the CPU's highest on
 * Intel parts (SDM Vol. 2A, CPUID), so those read as zeros instead.
 */
static bool leaf_beyond_cpu(u32 leaf)
{
	return leaf < CPUID_LEAF_HV && leaf > vmx_caps.cpuid_max_basic;
}

/*
 * Leaf 0xd's sizes follow the XCR0 loaded when it runs: the host's, the
 * one the guest has always been told (the slow path runs with it; the
 * exit fast path, vmx/run.c, with the guest's).
 */
static struct cpuid_regs cpuid_host_xcr0(u32 leaf, u32 subleaf)
{
	u64 loaded = vcpu_host_xcr0 ? xgetbv(0) : 0;
	struct cpuid_regs r;

	if (loaded != vcpu_host_xcr0)
		xsetbv(0, vcpu_host_xcr0);
	r = cpuid_count(leaf, subleaf);
	if (loaded != vcpu_host_xcr0)
		xsetbv(0, loaded);
	return r;
}

/*
 * The leaves cpuid_for_guest() changes; every other leaf is the host's
 * answer as it is.  Below 32, one bit per leaf.
 */
#define CPUID_ADJUSTED_LOW (BIT(1) | BIT(CPUID_LEAF_CACHE) | BIT(CPUID_LEAF_POWER) |         \
			    BIT(CPUID_LEAF_FEATURES7) | BIT(CPUID_LEAF_PMU) |                       \
			    BIT(CPUID_LEAF_TOPOLOGY) | BIT(CPUID_LEAF_XSTATE) | BIT(CPUID_LEAF_TSC) | \
			    BIT(CPUID_LEAF_TOPOLOGY_V2))

/*
 * CPUID_ADJUSTED_LOW on this CPU: with leaf 0 and the leaves below 32 past
 * the CPU's own highest where that is below 0x15 (leaf_beyond_cpu()), so
 * that the hot test stays one mask (vmx_cpuid_init(), before any vCPU).
 * Each vCPU's own mask adds leaf 0 while its IA32_MISC_ENABLE limits it.
 */
static u32 cpuid_adjusted_low = CPUID_ADJUSTED_LOW;

void vmx_cpuid_init(u32 max_basic)
{
	u32 mask = CPUID_ADJUSTED_LOW;

	if (max_basic < CPUID_LEAF_TSC)
		mask |= BIT(0);
	for (u32 leaf = max_basic + 1; leaf < 32; leaf++)
		mask |= BIT(leaf);
	cpuid_adjusted_low = mask;
}

void vcpu_cpuid_update(struct vcpu *v)
{
	v->cpuid_adjusted_low = cpuid_adjusted_low;
	if (v->misc_enable & MISC_ENABLE_LIMIT_CPUID)
		v->cpuid_adjusted_low |= BIT(0);
}

static bool cpuid_adjusted(const struct vcpu *v, u32 leaf)
{
	if (leaf < 32)
		return (v->cpuid_adjusted_low >> leaf) & 1;
	return leaf == CPUID_LEAF_HV || leaf == CPUID_LEAF_EXT1 || leaf_beyond_cpu(leaf);
}

static __attribute__((noinline)) struct cpuid_regs cpuid_for_guest(const struct vcpu *v, u32 leaf,
								   u32 subleaf)
{
	struct cpuid_regs r = leaf == CPUID_LEAF_XSTATE ? cpuid_host_xcr0(leaf, subleaf) :
							  cpuid_count(leaf, subleaf);

	if (leaf_beyond_cpu(leaf))
		r = (struct cpuid_regs){ 0 };
	switch (leaf) {
	case 0:
		r.eax = MAX(r.eax, (u32)CPUID_LEAF_TSC);
		/* IA32_MISC_ENABLE.LIMIT_CPUID: "a maximum value in EAX[7:0] of 2" (SDM Vol. 4 Table 2-2). */
		if (v->misc_enable & MISC_ENABLE_LIMIT_CPUID)
			r.eax = CPUID_LIMITED_MAX;
		break;
	case 1:
		r.ecx &= ~CPUID_1_ECX_HIDDEN;
		r.edx &= ~CPUID_1_EDX_HIDDEN;
		/* Like the CPU's, the bit follows IA32_APIC_BASE.EN (SDM Vol. 3A 11.4.3). */
		if (v->apic && (v->apic_base & APIC_BASE_EN))
			r.edx |= CPUID_1_EDX_APIC;
		if (v->apic)
			r.ecx |= CPUID_1_ECX_TSC_DEADLINE | CPUID_1_ECX_X2APIC;
		if (vcpu_cpuid_flags_hides(&v->cpuid_flags, VCPU_CPUID_X2APIC))
			r.ecx &= ~CPUID_1_ECX_X2APIC;
		if (vcpu_cpuid_flags_hides(&v->cpuid_flags, VCPU_CPUID_PCID))
			r.ecx &= ~CPUID_1_ECX_PCID;
		/* The CPU reports the host's CR4 here; the guest must see its own. */
		r.ecx &= ~CPUID_1_ECX_OSXSAVE;
		if (guest_cr4() & X86_CR4_OSXSAVE)
			r.ecx |= CPUID_1_ECX_OSXSAVE;
		r.ecx |= CPUID_1_ECX_HYPERVISOR;
		r.ebx = (r.ebx & ~(CPUID_1_EBX_APIC_ID_MASK | CPUID_1_EBX_NR_LOGICAL_MASK)) |
			(v->id << CPUID_1_EBX_APIC_ID_SHIFT) |
			(v->kvm->online_vcpus << CPUID_1_EBX_NR_LOGICAL_SHIFT);
		r.edx &= ~CPUID_1_EDX_HTT;
		if (v->kvm->online_vcpus > 1)
			r.edx |= CPUID_1_EDX_HTT;
		break;
	case CPUID_LEAF_CACHE:
		if (r.eax & 0x1f)	/* a cache, not the end of the list */
			r.eax = (r.eax & ~CPUID_4_EAX_CORES_MASK) |
				((v->kvm->online_vcpus - 1) << CPUID_4_EAX_CORES_SHIFT);
		break;
	case CPUID_LEAF_TOPOLOGY:
	case CPUID_LEAF_TOPOLOGY_V2:
		r = topology_leaf(v, subleaf);
		break;
	case CPUID_LEAF_PMU:
	case CPUID_LEAF_POWER:
		r = (struct cpuid_regs){ 0 };
		break;
	case CPUID_LEAF_FEATURES7:
		if (subleaf == 0) {
			r.ebx &= ~CPUID_7_EBX_INVPCID;
			if (vcpu_cpuid_flags_shows(&v->cpuid_flags, VCPU_CPUID_INVPCID))
				r.ebx |= CPUID_7_EBX_INVPCID;
			r.ebx |= CPUID_7_EBX_TSC_ADJUST;
			r.ecx &= ~CPUID_7_ECX_OSPKE;
			if (guest_cr4() & X86_CR4_PKE)
				r.ecx |= CPUID_7_ECX_OSPKE;
			r.ecx &= ~CPUID_7_ECX_WAITPKG;
			if (!vcpu_has_rdtscp())
				r.ecx &= ~CPUID_7_ECX_RDPID;
			r.edx &= ~CPUID_7_EDX_SPEC_MSRS;
		}
		break;
	case CPUID_LEAF_XSTATE:
		if (subleaf == 1)
			r.eax &= ~CPUID_D1_EAX_XSAVES;
		break;
	case CPUID_LEAF_EXT1:
		if (!vcpu_has_rdtscp())
			r.edx &= ~CPUID_EXT1_EDX_RDTSCP;
		if (v->misc_enable & MISC_ENABLE_XD_DISABLE)
			r.edx &= ~CPUID_80000001_EDX_NX;
		break;
	case CPUID_LEAF_TSC:
		/* TSC Hz = ECX * EBX / EAX (SDM Vol. 2A, CPUID leaf 15H). */
		r = (struct cpuid_regs){ .eax = 1, .ebx = 1, .ecx = (u32)(tsc_khz * 1000) };
		break;
	case CPUID_LEAF_HV:
		r = (struct cpuid_regs){ CPUID_LEAF_HV, HV_SIG_EBX, HV_SIG_ECX, HV_SIG_EDX };
		break;
	default:
		break;
	}
	return r;
}

/*
 * A leaf passed through as it is costs the CPUID and the stores: the
 * adjusting switch, with the registers it needs, is out of line (the exit
 * fast path, docs/vmx.md).
 */
int vmx_handle_cpuid(struct vcpu *v)
{
	u32 leaf = (u32)v->gprs.rax, subleaf = (u32)v->gprs.rcx;
	struct cpuid_regs r = cpuid_adjusted(v, leaf) ? cpuid_for_guest(v, leaf, subleaf) :
						     cpuid_count(leaf, subleaf);

	v->gprs.rax = r.eax;
	v->gprs.rbx = r.ebx;
	v->gprs.rcx = r.ecx;
	v->gprs.rdx = r.edx;
	vcpu_skip_instruction(v);
	return 1;
}
