/*
 * lpage_info and the level a fault maps at (KVM's disallow_lpage rules,
 * __kvm_mmu_max_mapping_level): unaligned heads and tails, backing
 * misaligned with the gfn, write-tracked gfns, dirty logging, the EPT
 * hardware's largest page; and 1 GiB of 2M-capable memory faulting in as
 * large leaves.
 */
#include "memslot_test.h"
#include "memslot/page_track.h"

#define GPA_2M 0x200000ULL
#define GFN_2M 512ULL

static struct kvm_memory_slot *slot_of(struct kvm *kvm, u32 id)
{
	struct kvm_memory_slot *s = id_to_memslot(__kvm_memslots(kvm, id >> 16), id & 0xffff);

	assert_non_null(s);
	return s;
}

static int disallowed(struct kvm *kvm, u32 id, u64 chunk, int level)
{
	return slot_of(kvm, id)->arch.lpage_info[level - 2][chunk].disallow_lpage;
}

static void unaligned_head_and_tail_chunks_forbid_large_leaves(void **state)
{
	struct kvm *kvm;
	hva_t base;

	mt_mem_init(MiB(128));
	kvm = mt_vm(MiB(16), &base);
	/* gfns [513, 1537): chunks 1 (head), 2 (whole), 3 (tail); backing in step. */
	assert_int_equal(mt_set(kvm, 1, 0, GPA_2M + KiB(4), MiB(4), base + KiB(4)), 0);
	assert_int_equal(__kvm_mmu_slot_lpages(slot_of(kvm, 1), PG_LEVEL_2M), 3);
	assert_int_equal(disallowed(kvm, 1, 0, PG_LEVEL_2M), 1);
	assert_int_equal(disallowed(kvm, 1, 1, PG_LEVEL_2M), 0);
	assert_int_equal(disallowed(kvm, 1, 2, PG_LEVEL_2M), 1);
	assert_int_equal(__kvm_mmu_slot_lpages(slot_of(kvm, 1), PG_LEVEL_1G), 1);
	assert_int_equal(disallowed(kvm, 1, 0, PG_LEVEL_1G), 1);
	mt_fault(kvm, 0, GPA_2M + KiB(4), false, PG_LEVEL_4K);
	mt_fault(kvm, 0, 2 * GPA_2M, false, PG_LEVEL_2M);
	mt_fault(kvm, 0, 3 * GPA_2M - KiB(4), false, PG_LEVEL_2M);
	mt_fault(kvm, 0, 3 * GPA_2M, true, PG_LEVEL_4K);
	mt_fault(kvm, 0, 3 * GPA_2M + KiB(4), false, -EFAULT);
	mt_audit(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void one_chunk_that_is_head_and_tail_counts_once(void **state)
{
	struct kvm *kvm;
	hva_t base;

	mt_mem_init(MiB(64));
	kvm = mt_vm(MiB(4), &base);
	assert_int_equal(mt_set(kvm, 1, 0, GPA_2M + KiB(4), KiB(8), base + KiB(4)), 0);
	assert_int_equal(__kvm_mmu_slot_lpages(slot_of(kvm, 1), PG_LEVEL_2M), 1);
	assert_int_equal(disallowed(kvm, 1, 0, PG_LEVEL_2M), 1);
	kvm_destroy_vm(kvm);
}

static void backing_misaligned_with_the_gfn_forbids_every_large_leaf(void **state)
{
	struct kvm *kvm;
	hva_t base;
	u64 c;

	mt_mem_init(MiB(128));
	kvm = mt_vm(MiB(16), &base);
	assert_int_equal(mt_set(kvm, 1, 0, GPA_2M, MiB(8), base + KiB(4)), 0);
	for (c = 0; c < 4; c++) {
		assert_int_equal(disallowed(kvm, 1, c, PG_LEVEL_2M), 1);
	}
	assert_int_equal(mt_set(kvm, 2, 0, GiB(1), MiB(8), base), 0);
	for (c = 0; c < 4; c++) {
		assert_int_equal(disallowed(kvm, 2, c, PG_LEVEL_2M), 0);
	}
	mt_fault(kvm, 0, GPA_2M + MiB(2), true, PG_LEVEL_4K);
	mt_fault(kvm, 0, GiB(1) + MiB(2), true, PG_LEVEL_2M);
	mt_audit(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

/* The share, in 1/1000, of [gpa, gpa + size) that leaves of 2M and 1G map. */
static u64 large_permille(struct kvm *kvm)
{
	u64 large = kvm->stat.leaves[PG_LEVEL_2M - 1] * MiB(2) + kvm->stat.leaves[PG_LEVEL_1G - 1] * GiB(1);
	u64 small = kvm->stat.leaves[PG_LEVEL_4K - 1] * KiB(4);

	return large * 1000 / (large + small);
}

static void fault_every_page(struct kvm *kvm, gpa_t gpa, u64 size)
{
	u64 off;

	for (off = 0; off < size; off += KiB(4)) {
		int r = kvm_tdp_page_fault(kvm, 0, gpa + off, (off / KiB(4)) % 2 ? EPT_ACCESS_WRITE
										    : EPT_ACCESS_READ);
		if (r < PG_LEVEL_4K) {
			mt_fail("fault at gpa 0x%llx: %d", gpa + off, r);
		}
	}
}

/* On a 1G-aligned VM's 1 GiB of backing: the EPT hardware caps the level. */
static void expect_level_capped_by_the_ept_hardware(struct kvm *kvm, hva_t base)
{
	assert_true(IS_ALIGNED(mt_hpa(base), GiB(1)));
	assert_int_equal(mt_set(kvm, 1, 0, GiB(1), GiB(1), base), 0);
	assert_int_equal(disallowed(kvm, 1, 0, PG_LEVEL_1G), 0);
	assert_int_equal(kvm_mmu_max_mapping_level(kvm, slot_of(kvm, 1), gpa_to_gfn(GiB(1))),
			 PG_LEVEL_1G);
	kvm->tdp_max_level = PG_LEVEL_2M;
	assert_int_equal(kvm_mmu_max_mapping_level(kvm, slot_of(kvm, 1), gpa_to_gfn(GiB(1))),
			 PG_LEVEL_2M);
	kvm->tdp_max_level = PG_LEVEL_4K;
	assert_int_equal(kvm_mmu_max_mapping_level(kvm, slot_of(kvm, 1), gpa_to_gfn(GiB(1))),
			 PG_LEVEL_4K);
	kvm->tdp_max_level = PG_LEVEL_1G;
	mt_fault(kvm, 0, GiB(1) + MiB(100), true, PG_LEVEL_1G);
	/* The same backing at a gpa 2 MiB past a 1G boundary: 2M leaves at most. */
	assert_int_equal(mt_set(kvm, 2, 0, GiB(4) + MiB(2), MiB(4), base), 0);
	assert_int_equal(disallowed(kvm, 2, 0, PG_LEVEL_2M), 0);
	assert_int_equal(disallowed(kvm, 2, 0, PG_LEVEL_1G), 1);
	mt_fault(kvm, 0, GiB(4) + MiB(2), true, PG_LEVEL_2M);
	mt_audit(kvm);
	assert_int_equal(mt_set(kvm, 1, 0, 0, 0, 0), 0);
	assert_int_equal(mt_set(kvm, 2, 0, 0, 0, 0), 0);
}

static void levels_are_capped_by_the_ept_and_1_gib_faults_in_as_large_leaves(void **state)
{
	struct kvm *kvm;
	hva_t base;

	mt_mem_init(GiB(2) + MiB(64));
	kvm = mt_vm(GiB(1), &base);
	/* One 1 GiB backing for both tests: zeroing it is what costs. */
	expect_level_capped_by_the_ept_hardware(kvm, base);
	/* 2M-aligned but not 1G-aligned: only 2M leaves can be large. */
	assert_int_equal(mt_set(kvm, 1, 0, GiB(4) + MiB(2), GiB(1) - MiB(2), base + MiB(2)), 0);
	fault_every_page(kvm, GiB(4) + MiB(2), GiB(1) - MiB(2));
	print_message("# 2M leaves %llu, 4K leaves %llu\n", kvm->stat.leaves[1], kvm->stat.leaves[0]);
	assert_true(large_permille(kvm) >= 990);
	assert_int_equal(kvm->stat.leaves[PG_LEVEL_2M - 1], 511);
	mt_audit(kvm);
	/* 1G-aligned on both sides: one 1G leaf. */
	assert_int_equal(mt_set(kvm, 1, 0, 0, 0, 0), 0);
	assert_int_equal(mt_set(kvm, 1, 0, GiB(4), GiB(1), base), 0);
	fault_every_page(kvm, GiB(4), GiB(1));
	assert_int_equal(kvm->stat.leaves[PG_LEVEL_1G - 1], 1);
	assert_int_equal(kvm->stat.leaves[PG_LEVEL_2M - 1] + kvm->stat.leaves[PG_LEVEL_4K - 1], 0);
	mt_audit(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void a_write_tracked_gfn_is_never_writable_nor_under_a_large_leaf(void **state)
{
	struct kvm *kvm;
	hva_t base;
	hpa_t hpa;
	int level;
	bool writable;
	gfn_t g = gpa_to_gfn(GiB(1) + MiB(2) + KiB(12));

	mt_mem_init(MiB(128));
	kvm = mt_vm(MiB(8), &base);
	assert_int_equal(mt_set(kvm, 1, 0, GiB(1), MiB(8), base), 0);
	mt_fault(kvm, 0, GiB(1) + MiB(2), true, PG_LEVEL_2M);
	fake_invept_reset();
	assert_int_equal(kvm_write_track_add_gfn(kvm, 0, g), 0);
	/* The 2M leaf over it lost W at once, and the change was flushed. */
	assert_int_equal(ept_translate(kvm, 0, gfn_to_gpa(g), &hpa, &level, &writable), 0);
	assert_int_equal(level, PG_LEVEL_2M);
	assert_false(writable);
	assert_int_equal(fake_invept_total(), 1);
	assert_int_equal(disallowed(kvm, 1, 1, PG_LEVEL_2M), 1);
	assert_int_equal(disallowed(kvm, 1, 0, PG_LEVEL_1G), 2);
	mt_audit(kvm);
	/* A write to it is an MMIO write; a read maps it 4K, read-only. */
	mt_fault(kvm, 0, gfn_to_gpa(g), true, -EPERM);
	mt_fault(kvm, 0, gfn_to_gpa(g), false, PG_LEVEL_4K);
	assert_int_equal(ept_translate(kvm, 0, gfn_to_gpa(g), &hpa, &level, &writable), 0);
	assert_false(writable);
	/* Its neighbours map 4K and writable; other chunks still 2M. */
	mt_fault(kvm, 0, gfn_to_gpa(g + 1), true, PG_LEVEL_4K);
	mt_fault(kvm, 0, GiB(1) + MiB(4), true, PG_LEVEL_2M);
	mt_audit(kvm);
	/* Tracks nest. */
	assert_int_equal(kvm_write_track_add_gfn(kvm, 0, g), 0);
	assert_int_equal(kvm_write_track_remove_gfn(kvm, 0, g), 0);
	mt_fault(kvm, 0, gfn_to_gpa(g), true, -EPERM);
	assert_int_equal(kvm_write_track_remove_gfn(kvm, 0, g), 0);
	assert_int_equal(kvm_write_track_remove_gfn(kvm, 0, g), -ENOENT);
	/* Untracked: a fault collapses the chunk's 4K leaves into one 2M leaf. */
	fake_invept_reset();
	mt_fault(kvm, 0, gfn_to_gpa(g), true, PG_LEVEL_2M);
	assert_int_equal(fake_invept_total(), 1);
	assert_int_equal(kvm->stat.leaves[PG_LEVEL_4K - 1], 0);
	mt_audit(kvm);
	assert_int_equal(kvm_write_track_add_gfn(kvm, 2, g), -EINVAL);
	assert_int_equal(kvm_write_track_add_gfn(kvm, 0, 5), -ENOENT);
	assert_int_equal(kvm_write_track_remove_gfn(kvm, 1, g), -ENOENT);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void dirty_logging_maps_4k_and_only_a_write_makes_a_page_writable(void **state)
{
	struct kvm *kvm;
	hva_t base;
	hpa_t hpa;
	int level;
	bool writable;

	mt_mem_init(MiB(128));
	kvm = mt_vm(MiB(8), &base);
	assert_int_equal(mt_set(kvm, 1, KVM_MEM_LOG_DIRTY_PAGES, GiB(1), MiB(8), base), 0);
	mt_fault(kvm, 0, GiB(1), false, PG_LEVEL_4K);
	assert_int_equal(ept_translate(kvm, 0, GiB(1), &hpa, &level, &writable), 0);
	assert_false(writable);
	mt_fault(kvm, 0, GiB(1), true, PG_LEVEL_4K);
	assert_int_equal(ept_translate(kvm, 0, GiB(1), &hpa, &level, &writable), 0);
	assert_true(writable);
	mt_audit(kvm);
	/* Off: the slot's leaves go, and come back large. */
	fake_invept_reset();
	assert_int_equal(mt_set(kvm, 1, 0, GiB(1), MiB(8), base), 0);
	assert_int_equal(kvm->stat.leaves[PG_LEVEL_4K - 1], 0);
	assert_int_equal(fake_invept_total(), 1);
	mt_fault(kvm, 0, GiB(1), true, PG_LEVEL_2M);
	mt_fault(kvm, 0, GiB(1) + MiB(2), true, PG_LEVEL_2M);
	mt_audit(kvm);
	/* On again: large leaves stay but lose W; the next write splits one. */
	fake_invept_reset();
	assert_int_equal(mt_set(kvm, 1, KVM_MEM_LOG_DIRTY_PAGES, GiB(1), MiB(8), base), 0);
	assert_int_equal(fake_invept_total(), 1);
	assert_int_equal(ept_translate(kvm, 0, GiB(1) + MiB(2), &hpa, &level, &writable), 0);
	assert_int_equal(level, PG_LEVEL_2M);
	assert_false(writable);
	mt_audit(kvm);
	mt_fault(kvm, 0, GiB(1) + MiB(2) + KiB(4), true, PG_LEVEL_4K);
	assert_int_equal(fake_invept_total(), 2);
	assert_int_equal(kvm->stat.leaves[PG_LEVEL_2M - 1], 1);
	mt_audit(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

#define T(name) cmocka_unit_test_teardown(name, mt_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(unaligned_head_and_tail_chunks_forbid_large_leaves),
		T(one_chunk_that_is_head_and_tail_counts_once),
		T(backing_misaligned_with_the_gfn_forbids_every_large_leaf),
		T(levels_are_capped_by_the_ept_and_1_gib_faults_in_as_large_leaves),
		T(a_write_tracked_gfn_is_never_writable_nor_under_a_large_leaf),
		T(dirty_logging_maps_4k_and_only_a_write_makes_a_page_writable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
