/*
 * The MMU's invariants, checked by walking every root (after KVM's old
 * mmu_audit.c).  Tests run it after every operation; it allocates nothing,
 * so the kernel may run it too.  It reports the first violation it finds.
 */
#include "ept_internal.h"
#include "ept/iter.h"
#include "ept/rmap.h"
#include "memslot/page_track.h"
#include "arch/memory.h"
#include "lib/errno.h"
#include "lib/printf.h"

struct audit {
	struct kvm *kvm;
	char *why;
	size_t len;
	u64 leaves[KVM_NR_PAGE_SIZES];
	u64 tables;
};

static int audit_fail(struct audit *a, const struct ept_root *root, gfn_t gfn, int level,
		      const char *what, u64 expected, u64 seen)
{
	ksnprintf(a->why, a->len,
		  "ept audit: root 0x%llx as %u gfn 0x%llx level %d: %s (expected 0x%llx, saw 0x%llx)",
		  root ? root->hpa : 0, root ? root->as_id : 0, gfn, level, what, expected, seen);
	return -EIO;
}

/* What a writable leaf must satisfy; 0 or -EIO. */
static int audit_writable(struct audit *a, const struct ept_root *root,
			  const struct kvm_memory_slot *slot, gfn_t gfn, int level, u64 spte)
{
	u64 rel = gfn - slot->base_gfn;

	if (slot->flags & KVM_MEM_READONLY) {
		return audit_fail(a, root, gfn, level, "writable leaf in a READONLY slot", 0, 1);
	}
	if (level > PG_LEVEL_4K && lpage_info_slot(gfn, slot, level)->disallow_lpage) {
		return audit_fail(a, root, gfn, level, "writable large leaf over a chunk that forbids one",
				  0, lpage_info_slot(gfn, slot, level)->disallow_lpage);
	}
	if (level == PG_LEVEL_4K && kvm_slot_page_track_is_active(slot, gfn)) {
		return audit_fail(a, root, gfn, level, "write-tracked gfn mapped writable", 0, 1);
	}
	if (!kvm_slot_dirty_track_enabled(slot)) {
		return 0;
	}
	if (level > PG_LEVEL_4K) {
		return audit_fail(a, root, gfn, level, "writable large leaf under dirty logging", 0, 1);
	}
	if (slot->dirty_bitmap[rel / 64] & (1ULL << (rel % 64))) {
		return 0;
	}
	/*
	 * PML: a clean writable page is armed (its first write is logged); a
	 * dirty one must have been reported.  The vCPUs' logs must have been
	 * collected first (kvm->sync_dirty_log).
	 */
	if (a->kvm->cpu_dirty_log_size && !(spte & EPT_DIRTY)) {
		return 0;
	}
	return audit_fail(a, root, gfn, level,
			  a->kvm->cpu_dirty_log_size ? "dirty page (EPT D set) not marked dirty" :
						       "writable page not marked dirty", 1, 0);
}

static int audit_leaf(struct audit *a, const struct ept_root *root, const struct ept_iter *it)
{
	struct kvm_memory_slot *slot;
	hpa_t want;
	unsigned int n;

	if (root->invalid) {
		return audit_fail(a, root, it->gfn, it->level, "leaf in an invalidated root", 0,
				  it->old_spte);
	}
	slot = search_memslots(__kvm_memslots(a->kvm, root->as_id), it->gfn);
	if (!slot || (slot->flags & KVM_MEMSLOT_INVALID)) {
		return audit_fail(a, root, it->gfn, it->level, "leaf maps a gfn outside every live slot",
				  0, spte_to_hpa(it->old_spte));
	}
	if (it->gfn + ept_level_pages(it->level) > memslot_end(slot)) {
		return audit_fail(a, root, it->gfn, it->level, "leaf extends beyond its slot",
				  memslot_end(slot), it->gfn + ept_level_pages(it->level));
	}
	want = virt_to_phys((void *)__gfn_to_hva_memslot(slot, it->gfn));
	if (spte_to_hpa(it->old_spte) != want) {
		return audit_fail(a, root, it->gfn, it->level, "leaf maps the wrong frame", want,
				  spte_to_hpa(it->old_spte));
	}
	if (is_writable_pte(it->old_spte) && audit_writable(a, root, slot, it->gfn, it->level, it->old_spte)) {
		return -EIO;
	}
	n = pte_list_occurrences(gfn_to_rmap(it->gfn, it->level, slot), it->sptep);
	if (n != 1) {
		return audit_fail(a, root, it->gfn, it->level, "leaf is not in its rmap exactly once",
				  1, n);
	}
	a->leaves[it->level - 1]++;
	return 0;
}

static int audit_root(struct audit *a, const struct ept_root *root)
{
	struct ept_iter it;

	a->tables++;
	for_each_ept_pte(it, root->hpa, 0, EPT_MAX_GFN) {
		if (!is_shadow_present_pte(it.old_spte)) {
			continue;
		}
		if (!is_last_spte(it.old_spte, it.level)) {
			a->tables++;
			continue;
		}
		if (audit_leaf(a, root, &it)) {
			return -EIO;
		}
	}
	return 0;
}

/* The rmap entries of every slot: each must be one of the leaves counted. */
static u64 count_rmap_entries(struct kvm *kvm)
{
	struct kvm_memory_slot *slot;
	u64 n = 0, i;
	u16 as_id;
	int level;

	for (as_id = 0; as_id < KVM_ADDRESS_SPACE_NUM; as_id++) {
		kvm_for_each_memslot(slot, __kvm_memslots(kvm, as_id)) {
			for (level = PG_LEVEL_4K; level <= KVM_MAX_HUGEPAGE_LEVEL; level++) {
				for (i = 0; i < __kvm_mmu_slot_lpages(slot, level); i++)
					n += pte_list_count(&slot->arch.rmap[level - 1][i]);
			}
		}
	}
	return n;
}

static int audit_counts(struct audit *a)
{
	u64 leaves = 0, entries;
	int level;

	for (level = PG_LEVEL_4K; level <= KVM_MAX_HUGEPAGE_LEVEL; level++) {
		if (a->leaves[level - 1] != a->kvm->stat.leaves[level - 1]) {
			return audit_fail(a, NULL, 0, level, "leaf count differs from the tables",
					  a->leaves[level - 1], a->kvm->stat.leaves[level - 1]);
		}
		leaves += a->leaves[level - 1];
	}
	entries = count_rmap_entries(a->kvm);
	if (entries != leaves) {
		return audit_fail(a, NULL, 0, 0, "rmap entries that are no present leaf", leaves,
				  entries);
	}
	if (a->tables != a->kvm->stat.table_pages) {
		return audit_fail(a, NULL, 0, 0, "table pages allocated but not in any root",
				  a->tables, a->kvm->stat.table_pages);
	}
	return 0;
}

static int __ept_audit(struct kvm *kvm, char *why, size_t len)
{
	struct audit a = { .kvm = kvm, .why = why, .len = len };
	struct ept_root *root;

	lockdep_assert_held(&kvm->mmu_lock);
	for_each_tdp_mmu_root(kvm, root) {
		if (audit_root(&a, root)) {
			return -EIO;
		}
	}
	if (audit_counts(&a)) {
		return -EIO;
	}
	if (len) {
		why[0] = 0;
	}
	return 0;
}

int ept_audit(struct kvm *kvm, char *why, size_t len)
{
	int r;

	spin_lock(&kvm->mmu_lock);
	r = __ept_audit(kvm, why, len);
	spin_unlock(&kvm->mmu_lock);
	return r;
}
