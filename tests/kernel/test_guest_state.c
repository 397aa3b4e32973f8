/*
 * The guest state the CPU does not switch, kept per vCPU (guests/msrs.c):
 * two VMs run the guest on this CPU turn about, each with its own seed, so
 * each finds its own SYSCALL, SWAPGS and RDTSCP MSRs, SSE registers, CR8
 * and debug registers after the other ran (and the host's TPR and DR7
 * never change);
 * then the emulated MSRs, XSETBV's checks and the CPUID that goes with them.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/setup.h"
#include "ktest_vmx.h"
#include "lib/errno.h"

#define SEED_GPA 0x300000ULL
#define HAS_XSAVE_GPA (SEED_GPA + 8)
#define TSC_KHZ_GPA (SEED_GPA + 16)
/* What guests/msrs.c writes to the debug registers from its seed. */
#define DR_ADDR_BASE 0xffffffff80000000ULL
#define DR_ADDR_STEP 0x1000ULL
#define DR6_RESET 0xffff0ff0ULL
#define DR6_B_MASK 0xfULL
#define DR7_RESET 0x400ULL

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

/*
 * The debug registers as guests/msrs.c wrote them, read through
 * vcpu_get_debugregs() wherever they are (vb's in this CPU, va's saved);
 * and a DR6 with bits 63:32 refused by vcpu_set_debugregs().
 */
static bool debugregs_as_written(struct ktest_ctx *t, struct vcpu *v, u64 seed)
{
	struct vcpu_debugregs d;

	vcpu_get_debugregs(v, &d);
	for (unsigned int i = 0; i < VCPU_NR_DB; i++)
		if (d.db[i] != DR_ADDR_BASE + (seed << 20) + i * DR_ADDR_STEP) {
			ktest_fail(t, "vCPU %u: DR%u 0x%llx, the guest wrote 0x%llx", v->vcpu_idx, i,
				   d.db[i], DR_ADDR_BASE + (seed << 20) + i * DR_ADDR_STEP);
			return false;
		}
	if (d.dr6 != (DR6_RESET | (seed & DR6_B_MASK)) || d.dr7 != DR7_RESET) {
		ktest_fail(t, "vCPU %u: DR6 0x%llx DR7 0x%llx", v->vcpu_idx, d.dr6, d.dr7);
		return false;
	}
	d.dr6 |= 1ULL << 32;
	if (vcpu_set_debugregs(v, &d) != -EINVAL) {
		ktest_fail(t, "vcpu_set_debugregs() took a DR6 with bit 32 set");
		return false;
	}
	return true;
}

KTEST(test_guest_msrs, "guest.state.per-vcpu")
{
	struct vcpu *va, *vb;
	struct vm *a = ktest_guest64(t, "msrs", MiB(4), &va);
	struct vm *b = a ? ktest_guest64(t, "msrs", MiB(4), &vb) : NULL;
	bool ok;
	u32 tpr;
	u64 dr7;

	if (!b) {
		vm_destroy(a);
		return;
	}
	tpr = lapic_tpr();
	dr7 = read_dr7();
	*(u64 *)vm_gpa_to_hva(a, SEED_GPA) = 0x11;
	*(u64 *)vm_gpa_to_hva(b, SEED_GPA) = 0x22;
	*(u64 *)vm_gpa_to_hva(a, HAS_XSAVE_GPA) = !!(cpuid(1).ecx & CPUID_1_ECX_XSAVE);
	*(u64 *)vm_gpa_to_hva(b, HAS_XSAVE_GPA) = !!(cpuid(1).ecx & CPUID_1_ECX_XSAVE);
	*(u64 *)vm_gpa_to_hva(a, TSC_KHZ_GPA) = tsc_khz;
	*(u64 *)vm_gpa_to_hva(b, TSC_KHZ_GPA) = tsc_khz;
	ok = step(t, va, UCALL_SYNC, 1) && step(t, vb, UCALL_SYNC, 1) &&
	     step(t, va, UCALL_SYNC, 2) && step(t, vb, UCALL_SYNC, 2) &&
	     step(t, va, UCALL_DONE, 0) && step(t, vb, UCALL_DONE, 0) &&
	     debugregs_as_written(t, va, 0x11) && debugregs_as_written(t, vb, 0x22);
	vm_destroy(b);
	vm_destroy(a);
	KT_ASSERT(t, ok, "see above");
	KT_ASSERT(t, lapic_tpr() == tpr, "expected the host's TPR untouched by the guests' CR8, "
		  "saw 0x%x (was 0x%x)", lapic_tpr(), tpr);
	/* A VM exit sets DR7 to 0x400 (SDM Vol. 3C 28.5.1): no guest breakpoint armed in the host. */
	KT_ASSERT(t, read_dr7() == dr7, "expected the host's DR7 0x%llx after the guests, saw 0x%llx",
		  dr7, read_dr7());
}
