/*
 * kvm_set_memory_region(): every validation rule and every change kind,
 * table-driven, with the generations each change must leave (KVM's rules;
 * docs/memslots.md).  Every row starts from the same VM:
 *   slot 1  as 0  gpa 256M  2 MiB  backing +0
 *   slot 2  as 0  gpa 512M  1 MiB  backing +4M   READONLY
 *   slot 3  as 1  gpa 256M  2 MiB  backing +0    (aliases slot 1)
 * A failed request must change nothing: slots and generations.
 */
#include "memslot_test.h"
#include "memslot/page_track.h"

#define GPA1 0x10000000ULL
#define GPA2 0x20000000ULL
#define BACKING MiB(16)
#define NONE 0xffffU	/* no change kind: the request fails */
#define SAME 0xfffeU	/* nothing to do */

struct world {
	struct kvm *kvm;
	hva_t base;
};

static void make_world(struct world *w)
{
	mt_mem_init(MiB(256));
	w->kvm = mt_vm(BACKING, &w->base);
	assert_int_equal(mt_set(w->kvm, 1, 0, GPA1, MiB(2), w->base), 0);
	assert_int_equal(mt_set(w->kvm, 2, KVM_MEM_READONLY, GPA2, MiB(1), w->base + MiB(4)), 0);
	assert_int_equal(mt_set(w->kvm, MT_SLOT(1, 3), 0, GPA1, MiB(2), w->base), 0);
}

static void end_world(struct world *w)
{
	mt_audit(w->kvm);
	kvm_destroy_vm(w->kvm);
	mt_expect_frames_back();
}

/* Every slot of as_id, in gfn order, as requests: a fingerprint of the set. */
static unsigned int snapshot(struct kvm *kvm, u16 as_id, struct kvm_userspace_memory_region *out,
			     unsigned int max)
{
	struct kvm_memory_slot *s;
	unsigned int n = 0;

	kvm_for_each_memslot(s, __kvm_memslots(kvm, as_id)) {
		assert_true(n < max);
		out[n++] = mt_region(MT_SLOT(as_id, s->id), s->flags, gfn_to_gpa(s->base_gfn),
				     s->npages << GFN_SHIFT, s->userspace_addr);
	}
	return n;
}

struct row {
	const char *name;
	u32 slot;
	u32 flags;
	u64 gpa;
	u64 size;
	s64 ua;		/* offset from the backing's base */
	int want;
	unsigned int change;	/* enum kvm_mr_change, NONE or SAME */
};

