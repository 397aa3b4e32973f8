/*
 * EPT dirty bits for dirty logging with PML (KVM's kvm_mmu_clear_dirty_pt_masked
 * and kvm_mmu_slot_leaf_clear_dirty).  With EPTP bit 6 set, the CPU sets a
 * leaf's dirty bit on the first write through it and, with "enable PML",
 * logs that write's gpa (SDM Vol. 3C 29.3.5, 29.3.6).  Clearing the bit
 * re-arms the log for that page.  A CPU may have cached the leaf with its
 * dirty bit set and would then write without logging, so a cleared bit is
 * a change that needs a flush, like a lost permission.
 */
#include "ept_internal.h"

/*
 * Atomically: the CPU sets A and D in the same entry with locked
 * read-modify-writes, and a D it sets now must not be undone unlogged.
 */
static void clear_dirty(u64 *sptep, void *data)
{
	u64 old = __atomic_fetch_and(sptep, ~EPT_DIRTY, __ATOMIC_SEQ_CST);

	if (old & EPT_DIRTY) {
		*(bool *)data = true;
	}
}

static void clear_writable_atomic(u64 *sptep, bool *flush)
{
	u64 old = __atomic_fetch_and(sptep, ~EPT_WRITABLE, __ATOMIC_SEQ_CST);

	*flush |= (old & EPT_WRITABLE) != 0;
}

static void clear_dirty_leaf(u64 *sptep, int level, bool *flush)
{
	/* PML logs 4K pages; a write to a large leaf faults and splits it. */
	if (level > PG_LEVEL_4K) {
		clear_writable_atomic(sptep, flush);
	} else {
		clear_dirty(sptep, flush);
	}
}

bool kvm_tdp_mmu_clear_dirty_slot(struct kvm *kvm, const struct kvm_memory_slot *slot)
{
	return tdp_mmu_slot_leaves(kvm, slot, clear_dirty_leaf);
}

bool kvm_mmu_clear_dirty_pt_masked(struct kvm *kvm, const struct kvm_memory_slot *slot,
				   gfn_t gfn_offset, u64 mask)
{
	return rmap_masked_4k_leaves(kvm, slot, gfn_offset, mask, clear_dirty);
}
