/*
 * The MSR bitmap's pass-through and the host's MSRs (issue 16;
 * vmx/msr_bitmap.c, vmx/shared_msrs.c, guests/msr_pass.c).  Two VMs run
 * the guest on this CPU turn about, each writing its own values to FS and
 * GS base, KERNEL_GS_BASE, the SYSCALL MSRs, TSC_AUX and the SYSENTER MSRs
 * in a loop.  After every run the host checks
 *  (a) its own values: the six shared MSRs as it set them before the
 *      first run (patterns no guest writes), its GS base still this_cpu(),
 *      FS base unchanged, SYSENTER as its host-state fields load them;
 *  (b) each guest's last values through vcpu_get_msr(), also after the
 *      other VM ran;
 *  and the guest checks (c) that its values survived the other VM, that
 *  SWAPGS and RDTSCP see them.  With MSR bitmaps no read and only the
 *  SFMASK and TSC_AUX writes exit (the exit counters say so).
 * guest.msr-passthrough.no-bitmap: the same as on a CPU without MSR
 * bitmaps (v->debug.no_msr_bitmap): every access exits, same results.
 * guest.msr-passthrough.negative-control: LSTAR's host value left out of
 * the restore (v->debug.keep_guest_msr) must be seen by check (a).
 * smp.msr-passthrough.migrate: the guest's loop on CPU 1, its checks on
 * the BSP after vcpu_put(): its values move with the vCPU, each CPU keeps
 * its own.
 */
#include "arch/x86/msr.h"
#include "arch/x86/percpu.h"
#include "arch/x86/smp.h"
#include "ktest_vmx.h"
#include "msr_pass_abi.h"
#include "remote_run.h"
#include "lib/printf.h"
#include "vmx/vmx.h"
#include "vmx/vmx_bits.h"

#define SEED_A 1
#define SEED_B 2
#define RUN_BUDGET 4000000000ULL	/* TSC ticks: ends a run that waits forever */
#define HOST_SHARED_NR 6
/* The host's SYSENTER MSRs after any exit: HOST_IA32_SYSENTER_* (vmx/vcpu.c). */
#define HOST_SYSENTER_VALUE 0

static const u32 host_shared[HOST_SHARED_NR] = {
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE, MSR_TSC_AUX,
};

/* Values no guest writes (msr_pass_value() has seed 1 or 2 in its bits). */
static const u64 host_pattern[HOST_SHARED_NR] = {
	0x0013000800000000ULL, 0xffffffff8badf000ULL, 0xffffffff8badf100ULL,
	0x47700ULL, 0xffff888012345000ULL, 0x5a,
};

struct host_state {
	u64 orig[HOST_SHARED_NR];
	bool present[HOST_SHARED_NR];	/* TSC_AUX only with RDTSCP */
	u64 fs_base, gs_base;
};

static void host_set_patterns(struct host_state *h)
{
	h->fs_base = rdmsr(MSR_FS_BASE);
	h->gs_base = rdmsr(MSR_GS_BASE);
	for (int i = 0; i < HOST_SHARED_NR; i++) {
		h->present[i] = rdmsr_safe(host_shared[i], &h->orig[i]) == 0;
		if (h->present[i])
			wrmsr(host_shared[i], host_pattern[i]);
	}
}

static void host_restore(const struct host_state *h)
{
	for (int i = 0; i < HOST_SHARED_NR; i++)
		if (h->present[i])
			wrmsr(host_shared[i], h->orig[i]);
}

/* (a): the host's own values after a run. */
static bool host_intact(struct ktest_ctx *t, const struct host_state *h, const char *when)
{
	const u32 sysenter[] = { MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP,
				 MSR_IA32_SYSENTER_EIP };

	for (int i = 0; i < HOST_SHARED_NR; i++) {
		u64 seen = h->present[i] ? rdmsr(host_shared[i]) : host_pattern[i];

		if (seen != host_pattern[i]) {
			ktest_fail(t, "%s: expected the host's MSR 0x%x = 0x%llx, saw 0x%llx", when,
				   host_shared[i], host_pattern[i], seen);
			return false;
		}
	}
	if (rdmsr(MSR_GS_BASE) != h->gs_base || h->gs_base != (u64)this_cpu() ||
	    rdmsr(MSR_FS_BASE) != h->fs_base) {
		ktest_fail(t, "%s: expected the host's GS base 0x%llx (this_cpu()) and FS base "
			   "0x%llx, saw 0x%llx and 0x%llx", when, h->gs_base, h->fs_base,
			   rdmsr(MSR_GS_BASE), rdmsr(MSR_FS_BASE));
		return false;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(sysenter); i++) {
		if (rdmsr(sysenter[i]) != HOST_SYSENTER_VALUE) {
			ktest_fail(t, "%s: expected the host's MSR 0x%x = 0, saw 0x%llx", when,
				   sysenter[i], rdmsr(sysenter[i]));
			return false;
		}
	}
	return true;
}