static const struct row rows[] = {
	{ "size not a page multiple", 10, 0, 0x30000000, 0x1800, MiB(8), -EINVAL, NONE },
	{ "gpa not page aligned", 10, 0, 0x30000800, KiB(4), MiB(8), -EINVAL, NONE },
	{ "backing not page aligned", 10, 0, 0x30000000, KiB(4), MiB(8) + 16, -EINVAL, NONE },
	{ "backing runs past the VM's", 10, 0, 0x30000000, MiB(2), MiB(15), -EINVAL, NONE },
	{ "backing starts before the VM's", 10, 0, 0x30000000, KiB(8), -(s64)KiB(4), -EINVAL, NONE },
	{ "as_id 2", MT_SLOT(2, 10), 0, 0x30000000, KiB(4), MiB(8), -EINVAL, NONE },
	{ "as_id 0xffff", MT_SLOT(0xffff, 10), 0, 0x30000000, KiB(4), MiB(8), -EINVAL, NONE },
	{ "slot id 32764 is internal", 32764, 0, 0x30000000, KiB(4), MiB(8), -EINVAL, NONE },
	{ "slot id 32766 is internal", 32766, 0, 0x30000000, KiB(4), MiB(8), -EINVAL, NONE },
	{ "slot id 32767 does not exist", 32767, 0, 0x30000000, KiB(4), MiB(8), -EINVAL, NONE },
	{ "slot id 0xffff", 0xffff, 0, 0x30000000, KiB(4), MiB(8), -EINVAL, NONE },
	{ "gpa + size wraps", 10, 0, 0xfffffffffffff000ULL, KiB(8), MiB(8), -EINVAL, NONE },
	{ "ends at 2^52 (MAXPHYADDR)", 10, 0, (1ULL << 52) - KiB(4), KiB(4), MiB(8), 0, KVM_MR_CREATE },
	{ "starts at 2^52", 10, 0, 1ULL << 52, KiB(4), MiB(8), -EINVAL, NONE },
	{ "crosses 2^52", 10, 0, (1ULL << 52) - KiB(4), KiB(8), MiB(8), -EINVAL, NONE },
	{ "delete a missing slot", 10, 0, 0, 0, 0, -EINVAL, NONE },
	{ "delete as 1's missing slot 2", MT_SLOT(1, 2), 0, 0, 0, 0, -EINVAL, NONE },
	{ "delete with an unaligned gpa", 1, 0, 0x800, 0, 0, -EINVAL, NONE },
	{ "delete with a bad flag", 1, 4, 0, 0, 0, -EINVAL, NONE },
	{ "delete ignores gpa and backing", 1, 0, 0x7000, 0, -(s64)KiB(4), 0, KVM_MR_DELETE },
	{ "delete as 1's slot", MT_SLOT(1, 3), 0, GPA1, 0, 0, 0, KVM_MR_DELETE },
	{ "change the size", 1, 0, GPA1, MiB(4), 0, -EINVAL, NONE },
	{ "change the backing", 1, 0, GPA1, MiB(2), MiB(2), -EINVAL, NONE },
	{ "set READONLY", 1, KVM_MEM_READONLY, GPA1, MiB(2), 0, -EINVAL, NONE },
	{ "clear READONLY", 2, 0, GPA2, MiB(1), MiB(4), -EINVAL, NONE },
	{ "create over slot 1", 10, 0, GPA1, MiB(2), MiB(8), -EEXIST, NONE },
	{ "create over slot 1's head", 10, 0, GPA1 - KiB(4), KiB(8), MiB(8), -EEXIST, NONE },
	{ "create over slot 1's tail", 10, 0, GPA1 + MiB(2) - KiB(4), KiB(8), MiB(8), -EEXIST, NONE },
	{ "create inside slot 1", 10, 0, GPA1 + KiB(4), KiB(4), MiB(8), -EEXIST, NONE },
	{ "create around slot 1", 10, 0, GPA1 - KiB(4), MiB(2) + KiB(8), MiB(8), -EEXIST, NONE },
	{ "move slot 1 onto slot 2", 1, 0, GPA2 - MiB(1), MiB(2), 0, -EEXIST, NONE },
	{ "a size change is EINVAL before any overlap", 1, 0, GPA2, MiB(4), 0, -EINVAL, NONE },
	{ "create before slot 1, touching", 10, 0, GPA1 - KiB(4), KiB(4), MiB(8), 0, KVM_MR_CREATE },
	{ "create after slot 1, touching", 10, 0, GPA1 + MiB(2), KiB(4), MiB(8), 0, KVM_MR_CREATE },
	{ "create over as 0's slot in as 1", MT_SLOT(1, 10), 0, GPA2, MiB(1), MiB(4), 0, KVM_MR_CREATE },
	{ "create aliasing slot 1's backing", 10, 0, 0x30000000, MiB(2), 0, 0, KVM_MR_CREATE },
	{ "create READONLY with dirty logging", 10, 3, 0x30000000, KiB(4), MiB(8), 0, KVM_MR_CREATE },
	{ "create internal slot 32763", 32763, 0, 0x30000000, KiB(4), MiB(8), 0, KVM_MR_CREATE },
	{ "move slot 1 down by 4 KiB, over itself", 1, 0, GPA1 - KiB(4), MiB(2), 0, 0, KVM_MR_MOVE },
	{ "move slot 1 far away", 1, 0, 1ULL << 40, MiB(2), 0, 0, KVM_MR_MOVE },
	{ "move READONLY slot 2", 2, KVM_MEM_READONLY, GPA2 + MiB(1), MiB(1), MiB(4), 0, KVM_MR_MOVE },
	{ "move slot 1 and start dirty logging", 1, KVM_MEM_LOG_DIRTY_PAGES, GPA1 + GiB(1), MiB(2), 0,
	  0, KVM_MR_MOVE },
	{ "dirty logging on", 1, KVM_MEM_LOG_DIRTY_PAGES, GPA1, MiB(2), 0, 0, KVM_MR_FLAGS_ONLY },
	{ "dirty logging on, READONLY kept", 2, 3, GPA2, MiB(1), MiB(4), 0, KVM_MR_FLAGS_ONLY },
	{ "unchanged slot 1", 1, 0, GPA1, MiB(2), 0, 0, SAME },
	{ "unchanged as 1's slot 3", MT_SLOT(1, 3), 0, GPA1, MiB(2), 0, 0, SAME },
};

