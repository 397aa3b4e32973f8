/*
 * The fault path (KVM's kvm_tdp_page_fault() -> kvm_faultin_pfn() ->
 * kvm_tdp_mmu_map(); here ept_fault_find_pfn() stands for the middle one,
 * which only looks the pfn up in backing that is always present): an EPT
 * violation at a gfn finds the slot, picks the
 * largest level allowed, installs one leaf and records it in the rmap.
 * Every allocation happens before the tables are touched (the memory
 * caches), so a fault either maps or changes nothing.
 */
#include "ept_internal.h"
#include "ept/iter.h"
#include "ept/rmap.h"
#include "memslot/metadata.h"
#include "memslot/page_track.h"
#include "arch/memory.h"
#include "lib/errno.h"
#include "lib/panic.h"

struct kvm_page_fault {
	gfn_t gfn;
	u16 as_id;
	bool write;
	struct kvm_memory_slot *slot;
	int goal_level;		/* the level of the leaf to install */
	bool map_writable;
	bool map_dirty;		/* PML: install the leaf with its EPT dirty bit set */
};

/*
 * The largest level, up to max_level, at which the backing of gfn's chunk
 * is one aligned, physically contiguous run: an EPT leaf maps one.
 */
static int host_pfn_mapping_level(const struct kvm_memory_slot *slot, gfn_t gfn, int max_level)
{
	int level;

	for (level = max_level; level > PG_LEVEL_4K; level--) {
		u64 size = ept_level_pages(level) << GFN_SHIFT;
		hva_t hva = __gfn_to_hva_memslot(slot, ALIGN_DOWN(gfn, ept_level_pages(level)));
		hpa_t first = virt_to_phys((void *)hva);
		hpa_t last = virt_to_phys((void *)(hva + size - GFN_SIZE));

		if (IS_ALIGNED(first, size) && last - first == size - GFN_SIZE) {
			break;
		}
	}
	return level;
}

int kvm_mmu_max_mapping_level(struct kvm *kvm, const struct kvm_memory_slot *slot, gfn_t gfn)
{
	int level = MIN(kvm->tdp_max_level, KVM_MAX_HUGEPAGE_LEVEL);

	for (; level > PG_LEVEL_4K; level--) {
		if (!lpage_info_slot(gfn, slot, level)->disallow_lpage) {
			break;
		}
	}
	if (level == PG_LEVEL_4K) {
		return PG_LEVEL_4K;
	}
	return host_pfn_mapping_level(slot, gfn, level);
}

/* Find the slot and decide the leaf's level and permissions; 0 or the fault's result. */
static int ept_fault_find_pfn(struct kvm *kvm, struct kvm_page_fault *fault)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(kvm, fault->as_id, fault->gfn);
	bool readonly, tracked, logging;

	/* A slot being deleted or moved is no longer memory: exit as MMIO. */
	if (!slot || (slot->flags & KVM_MEMSLOT_INVALID)) {
		return -EFAULT;
	}
	readonly = slot->flags & KVM_MEM_READONLY;
	tracked = kvm_slot_page_track_is_active(slot, fault->gfn);
	if (fault->write && (readonly || tracked)) {
		return -EPERM;
	}
	logging = kvm_slot_dirty_track_enabled(slot);
	fault->slot = slot;
	/* Dirty logging tracks 4K pages: a large writable leaf would hide writes. */
	fault->goal_level = logging ? PG_LEVEL_4K : kvm_mmu_max_mapping_level(kvm, slot, fault->gfn);
	/*
	 * Under dirty logging by write protection only a write makes a page
	 * writable (and dirty).  Under PML a logged page is writable at once
	 * but clean: the CPU logs the write that sets its dirty bit.  Pages
	 * that are not logged start dirty, so their writes fill no log.
	 */
	fault->map_writable = !readonly && !tracked &&
			      (fault->write || !logging || kvm->cpu_dirty_log_size);
	fault->map_dirty = fault->map_writable && (fault->write || !logging);
	return 0;
}

static void tdp_mmu_link_table(struct kvm *kvm, struct ept_iter *it)
{
	void *table = kvm_mmu_memory_cache_alloc(kvm, &kvm->mmu_page_cache);

	ept_iter_set_spte(it, make_nonleaf_spte(virt_to_phys(table)));
	kvm->stat.table_pages++;
}

