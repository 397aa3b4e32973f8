/*
 * TLB flushing for EPT: every INVEPT of the MMU is issued by ept_flush().
 * INVEPT acts only on the CPU that runs it, so each flush also asks every
 * vCPU to flush before its next VM entry (KVM's kvm_flush_remote_tlbs());
 * a frame that left the guest may be reused only after both.
 */
#include "ept_internal.h"
#include "arch/invept.h"
#include "lib/errno.h"
#include "lib/panic.h"

/* The one INVEPT wrapper. */
static void ept_flush(struct kvm *kvm, unsigned int type, u64 eptp)
{
	int r;

	kvm->stat.invept++;
	r = arch_invept(type, eptp);
	/* -ENODEV: not in VMX operation here, so nothing of this EPTP is cached. */
	if (r && r != -ENODEV) {
		panic("ept_flush: INVEPT type %u eptp 0x%llx failed (%d)", type, eptp, r);
	}
}

void ept_flush_root(struct kvm *kvm, struct ept_root *root)
{
	if (TEST_SWITCH(kvm, no_flush)) {
		return;
	}
	ept_flush(kvm, INVEPT_SINGLE_CONTEXT, ept_root_eptp(root));
	kvm_make_all_cpus_request(kvm, KVM_REQ_TLB_FLUSH);
}

void kvm_flush_remote_tlbs(struct kvm *kvm)
{
	struct ept_root *root;

	lockdep_assert_held(&kvm->mmu_lock);
	if (TEST_SWITCH(kvm, no_flush)) {
		return;
	}
	for_each_tdp_mmu_root(kvm, root)
		ept_flush(kvm, INVEPT_SINGLE_CONTEXT, ept_root_eptp(root));
	kvm_make_all_cpus_request(kvm, KVM_REQ_TLB_FLUSH);
}

void ept_flush_eptp(struct kvm *kvm, u64 eptp)
{
	if (TEST_SWITCH(kvm, no_flush)) {
		return;
	}
	ept_flush(kvm, INVEPT_SINGLE_CONTEXT, eptp);
}