/* How much a change advances its address space's generation. */
static u64 generation_step(unsigned int change)
{
	if (change == KVM_MR_CREATE || change == KVM_MR_FLAGS_ONLY) {
		return 2;
	}
	if (change == KVM_MR_DELETE || change == KVM_MR_MOVE) {
		return 4;
	}
	return 0;
}

/* The slot that row describes is now in the set, or gone after a DELETE. */
static void expect_applied(struct world *w, const struct row *row)
{
	u16 as_id = row->slot >> KVM_MEMSLOT_AS_SHIFT;
	struct kvm_memory_slot *s = id_to_memslot(__kvm_memslots(w->kvm, as_id), row->slot & 0xffff);

	if (row->change == KVM_MR_DELETE) {
		assert_null(s);
		return;
	}
	assert_non_null(s);
	assert_int_equal(s->base_gfn, gpa_to_gfn(row->gpa));
	assert_int_equal(s->npages, row->size >> GFN_SHIFT);
	assert_int_equal(s->flags, row->flags);
	assert_int_equal(s->userspace_addr, w->base + row->ua);
	assert_ptr_equal(gfn_to_memslot(w->kvm, as_id, gpa_to_gfn(row->gpa)), s);
}

static void run_row(const struct row *row)
{
	struct kvm_userspace_memory_region before[2][8], after[2][8], req;
	unsigned int nb[2], na[2];
	struct world w;
	u64 gen[2];
	u16 as_id = row->slot >> KVM_MEMSLOT_AS_SHIFT;
	int r, i;

	make_world(&w);
	for (i = 0; i < 2; i++) {
		nb[i] = snapshot(w.kvm, i, before[i], 8);
		gen[i] = mt_gen(w.kvm, i);
	}
	req = mt_region(row->slot, row->flags, row->gpa, row->size, w.base + row->ua);
	r = kvm_set_memory_region(w.kvm, &req);
	if (r != row->want) {
		mt_fail("%s: expected %d, got %d", row->name, row->want, r);
	}
	for (i = 0; i < 2; i++) {
		u64 step = (i == as_id) ? generation_step(row->change) : 0;

		assert_int_equal(mt_gen(w.kvm, i), gen[i] + step);
		na[i] = snapshot(w.kvm, i, after[i], 8);
		if (row->change == NONE || row->change == SAME || i != as_id) {
			assert_int_equal(na[i], nb[i]);
			assert_memory_equal(after[i], before[i], nb[i] * sizeof(before[i][0]));
		}
	}
	if (row->change != NONE && row->change != SAME) {
		expect_applied(&w, row);
	}
	end_world(&w);
}

static void every_rule_and_change_kind_returns_what_kvm_returns(void **state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		print_message("  row: %s\n", rows[i].name);
		run_row(&rows[i]);
	}
}

static void every_undefined_flag_bit_is_rejected(void **state)
{
	struct world w;
	unsigned int bit;

	make_world(&w);
	for (bit = 2; bit < 32; bit++) {
		/* Bit 16 is the internal KVM_MEMSLOT_INVALID: refused like the rest. */
		assert_int_equal(mt_set(w.kvm, 10, 1U << bit, 0x30000000, KiB(4), w.base), -EINVAL);
		assert_int_equal(mt_set(w.kvm, 1, 1U << bit, GPA1, MiB(2), w.base), -EINVAL);
	}
	assert_int_equal(mt_gen(w.kvm, 0), 4);
	end_world(&w);
}

static void backing_of_another_vm_is_rejected(void **state)
{
	struct world w;
	hva_t other_base;
	struct kvm *other;

	make_world(&w);
	other = mt_vm(MiB(2), &other_base);
	assert_int_equal(mt_set(w.kvm, 10, 0, 0x30000000, MiB(2), other_base), -EINVAL);
	assert_int_equal(mt_set(other, 10, 0, 0x30000000, MiB(2), other_base), 0);
	assert_int_equal(mt_set(other, 11, 0, 0x40000000, KiB(4), w.base), -EINVAL);
	kvm_destroy_vm(other);
	end_world(&w);
}

