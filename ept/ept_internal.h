/*
 * What ept/'s files share and nothing else may call: root references,
 * range zaps, leaf walks, write protection and dirty bits, per-root
 * flushes, cache allocation and the MMU's share of VM teardown.
 */
#pragma once

#include "ept/fault.h"
#include "ept/flush.h"
#include "ept/mmu.h"
#include "ept/mmu_cache.h"
#include "ept/root.h"
#include "ept/walk.h"
#include "ept/zap.h"
#include "memslot/kvm_arch.h"

/* as_id's current valid root, made afresh if there is none; -ENOMEM. */
int kvm_tdp_mmu_get_vcpu_root(struct kvm *kvm, u16 as_id, struct ept_root **root);

/* Drop a reference; the last one of an invalid root frees it once torn down. */
void kvm_tdp_mmu_put_root(struct kvm *kvm, struct ept_root *root);

/* Mark every root invalid; the address spaces let go of their current ones. */
void kvm_tdp_mmu_invalidate_all_roots(struct kvm *kvm);

/* Free every root and table at VM destruction; no vCPU may hold a root. */
void kvm_mmu_uninit_tdp_mmu(struct kvm *kvm);

/*
 * Zap every entry of root meeting [start, end), leaves first, freeing the
 * tables that map nothing outside it.
 */
bool tdp_mmu_zap_range(struct kvm *kvm, struct ept_root *root, gfn_t start, gfn_t end);

/*
 * Tear down every invalidated root, leaves first (4K, 2M, 1G, then the
 * tables), flush each, and free those no vCPU holds.
 */
void kvm_tdp_mmu_zap_invalidated_roots(struct kvm *kvm);

/*
 * Call fn on every leaf that maps slot, in every root of its address space;
 * fn sets *flush when it took something away.  Bumps kvm->tlb_gen then,
 * and returns whether a flush is needed.
 */
bool tdp_mmu_slot_leaves(struct kvm *kvm, const struct kvm_memory_slot *slot,
			 void (*fn)(u64 *sptep, int level, bool *flush));

/*
 * Call fn(sptep, &flush) on the 4K leaves of base_gfn + gfn_offset + bit
 * for each bit of mask (through the rmaps); bumps kvm->tlb_gen when fn
 * set flush, and returns it.
 */
bool rmap_masked_4k_leaves(struct kvm *kvm, const struct kvm_memory_slot *slot,
			   gfn_t gfn_offset, u64 mask, void (*fn)(u64 *sptep, void *flush));

/* Clear W in every leaf that maps slot. */
bool kvm_tdp_mmu_wrprot_slot(struct kvm *kvm, const struct kvm_memory_slot *slot);

/*
 * The FLAGS_ONLY hook: dirty logging turned on write-protects the slot, or
 * under PML clears its 4K leaves' dirty bits and write-protects its large
 * leaves (either way large leaves are split by the next write); turned
 * off, the slot's leaves are zapped so that they fault back in as large as
 * allowed.
 */
void kvm_mmu_slot_apply_flags(struct kvm *kvm, const struct kvm_memory_slot *old,
			      const struct kvm_memory_slot *new);

/* Clear D in the slot's 4K leaves and W in its large ones. */
bool kvm_tdp_mmu_clear_dirty_slot(struct kvm *kvm, const struct kvm_memory_slot *slot);

/* Clear D in the 4K leaves of base_gfn + gfn_offset + bit for each bit of mask. */
bool kvm_mmu_clear_dirty_pt_masked(struct kvm *kvm, const struct kvm_memory_slot *slot,
				   gfn_t gfn_offset, u64 mask);

/* INVEPT single-context for root on this CPU, and KVM_REQ_TLB_FLUSH to every vCPU. */
void ept_flush_root(struct kvm *kvm, struct ept_root *root);

/* Take an object from a cache that kvm_mmu_topup_memory_caches() filled. */
void *kvm_mmu_memory_cache_alloc(struct kvm *kvm, struct kvm_mmu_memory_cache *mc);

/* Free what the caches hold. */
void kvm_mmu_free_memory_caches(struct kvm *kvm);
