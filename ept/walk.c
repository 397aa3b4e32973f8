/*
 * Reading the tables: translating a gpa, printing the leaves, counting
 * them.  All with the one walker (ept/iter.c).
 */
#include "ept_internal.h"
#include "ept/iter.h"
#include "lib/errno.h"
#include "lib/printf.h"

static int __ept_translate(struct kvm *kvm, u16 as_id, gpa_t gpa, hpa_t *hpa, int *level,
			   bool *writable)
{
	struct ept_root *root;
	struct ept_iter it;
	gfn_t gfn = gpa_to_gfn(gpa);

	lockdep_assert_held(&kvm->mmu_lock);
	if (as_id >= KVM_ADDRESS_SPACE_NUM || !kvm->mmu_root[as_id]) {
		return -ENOENT;
	}
	root = kvm->mmu_root[as_id];
	for_each_ept_pte(it, root->hpa, gfn, gfn + 1) {
		if (!is_shadow_present_pte(it.old_spte) || !is_last_spte(it.old_spte, it.level)) {
			continue;
		}
		*hpa = spte_to_hpa(it.old_spte) + (gpa & ((ept_level_pages(it.level) << GFN_SHIFT) - 1));
		*level = it.level;
		*writable = is_writable_pte(it.old_spte);
		return 0;
	}
	return -ENOENT;
}

/* The readers take mmu_lock themselves: a vCPU may be faulting on another CPU. */
int ept_translate(struct kvm *kvm, u16 as_id, gpa_t gpa, hpa_t *hpa, int *level,
		  bool *writable)
{
	int r;

	spin_lock(&kvm->mmu_lock);
	r = __ept_translate(kvm, as_id, gpa, hpa, level, writable);
	spin_unlock(&kvm->mmu_lock);
	return r;
}

static void dump_root(const struct ept_root *root)
{
	struct ept_iter it;

	kprintf("ept: root 0x%llx as %u refcount %d%s\n", root->hpa, root->as_id,
		root->refcount, root->invalid ? " invalid" : "");
	for_each_ept_pte(it, root->hpa, 0, EPT_MAX_GFN) {
		if (!is_shadow_present_pte(it.old_spte) || !is_last_spte(it.old_spte, it.level)) {
			continue;
		}
		kprintf("ept:   gpa 0x%llx -> hpa 0x%llx level %d %c%c%c\n", gfn_to_gpa(it.gfn),
			spte_to_hpa(it.old_spte), it.level,
			it.old_spte & EPT_READABLE ? 'r' : '-',
			it.old_spte & EPT_WRITABLE ? 'w' : '-',
			it.old_spte & EPT_EXECUTABLE ? 'x' : '-');
	}
}

void ept_dump(struct kvm *kvm, u16 as_id)
{
	struct ept_root *root;

	spin_lock(&kvm->mmu_lock);
	for_each_tdp_mmu_root(kvm, root) {
		if (root->as_id == as_id) {
			dump_root(root);
		}
	}
	spin_unlock(&kvm->mmu_lock);
}

void ept_count_leaves_range(hpa_t root_hpa, gfn_t start, gfn_t end, u64 leaves[KVM_NR_PAGE_SIZES],
			    u64 *tables)
{
	struct ept_iter it;
	int level;

	for (level = PG_LEVEL_4K; level <= KVM_MAX_HUGEPAGE_LEVEL; level++)
		leaves[level - 1] = 0;
	*tables = 1;
	for_each_ept_pte(it, root_hpa, start, end) {
		if (!is_shadow_present_pte(it.old_spte)) {
			continue;
		}
		if (is_last_spte(it.old_spte, it.level)) {
			leaves[it.level - 1]++;
		} else {
			(*tables)++;
		}
	}
}

void ept_count_leaves(hpa_t root_hpa, u64 leaves[KVM_NR_PAGE_SIZES], u64 *tables)
{
	ept_count_leaves_range(root_hpa, 0, EPT_MAX_GFN, leaves, tables);
}
