/*
 * memslot_modification_stress_test in Bochs: a vCPU on CPU 1 keeps writing
 * and checking its own region while the BSP creates and deletes a one-page
 * slot elsewhere, many times.  Every delete invalidates all roots, so the
 * vCPU reloads and re-faults its region again and again; its data must
 * stay intact and its only exits must be the expected ones (EPT faults,
 * kicks, its run budget, the one CPUID that tells it its index).
 */
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "ktest_vmx.h"
#include "lib/printf.h"
#include "remote_run.h"

#define REGION_GPA 0x1000000ULL
#define CHURN_GPA 0x8000000ULL
#define PROGRESS_GPA 0x300000ULL
#define CHURN_ROUNDS 2000	/* memslot_modification_stress_test: thousands of changes */
#define CHURN_GAP 20000
#define RUN_BUDGET 2000000
#define WAIT_POLLS 200000000ULL

static int churn(struct vm *vm, hva_t page)
{
	struct kvm_userspace_memory_region r = {
		.slot = 2, .guest_phys_addr = CHURN_GPA, .userspace_addr = page,
	};
	int err = 0;

	for (int i = 0; i < CHURN_ROUNDS && !err; i++) {
		r.memory_size = KiB(4);
		err = kvm_set_memory_region(&vm->kvm, &r);
		r.memory_size = 0;
		err = err ?: kvm_set_memory_region(&vm->kvm, &r);
		/* Leave the vCPU time to re-fault its region and write between changes. */
		for (int k = 0; k < CHURN_GAP; k++)
			cpu_relax();
	}
	return err;
}

KTEST(test_smp_modification_stress, "smp.modification-stress")
{
	struct vmm_remote_run run = { .budget = RUN_BUDGET };
	struct vcpu *v;
	struct vm *vm;
	volatile u64 *progress;
	hva_t page;
	u64 before, after, i;
	long reason;
	int err;

	if (!ktest_need_ap_vmx(t))
		return;
	vm = ktest_guest64(t, "writer", MiB(4), &v);
	if (!vm)
		return;
	err = vm_add_memory(vm, 1, REGION_GPA, MiB(2), 0, NULL);	/* one 2M leaf */
	err = err ?: memslot_backing_alloc(&vm->kvm, KiB(4), &page);
	KT_ASSERT(t, err == 0, "expected the slots, saw %d", err);
	progress = vm_gpa_to_hva(vm, PROGRESS_GPA);
	vcpu_put(v);
	run.v = v;
	smp_call_async(1, vmm_remote_run, &run);
	for (i = 0; READ_ONCE(*progress) < 2 && i < WAIT_POLLS; i++)
		cpu_relax();
	before = READ_ONCE(*progress);
	err = churn(vm, page);
	after = READ_ONCE(*progress);
	run.stop = true;
	reason = smp_wait(1);
	kprintf("smp: %d slot creates and deletes while the writer finished %llu rounds; "
		"%llu EPT faults, %llu kicks\n", CHURN_ROUNDS, after - before,
		v->exit_count[EXIT_REASON_EPT_VIOLATION], v->exit_count[EXIT_REASON_EXTERNAL_INTERRUPT]);
	KT_ASSERT(t, i < WAIT_POLLS && before >= 2, "expected the writer to run, saw %llu rounds", before);
	KT_ASSERT(t, err == 0, "expected every create and delete to succeed, saw %d", err);
	KT_ASSERT(t, reason == VCPU_EXIT_BUDGET,
		  "expected the writer to be stopped at a budget exit, saw exit %ld", reason);
	KT_ASSERT(t, after > before, "expected the writer to make progress during the churn");
	if (!ktest_only_churn_exits(t, v))
		return;
	vm_destroy(vm);
}
