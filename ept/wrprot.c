/*
 * Write protection: clearing W in leaves so that the next guest write is an
 * EPT violation (dirty logging, write tracking).  Removing a permission is a
 * change a CPU may have cached, so each returns whether a flush is needed.
 */
#include "ept_internal.h"
#include "ept/iter.h"
#include "ept/rmap.h"

static void clear_writable(u64 *sptep, void *data)
{
	u64 spte = READ_ONCE(*sptep);

	if (is_writable_pte(spte)) {
		WRITE_ONCE(*sptep, spte & ~EPT_WRITABLE);
		*(bool *)data = true;
	}
}

bool tdp_mmu_slot_leaves(struct kvm *kvm, const struct kvm_memory_slot *slot,
			 void (*fn)(u64 *sptep, int level, bool *flush))
{
	struct ept_root *root;
	struct ept_iter it;
	bool flush = false;

	for_each_tdp_mmu_root(kvm, root) {
		if (root->as_id != slot->as_id) {
			continue;
		}
		for_each_ept_pte(it, root->hpa, slot->base_gfn, memslot_end(slot)) {
			if (is_shadow_present_pte(it.old_spte) && is_last_spte(it.old_spte, it.level)) {
				fn(it.sptep, it.level, &flush);
			}
		}
	}
	kvm->tlb_gen += flush;
	return flush;
}

static void wrprot_leaf(u64 *sptep, int level, bool *flush)
{
	clear_writable(sptep, flush);
}

bool kvm_tdp_mmu_wrprot_slot(struct kvm *kvm, const struct kvm_memory_slot *slot)
{
	return tdp_mmu_slot_leaves(kvm, slot, wrprot_leaf);
}

bool kvm_mmu_slot_gfn_write_protect(struct kvm *kvm, const struct kvm_memory_slot *slot,
				    gfn_t gfn, int min_level)
{
	bool flush = false;
	int level;

	lockdep_assert_held(&kvm->mmu_lock);
	for (level = min_level; level <= KVM_MAX_HUGEPAGE_LEVEL; level++)
		pte_list_walk(gfn_to_rmap(gfn, level, slot), clear_writable, &flush);
	kvm->tlb_gen += flush;
	return flush;
}

bool rmap_masked_4k_leaves(struct kvm *kvm, const struct kvm_memory_slot *slot,
			   gfn_t gfn_offset, u64 mask, void (*fn)(u64 *sptep, void *flush))
{
	bool flush = false;

	/* Under dirty logging a writable leaf is always 4K (ept/fault.c). */
	while (mask) {
		gfn_t gfn = slot->base_gfn + gfn_offset + __builtin_ctzll(mask);

		pte_list_walk(gfn_to_rmap(gfn, PG_LEVEL_4K, slot), fn, &flush);
		mask &= mask - 1;
	}
	kvm->tlb_gen += flush;
	return flush;
}

bool kvm_arch_mmu_enable_log_dirty_pt_masked(struct kvm *kvm, const struct kvm_memory_slot *slot,
					     gfn_t gfn_offset, u64 mask)
{
	lockdep_assert_held(&kvm->mmu_lock);
	if (kvm->cpu_dirty_log_size) {
		if (TEST_SWITCH(kvm, keep_dirty_bits)) {
			return false;	/* negative control: the next writes go unlogged */
		}
		return kvm_mmu_clear_dirty_pt_masked(kvm, slot, gfn_offset, mask);
	}

	return rmap_masked_4k_leaves(kvm, slot, gfn_offset, mask, clear_writable);
}

void kvm_mmu_slot_apply_flags(struct kvm *kvm, const struct kvm_memory_slot *old,
			      const struct kvm_memory_slot *new)
{
	bool was_logging = kvm_slot_dirty_track_enabled(old);
	bool logging = kvm_slot_dirty_track_enabled(new);
	bool flush;

	lockdep_assert_held(&kvm->mmu_lock);
	if (was_logging == logging) {
		return;
	}
	if (logging && kvm->cpu_dirty_log_size) {
		/* PML: clean 4K leaves log their next write; large ones split on it. */
		flush = kvm_tdp_mmu_clear_dirty_slot(kvm, new);
	} else if (logging) {
		/* Large leaves stay, read-only: the next write splits them. */
		flush = kvm_tdp_mmu_wrprot_slot(kvm, new);
	} else {
		/*
		 * Zap, so that the pages fault back in as large as allowed.  A
		 * walk of the tables costs what is mapped; the slot's rmaps
		 * (ept_zap_memslot()) would cost a look at every page.
		 */
		flush = kvm_tdp_mmu_zap_leafs(kvm, new->as_id, new->base_gfn, memslot_end(new));
	}
	if (flush) {
		kvm_flush_remote_tlbs(kvm);
	}
}
