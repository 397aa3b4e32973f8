/*
 * -ENOMEM at every allocation of every change kind: the n-th allocation
 * fails (and every later one), for n = 0, 1, ... until the change needs no
 * more; each failure must leave the VM exactly as it was (slots,
 * generations, EPT leaves and tables, flushes, frames) and leak nothing.
 */
#include "memslot_test.h"

struct snapshot {
	struct kvm_userspace_memory_region slots[2][8];
	unsigned int nr[2];
	u64 gen[2];
	u64 leaves[KVM_NR_PAGE_SIZES];
	u64 table_pages, invept, nr_memslot_pages;
	u64 used_frames;
	hpa_t translation[4];
};

/* gpas the world maps, whose translations must not change. */
static const gpa_t probes[4] = { GiB(1), GiB(1) + MiB(2) + KiB(4), GiB(2) + KiB(8), GiB(2) };

static void take_snapshot(struct kvm *kvm, struct snapshot *s)
{
	struct kvm_memory_slot *slot;
	struct frame_stats st;
	unsigned int i;
	u16 as_id;

	memset(s, 0, sizeof(*s));
	for (as_id = 0; as_id < 2; as_id++) {
		kvm_for_each_memslot(slot, __kvm_memslots(kvm, as_id)) {
			assert_true(s->nr[as_id] < 8);
			s->slots[as_id][s->nr[as_id]++] =
				mt_region(slot->id, slot->flags, gfn_to_gpa(slot->base_gfn),
					  slot->npages << GFN_SHIFT, slot->userspace_addr);
		}
		s->gen[as_id] = mt_gen(kvm, as_id);
	}
	memcpy(s->leaves, kvm->stat.leaves, sizeof(s->leaves));
	s->table_pages = kvm->stat.table_pages;
	s->invept = kvm->stat.invept;
	s->nr_memslot_pages = kvm->nr_memslot_pages;
	frame_get_stats(&st);
	s->used_frames = st.used_frames;
	for (i = 0; i < 4; i++) {
		int level;
		bool w;

		if (ept_translate(kvm, i == 3 ? 1 : 0, probes[i], &s->translation[i], &level, &w)) {
			s->translation[i] = 0;
		}
	}
}

/*
 *   slot 1  as 0  gpa 1G  4 MiB  backing +0
 *   slot 2  as 0  gpa 2G  2 MiB  backing +4M  dirty logging
 *   slot 1  as 1  gpa 2G  4 MiB  backing +0
 * with some of each faulted in.
 */
static struct kvm *make_world(hva_t *base)
{
	struct kvm *kvm;

	mt_mem_init(MiB(128));
	kvm = mt_vm(MiB(16), base);
	assert_int_equal(mt_set(kvm, 1, 0, GiB(1), MiB(4), *base), 0);
	assert_int_equal(mt_set(kvm, 2, KVM_MEM_LOG_DIRTY_PAGES, GiB(2), MiB(2), *base + MiB(4)), 0);
	assert_int_equal(mt_set(kvm, MT_SLOT(1, 1), 0, GiB(2), MiB(4), *base), 0);
	mt_fault(kvm, 0, probes[0], true, PG_LEVEL_2M);
	mt_fault(kvm, 0, probes[1], false, PG_LEVEL_2M);
	mt_fault(kvm, 0, probes[2], true, PG_LEVEL_4K);
	mt_fault(kvm, 1, probes[3], true, PG_LEVEL_2M);
	return kvm;
}

struct change {
	const char *name;
	u32 slot, flags;
	gpa_t gpa;
	u64 size;
	u64 ua;		/* offset in the backing */
};

static const struct change changes[] = {
	{ "CREATE", 3, 0, GiB(3), KiB(8), MiB(8) },
	{ "CREATE with dirty logging", 3, KVM_MEM_LOG_DIRTY_PAGES, GiB(3), KiB(8), MiB(8) },
	{ "CREATE of 8 MiB (metadata from whole frames)", 3, 0, GiB(3), MiB(8), MiB(8) },
	{ "CREATE in as 1", MT_SLOT(1, 3), KVM_MEM_READONLY, GiB(3), MiB(2), MiB(8) },
	{ "DELETE", 1, 0, 0, 0, 0 },
	{ "DELETE of a dirty-logging slot", 2, 0, 0, 0, 0 },
	{ "MOVE", 1, 0, GiB(5), MiB(4), 0 },
	{ "MOVE of a dirty-logging slot", 2, KVM_MEM_LOG_DIRTY_PAGES, GiB(5), MiB(2), MiB(4) },
	{ "FLAGS_ONLY: dirty logging on", 1, KVM_MEM_LOG_DIRTY_PAGES, GiB(1), MiB(4), 0 },
	{ "FLAGS_ONLY: dirty logging off", 2, 0, GiB(2), MiB(2), MiB(4) },
};

