/*
 * The EPT layer: the entry format and EPTP, the one iterator, roots and
 * their references, the zaps and the flushes they lead to (counted by the
 * fake INVEPT), rmaps, translation, and the guards of the fault path.
 */
#include <unistd.h>

#include "capture.h"
#include "memslot_test.h"
#include "arch/invept.h"
#include "ept/iter.h"
#include "ept/rmap.h"
#include "mm/kmalloc.h"

static void eptp_and_entries_have_the_sdm_layout(void **state)
{
	u64 leaf;

	assert_int_equal(ept_make_eptp(0x12345000, false), 0x12345000 | 6 | (3 << 3));
	assert_int_equal(ept_make_eptp(0x12345000, true), 0x12345000 | 6 | (3 << 3) | (1 << 6));
	assert_int_equal(make_nonleaf_spte(0xabc000), 0xabc000 | 7);
	leaf = make_leaf_spte(0x40200000, PG_LEVEL_2M, true);
	assert_int_equal(leaf, 0x40200000 | 7 | (6 << 3) | (1 << 6) | (1 << 7));
	assert_true(is_last_spte(leaf, PG_LEVEL_2M));
	assert_false(is_last_spte(make_nonleaf_spte(0xabc000), PG_LEVEL_2M));
	assert_true(is_last_spte(make_leaf_spte(0x1000, PG_LEVEL_4K, false), PG_LEVEL_4K));
	assert_int_equal(make_leaf_spte(0x1000, PG_LEVEL_4K, false) & EPT_RWX_MASK, 5);
	assert_false(is_shadow_present_pte(0));
	assert_int_equal(spte_to_hpa(leaf | EPT_ACCESSED | EPT_DIRTY), 0x40200000);
}

/* A VM with one 8 MiB slot at gpa 1 GiB, 2M-capable. */
static struct kvm *vm_with_slot(hva_t *base)
{
	struct kvm *kvm;

	mt_mem_init(MiB(128));
	kvm = mt_vm(MiB(8), base);
	assert_int_equal(mt_set(kvm, 0, 0, GiB(1), MiB(8), *base), 0);
	return kvm;
}