/*
 * The lock rules are asserted where they apply: a caller that forgot
 * slots_lock or mmu_lock panics at once, naming the function and the lock
 * (KVM's lockdep_assert_held()), and nothing changed.
 */
static void entry_points_without_their_lock_panic(void **state)
{
	struct kvm_userspace_memory_region r;
	struct world w;

	make_world(&w);
	r = mt_region(KVM_USER_MEM_SLOTS, 0, 0x30000000, KiB(4), w.base);
	assert_true(EXPECT_PANIC(__kvm_set_memory_region(w.kvm, &r)));
	assert_string_equal(fake_panic_msg, "__kvm_set_memory_region: &kvm->slots_lock is not held");
	assert_null(id_to_memslot(__kvm_memslots(w.kvm, 0), KVM_USER_MEM_SLOTS));
	assert_true(EXPECT_PANIC(kvm_tdp_mmu_zap_leafs(w.kvm, 0, 0, 1ULL << 30)));
	assert_string_equal(fake_panic_msg, "kvm_tdp_mmu_zap_leafs: &kvm->mmu_lock is not held");
	assert_true(EXPECT_PANIC(kvm_flush_remote_tlbs(w.kvm)));
	assert_string_equal(fake_panic_msg, "kvm_flush_remote_tlbs: &kvm->mmu_lock is not held");
	/* Holding slots_lock is not enough for the MMU. */
	spin_lock(&w.kvm->slots_lock);
	assert_true(EXPECT_PANIC(ept_zap_memslot(w.kvm, id_to_memslot(__kvm_memslots(w.kvm, 0), 1))));
	spin_unlock(&w.kvm->slots_lock);
	mt_audit(w.kvm);
	end_world(&w);
}

static void internal_slot_ids_are_open_to_the_hypervisor_only(void **state)
{
	struct kvm_userspace_memory_region r;
	struct world w;
	u32 id;

	make_world(&w);
	for (id = KVM_USER_MEM_SLOTS; id < KVM_MEM_SLOTS_NUM; id++) {
		r = mt_region(id, 0, 0x30000000 + (u64)id * KiB(4), KiB(4), w.base);
		assert_int_equal(kvm_set_memory_region(w.kvm, &r), -EINVAL);
		spin_lock(&w.kvm->slots_lock);	/* the hypervisor's callers hold it */
		assert_int_equal(__kvm_set_memory_region(w.kvm, &r), 0);
		spin_unlock(&w.kvm->slots_lock);
	}
	r = mt_region(KVM_MEM_SLOTS_NUM, 0, 0x40000000, KiB(4), w.base);
	spin_lock(&w.kvm->slots_lock);
	assert_int_equal(__kvm_set_memory_region(w.kvm, &r), -EINVAL);
	spin_unlock(&w.kvm->slots_lock);
	end_world(&w);
}

static void overlap_is_checked_before_maxphyaddr(void **state)
{
	struct world w;

	make_world(&w);
	w.kvm->max_gpa_bits = 36;
	assert_int_equal(mt_set(w.kvm, 10, 0, GiB(64) - MiB(2), MiB(2), w.base), 0);
	assert_int_equal(mt_set(w.kvm, 11, 0, GiB(64) - KiB(4), KiB(8), w.base), -EEXIST);
	assert_int_equal(mt_set(w.kvm, 11, 0, GiB(64), KiB(4), w.base), -EINVAL);
	assert_int_equal(mt_set(w.kvm, 10, 0, GiB(64) - MiB(1), MiB(2), w.base), -EINVAL);
	end_world(&w);
}

/* What the hooks saw during a change. */
static struct {
	unsigned int swaps;
	u64 swap_gen[4];
	u16 swap_as[4];
	unsigned int reloads, tlb_flushes;
	/* During the zap of a DELETE/MOVE: the slot as the fault path saw it. */
	bool saw_invalid;
	int fault_during_zap;
	u64 gen_during_zap;
	gfn_t probe_gfn;
} seen;

static void on_swap(struct kvm *kvm, u16 as_id, u64 gen)
{
	assert_true(seen.swaps < 4);
	seen.swap_as[seen.swaps] = as_id;
	seen.swap_gen[seen.swaps++] = gen;
}

