/*
 * CPUID: the host's answers, minus what the guest does not get.  VMX is
 * hidden (nested VT-x is not offered), PDCM too (Bochs advertises it without
 * MSR 0x345, bochs.md), the hypervisor bit is set and leaf 0x40000000 names
 * slotvisor; leaf 0x15 states the TSC rate slotvisor measured (Bochs'
 * built-in values disagree with its clock); no PMU is offered.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/setup.h"
#include "vmx/exit_handlers.h"
#include "vmx/vcpu_internal.h"

#define CPUID_1_ECX_PDCM BIT(15)
#define CPUID_LEAF_TSC 0x15
#define CPUID_LEAF_PMU 0xa
#define CPUID_LEAF_HV 0x40000000
/* "slotvisor" padded to 12 bytes, in EBX, ECX, EDX order. */
#define HV_SIG_EBX 0x746f6c73	/* "slot" */
#define HV_SIG_ECX 0x6f736976	/* "viso" */
#define HV_SIG_EDX 0x00202072	/* "r  " */

static struct cpuid_regs cpuid_for_guest(u32 leaf, u32 subleaf)
{
	struct cpuid_regs r = cpuid_count(leaf, subleaf);

	switch (leaf) {
	case 1:
		r.ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_PDCM);
		r.ecx |= CPUID_1_ECX_HYPERVISOR;
		break;
	case CPUID_LEAF_PMU:
		r = (struct cpuid_regs){ 0 };
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

int handle_cpuid(struct vcpu *v)
{
	struct cpuid_regs r = cpuid_for_guest((u32)v->gprs.rax, (u32)v->gprs.rcx);

	v->gprs.rax = r.eax;
	v->gprs.rbx = r.ebx;
	v->gprs.rcx = r.ecx;
	v->gprs.rdx = r.edx;
	vcpu_skip_instruction(v);
	return 1;
}