/* (b): the guest's last values, through the vCPU-state API. */
static bool guest_values(struct ktest_ctx *t, struct vcpu *v, u64 seed, bool rdtscp,
			 const char *when)
{
	for (unsigned int k = 0; k < MSR_PASS_NR; k++) {
		u64 want = msr_pass_value(k, seed, MSR_PASS_ROUNDS - 1), seen = 0;

		if (k == MSR_PASS_I_TSC_AUX && !rdtscp)
			continue;
		if (vcpu_get_msr(v, msr_pass_index[k], &seen) || seen != want) {
			ktest_fail(t, "%s: expected vcpu_get_msr(0x%x) of the guest with seed %llu "
				   "= 0x%llx, saw 0x%llx", when, msr_pass_index[k], seed, want,
				   seen);
			return false;
		}
	}
	return true;
}

static bool step(struct ktest_ctx *t, struct vcpu *v, int want, u64 stage, u64 *value)
{
	struct ucall uc;
	int cmd = vm_run(v, RUN_BUDGET, &uc);

	if (cmd == want && (want != UCALL_SYNC || uc.args[0] == stage)) {
		if (value)
			*value = uc.args[1];
		return true;
	}
	ktest_fail(t, "expected ucall %d (stage %llu), saw %d (%s)%s%s", want, stage, cmd,
		   ktest_exit_name(v), cmd == UCALL_ABORT ? ": " : "",
		   cmd == UCALL_ABORT ? uc.buffer : "");
	return false;
}

static u64 msr_exits(const struct vcpu *v, u32 reason)
{
	return v->exit_count[reason];
}

/*
 * The MSR exits stage 1 of the guest of v made: none but the writes of
 * SFMASK and TSC_AUX with the bitmap, every access without.
 */
static bool stage1_exits(struct ktest_ctx *t, struct vcpu *v, u64 reads0, u64 writes0,
			 bool bitmap, bool rdtscp)
{
	u64 nr = MSR_PASS_NR - !rdtscp, rounds = MSR_PASS_ROUNDS;
	u64 want_reads = bitmap ? 0 : rounds * nr, want_writes = bitmap ? rounds * (1 + rdtscp) :
							    rounds * nr;
	u64 reads = msr_exits(v, EXIT_REASON_MSR_READ) - reads0;
	u64 writes = msr_exits(v, EXIT_REASON_MSR_WRITE) - writes0;

	kprintf("msr-pass: %s: %llu MSR writes and %llu reads in the loop, %llu write exits, "
		"%llu read exits\n", bitmap ? "MSR bitmap" : "every MSR exits", rounds * nr,
		rounds * nr, writes, reads);
	if (reads == want_reads && writes == want_writes)
		return true;
	ktest_fail(t, "expected %llu RDMSR and %llu WRMSR exits in the loop, saw %llu and %llu",
		   want_reads, want_writes, reads, writes);
	return false;
}

