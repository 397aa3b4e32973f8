/*
 * A VM whose vCPUs each have a CPU of their own (make run CPUS=n, n > 1):
 * vCPU i runs on CPU i + 1 for the guest's whole life, and CPU 0 keeps the
 * console and the monitor.  Each vCPU's thread runs vm_run() without a
 * budget: its CPU halts while its guest does (vcpu_block()), and another
 * CPU's IPI or interrupt kicks it (kvm_vcpu_kick()).  An exit vm_run()
 * does not handle goes to the caller's exit function, on the vCPU's CPU;
 * when that says the guest is over, every thread stops.  The monitor
 * pauses them all (vm_vcpus_pause()): each leaves its guest, VMCLEARs its
 * VMCS so that CPU 0 may read and change the vCPU, and waits.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "vmx/vmx.h"
#include "vm/vm.h"

static unsigned int vcpu_cpu(const struct vcpu *v)
{
	return v->vcpu_idx + 1;
}

/* Wait, out of the guest and with the VMCS cleared, while the monitor has the VM. */
static void vcpu_park(struct vm *vm, struct vcpu *v)
{
	vcpu_put(v);
	__atomic_fetch_add(&vm->vcpus_parked, 1, __ATOMIC_SEQ_CST);
	while (READ_ONCE(vm->vcpus_pause) && !READ_ONCE(vm->vcpus_over))
		cpu_relax();
	__atomic_fetch_sub(&vm->vcpus_parked, 1, __ATOMIC_SEQ_CST);
}

static long vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = vm_from_kvm(v->kvm);
	const char *why;
	struct ucall uc;
	int cmd;

	/* VMXON on this CPU, once (it stays on between guests). */
	if (!vmx_cpu_enabled() && vmx_cpu_enable(&why) < 0) {
		kprintf("vmm: vcpu %u: VMX cannot be turned on on CPU %u: %s\n", v->id,
			this_cpu()->id, why);
		vm_vcpus_end(vm);
		return -ENODEV;
	}
	while (!READ_ONCE(vm->vcpus_over)) {
		if (READ_ONCE(vm->vcpus_pause)) {
			vcpu_park(vm, v);
			continue;
		}
		cmd = vm_run(v, 0, &uc);
		if (!cmd && v->exit.reason == VCPU_EXIT_STOPPED)
			continue;	/* a pause or the end: the loop looks */
		if (!vm->vcpu_exit_fn(vm->vcpu_exit_ctx, v, cmd))
			vm_vcpus_end(vm);
	}
	vcpu_put(v);
	return 0;
}

int vm_vcpus_start(struct vm *vm, bool (*exit_fn)(void *ctx, struct vcpu *v, int cmd), void *ctx)
{
	unsigned int i, n = vm->kvm.online_vcpus;
	struct vcpu *v;

	if (nr_cpus < n + 1)
		return -ENODEV;
	vm->vcpu_exit_fn = exit_fn;
	vm->vcpu_exit_ctx = ctx;
	vm->vcpus_over = vm->vcpus_pause = false;
	vm->vcpus_parked = 0;
	vm->vcpus_threaded = true;
	kvm_for_each_vcpu(i, v, &vm->kvm)
		vcpu_put(v);	/* made here; loaded again on its own CPU */
	kvm_for_each_vcpu(i, v, &vm->kvm) {
		int err = smp_call_async(vcpu_cpu(v), vcpu_thread, v);

		if (err) {
			vm_vcpus_end(vm);
			vm_vcpus_wait(vm);
			return err;
		}
		vm->vcpus_started = i + 1;
	}
	return 0;
}

void vm_vcpus_end(struct vm *vm)
{
	struct vcpu *v;
	unsigned int i;

	__atomic_store_n(&vm->vcpus_over, true, __ATOMIC_SEQ_CST);
	kvm_for_each_vcpu(i, v, &vm->kvm)
		vcpu_request_stop(v);
}

bool vm_vcpus_over(struct vm *vm)
{
	return READ_ONCE(vm->vcpus_over);
}

void vm_vcpus_wait(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->vcpus_started; i++)
		smp_wait(vcpu_cpu(vm->kvm.vcpus[i]));
	vm->vcpus_started = 0;
	vm->vcpus_threaded = false;
}

void vm_vcpus_pause(struct vm *vm)
{
	unsigned int i, running;
	struct vcpu *v;

	__atomic_store_n(&vm->vcpus_pause, true, __ATOMIC_SEQ_CST);
	kvm_for_each_vcpu(i, v, &vm->kvm)
		vcpu_request_stop(v);
	do {
		running = 0;
		for (i = 0; i < vm->vcpus_started; i++)
			running += !smp_call_done(vcpu_cpu(vm->kvm.vcpus[i]));
		cpu_relax();
	} while (__atomic_load_n(&vm->vcpus_parked, __ATOMIC_SEQ_CST) < running);
}

void vm_vcpus_resume(struct vm *vm)
{
	struct vcpu *v;
	unsigned int i;

	kvm_for_each_vcpu(i, v, &vm->kvm)
		vcpu_put(v);	/* the monitor may have loaded it here */
	__atomic_store_n(&vm->vcpus_pause, false, __ATOMIC_SEQ_CST);
}
