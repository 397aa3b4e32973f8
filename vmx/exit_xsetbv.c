/*
 * XSETBV exits unconditionally in VMX non-root operation (SDM Vol. 3C
 * 26.1.2).  The guest's XCR0 is checked as the instruction would check it
 * (SDM Vol. 2D, XSETBV): XCR0 only, x87 always on, only features the CPU
 * supports, AVX only with SSE, the AVX-512 states together and only with
 * AVX; then it is the vCPU's XCR0, which the CPU holds from each VM entry
 * to the next exit (vmx/guest_state.c).  The faults the instruction checks first (#UD
 * without CR4.OSXSAVE, #GP at CPL > 0) come before the exit.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/trap.h"
#include "exit_handlers.h"
#include "vcpu_internal.h"

#define CPUID_LEAF_XSTATE 0xd
#define XCR0_AVX512 (BIT(5) | BIT(6) | BIT(7))	/* opmask, ZMM_Hi256, Hi16_ZMM */

static u64 xcr0_supported(void)
{
	struct cpuid_regs r = cpuid_count(CPUID_LEAF_XSTATE, 0);

	return ((u64)r.edx << 32) | r.eax;
}

static bool xcr0_valid(u64 val)
{
	if (!(val & XCR0_X87) || (val & ~xcr0_supported()))
		return false;
	if ((val & XCR0_AVX) && !(val & XCR0_SSE))
		return false;
	if ((val & XCR0_AVX512) && ((val & XCR0_AVX512) != XCR0_AVX512 || !(val & XCR0_AVX)))
		return false;
	return true;
}

int vmx_handle_xsetbv(struct vcpu *v)
{
	u64 val = (v->gprs.rdx << 32) | (u32)v->gprs.rax;

	if ((u32)v->gprs.rcx != 0 || !(read_cr4() & X86_CR4_OSXSAVE) || !xcr0_valid(val)) {
		vcpu_inject_exception(v, X86_TRAP_GP, true, 0);
		return 1;
	}
	v->xcr0 = val;	/* loaded at the next entry (vcpu_xcr0_enter()) */
	vcpu_skip_instruction(v);
	return 1;
}
