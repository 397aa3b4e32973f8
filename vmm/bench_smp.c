/*
 * `make bench`'s remote-flush figure (slotvisor.bench=smp, two CPUs):
 * ticks per DELETE of a one-page slot, (a) with the VM's vCPU idle and
 * (b) with it running the writer guest on CPU 1, where each DELETE must
 * kick it out of its guest and wait for the acknowledgement.  In Bochs
 * the TSC counts instructions of the calling CPU.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "vmm/bench.h"
#include "vmm/vmm.h"
#include "vmm/remote_run.h"

#define CHURN_GPA 0x8000000ULL
#define REGION_GPA 0x1000000ULL
#define PROGRESS_GPA 0x300000ULL
#define ROUNDS 200
#define RUN_BUDGET 2000000

/* Wait until the writer finished another round: it is back in its guest. */
static void wait_running(volatile u64 *progress)
{
	u64 seen;

	if (!progress)
		return;
	seen = READ_ONCE(*progress);
	while (READ_ONCE(*progress) < seen + 2)
		cpu_relax();
}

/*
 * Mean ticks of a DELETE (after a CREATE) of a one-page slot; with
 * progress, each DELETE waits until the vCPU is running its guest again.
 */
static u64 delete_ticks(struct vm *vm, hva_t page, volatile u64 *progress)
{
	struct kvm_userspace_memory_region r = {
		.slot = 2, .guest_phys_addr = CHURN_GPA, .userspace_addr = page,
	};
	u64 total = 0;

	for (int i = 0; i < ROUNDS; i++) {
		u64 t0;

		r.memory_size = KiB(4);
		kvm_set_memory_region(vm->kvm, &r);
		r.memory_size = 0;
		wait_running(progress);
		t0 = rdtsc();
		kvm_set_memory_region(vm->kvm, &r);
		total += rdtsc() - t0;
	}
	return total / ROUNDS;
}

int bench_smp_run(void)
{
	struct vmm_remote_run run = { .budget = RUN_BUDGET };
	struct vm *vm;
	struct vcpu *v;
	volatile u64 *progress;
	hva_t page;
	u64 idle, busy;
	int err;

	if (nr_cpus < 2 || vmm_enable_vmx_on(1)) {
		kprintf("bench: the remote-flush figure needs two CPUs with VT-x\n");
		return -ENODEV;
	}
	vm = vm_create("bench-smp");
	err = vm ? vm_load_guest64(vm, "writer", MiB(4), &v) : -ENOMEM;
	err = err ?: vm_add_memory(vm, 1, REGION_GPA, MiB(2), 0, NULL);	/* one 2M leaf */
	err = err ?: kvm_backing_alloc(vm->kvm, KiB(4), &page);
	if (err) {
		kprintf("bench: setup failed: %d\n", err);
		vm_destroy(vm);
		return err;
	}
	idle = delete_ticks(vm, page, NULL);
	progress = vm_gpa_to_hva(vm, PROGRESS_GPA);
	vcpu_put(v);
	run.v = v;
	smp_call_async(1, vmm_remote_run, &run);
	while (READ_ONCE(*progress) < 2)
		cpu_relax();
	busy = delete_ticks(vm, page, progress);
	run.stop = true;
	smp_wait(1);
	kprintf("bench: DELETE of a 1-page slot, vCPU idle: %llu ticks (mean of %d)\n", idle, ROUNDS);
	kprintf("bench: DELETE of a 1-page slot, vCPU running on CPU 1 (kick, acknowledge, reload): "
		"%llu ticks (mean of %d); %llu kicks sent, %llu interrupt exits\n", busy, ROUNDS,
		v->kicks_sent, v->exit_count[EXIT_REASON_EXTERNAL_INTERRUPT]);
	vm_destroy(vm);
	return 0;
}