/* Install the leaf at the goal level; returns whether a flush is needed. */
static bool tdp_mmu_map_handle_target_level(struct kvm *kvm, struct ept_root *root,
					    struct kvm_page_fault *fault, struct ept_iter *it)
{
	hpa_t hpa = virt_to_phys((void *)__gfn_to_hva_memslot(fault->slot, it->gfn));
	u64 new_spte = make_leaf_spte(hpa, it->level, fault->map_writable);
	bool flush = false;

	/* With EPT A/D on (PML), preset A, and D as decided, so the CPU sets neither itself. */
	if (kvm->cpu_dirty_log_size) {
		new_spte |= EPT_ACCESSED | (fault->map_dirty ? EPT_DIRTY : 0);
	}

	if (is_shadow_present_pte(it->old_spte) && !is_last_spte(it->old_spte, it->level)) {
		/* Smaller leaves where a large one may now go: collapse them. */
		tdp_mmu_zap_range(kvm, root, it->gfn, it->gfn + ept_level_pages(it->level));
		it->old_spte = READ_ONCE(*it->sptep);
		flush = true;
	}
	if (is_shadow_present_pte(it->old_spte)) {
		if (spte_to_hpa(it->old_spte) != hpa) {
			panic("ept: as %u gfn 0x%llx level %d: leaf maps 0x%llx, fault wants 0x%llx",
			      fault->as_id, it->gfn, it->level, spte_to_hpa(it->old_spte), hpa);
		}
		/* Another fault got here first: at most add write permission (and D). */
		ept_iter_set_spte(it, it->old_spte | (new_spte & (EPT_WRITABLE | EPT_DIRTY)));
		return flush;
	}
	ept_iter_set_spte(it, new_spte);
	rmap_add(kvm, fault->slot, it->sptep, it->gfn, it->level);
	kvm->stat.leaves[it->level - 1]++;
	return flush;
}

/* Walk down to the goal level, linking tables and splitting large leaves on the way. */
static int kvm_tdp_mmu_map(struct kvm *kvm, struct ept_root *root,
			   struct kvm_page_fault *fault)
{
	struct ept_iter it;
	bool flush = false;
	int level = PG_LEVEL_NONE;

	for_each_ept_pte(it, root->hpa, fault->gfn, fault->gfn + 1) {
		if (it.level == fault->goal_level) {
			flush |= tdp_mmu_map_handle_target_level(kvm, root, fault, &it);
			level = it.level;
			break;
		}
		if (is_shadow_present_pte(it.old_spte) && !is_last_spte(it.old_spte, it.level)) {
			continue;
		}
		if (is_shadow_present_pte(it.old_spte)) {
			/* A large leaf above the goal: zap it; its other pages fault back. */
			tdp_mmu_zap_range(kvm, root, it.gfn, it.gfn + ept_level_pages(it.level));
			flush = true;
		}
		tdp_mmu_link_table(kvm, &it);
	}
	if (flush) {
		ept_flush_root(kvm, root);
	}
	CHECK(level == fault->goal_level);
	return level;
}

int __kvm_tdp_page_fault(struct kvm *kvm, u16 as_id, gpa_t gpa, u32 access)
{
	struct kvm_page_fault fault = {
		.gfn = gpa_to_gfn(gpa),
		.as_id = as_id,
		.write = access & EPT_ACCESS_WRITE,
	};
	struct ept_root *root;
	int r;

	lockdep_assert_held(&kvm->mmu_lock);
	if (as_id >= KVM_ADDRESS_SPACE_NUM) {
		return -EINVAL;
	}
	/* A 4-level EPT maps 48 bits of guest-physical address; above is never RAM. */
	if (fault.gfn >= EPT_MAX_GFN) {
		return -EFAULT;
	}
	r = ept_fault_find_pfn(kvm, &fault);
	if (r) {
		return r;
	}
	r = kvm_mmu_topup_memory_caches(kvm);
	if (r) {
		return r;
	}
	r = kvm_tdp_mmu_get_vcpu_root(kvm, as_id, &root);
	if (r) {
		return r;
	}
	r = kvm_tdp_mmu_map(kvm, root, &fault);
	if (fault.write) {
		mark_page_dirty_in_slot(fault.slot, fault.gfn);
	}
	return r;
}

/* The fault path takes mmu_lock itself, as KVM's kvm_tdp_mmu_page_fault() does. */
int kvm_tdp_page_fault(struct kvm *kvm, u16 as_id, gpa_t gpa, u32 access)
{
	int r;

	spin_lock(&kvm->mmu_lock);
	r = __kvm_tdp_page_fault(kvm, as_id, gpa, access);
	spin_unlock(&kvm->mmu_lock);
	return r;
}