static void preorder_visits_each_table_entry_before_the_table(void **state)
{
	struct kvm *kvm;
	struct ept_iter it;
	hva_t base;
	gfn_t last = 0;
	int levels[8], n = 0;

	kvm = vm_with_slot(&base);
	kvm->tdp_max_level = PG_LEVEL_4K;
	mt_fault(kvm, 0, GiB(1) + KiB(8), false, PG_LEVEL_4K);
	/* One path: PML4E, PDPTE, PDE, PTE, in that order, over one gfn. */
	for_each_ept_pte(it, kvm->mmu_root[0]->hpa, gpa_to_gfn(GiB(1) + KiB(8)),
			 gpa_to_gfn(GiB(1) + KiB(12))) {
		assert_true(n < 8);
		levels[n++] = it.level;
		assert_true(it.gfn <= gpa_to_gfn(GiB(1) + KiB(8)));
		assert_true(it.gfn >= last);
		last = it.gfn;
	}
	assert_int_equal(n, 4);
	assert_int_equal(levels[0], 4);
	assert_int_equal(levels[3], 1);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void postorder_visits_a_table_entry_after_everything_below(void **state)
{
	struct kvm *kvm;
	struct ept_iter it;
	hva_t base;
	int below = 0, seen_pde = 0, seen_ptes = 0;

	kvm = vm_with_slot(&base);
	kvm->tdp_max_level = PG_LEVEL_4K;
	mt_fault(kvm, 0, GiB(1), false, PG_LEVEL_4K);
	mt_fault(kvm, 0, GiB(1) + KiB(4), false, PG_LEVEL_4K);
	for_each_ept_pte_postorder(it, kvm->mmu_root[0]->hpa, 0, EPT_MAX_GFN) {
		if (!is_shadow_present_pte(it.old_spte)) {
			continue;
		}
		if (it.level == PG_LEVEL_4K) {
			assert_int_equal(seen_pde, 0);
			seen_ptes++;
		} else {
			assert_true(it.post);
			/* Each table entry comes after the level below it. */
			assert_true(it.level > below);
			seen_pde += it.level == PG_LEVEL_2M;
		}
		below = it.level;
	}
	assert_int_equal(seen_ptes, 2);
	assert_int_equal(seen_pde, 1);
	kvm_destroy_vm(kvm);
}

static void a_walk_visits_only_entries_that_meet_the_range(void **state)
{
	struct kvm *kvm;
	struct ept_iter it;
	hva_t base;
	gfn_t g, start = gpa_to_gfn(GiB(1) + KiB(20)), end = gpa_to_gfn(GiB(1) + KiB(36));
	int leaves = 0;

	kvm = vm_with_slot(&base);
	kvm->tdp_max_level = PG_LEVEL_4K;
	for (g = 0; g < 16; g++)
		mt_fault(kvm, 0, GiB(1) + g * KiB(4), false, PG_LEVEL_4K);
	for_each_ept_pte(it, kvm->mmu_root[0]->hpa, start, end) {
		assert_true(it.gfn < end);
		assert_true(it.gfn + ept_level_pages(it.level) > start);
		leaves += it.level == PG_LEVEL_4K && is_shadow_present_pte(it.old_spte);
	}
	assert_int_equal(leaves, 4);
	kvm_destroy_vm(kvm);
}

static void load_returns_the_current_root_until_it_is_invalidated(void **state)
{
	struct kvm *kvm;
	hva_t base;
	hpa_t a, b, c;

	kvm = vm_with_slot(&base);
	assert_int_equal(kvm_mmu_load(kvm, 0, &a), 0);
	assert_int_equal(kvm_mmu_load(kvm, 0, &b), 0);
	assert_int_equal(a, b);
	assert_int_equal(kvm_mmu_load(kvm, 1, &c), 0);
	assert_int_not_equal(a, c);
	assert_int_equal(kvm_mmu_load(kvm, 2, &c), -EINVAL);
	assert_int_equal(ept_find_root(kvm, a)->refcount, 3);
	mt_fault(kvm, 0, GiB(1), true, PG_LEVEL_2M);
	/* A DELETE invalidates every root: the next load makes a new one. */
	assert_int_equal(mt_set(kvm, 0, 0, 0, 0, 0), 0);
	assert_int_equal(kvm_mmu_load(kvm, 0, &b), 0);
	assert_int_not_equal(a, b);
	/* The old one stays, torn down, while two vCPUs hold it. */
	assert_true(ept_find_root(kvm, a)->invalid);
	assert_true(ept_find_root(kvm, a)->zapped);
	assert_int_equal(kvm->stat.leaves[PG_LEVEL_2M - 1], 0);
	mt_audit(kvm);
	kvm_mmu_unload(kvm, a);
	assert_non_null(ept_find_root(kvm, a));
	kvm_mmu_unload(kvm, a);
	assert_null(ept_find_root(kvm, a));
	kvm_mmu_unload(kvm, b);
	kvm_mmu_unload(kvm, c);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static __attribute__((noinline)) bool destroy_panics(struct kvm *kvm)
{
	return EXPECT_PANIC(kvm_destroy_vm(kvm));
}

static void destroying_a_vm_whose_root_a_vcpu_holds_panics(void **state)
{
	struct kvm *kvm;
	hva_t base;
	hpa_t root;

	kvm = vm_with_slot(&base);
	assert_int_equal(kvm_mmu_load(kvm, 0, &root), 0);
	assert_true(destroy_panics(kvm));
	assert_non_null(strstr(fake_panic_msg, "a vCPU still holds the root"));
	/* The roots were torn down before the check: drop the vCPU's and finish. */
	kvm_mmu_unload(kvm, root);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void zap_all_fast_flushes_each_root_that_mapped_something_once(void **state)
{
	struct kvm *kvm;
	hva_t base;
	u64 eptp0, eptp1;

	kvm = vm_with_slot(&base);
	assert_int_equal(mt_set(kvm, MT_SLOT(1, 0), 0, GiB(1), MiB(8), base), 0);
	mt_fault(kvm, 0, GiB(1), false, PG_LEVEL_2M);
	mt_fault(kvm, 1, GiB(1) + MiB(2), true, PG_LEVEL_2M);
	eptp0 = ept_root_eptp(kvm->mmu_root[0]);
	eptp1 = ept_root_eptp(kvm->mmu_root[1]);
	fake_invept_reset();
	spin_lock(&kvm->mmu_lock);
	kvm_mmu_zap_all_fast(kvm);
	spin_unlock(&kvm->mmu_lock);
	assert_int_equal(fake_invept_count(INVEPT_SINGLE_CONTEXT, eptp0), 1);
	assert_int_equal(fake_invept_count(INVEPT_SINGLE_CONTEXT, eptp1), 1);
	assert_int_equal(fake_invept_total(), 2);
	assert_int_equal(kvm->stat.table_pages, 0);
	/* Nothing mapped, nothing to flush. */
	assert_int_equal(kvm_mmu_load(kvm, 0, &eptp0), 0);
	kvm_mmu_unload(kvm, eptp0);
	spin_lock(&kvm->mmu_lock);
	kvm_mmu_zap_all_fast(kvm);
	spin_unlock(&kvm->mmu_lock);
	assert_int_equal(fake_invept_total(), 2);
	mt_audit(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void a_create_or_a_fault_into_nothing_needs_no_flush(void **state)
{
	struct kvm *kvm;
	hva_t base;

	kvm = vm_with_slot(&base);
	fake_invept_reset();
	mt_fault(kvm, 0, GiB(1), false, PG_LEVEL_2M);
	mt_fault(kvm, 0, GiB(1), true, PG_LEVEL_2M);
	assert_int_equal(mt_set(kvm, 1, 0, GiB(2), MiB(2), base), 0);
	assert_int_equal(fake_invept_total(), 0);
	kvm_destroy_vm(kvm);
}

static void zap_leafs_keeps_tables_and_zap_memslot_uses_the_rmaps(void **state)
{
	struct kvm *kvm;
	hva_t base;
	u64 tables;
	gfn_t g;

	kvm = vm_with_slot(&base);
	kvm->tdp_max_level = PG_LEVEL_4K;
	for (g = 0; g < 1024; g += 3)
		mt_fault(kvm, 0, GiB(1) + g * KiB(4), false, PG_LEVEL_4K);
	tables = kvm->stat.table_pages;
	assert_int_equal(kvm->stat.leaves[0], 342);
	spin_lock(&kvm->mmu_lock);	/* the zaps' callers hold it (KVM's rule) */
	assert_true(kvm_tdp_mmu_zap_leafs(kvm, 0, gpa_to_gfn(GiB(1)), gpa_to_gfn(GiB(1)) + 512));
	assert_int_equal(kvm->stat.leaves[0], 342 - 171);
	assert_int_equal(kvm->stat.table_pages, tables);
	spin_unlock(&kvm->mmu_lock);
	mt_audit(kvm);
	spin_lock(&kvm->mmu_lock);
	assert_true(ept_zap_memslot(kvm, id_to_memslot(__kvm_memslots(kvm, 0), 0)));
	assert_int_equal(kvm->stat.leaves[0], 0);
	assert_false(ept_zap_memslot(kvm, id_to_memslot(__kvm_memslots(kvm, 0), 0)));
	kvm_flush_remote_tlbs(kvm);
	spin_unlock(&kvm->mmu_lock);
	mt_audit(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void translate_finds_the_frame_and_the_offset(void **state)
{
	struct kvm *kvm;
	hva_t base;
	hpa_t hpa;
	int level;
	bool writable;

	kvm = vm_with_slot(&base);
	assert_int_equal(ept_translate(kvm, 0, GiB(1), &hpa, &level, &writable), -ENOENT);
	mt_fault(kvm, 0, GiB(1) + MiB(2) + 0x1234, false, PG_LEVEL_2M);
	assert_int_equal(ept_translate(kvm, 0, GiB(1) + MiB(3) + 0x567, &hpa, &level, &writable), 0);
	assert_int_equal(hpa, mt_hpa(base) + MiB(3) + 0x567);
	assert_int_equal(level, PG_LEVEL_2M);
	assert_true(writable);
	assert_int_equal(ept_translate(kvm, 0, GiB(1) + MiB(4), &hpa, &level, &writable), -ENOENT);
	assert_int_equal(ept_translate(kvm, 1, GiB(1), &hpa, &level, &writable), -ENOENT);
	kvm_destroy_vm(kvm);
}

static void faults_outside_memory_are_mmio(void **state)
{
	struct kvm *kvm;
	hva_t base;

	kvm = vm_with_slot(&base);
	mt_fault(kvm, 0, GiB(1) - 1, false, -EFAULT);
	mt_fault(kvm, 0, GiB(1) + MiB(8), true, -EFAULT);
	mt_fault(kvm, 1, GiB(1), false, -EFAULT);
	assert_int_equal(kvm_tdp_page_fault(kvm, 2, GiB(1), EPT_ACCESS_READ), -EINVAL);
	/* A slot may reach 2^52, but a 4-level EPT maps 48 bits. */
	assert_int_equal(mt_set(kvm, 1, 0, (1ULL << 52) - MiB(2), MiB(2), base), 0);
	mt_fault(kvm, 0, (1ULL << 52) - MiB(2), false, -EFAULT);
	assert_int_equal(mt_set(kvm, 2, 0, (1ULL << 48) - MiB(2), MiB(2), base), 0);
	mt_fault(kvm, 0, (1ULL << 48) - KiB(4), false, PG_LEVEL_2M);
	mt_audit(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static __attribute__((noinline)) bool fault_panics(struct kvm *kvm, gpa_t gpa)
{
	bool panicked;

	/* The panic leaves the fault path's lock held: take and drop it here. */
	spin_lock(&kvm->mmu_lock);
	panicked = EXPECT_PANIC(__kvm_tdp_page_fault(kvm, 0, gpa, EPT_ACCESS_WRITE));
	spin_unlock(&kvm->mmu_lock);
	return panicked;
}

static void a_leaf_over_a_leaf_of_another_frame_panics(void **state)
{
	struct kvm *kvm;
	struct ept_iter it;
	hva_t base;
	u64 *leaf = NULL;

	kvm = vm_with_slot(&base);
	mt_fault(kvm, 0, GiB(1), false, PG_LEVEL_2M);
	/* Corrupt the leaf as a bug would: it now names the next 2 MiB. */
	for_each_ept_pte(it, kvm->mmu_root[0]->hpa, gpa_to_gfn(GiB(1)), gpa_to_gfn(GiB(1)) + 1) {
		if (it.level == PG_LEVEL_2M) {
			leaf = it.sptep;
		}
	}
	assert_non_null(leaf);
	*leaf += MiB(2);
	assert_true(fault_panics(kvm, GiB(1)));
	assert_non_null(strstr(fake_panic_msg, "leaf maps"));
	*leaf -= MiB(2);
	mt_audit(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void rmap_heads_hold_any_number_of_leaves(void **state)
{
	struct kvm_rmap_head head = { 0 };
	struct kvm *kvm;
	u64 sptes[40];
	unsigned int order[40], i, j;
	hva_t base;

	kvm = vm_with_slot(&base);
	for (i = 0; i < 40; i++) {
		assert_int_equal(kvm_mmu_topup_memory_caches(kvm), 0);
		pte_list_add(kvm, &sptes[i], &head);
		assert_int_equal(pte_list_count(&head), i + 1);
		order[i] = i;
	}
	for (i = 0; i < 40; i++) {
		assert_int_equal(pte_list_occurrences(&head, &sptes[i]), 1);
	}
	/* Remove in a scrambled order; every other entry must stay. */
	for (i = 0; i < 40; i++) {
		unsigned int t = order[i];

		j = (i * 17 + 5) % 40;
		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < 40; i++) {
		pte_list_remove(kvm, &sptes[order[i]], &head);
		assert_int_equal(pte_list_count(&head), 39 - i);
		assert_int_equal(pte_list_occurrences(&head, &sptes[order[i]]), 0);
		for (j = i + 1; j < 40; j++) {
			assert_int_equal(pte_list_occurrences(&head, &sptes[order[j]]), 1);
		}
	}
	assert_int_equal(head.val, 0);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void the_fake_invept_counts_per_eptp_and_type(void **state)
{
	fake_invept_reset();
	assert_int_equal(arch_invept(INVEPT_SINGLE_CONTEXT, 0x1000 | 0x1e), 0);
	assert_int_equal(arch_invept(INVEPT_SINGLE_CONTEXT, 0x1000 | 0x1e), 0);
	assert_int_equal(arch_invept(INVEPT_SINGLE_CONTEXT, 0x2000 | 0x1e), 0);
	assert_int_equal(arch_invept(INVEPT_ALL_CONTEXT, 0), 0);
	assert_int_equal(arch_invept(3, 0), -EIO);
	assert_int_equal(fake_invept_count(INVEPT_SINGLE_CONTEXT, 0x1000 | 0x1e), 2);
	assert_int_equal(fake_invept_count(INVEPT_SINGLE_CONTEXT, 0x2000 | 0x1e), 1);
	assert_int_equal(fake_invept_count(INVEPT_SINGLE_CONTEXT, 0x3000 | 0x1e), 0);
	assert_int_equal(fake_invept_count(INVEPT_ALL_CONTEXT, 0), 1);
	assert_int_equal(fake_invept_total(), 4);
}

static void dump_prints_one_line_per_leaf(void **state)
{
	struct kvm *kvm;
	hva_t base;
	char buf[4096];

	kvm = vm_with_slot(&base);
	mt_fault(kvm, 0, GiB(1), true, PG_LEVEL_2M);
	assert_int_equal(mt_set(kvm, 0, KVM_MEM_LOG_DIRTY_PAGES, GiB(1), MiB(8), base), 0);
	mt_fault(kvm, 0, GiB(1) + MiB(2), false, PG_LEVEL_4K);
	capture_begin();
	ept_dump(kvm, 0);
	capture_end(buf, sizeof(buf));
	assert_non_null(strstr(buf, "ept: root 0x"));
	assert_non_null(strstr(buf, "ept:   gpa 0x40000000 -> hpa"));
	assert_non_null(strstr(buf, "level 2 r-x"));
	assert_non_null(strstr(buf, "ept:   gpa 0x40200000 -> hpa"));
	assert_non_null(strstr(buf, "level 1 r-x"));
	kvm_destroy_vm(kvm);
}

#define T(name) cmocka_unit_test_teardown(name, mt_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(eptp_and_entries_have_the_sdm_layout),
		T(preorder_visits_each_table_entry_before_the_table),
		T(postorder_visits_a_table_entry_after_everything_below),
		T(a_walk_visits_only_entries_that_meet_the_range),
		T(load_returns_the_current_root_until_it_is_invalidated),
		T(destroying_a_vm_whose_root_a_vcpu_holds_panics),
		T(zap_all_fast_flushes_each_root_that_mapped_something_once),
		T(a_create_or_a_fault_into_nothing_needs_no_flush),
		T(zap_leafs_keeps_tables_and_zap_memslot_uses_the_rmaps),
		T(translate_finds_the_frame_and_the_offset),
		T(faults_outside_memory_are_mmio),
		T(a_leaf_over_a_leaf_of_another_frame_panics),
		T(rmap_heads_hold_any_number_of_leaves),
		T(the_fake_invept_counts_per_eptp_and_type),
		T(dump_prints_one_line_per_leaf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
