/*
 * Memslot sets and lookups (the gfn tree, the id hash, the last-used
 * cache), and the dirty log (get-and-clear, write protection, the bitmap
 * across MOVE and FLAGS_ONLY).
 */
#include <stdlib.h>

#include "memslot_test.h"
#include "memslot/sets.h"

#define NR 600

static int height_of(struct kvm_memory_slot *s, int idx)
{
	int l, r;

	if (!s) {
		return 0;
	}
	l = height_of(s->node[idx].left, idx);
	r = height_of(s->node[idx].right, idx);
	assert_true(abs(l - r) <= 1);
	assert_int_equal(s->node[idx].height, MAX(l, r) + 1);
	return MAX(l, r) + 1;
}

/* Slot i covers gfns [4i, 4i + 1 + i % 3) when present. */
static void expect_lookups(struct kvm_memslots *set, struct kvm_memory_slot *slots, const bool *in)
{
	gfn_t g;

	for (g = 0; g < 4 * NR; g++) {
		struct kvm_memory_slot *want = NULL, *s;
		u64 i = g / 4;

		if (in[i] && g < 4 * i + 1 + i % 3) {
			want = &slots[i];
		}
		assert_ptr_equal(search_memslots(set, g), want);
		assert_ptr_equal(__gfn_to_memslot(set, g), want);
		s = memslot_first_ending_after(set, g);
		while (i < NR && !(in[i] && g < 4 * i + 1 + i % 3))
			i++;
		assert_ptr_equal(s, i < NR ? &slots[i] : NULL);
	}
}

static void the_gfn_tree_stays_balanced_and_finds_every_slot(void **state)
{
	static struct kvm_memory_slot slots[NR];
	static struct kvm_memslots set;
	static bool in[NR];
	unsigned int step, i, n = 0;
	int h;

	memset(&set, 0, sizeof(set));
	for (i = 0; i < NR; i++) {
		slots[i].id = (u16)(i * 7 + 3);
		slots[i].base_gfn = 4 * i;
		slots[i].npages = 1 + i % 3;
	}
	for (step = 0; step < 4000; step++) {
		i = mt_rnd(NR);
		if (in[i]) {
			memslot_set_erase(&set, &slots[i]);
			n--;
		} else {
			memslot_set_insert(&set, &slots[i]);
			n++;
		}
		in[i] = !in[i];
		if (step % 400 == 0) {
			expect_lookups(&set, slots, in);
		}
	}
	assert_int_equal(set.nr_slots, n);
	h = height_of(set.gfn_tree, 0);
	/* An AVL tree of n nodes is at most 1.44 log2(n + 2) high. */
	assert_true(h <= 14);
	for (i = 0; i < NR; i++) {
		assert_ptr_equal(id_to_memslot(&set, slots[i].id), in[i] ? &slots[i] : NULL);
	}
	expect_lookups(&set, slots, in);
}

