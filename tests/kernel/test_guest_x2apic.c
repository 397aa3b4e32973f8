/*
 * The x2APIC's MSRs under x2APIC virtualization (vmx/apic_access.c, SDM
 * Vol. 3C 30.5; guests/x2apic_ipi.c): in x2APIC mode, with "virtualize
 * x2APIC mode", APIC-register virtualization and virtual-interrupt
 * delivery, a SELF IPI and an EOI by WRMSR and reads of the registers the
 * virtual-APIC page holds cost no exit; every self-IPI is taken right after
 * STI; NOP; the registers read as x2APIC mode has them, DFR and a write of
 * LVR #GP, and the host's own TPR is what it was (the guest's TPR write
 * reached the page, not the host's APIC).  guest.x2apic.no-x2apicv: the
 * same guest with every x2APIC MSR an exit to the emulated APIC.
 */
#include "arch/x86/lapic.h"
#include "ktest_vmx.h"
#include "lib/printf.h"
#include "vm/pc.h"

#define RUN_BUDGET 2000000000ULL	/* TSC ticks: ends a run that waits forever */
#define ROUNDS 200			/* guests/x2apic_ipi.c's */
#define MSRS_PER_ROUND 2		/* SELF IPI and EOI */

static void run_x2apic(struct ktest_ctx *t, bool no_x2apicv)
{
	struct vcpu *v;
	struct vm *vm = ktest_guest64(t, "x2apic_ipi", MiB(4), &v);
	u32 host_tpr = lapic_tpr();
	u64 val = 0, writes, reads;

	if (!vm)
		return;
	v->debug.vid = true;	/* x2APIC virtualization needs it */
	v->debug.no_x2apicv = no_x2apicv;
	vm_lapic_enable(vm, v);
	writes = v->exit_count[EXIT_REASON_MSR_WRITE];
	reads = v->exit_count[EXIT_REASON_MSR_READ];
	if (!ktest_expect_sync(t, v, RUN_BUDGET, 1, &val))
		goto out;
	writes = v->exit_count[EXIT_REASON_MSR_WRITE] - writes;
	reads = v->exit_count[EXIT_REASON_MSR_READ] - reads;
	kprintf("x2apic: %s: %llu of %d rounds late, %llu WRMSR and %llu RDMSR exits\n",
		v->apicv_x2 ? "x2APIC virtualization" : "every x2APIC MSR exits", val, ROUNDS,
		writes, reads);
	KT_ASSERT(t, val == 0, "expected every self-IPI taken right after STI; NOP, saw %llu of %d "
		  "rounds late", val, ROUNDS);
	if (v->apicv_x2)
		KT_ASSERT(t, writes < ROUNDS, "expected no WRMSR exit per round, saw %llu", writes);
	else
		KT_ASSERT(t, writes >= MSRS_PER_ROUND * ROUNDS,
			  "expected a WRMSR exit per SELF IPI and EOI, saw %llu", writes);
	if (!ktest_expect_sync(t, v, RUN_BUDGET, 2, &val))
		goto out;
	KT_ASSERT(t, val == 0, "expected every register check to pass, saw failures 0x%llx "
		  "(guests/x2apic_ipi.c, stage 2's bits)", val);
	if (vm_run(v, RUN_BUDGET, &(struct ucall){ 0 }) != UCALL_DONE)
		ktest_fail(t, "expected the guest to finish (%s)", ktest_exit_name(v));
	KT_ASSERT(t, lapic_tpr() == host_tpr, "expected the host's TPR 0x%x after the guest, saw "
		  "0x%x", host_tpr, lapic_tpr());
out:
	vm_destroy(vm);
}

KTEST(test_guest_x2apic, "guest.x2apic")
{
	run_x2apic(t, false);
}

KTEST(test_guest_x2apic_no_x2apicv, "guest.x2apic.no-x2apicv")
{
	run_x2apic(t, true);
}