static void on_request(struct kvm *kvm, unsigned int req)
{
	struct kvm_memory_slot *s;

	if (req == KVM_REQ_TLB_FLUSH) {
		seen.tlb_flushes++;
		return;
	}
	assert_int_equal(req, KVM_REQ_MMU_RELOAD);
	seen.reloads++;
	s = gfn_to_memslot(kvm, 0, seen.probe_gfn);
	seen.saw_invalid = s && (s->flags & KVM_MEMSLOT_INVALID);
	/* The change holds mmu_lock here: what a vCPU would see once it gets it. */
	seen.fault_during_zap = __kvm_tdp_page_fault(kvm, 0, gfn_to_gpa(seen.probe_gfn),
						      EPT_ACCESS_READ);
	seen.gen_during_zap = mt_gen(kvm, 0);
}

static void hook(struct world *w, gfn_t probe)
{
	memset(&seen, 0, sizeof(seen));
	seen.probe_gfn = probe;
	w->kvm->memslots_updated = on_swap;
	w->kvm->request_all = on_request;
}

static void expect_swaps(unsigned int n, u16 as_id, u64 gen0)
{
	unsigned int i;

	assert_int_equal(seen.swaps, n);
	for (i = 0; i < n; i++) {
		/* While a swap is under way its generation carries bit 63. */
		assert_int_equal(seen.swap_as[i], as_id);
		assert_int_equal(seen.swap_gen[i], (gen0 + 2 * i) | KVM_MEMSLOT_GEN_UPDATE_IN_PROGRESS);
	}
}

static void create_and_flags_only_are_one_swap_without_a_zap(void **state)
{
	struct world w;

	make_world(&w);
	mt_fault(w.kvm, 0, GPA1, true, PG_LEVEL_2M);
	hook(&w, gpa_to_gfn(GPA1));
	assert_int_equal(mt_set(w.kvm, 10, 0, 0x30000000, KiB(4), w.base), 0);
	expect_swaps(1, 0, 4);
	assert_int_equal(mt_gen(w.kvm, 0), 6);
	assert_int_equal(seen.reloads, 0);
	hook(&w, gpa_to_gfn(GPA1));
	assert_int_equal(mt_set(w.kvm, MT_SLOT(1, 3), KVM_MEM_LOG_DIRTY_PAGES, GPA1, MiB(2), w.base),
			 0);
	expect_swaps(1, 1, 3);
	assert_int_equal(mt_gen(w.kvm, 1), 5);
	assert_int_equal(seen.reloads, 0);
	/* The leaf of slot 1 (as 0) survives both. */
	assert_int_equal(w.kvm->stat.leaves[PG_LEVEL_2M - 1], 1);
	end_world(&w);
}

static void delete_publishes_an_invalid_slot_then_zaps_then_removes_it(void **state)
{
	struct world w;
	hpa_t hpa;
	int level;
	bool writable;

	make_world(&w);
	mt_fault(w.kvm, 0, GPA1 + KiB(4), false, PG_LEVEL_2M);
	hook(&w, gpa_to_gfn(GPA1));
	assert_int_equal(mt_set(w.kvm, 1, 0, 0, 0, 0), 0);
	expect_swaps(2, 0, 4);
	assert_int_equal(mt_gen(w.kvm, 0), 8);
	/* Between the swaps: the first swap done, the slot INVALID, faults on it MMIO. */
	assert_int_equal(seen.reloads, 1);
	assert_true(seen.saw_invalid);
	assert_int_equal(seen.fault_during_zap, -EFAULT);
	assert_int_equal(seen.gen_during_zap, 6);
	assert_true(seen.tlb_flushes >= 1);
	assert_int_equal(ept_translate(w.kvm, 0, GPA1 + KiB(4), &hpa, &level, &writable), -ENOENT);
	assert_null(gfn_to_memslot(w.kvm, 0, gpa_to_gfn(GPA1)));
	mt_fault(w.kvm, 0, GPA1, false, -EFAULT);
	end_world(&w);
}

