/*
 * Requests across CPUs (include/kvm/requests.h): the hooks through which
 * the MMU asks every vCPU of a VM to act before its next entry
 * (kvm->request_all, kvm->sync_dirty_log), the kick that forces a vCPU out
 * of its guest to see a request, and the VM's array of vCPUs those hooks
 * walk (vcpu_register()).
 */
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/percpu.h"
#include "irq/irq.h"
#include "lib/errno.h"
#include "lib/panic.h"
#include "vcpu_internal.h"

/* Polls of a kicked vCPU's mode before the kicker gives up (a hung vCPU). */
#define KICK_ACK_POLLS 100000000ULL

/*
 * The request first, then the look at the mode (both sequentially
 * consistent): a vCPU publishes VCPU_IN_GUEST and then loads its requests
 * (vcpu_enter_guest_mode()), so either it sees VCPU_REQ_EVENT and asks its
 * controllers again before entering, or this sees it in its guest and the
 * IPI forces it out.  What a caller made pending is never left waiting for
 * the vCPU's next exit, whichever path (vmx/run.c's fast path included)
 * the vCPU is on.
 */
void kvm_vcpu_kick(struct vcpu *v)
{
	int cpu, mode;

	kvm_make_request(VCPU_REQ_EVENT, v);
	cpu = __atomic_load_n(&v->cpu, __ATOMIC_SEQ_CST);
	mode = __atomic_load_n(&v->mode, __ATOMIC_SEQ_CST);

	if ((mode == VCPU_IN_GUEST || mode == VCPU_HALTED) && cpu >= 0 &&
	    cpu != (int)this_cpu()->id) {
		lapic_send_ipi(cpus[cpu].apic_id, VCPU_KICK_VECTOR);
		__atomic_fetch_add(&v->kicks_sent, 1, __ATOMIC_RELAXED);
	}
}

/*
 * Of the requests only a stop ends the halt: the others (flushes) are
 * for the next entry, and a halted vCPU holds no translation.  HALTED is
 * published before the last look at what is pending: whoever
 * makes something pending after that look sees HALTED and sends the
 * wake IPI, which ends the halt (or, arriving before it, keeps the HLT
 * from halting: STI's shadow makes "sti; hlt" one step).
 */
void vcpu_block(struct vcpu *v, u64 deadline)
{
	vcpu_load(v);	/* v->cpu names this CPU: where kvm_vcpu_kick() sends the wake IPI */
	__atomic_store_n(&v->mode, VCPU_HALTED, __ATOMIC_SEQ_CST);
	if (!kvm_test_request(VCPU_REQ_STOP, v) && !irqchip_vcpu_pending(v))
		cpu_idle_until(deadline);
	__atomic_store_n(&v->mode, VCPU_OUTSIDE_GUEST, __ATOMIC_SEQ_CST);
}

/*
 * Wait until v is outside its guest: it has then left every translation of
 * the old tables behind and handles the request before it enters again.
 */
static void vcpu_wait_outside_guest(struct vcpu *v)
{
	for (u64 i = 0; __atomic_load_n(&v->mode, __ATOMIC_SEQ_CST) == VCPU_IN_GUEST; i++) {
		if (v->cpu == (int)this_cpu()->id)
			return;
		if (i == KICK_ACK_POLLS)
			panic("vmx_request_all: vcpu %u on CPU %d did not leave its guest", v->id,
			      v->cpu);
		cpu_relax();
	}
}

/*
 * The MMU's request hook (kvm->request_all): set req in every vCPU of the VM,
 * kick those running on other CPUs, and return only once each is outside
 * its guest.  That acknowledgement is what lets the caller free or reuse
 * the frames the request is about.
 */
static void vmx_request_all(struct kvm *kvm, unsigned int req)
{
	struct vcpu *v;
	unsigned int i;

	kvm_for_each_vcpu(i, v, kvm) {
		if (TEST_SWITCH(v, skip_flush))
			continue;	/* a negative control: this vCPU is left out */
		kvm_make_request(req, v);
		if (!TEST_SWITCH(kvm, no_kick))
			kvm_vcpu_kick(v);
	}
	if (TEST_SWITCH(kvm, no_kick))
		return;
	kvm_for_each_vcpu(i, v, kvm) {
		if (!TEST_SWITCH(v, skip_flush))
			vcpu_wait_outside_guest(v);
	}
}

/* Wait until v has emptied its log, or is outside vcpu_run() (it emptied it at its last exit). */
static void vcpu_wait_pml_flushed(struct vcpu *v)
{
	for (u64 i = 0; kvm_test_request(VCPU_REQ_PML_FLUSH, v);
	     i++) {
		if (!__atomic_load_n(&v->in_run, __ATOMIC_SEQ_CST))
			return;
		if (i == KICK_ACK_POLLS)
			panic("vmx_sync_dirty_log: vcpu %u on CPU %d did not empty its PML log", v->id,
			      v->cpu);
		cpu_relax();
	}
}

/*
 * kvm->sync_dirty_log: every write a vCPU of the VM logged before this call
 * is in the dirty bitmaps when it returns.  A vCPU empties its log after
 * each exit, so one in its guest is kicked out, and one between runs has
 * nothing left; the caller does not hold mmu_lock, which the vCPUs take.
 */
static void vmx_sync_dirty_log(struct kvm *kvm)
{
	struct vcpu *v;
	unsigned int i;

	kvm_for_each_vcpu(i, v, kvm) {
		if (!v->pml_log)
			continue;
		kvm_make_request(VCPU_REQ_PML_FLUSH, v);
		kvm_vcpu_kick(v);
	}
	kvm_for_each_vcpu(i, v, kvm) {
		if (v->pml_log)
			vcpu_wait_pml_flushed(v);
	}
}

/*
 * Publish v in its VM's vCPU array (KVM's kvm_vm_ioctl_create_vcpu()):
 * -EINVAL when the VM has KVM_MAX_VCPUS already.  The entry is written
 * before online_vcpus, so a concurrent walk never sees an unset entry.
 */
int vcpu_register(struct kvm *kvm, struct vcpu *v)
{
	unsigned int idx = kvm->online_vcpus;

	if (idx >= KVM_MAX_VCPUS)
		return -EINVAL;
	kvm->request_all = vmx_request_all;
	kvm->sync_dirty_log = vmx_sync_dirty_log;
	v->vcpu_idx = idx;
	kvm->vcpus[idx] = v;
	__atomic_store_n(&kvm->online_vcpus, idx + 1, __ATOMIC_RELEASE);
	return 0;
}

void vcpu_unregister(struct kvm *kvm, struct vcpu *v)
{
	if (v->vcpu_idx < KVM_MAX_VCPUS && kvm->vcpus[v->vcpu_idx] == v)
		__atomic_store_n(&kvm->vcpus[v->vcpu_idx], NULL, __ATOMIC_RELEASE);
}
