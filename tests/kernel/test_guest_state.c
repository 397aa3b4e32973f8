/*
 * The guest state the CPU does not switch, kept per vCPU (guests/msrs.c):
 * two VMs run the guest on this CPU turn about, each with its own seed, so
 * each finds its own SYSCALL, SWAPGS and RDTSCP MSRs, SSE registers and
 * CR8 after the other ran (and the host's TPR never changes);
 * then the emulated MSRs, XSETBV's checks and the CPUID that goes with them.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/setup.h"
#include "ktest_vmx.h"

#define SEED_GPA 0x300000ULL
#define HAS_XSAVE_GPA (SEED_GPA + 8)
#define TSC_KHZ_GPA (SEED_GPA + 16)

static bool step(struct ktest_ctx *t, struct vcpu *v, int want, u64 stage)
{
	struct ucall uc;
	int cmd = vm_run(v, 0, &uc);

	if (cmd == want && (want != UCALL_SYNC || uc.args[0] == stage))
		return true;
	ktest_fail(t, "expected ucall %d (stage %llu), saw %d (%s)%s%s", want, stage, cmd,
		   ktest_exit_name(v), cmd == UCALL_ABORT ? ": " : "",
		   cmd == UCALL_ABORT ? uc.buffer : "");
	return false;
}

KTEST(test_guest_msrs, "guest.state.per-vcpu")
{
	struct vcpu *va, *vb;
	struct vm *a = ktest_guest64(t, "msrs", MiB(4), &va);
	struct vm *b = a ? ktest_guest64(t, "msrs", MiB(4), &vb) : NULL;
	bool ok;
	u32 tpr;

	if (!b) {
		vm_destroy(a);
		return;
	}
	tpr = lapic_tpr();
	*(u64 *)vm_gpa_to_hva(a, SEED_GPA) = 0x11;
	*(u64 *)vm_gpa_to_hva(b, SEED_GPA) = 0x22;
	*(u64 *)vm_gpa_to_hva(a, HAS_XSAVE_GPA) = !!(cpuid(1).ecx & CPUID_1_ECX_XSAVE);
	*(u64 *)vm_gpa_to_hva(b, HAS_XSAVE_GPA) = !!(cpuid(1).ecx & CPUID_1_ECX_XSAVE);
	*(u64 *)vm_gpa_to_hva(a, TSC_KHZ_GPA) = tsc_khz;
	*(u64 *)vm_gpa_to_hva(b, TSC_KHZ_GPA) = tsc_khz;
	ok = step(t, va, UCALL_SYNC, 1) && step(t, vb, UCALL_SYNC, 1) &&
	     step(t, va, UCALL_SYNC, 2) && step(t, vb, UCALL_SYNC, 2) &&
	     step(t, va, UCALL_DONE, 0) && step(t, vb, UCALL_DONE, 0);
	vm_destroy(b);
	vm_destroy(a);
	KT_ASSERT(t, ok, "see above");
	KT_ASSERT(t, lapic_tpr() == tpr, "expected the host's TPR untouched by the guests' CR8, "
		  "saw 0x%x (was 0x%x)", lapic_tpr(), tpr);
}
