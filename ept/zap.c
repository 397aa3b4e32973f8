/*
 * Zapping: making EPT entries non-present (KVM's tdp_mmu_zap_*).  A zapped
 * leaf leaves its rmap; a table is freed only after every entry in it was
 * zapped (a post-order walk), so a teardown goes leaves first.  Each zap
 * returns whether it changed a present entry: then the CPU may still cache
 * the old translation (or the table, in its paging-structure caches), and
 * the caller must flush once before the frames or tables are reused.
 */
#include "ept_internal.h"
#include "ept/iter.h"
#include "ept/rmap.h"
#include "arch/memory.h"
#include "mm/frame.h"
#include "lib/panic.h"

/* Zap the present entry at it: a leaf leaves its rmap, an emptied table is freed. */
static void tdp_mmu_zap_spte(struct kvm *kvm, struct ept_root *root, struct ept_iter *it)
{
	u64 spte = READ_ONCE(*it->sptep);

	if (is_last_spte(spte, it->level)) {
		rmap_remove(kvm, root->as_id, it->sptep, it->gfn, it->level);
		kvm->stat.leaves[it->level - 1]--;
	} else {
		frame_free(phys_to_virt(spte_to_hpa(spte)));
		kvm->stat.table_pages--;
	}
	ept_iter_set_spte(it, 0);
	kvm->tlb_gen++;
}

/* Zap every leaf meeting [start, end) in root; tables stay. */
static bool tdp_mmu_zap_leafs(struct kvm *kvm, struct ept_root *root, gfn_t start,
			      gfn_t end)
{
	struct ept_iter it;
	bool flush = false;

	for_each_ept_pte(it, root->hpa, start, end) {
		if (!is_shadow_present_pte(it.old_spte) || !is_last_spte(it.old_spte, it.level)) {
			continue;
		}
		tdp_mmu_zap_spte(kvm, root, &it);
		flush = true;
	}
	return flush;
}

bool tdp_mmu_zap_range(struct kvm *kvm, struct ept_root *root, gfn_t start, gfn_t end)
{
	struct ept_iter it;
	bool flush = false;

	for_each_ept_pte_postorder(it, root->hpa, start, end) {
		if (!is_shadow_present_pte(it.old_spte)) {
			continue;
		}
		/* A table that maps gfns outside the range keeps them. */
		if (!is_last_spte(it.old_spte, it.level) &&
		    (it.gfn < start || it.gfn + ept_level_pages(it.level) > end)) {
			continue;
		}
		tdp_mmu_zap_spte(kvm, root, &it);
		flush = true;
	}
	return flush;
}

bool kvm_tdp_mmu_zap_leafs(struct kvm *kvm, u16 as_id, gfn_t start, gfn_t end)
{
	struct ept_root *root;
	bool flush = false;

	lockdep_assert_held(&kvm->mmu_lock);
	for_each_tdp_mmu_root(kvm, root) {
		if (root->as_id == as_id) {
			flush |= tdp_mmu_zap_leafs(kvm, root, start, end);
		}
	}
	return flush;
}

/* Zap every leaf in head, whichever root it is in. */
static bool zap_rmap(struct kvm *kvm, struct kvm_rmap_head *head, int level)
{
	bool flush = false;
	u64 *sptep;

	while ((sptep = pte_list_first(head))) {
		pte_list_remove(kvm, sptep, head);
		WRITE_ONCE(*sptep, 0);
		kvm->stat.leaves[level - 1]--;
		kvm->tlb_gen++;
		flush = true;
	}
	return flush;
}

bool ept_zap_memslot(struct kvm *kvm, const struct kvm_memory_slot *slot)
{
	bool flush = false;
	int level;
	u64 i;

	lockdep_assert_held(&kvm->mmu_lock);
	for (level = PG_LEVEL_4K; level <= KVM_MAX_HUGEPAGE_LEVEL; level++) {
		for (i = 0; i < __kvm_mmu_slot_lpages(slot, level); i++)
			flush |= zap_rmap(kvm, &slot->arch.rmap[level - 1][i], level);
	}
	return flush;
}

void kvm_tdp_mmu_zap_invalidated_roots(struct kvm *kvm)
{
	struct ept_root *root, *next;

	if (TEST_SWITCH(kvm, no_zap)) {
#ifdef CONFIG_SLOTVISOR_TEST
		kvm->debug.zap_skipped = true;
#endif
		return;
	}
	for (root = kvm->tdp_mmu_roots; root; root = next) {
		next = root->next;
		if (!root->invalid || root->zapped) {
			continue;
		}
		/* Hold the root while tearing it down; the last put frees it. */
		root->refcount++;
		if (tdp_mmu_zap_range(kvm, root, 0, EPT_MAX_GFN)) {
			ept_flush_root(kvm, root);
		}
		root->zapped = true;
		kvm_tdp_mmu_put_root(kvm, root);
	}
}

void kvm_mmu_zap_all_fast(struct kvm *kvm)
{
	lockdep_assert_held(&kvm->mmu_lock);
	kvm_tdp_mmu_invalidate_all_roots(kvm);
	/* No vCPU may enter with an invalid root: each loads a fresh one first. */
	kvm_make_all_cpus_request(kvm, KVM_REQ_MMU_RELOAD);
	kvm_tdp_mmu_zap_invalidated_roots(kvm);
}

void kvm_arch_flush_shadow_memslot(struct kvm *kvm, struct kvm_memory_slot *slot)
{
	lockdep_assert_held(&kvm->mmu_lock);
	/*
	 * Zap everything rather than the slot's entries alone, as KVM does: a
	 * per-slot zap was tried (Linux 5.1) and reverted after regressions.
	 */
	kvm_mmu_zap_all_fast(kvm);
}