static void move_is_two_swaps_and_keeps_the_contents(void **state)
{
	struct world w;
	hpa_t hpa;
	int level;
	bool writable;

	make_world(&w);
	mt_fault(w.kvm, 0, GPA1, true, PG_LEVEL_2M);
	memcpy((void *)(w.base + KiB(12)), "slotvisor", 10);
	hook(&w, gpa_to_gfn(GPA1));
	assert_int_equal(mt_set(w.kvm, 1, 0, 0x40000000, MiB(2), w.base), 0);
	expect_swaps(2, 0, 4);
	assert_int_equal(seen.reloads, 1);
	assert_true(seen.saw_invalid);
	assert_int_equal(seen.fault_during_zap, -EFAULT);
	assert_int_equal(ept_translate(w.kvm, 0, GPA1, &hpa, &level, &writable), -ENOENT);
	mt_fault(w.kvm, 0, 0x40000000 + KiB(12), false, PG_LEVEL_2M);
	assert_int_equal(ept_translate(w.kvm, 0, 0x40000000 + KiB(12), &hpa, &level, &writable), 0);
	assert_string_equal((char *)phys_to_virt(hpa), "slotvisor");
	end_world(&w);
}

static void as_1_generations_are_odd_and_apart_from_as_0(void **state)
{
	struct world w;

	make_world(&w);
	assert_int_equal(mt_gen(w.kvm, 0), 4);
	assert_int_equal(mt_gen(w.kvm, 1), 3);
	assert_int_equal(mt_set(w.kvm, MT_SLOT(1, 3), 0, GPA2, MiB(2), w.base), 0);
	assert_int_equal(mt_gen(w.kvm, 1), 7);
	assert_int_equal(mt_gen(w.kvm, 0), 4);
	assert_int_equal(mt_set(w.kvm, MT_SLOT(1, 3), 0, 0, 0, 0), 0);
	assert_int_equal(mt_gen(w.kvm, 1), 11);
	end_world(&w);
}

static void nr_memslot_pages_follows_move_and_delete(void **state)
{
	struct world w;

	make_world(&w);
	assert_int_equal(w.kvm->nr_memslot_pages, 512 + 256 + 512);
	assert_int_equal(mt_set(w.kvm, 1, 0, GPA1 + GiB(1), MiB(2), w.base), 0);
	assert_int_equal(w.kvm->nr_memslot_pages, 512 + 256 + 512);
	assert_int_equal(mt_set(w.kvm, 2, 0, 0, 0, 0), 0);
	assert_int_equal(w.kvm->nr_memslot_pages, 512 + 512);
	end_world(&w);
}

static void all_32764_user_slots_fill_and_one_more_is_rejected(void **state)
{
	struct kvm *kvm;
	hva_t base;
	u32 id;
	gfn_t gfn;

	mt_mem_init(MiB(256));
	kvm = mt_vm(MiB(1), &base);
	for (id = 0; id < KVM_USER_MEM_SLOTS; id++) {
		/* One page each, every one aliasing a page of the same 1 MiB. */
		int r = mt_set(kvm, id, 0, (u64)id * KiB(8), KiB(4), base + (id % 256) * KiB(4));

		if (r) {
			mt_fail("slot %u: %d", id, r);
		}
	}
	assert_int_equal(mt_set(kvm, KVM_USER_MEM_SLOTS, 0, GiB(1), KiB(4), base), -EINVAL);
	assert_int_equal(__kvm_memslots(kvm, 0)->nr_slots, KVM_USER_MEM_SLOTS);
	for (gfn = 0; gfn < 2 * KVM_USER_MEM_SLOTS; gfn += 97) {
		struct kvm_memory_slot *s = gfn_to_memslot(kvm, 0, gfn);

		if (gfn % 2) {
			assert_null(s);
		} else {
			assert_non_null(s);
			assert_int_equal(s->id, gfn / 2);
		}
	}
	assert_int_equal(mt_gen(kvm, 0), 2ULL * KVM_USER_MEM_SLOTS);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

#define T(name) cmocka_unit_test_teardown(name, mt_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(every_rule_and_change_kind_returns_what_kvm_returns),
		T(every_undefined_flag_bit_is_rejected),
		T(backing_of_another_vm_is_rejected),
		T(internal_slot_ids_are_open_to_the_hypervisor_only),
		T(entry_points_without_their_lock_panic),
		T(overlap_is_checked_before_maxphyaddr),
		T(create_and_flags_only_are_one_swap_without_a_zap),
		T(delete_publishes_an_invalid_slot_then_zaps_then_removes_it),
		T(move_is_two_swaps_and_keeps_the_contents),
		T(as_1_generations_are_odd_and_apart_from_as_0),
		T(nr_memslot_pages_follows_move_and_delete),
		T(all_32764_user_slots_fill_and_one_more_is_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
