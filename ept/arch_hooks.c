/*
 * The MMU's side of the memslot hooks (include/memslot/kvm_arch.h) that no
 * other ept/ file holds: commit and VM teardown.  The rest (flush shadow
 * memslot, re-arm for dirty logging, remote flushes, gfn write protection)
 * live with the code they belong to.
 */
#include "ept_internal.h"

void kvm_arch_commit_memory_region(struct kvm *kvm, const struct kvm_memory_slot *old,
				   const struct kvm_memory_slot *new, enum kvm_mr_change change)
{
	if (change == KVM_MR_FLAGS_ONLY) {
		kvm_mmu_slot_apply_flags(kvm, old, new);
	}
}

void kvm_arch_destroy_vm(struct kvm *kvm)
{
	kvm_mmu_uninit_tdp_mmu(kvm);
	kvm_mmu_free_memory_caches(kvm);
}
