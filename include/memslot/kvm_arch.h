/*
 * The hooks through which memslot/ reaches the MMU, as KVM's generic code
 * reaches its architecture through kvm_arch_*() (virt/kvm/kvm_main.c ->
 * arch/x86/kvm/x86.c, mmu/mmu.c): memslot/ includes this header and
 * nothing of ept/; ept/ implements every function here.
 */
#pragma once

#include "kvm/kvm.h"
#include "memslot/memslot.h"

/*
 * After the last set swap of a change (KVM's kvm_arch_commit_memory_region()):
 * a FLAGS_ONLY change applies the new flags to the tables (dirty logging
 * turned on write-protects the slot, or under PML clears its 4K leaves'
 * dirty bits and write-protects its large leaves; turned off, the slot's
 * leaves are zapped so that they fault back in as large as allowed).
 */
void kvm_arch_commit_memory_region(struct kvm *kvm, const struct kvm_memory_slot *old,
				   const struct kvm_memory_slot *new, enum kvm_mr_change change);

/*
 * The MMU's part of destroying a VM (KVM's kvm_arch_destroy_vm()): every
 * root and table freed, and the memory caches; before the slots go, since
 * zapping a leaf needs its slot's rmap.
 */
void kvm_arch_destroy_vm(struct kvm *kvm);

/* The DELETE/MOVE hook: no EPT entry may map slot once this returns. */
void kvm_arch_flush_shadow_memslot(struct kvm *kvm, struct kvm_memory_slot *slot);

/*
 * Re-arm the 4K leaves of the gfns base_gfn + gfn_offset + bit for each bit
 * of mask for their next write: write-protect them, or under PML clear
 * their EPT dirty bits.
 */
bool kvm_arch_mmu_enable_log_dirty_pt_masked(struct kvm *kvm, const struct kvm_memory_slot *slot,
					     gfn_t gfn_offset, u64 mask);

/* ept_flush_root() for every root of the VM. */
void kvm_flush_remote_tlbs(struct kvm *kvm);

/* Clear W in every leaf at min_level or above that maps gfn (via the rmaps). */
bool kvm_mmu_slot_gfn_write_protect(struct kvm *kvm, const struct kvm_memory_slot *slot,
				    gfn_t gfn, int min_level);