static void run_pair(struct ktest_ctx *t, bool no_bitmap)
{
	struct vcpu *va, *vb;
	struct vm *a = ktest_guest64(t, "msr_pass", MiB(4), &va);
	struct vm *b = a ? ktest_guest64(t, "msr_pass", MiB(4), &vb) : NULL;
	struct host_state h;
	u64 rdtscp = 0, reads0, writes0;
	bool bitmap, ok;

	if (!b) {
		vm_destroy(a);
		return;
	}
	/* vmx_caps is filled once VMX is on: after the first VM's vCPU was made. */
	bitmap = vmx_ctl_allows(vmx_caps.procbased, CPU_BASED_USE_MSR_BITMAPS) && !no_bitmap;
	if (!bitmap && !no_bitmap)
		kprintf("msr-pass: this CPU has no MSR bitmaps: every access exits\n");
	*(u64 *)vm_gpa_to_hva(a, MSR_PASS_SEED_GPA) = SEED_A;
	*(u64 *)vm_gpa_to_hva(b, MSR_PASS_SEED_GPA) = SEED_B;
	va->debug.no_msr_bitmap = vb->debug.no_msr_bitmap = no_bitmap;
	reads0 = msr_exits(va, EXIT_REASON_MSR_READ);
	writes0 = msr_exits(va, EXIT_REASON_MSR_WRITE);
	host_set_patterns(&h);
	ok = step(t, va, UCALL_SYNC, 1, &rdtscp) && host_intact(t, &h, "after VM a's loop") &&
	     stage1_exits(t, va, reads0, writes0, bitmap, rdtscp) &&
	     guest_values(t, va, SEED_A, rdtscp, "after VM a's loop") &&
	     step(t, vb, UCALL_SYNC, 1, NULL) && host_intact(t, &h, "after VM b's loop") &&
	     guest_values(t, vb, SEED_B, rdtscp, "after VM b's loop") &&
	     guest_values(t, va, SEED_A, rdtscp, "after VM b's loop") &&
	     step(t, va, UCALL_SYNC, 2, NULL) && host_intact(t, &h, "after VM a's checks") &&
	     step(t, vb, UCALL_SYNC, 2, NULL) && host_intact(t, &h, "after VM b's checks") &&
	     step(t, va, UCALL_DONE, 0, NULL) && step(t, vb, UCALL_DONE, 0, NULL);
	host_restore(&h);
	vm_destroy(b);
	vm_destroy(a);
	KT_ASSERT(t, ok, "see above");
}

KTEST(test_guest_msr_pass, "guest.msr-passthrough")
{
	run_pair(t, false);
}

KTEST(test_guest_msr_pass_no_bitmap, "guest.msr-passthrough.no-bitmap")
{
	run_pair(t, true);
}

KTEST(test_guest_msr_pass_negative, "guest.msr-passthrough.negative-control")
{
	struct vcpu *v;
	struct vm *vm = ktest_guest64(t, "msr_pass", MiB(4), &v);
	u64 guest_lstar = msr_pass_value(MSR_PASS_I_LSTAR, SEED_A, MSR_PASS_ROUNDS - 1);
	struct host_state h;
	u64 seen;
	bool ran;

	if (!vm)
		return;
	*(u64 *)vm_gpa_to_hva(vm, MSR_PASS_SEED_GPA) = SEED_A;
	v->debug.keep_guest_msr = MSR_LSTAR;
	host_set_patterns(&h);
	ran = step(t, v, UCALL_SYNC, 1, NULL);
	seen = rdmsr(MSR_LSTAR);
	host_restore(&h);
	vm_destroy(vm);
	KT_ASSERT(t, ran, "see above");
	KT_ASSERT(t, seen == guest_lstar, "expected the guest's LSTAR 0x%llx left on the CPU "
		  "with its restore left out (what check (a) catches), saw 0x%llx", guest_lstar,
		  seen);
}

struct migrate_run {
	struct ktest_ctx *t;
	struct vcpu *v;
	u64 rdtscp;
	bool ok;
};

/* On CPU 1: the guest's loop, CPU 1's own MSRs checked, and the vCPU put for the BSP. */
static long migrate_first_half(void *arg)
{
	struct migrate_run *m = arg;
	struct host_state h;

	host_set_patterns(&h);
	m->ok = step(m->t, m->v, UCALL_SYNC, 1, &m->rdtscp) &&
		host_intact(m->t, &h, "on CPU 1 after the guest's loop");
	host_restore(&h);
	vcpu_put(m->v);
	return 0;
}

KTEST(test_smp_msr_pass_migrate, "smp.msr-passthrough.migrate")
{
	struct migrate_run m = { .t = t };
	struct host_state h;
	struct vm *vm;
	bool ok;

	if (!ktest_need_ap_vmx(t))
		return;
	vm = ktest_guest64(t, "msr_pass", MiB(4), &m.v);
	if (!vm)
		return;
	*(u64 *)vm_gpa_to_hva(vm, MSR_PASS_SEED_GPA) = SEED_A;
	vcpu_put(m.v);	/* made here; its loop runs on CPU 1 */
	host_set_patterns(&h);
	smp_call(1, migrate_first_half, &m);
	ok = m.ok && host_intact(t, &h, "on the BSP while the vCPU ran on CPU 1") &&
	     guest_values(t, m.v, SEED_A, m.rdtscp, "on the BSP after CPU 1's run") &&
	     step(t, m.v, UCALL_SYNC, 2, NULL) && host_intact(t, &h, "on the BSP after the checks") &&
	     step(t, m.v, UCALL_DONE, 0, NULL);
	host_restore(&h);
	vm_destroy(vm);
	KT_ASSERT(t, ok, "see above");
}