static void expect_unchanged(const struct snapshot *before, const struct snapshot *after,
			     const char *name, unsigned long n)
{
	if (memcmp(before, after, sizeof(*before)) != 0) {
		mt_fail("%s: the VM changed after -ENOMEM at allocation %lu (used frames %llu -> %llu, "
			 "gen %llu -> %llu, leaves %llu -> %llu)", name, n, before->used_frames,
			 after->used_frames, before->gen[0], after->gen[0],
			 before->leaves[0] + before->leaves[1], after->leaves[0] + after->leaves[1]);
	}
}

/* Fail allocation n of ch; true once ch succeeds with no failure injected. */
static bool try_failing_allocation(const struct change *ch, unsigned long n)
{
	struct snapshot before, after;
	struct kvm_userspace_memory_region r;
	struct kvm *kvm;
	hva_t base;
	int ret;

	kvm = make_world(&base);
	r = mt_region(ch->slot, ch->flags, ch->gpa, ch->size, base + ch->ua);
	take_snapshot(kvm, &before);
	fake_alloc_fail_from(n);
	ret = kvm_set_memory_region(kvm, &r);
	if (ret == 0) {
		assert_int_equal(fake_alloc_failures(), 0);
	}
	fake_alloc_disarm();
	if (ret == 0) {
		mt_audit(kvm);
		kvm_destroy_vm(kvm);
		mt_expect_frames_back();
		return true;
	}
	if (ret != -ENOMEM) {
		mt_fail("%s, allocation %lu failing: expected -ENOMEM, got %d", ch->name, n, ret);
	}
	take_snapshot(kvm, &after);
	expect_unchanged(&before, &after, ch->name, n);
	mt_audit(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
	return false;
}

static void enomem_at_any_allocation_of_any_change_changes_nothing(void **state)
{
	unsigned int i;
	unsigned long n;

	for (i = 0; i < ARRAY_SIZE(changes); i++) {
		for (n = 0; !try_failing_allocation(&changes[i], n); n++)
			assert_true(n < 64);
		/* Every change allocates: at least the slot or its INVALID copy. */
		assert_true(n >= 1);
		print_message("# %s: %lu allocations, each failure left the VM as it was\n",
			      changes[i].name, n);
	}
}

static void enomem_in_the_fault_path_maps_nothing_and_leaks_nothing(void **state)
{
	struct kvm *kvm;
	hva_t base;
	unsigned long n;
	int r;

	for (n = 0;; n++) {
		mt_mem_init(MiB(64));
		kvm = mt_vm(MiB(4), &base);
		assert_int_equal(mt_set(kvm, 1, 0, GiB(1), MiB(4), base), 0);
		fake_alloc_fail_from(n);
		r = kvm_tdp_page_fault(kvm, 0, GiB(1) + KiB(4), EPT_ACCESS_WRITE);
		fake_alloc_disarm();
		if (r != -ENOMEM) {
			break;
		}
		assert_int_equal(kvm->stat.leaves[0] + kvm->stat.leaves[1], 0);
		mt_audit(kvm);
		/* The same fault succeeds once memory is back. */
		mt_fault(kvm, 0, GiB(1) + KiB(4), true, PG_LEVEL_2M);
		mt_audit(kvm);
		kvm_destroy_vm(kvm);
		mt_expect_frames_back();
	}
	assert_int_equal(r, PG_LEVEL_2M);
	/* Tables for three levels, an rmap descriptor, a root and its PML4 (and slabs). */
	assert_true(n >= 6);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void enomem_making_a_vm_or_its_backing_leaks_nothing(void **state)
{
	struct kvm *kvm;
	hva_t base;

	mt_mem_init(MiB(64));
	fake_alloc_fail_from(0);
	assert_null(kvm_create_vm());
	fake_alloc_disarm();
	mt_expect_frames_back();
	kvm = mt_vm(0, &base);
	fake_alloc_fail_from(0);
	assert_int_equal(memslot_backing_alloc(kvm, MiB(2), &base), -ENOMEM);
	fake_alloc_fail_from(1);
	assert_int_equal(memslot_backing_alloc(kvm, MiB(2), &base), -ENOMEM);
	fake_alloc_disarm();
	assert_false(memslot_backing_owns(kvm, base, KiB(4)));
	assert_int_equal(memslot_backing_alloc(kvm, MiB(128), &base), -ENOMEM);
	assert_int_equal(memslot_backing_alloc(kvm, 0, &base), -EINVAL);
	assert_int_equal(memslot_backing_alloc(kvm, KiB(6), &base), -EINVAL);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

#define T(name) cmocka_unit_test_teardown(name, mt_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(enomem_at_any_allocation_of_any_change_changes_nothing),
		T(enomem_in_the_fault_path_maps_nothing_and_leaks_nothing),
		T(enomem_making_a_vm_or_its_backing_leaks_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
