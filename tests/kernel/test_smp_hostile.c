/*
 * Guest hostility under churn: a guest on CPU 1 misbehaves while
 * the BSP keeps creating and deleting a slot: guests/wild.c writes wild
 * addresses (MMIO exits, and its own code and tables); guests/mmio_triple.c
 * loops on MMIO and then triple-faults.  However that VM ends, the
 * hypervisor goes on: the churn succeeds, every frame comes back when the
 * VM is destroyed, and a new VM runs normally afterwards.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "ktest_vmx.h"
#include "lib/printf.h"
#include "mm/frame.h"
#include "remote_run.h"

#define CHURN_GPA 0x8000000ULL
#define CHURN_ROUNDS 100
#define CHURN_ROUNDS_MAX 20000
#define CHURN_GAP 20000		/* cpu_relax()es between two changes */
#define RUN_BUDGET 1000000
#define MAX_EXITS 20000

struct wild_run {
	struct vcpu *v;
	volatile bool stop;
	volatile unsigned long mmio;
	bool dead;		/* the VM was over when the runs ended */
};

/* On CPU 1: run the guest, answering its MMIO with zeros, until it dies or is stopped. */
static long ap_run_wild(void *arg)
{
	struct wild_run *r = arg;

	for (int n = 0; n < MAX_EXITS && !r->stop; n++) {
		if (vcpu_run(r->v, RUN_BUDGET) < 0 || r->v->dead)
			break;
		if (r->v->exit.reason == VCPU_EXIT_MMIO) {
			r->v->exit.mmio.data = 0;
			r->mmio++;
		}
	}
	vcpu_put(r->v);
	return r->v->exit.reason;
}

/*
 * Run image on CPU 1 under CHURN_ROUNDS of churn (more, until its VM is
 * over, with until_dead); the wild_run it ended with, or false with the
 * test failed.
 */
static bool hostile_under_churn(struct ktest_ctx *t, const char *image, bool until_dead,
				struct wild_run *out, long *out_reason)
{
	struct kvm_userspace_memory_region r = { .slot = 2, .guest_phys_addr = CHURN_GPA };
	struct frame_stats before, after;
	struct wild_run run = { 0 };
	struct vcpu *v, *v2;
	struct ucall uc;
	struct vm *vm, *vm2;
	hva_t page;
	long reason;
	int err = 0;

	if (!ktest_need_ap_vmx(t))
		return false;
	/* After both VMXONs: their regions stay allocated while VMX is on. */
	frame_get_stats(&before);
	vm = ktest_guest64(t, image, MiB(4), &v);
	if (!vm)
		return false;
	err = memslot_backing_alloc(&vm->kvm, KiB(4), &page);
	if (err) {
		ktest_fail(t, "expected backing for the churned slot, saw %d", err);
		vm_destroy(vm);
		return false;
	}
	vcpu_put(v);
	run.v = v;
	smp_call_async(1, ap_run_wild, &run);
	r.userspace_addr = page;
	for (u64 i = 0; READ_ONCE(run.mmio) < 300 && !READ_ONCE(v->dead) && i < 100000000ULL; i++)
		cpu_relax();	/* let it get going */
	/* The churn goes on until the guest's VM is over, for one that must end itself. */
	for (int i = 0; (i < CHURN_ROUNDS || (until_dead && !READ_ONCE(v->dead) &&
					      i < CHURN_ROUNDS_MAX)) && !err; i++) {
		r.memory_size = KiB(4);
		err = kvm_set_memory_region(&vm->kvm, &r);
		r.memory_size = 0;
		err = err ?: kvm_set_memory_region(&vm->kvm, &r);
		/*
		 * Each delete zaps the guest's mappings; without a pause the
		 * BSP takes mmu_lock back before the vCPU can fault its code in
		 * again, and a guest that must reach its end never does.
		 */
		for (int k = 0; k < CHURN_GAP; k++)
			cpu_relax();
	}
	run.stop = true;
	reason = smp_wait(1);
	kprintf("smp: guest %s made %lu MMIO accesses and ended with exit %ld (%s)\n", image,
		run.mmio, reason, v->dead ? "its VM is over" : "still runnable");
	run.dead = v->dead;
	vm_destroy(vm);
	frame_get_stats(&after);
	*out = run;
	*out_reason = reason;
	if (err) {
		ktest_fail(t, "expected the churn to succeed under guest %s, saw %d", image, err);
		return false;
	}
	if (after.free_frames != before.free_frames) {
		ktest_fail(t, "expected every frame back after destroying the VM: free %llu -> %llu",
			   before.free_frames, after.free_frames);
		return false;
	}
	vm2 = ktest_guest64(t, "hello64", MiB(4), &v2);
	if (!vm2)
		return false;
	if (vm_run(v2, 0, &uc) != UCALL_SYNC) {
		ktest_fail(t, "expected a new VM to run normally after guest %s", image);
		vm_destroy(vm2);
		return false;
	}
	vm_destroy(vm2);
	return true;
}

KTEST(test_smp_hostile_churn, "smp.hostile-under-churn")
{
	struct wild_run run;
	long reason;

	if (!hostile_under_churn(t, "wild", false, &run, &reason))
		return;
	KT_ASSERT(t, run.mmio > 0, "expected the wild guest to make MMIO accesses");
}

#define MMIO_TRIPLE_READS 3000	/* guests/mmio_triple.c */

KTEST(test_smp_hostile_mmio_triple, "smp.hostile-under-churn.mmio-then-triple-fault")
{
	struct wild_run run;
	long reason;

	if (!hostile_under_churn(t, "mmio_triple", true, &run, &reason))
		return;
	KT_ASSERT(t, run.mmio == MMIO_TRIPLE_READS && reason == VCPU_EXIT_SHUTDOWN && run.dead,
		  "expected %d MMIO reads then a shutdown that ends the VM, saw %lu reads, exit %ld",
		  MMIO_TRIPLE_READS, run.mmio, reason);
}
