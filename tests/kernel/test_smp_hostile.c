/*
 * Guest hostility under churn (issue 7): a guest on CPU 1 writes wild
 * addresses (MMIO exits, and its own code and tables) while the BSP keeps
 * creating and deleting a slot.  However that VM ends, the hypervisor goes
 * on: the churn succeeds, every frame comes back when the VM is destroyed,
 * and a new VM runs normally afterwards.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "ktest_vmx.h"
#include "lib/printf.h"
#include "mm/frame.h"
#include "vmm/remote_run.h"

#define CHURN_GPA 0x8000000ULL
#define CHURN_ROUNDS 100
#define RUN_BUDGET 1000000
#define MAX_EXITS 20000

struct wild_run {
	struct vcpu *v;
	volatile bool stop;
	volatile unsigned long mmio;
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

KTEST(test_smp_hostile_churn, "smp.hostile-under-churn")
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

	if (nr_cpus < 2) {
		ktest_skip(t, "one CPU online (Bochs runs this with cpu: count=2)");
		return;
	}
	if (!ktest_need_vmx(t))
		return;
	KT_ASSERT(t, vmm_enable_vmx_on(1) == 0, "expected VMXON on CPU 1");
	/* After both VMXONs: their regions stay allocated while VMX is on. */
	frame_get_stats(&before);
	vm = ktest_guest64(t, "wild", MiB(4), &v);
	if (!vm)
		return;
	err = kvm_backing_alloc(vm->kvm, KiB(4), &page);
	KT_ASSERT(t, err == 0, "expected backing for the churned slot, saw %d", err);
	vcpu_put(v);
	run.v = v;
	smp_call_async(1, ap_run_wild, &run);
	r.userspace_addr = page;
	for (u64 i = 0; READ_ONCE(run.mmio) < 300 && !READ_ONCE(v->dead) && i < 100000000ULL; i++)
		cpu_relax();	/* let it get going */
	for (int i = 0; i < CHURN_ROUNDS && !err; i++) {
		r.memory_size = KiB(4);
		err = kvm_set_memory_region(vm->kvm, &r);
		r.memory_size = 0;
		err = err ?: kvm_set_memory_region(vm->kvm, &r);
	}
	run.stop = true;
	reason = smp_wait(1);
	kprintf("smp: the wild guest made %lu MMIO accesses and ended with exit %ld (%s)\n",
		run.mmio, reason, v->dead ? "its VM is over" : "still runnable");
	vm_destroy(vm);
	frame_get_stats(&after);
	KT_ASSERT(t, err == 0, "expected the churn to succeed under the wild guest, saw %d", err);
	KT_ASSERT(t, run.mmio > 0, "expected the wild guest to make MMIO accesses");
	KT_ASSERT(t, after.free_frames == before.free_frames,
		  "expected every frame back after destroying the VM: free %llu -> %llu",
		  before.free_frames, after.free_frames);
	vm2 = ktest_guest64(t, "hello64", MiB(4), &v2);
	if (!vm2)
		return;
	KT_ASSERT(t, vmm_run(v2, 0, &uc) == UCALL_SYNC, "expected a new VM to run normally");
	vm_destroy(vm2);
}