static void the_last_used_cache_follows_lookups_and_replacements(void **state)
{
	struct kvm_memslots *set;
	struct kvm *kvm;
	hva_t base;

	mt_mem_init(MiB(64));
	kvm = mt_vm(MiB(4), &base);
	assert_int_equal(mt_set(kvm, 1, 0, GiB(1), MiB(1), base), 0);
	assert_int_equal(mt_set(kvm, 2, 0, GiB(2), MiB(1), base), 0);
	set = __kvm_memslots(kvm, 0);
	assert_null(__gfn_to_memslot(set, 5));
	assert_int_equal(__gfn_to_memslot(set, gpa_to_gfn(GiB(2)))->id, 2);
	assert_int_equal(set->last_used_slot->id, 2);
	/* A MOVE puts the new slot in the cache's place, in both sets. */
	assert_int_equal(mt_set(kvm, 2, 0, GiB(3), MiB(1), base), 0);
	set = __kvm_memslots(kvm, 0);
	assert_true(!set->last_used_slot || set->last_used_slot->base_gfn == gpa_to_gfn(GiB(3)));
	assert_null(gfn_to_memslot(kvm, 0, gpa_to_gfn(GiB(2))));
	assert_int_equal(gfn_to_memslot(kvm, 0, gpa_to_gfn(GiB(3)))->id, 2);
	/* A DELETE empties it. */
	assert_int_equal(mt_set(kvm, 2, 0, 0, 0, 0), 0);
	set = __kvm_memslots(kvm, 0);
	assert_null(set->last_used_slot);
	assert_null(kvm_get_inactive_memslots(kvm, 0)->last_used_slot);
	assert_int_equal(gfn_to_memslot(kvm, 0, gpa_to_gfn(GiB(1)))->id, 1);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void both_sets_hold_the_same_slots_after_every_change(void **state)
{
	struct kvm_memory_slot *a, *b;
	struct kvm *kvm;
	hva_t base;

	mt_mem_init(MiB(64));
	kvm = mt_vm(MiB(4), &base);
	assert_int_equal(mt_set(kvm, 1, 0, GiB(1), MiB(1), base), 0);
	assert_int_equal(mt_set(kvm, 2, 0, GiB(2), MiB(1), base), 0);
	assert_int_equal(mt_set(kvm, 1, 0, GiB(4), MiB(1), base), 0);
	assert_int_equal(mt_set(kvm, 2, KVM_MEM_LOG_DIRTY_PAGES, GiB(2), MiB(1), base), 0);
	assert_int_equal(mt_set(kvm, 3, 0, GiB(3), MiB(1), base), 0);
	assert_int_equal(mt_set(kvm, 3, 0, 0, 0, 0), 0);
	a = memslot_first_ending_after(__kvm_memslots(kvm, 0), 0);
	b = memslot_first_ending_after(kvm_get_inactive_memslots(kvm, 0), 0);
	while (a || b) {
		assert_ptr_equal(a, b);
		assert_int_equal(a->flags & KVM_MEMSLOT_INVALID, 0);
		a = memslot_next(__kvm_memslots(kvm, 0), a);
		b = memslot_next(kvm_get_inactive_memslots(kvm, 0), b);
	}
	assert_int_equal(__kvm_memslots(kvm, 0)->nr_slots, 2);
	assert_int_equal(kvm_get_inactive_memslots(kvm, 0)->nr_slots, 2);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void write_every_nth(struct kvm *kvm, gpa_t gpa, u64 pages, u64 nth)
{
	u64 i;

	for (i = 0; i < pages; i += nth)
		mt_fault(kvm, 0, gpa + i * KiB(4), true, PG_LEVEL_4K);
}

static void the_dirty_log_is_got_cleared_and_rearmed(void **state)
{
	/* 1 MiB + 16 pages: not a multiple of 64 pages, like KVM's dirty_log_test. */
	const u64 pages = 256 + 16, words = 5;
	u64 bitmap[5], i;
	struct kvm *kvm;
	hva_t base;
	hpa_t hpa;
	int level;
	bool writable;

	mt_mem_init(MiB(64));
	kvm = mt_vm(MiB(4), &base);
	assert_int_equal(mt_set(kvm, 1, KVM_MEM_LOG_DIRTY_PAGES, GiB(1), pages * KiB(4), base), 0);
	write_every_nth(kvm, GiB(1), pages, 3);
	mt_fault(kvm, 0, GiB(1) + KiB(4), false, PG_LEVEL_4K);
	mt_audit(kvm);
	memset(bitmap, 0xff, sizeof(bitmap));
	fake_invept_reset();
	assert_int_equal(kvm_get_dirty_log(kvm, 1, bitmap), 0);
	for (i = 0; i < pages; i++) {
		assert_int_equal((bitmap[i / 64] >> (i % 64)) & 1, i % 3 == 0);
	}
	assert_int_equal(bitmap[words - 1] >> 16, 0);
	/* Got: write-protected and flushed; the next write is logged again. */
	assert_true(fake_invept_total() >= 1);
	assert_int_equal(ept_translate(kvm, 0, GiB(1), &hpa, &level, &writable), 0);
	assert_false(writable);
	mt_audit(kvm);
	assert_int_equal(kvm_get_dirty_log(kvm, 1, bitmap), 0);
	for (i = 0; i < words; i++) {
		assert_int_equal(bitmap[i], 0);
	}
	mt_fault(kvm, 0, GiB(1) + 270 * KiB(4), true, PG_LEVEL_4K);
	assert_int_equal(kvm_get_dirty_log(kvm, 1, bitmap), 0);
	assert_int_equal(bitmap[4], 1ULL << (270 - 256));
	mt_audit(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void the_dirty_log_follows_kvm_across_changes(void **state)
{
	u64 bitmap[4];
	struct kvm *kvm;
	hva_t base;

	mt_mem_init(MiB(64));
	kvm = mt_vm(MiB(4), &base);
	assert_int_equal(mt_set(kvm, 1, 0, GiB(1), MiB(1), base), 0);
	assert_int_equal(kvm_get_dirty_log(kvm, 1, bitmap), -ENOENT);
	assert_int_equal(kvm_get_dirty_log(kvm, 2, bitmap), -ENOENT);
	assert_int_equal(kvm_get_dirty_log(kvm, MT_SLOT(2, 1), bitmap), -EINVAL);
	assert_int_equal(kvm_get_dirty_log(kvm, KVM_USER_MEM_SLOTS, bitmap), -EINVAL);
	assert_int_equal(mt_set(kvm, 1, KVM_MEM_LOG_DIRTY_PAGES, GiB(1), MiB(1), base), 0);
	write_every_nth(kvm, GiB(1), 256, 100);
	/* A MOVE keeps the bitmap (KVM reuses it). */
	assert_int_equal(mt_set(kvm, 1, KVM_MEM_LOG_DIRTY_PAGES, GiB(2), MiB(1), base), 0);
	assert_int_equal(kvm_get_dirty_log(kvm, 1, bitmap), 0);
	assert_int_equal(bitmap[0], 1);
	assert_int_equal(bitmap[1], 1ULL << 36);
	assert_int_equal(bitmap[3], 1ULL << 8);
	/* Off and on again: a fresh, clear bitmap. */
	write_every_nth(kvm, GiB(2), 256, 50);
	assert_int_equal(mt_set(kvm, 1, 0, GiB(2), MiB(1), base), 0);
	assert_int_equal(kvm_get_dirty_log(kvm, 1, bitmap), -ENOENT);
	assert_int_equal(mt_set(kvm, 1, KVM_MEM_LOG_DIRTY_PAGES, GiB(2), MiB(1), base), 0);
	assert_int_equal(kvm_get_dirty_log(kvm, 1, bitmap), 0);
	assert_int_equal(bitmap[0] | bitmap[1] | bitmap[2] | bitmap[3], 0);
	/* A MOVE that stops logging frees the bitmap. */
	assert_int_equal(mt_set(kvm, 1, 0, GiB(1), MiB(1), base), 0);
	assert_int_equal(kvm_get_dirty_log(kvm, 1, bitmap), -ENOENT);
	mt_audit(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

#define T(name) cmocka_unit_test_teardown(name, mt_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_gfn_tree_stays_balanced_and_finds_every_slot),
		T(the_last_used_cache_follows_lookups_and_replacements),
		T(both_sets_hold_the_same_slots_after_every_change),
		T(the_dirty_log_is_got_cleared_and_rearmed),
		T(the_dirty_log_follows_kvm_across_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
