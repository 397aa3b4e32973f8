/*
 * Device accesses to guest memory (memslot/guest_access.c): through the
 * memslots at the time of the access, page by page across slots; -EFAULT
 * for a gap, a read-only slot (writes) or an INVALID one; writes logged in
 * the dirty bitmap; and a gfn_to_hva_cache that translates again after any
 * memslot change, so a moved slot is seen where it is now and a deleted
 * one fails, never its old backing.  Negative control: the test switch
 * stale_hva_cache (the generation check skipped) makes
 * a_cached_translation_follows_a_move and _fails_after_a_delete fail.
 */
#include "memslot_test.h"
#include "memslot/guest_access.h"

#define SZ 0x4000ULL	/* four pages */

static int setup(void **state)
{
	mt_mem_init(16ULL << 20);
	return 0;
}

/* Two adjacent slots [0, SZ) and [SZ, 2 SZ), their backing in *a and *b. */
static struct kvm *two_slots(hva_t *a, hva_t *b, u32 flags_b)
{
	struct kvm *kvm = mt_vm(2 * SZ, a);

	*b = *a + SZ;
	assert_int_equal(mt_set(kvm, 0, 0, 0, SZ, *a), 0);
	assert_int_equal(mt_set(kvm, 1, flags_b, SZ, SZ, *b), 0);
	return kvm;
}

static void accesses_cross_pages_and_slots(void **state)
{
	hva_t a, b;
	struct kvm *kvm = two_slots(&a, &b, 0);
	u8 buf[0x2000], back[0x2000];

	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i * 7 + 1);
	memslot_guest_lock(kvm);
	assert_int_equal(kvm_write_guest(kvm, SZ - 0x1000, buf, sizeof(buf)), 0);
	assert_int_equal(kvm_read_guest(kvm, SZ - 0x1000, back, sizeof(back)), 0);
	memslot_guest_unlock(kvm);
	assert_memory_equal(buf, back, sizeof(buf));
	/* Each half landed in its own slot's backing. */
	assert_memory_equal((void *)(a + SZ - 0x1000), buf, 0x1000);
	assert_memory_equal((void *)b, buf + 0x1000, 0x1000);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void gaps_readonly_and_invalid_slots_fault(void **state)
{
	hva_t a, b;
	struct kvm *kvm = two_slots(&a, &b, KVM_MEM_READONLY);
	u8 x = 0x5a;
	struct kvm_memory_slot *s;

	memslot_guest_lock(kvm);
	assert_int_equal(kvm_read_guest(kvm, 2 * SZ, &x, 1), -EFAULT);	/* past the slots */
	assert_int_equal(kvm_write_guest(kvm, 2 * SZ, &x, 1), -EFAULT);
	assert_int_equal(kvm_write_guest(kvm, SZ, &x, 1), -EFAULT);	/* read-only */
	assert_int_equal(kvm_read_guest(kvm, SZ, &x, 1), 0);
	/* A write that starts in slot 0 and runs into the read-only one stops there. */
	u8 two[2] = { 1, 2 };
	assert_int_equal(kvm_write_guest(kvm, SZ - 1, two, 2), -EFAULT);
	assert_int_equal(*(u8 *)(a + SZ - 1), 1);
	s = gfn_to_memslot(kvm, 0, 0);
	s->flags |= KVM_MEMSLOT_INVALID;	/* as during its deletion */
	assert_int_equal(kvm_read_guest(kvm, 0, &x, 1), -EFAULT);
	s->flags &= ~KVM_MEMSLOT_INVALID;
	memslot_guest_unlock(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void writes_are_dirty_logged(void **state)
{
	hva_t a;
	struct kvm *kvm = mt_vm(SZ, &a);
	struct gfn_to_hva_cache ghc;
	u64 bitmap = 0;
	u8 buf[0x1001] = { 0 };

	assert_int_equal(mt_set(kvm, 0, KVM_MEM_LOG_DIRTY_PAGES, 0, SZ, a), 0);
	assert_int_equal(kvm_get_dirty_log(kvm, 0, &bitmap), 0);
	memslot_guest_lock(kvm);
	assert_int_equal(kvm_write_guest(kvm, 0xfff, buf, 2), 0);	/* pages 0 and 1 */
	assert_int_equal(kvm_gfn_to_hva_cache_init(kvm, &ghc, 0x3000, 0x100), 0);
	assert_int_equal(kvm_write_guest_offset_cached(kvm, &ghc, buf, 0x80, 8), 0);	/* page 3 */
	assert_int_equal(kvm_read_guest(kvm, 0x2000, buf, sizeof(buf)), 0);	/* reads are not */
	memslot_guest_unlock(kvm);
	assert_int_equal(kvm_get_dirty_log(kvm, 0, &bitmap), 0);
	assert_int_equal(bitmap, 0xb);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void a_cached_translation_follows_a_move(void **state)
{
	hva_t a;
	struct kvm *kvm = mt_vm(SZ, &a);
	struct gfn_to_hva_cache ghc;
	u32 v = 0x11223344, got = 0;

	assert_int_equal(mt_set(kvm, 0, 0, 0, SZ, a), 0);
	memslot_guest_lock(kvm);
	assert_int_equal(kvm_gfn_to_hva_cache_init(kvm, &ghc, 0x1000, 0x10), 0);
	memslot_guest_unlock(kvm);
	/* The slot moves up by SZ: guest-physical 0x1000 is nothing now. */
	assert_int_equal(mt_set(kvm, 0, 0, SZ, SZ, a), 0);
	memset((void *)a, 0, SZ);
	memslot_guest_lock(kvm);
	if (kvm_write_guest_offset_cached(kvm, &ghc, &v, 0, 4) != -EFAULT)
		mt_fail("a write through a cache of a moved slot's old address did not fault");
	assert_int_equal(*(u32 *)(a + 0x1000), 0);	/* the backing behind the old address */
	/* Re-aimed at the slot's new place, the same cache reaches the same backing. */
	assert_int_equal(kvm_gfn_to_hva_cache_init(kvm, &ghc, SZ + 0x1000, 0x10), 0);
	assert_int_equal(kvm_write_guest_offset_cached(kvm, &ghc, &v, 4, 4), 0);
	assert_int_equal(kvm_read_guest(kvm, SZ + 0x1004, &got, 4), 0);
	memslot_guest_unlock(kvm);
	assert_int_equal(got, v);
	assert_int_equal(*(u32 *)(a + 0x1004), v);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void a_cached_translation_fails_after_a_delete(void **state)
{
	hva_t a;
	struct kvm *kvm = mt_vm(SZ, &a);
	struct gfn_to_hva_cache ghc;
	u32 v = 0xdeadbeef;

	assert_int_equal(mt_set(kvm, 0, 0, 0, SZ, a), 0);
	memslot_guest_lock(kvm);
	assert_int_equal(kvm_gfn_to_hva_cache_init(kvm, &ghc, 0x2000, 0x10), 0);
	assert_int_equal(kvm_write_guest_offset_cached(kvm, &ghc, &v, 0, 4), 0);
	memslot_guest_unlock(kvm);
	assert_int_equal(*(u32 *)(a + 0x2000), v);
	assert_int_equal(mt_set(kvm, 0, 0, 0, 0, 0), 0);	/* DELETE */
	*(u32 *)(a + 0x2000) = 0;
	memslot_guest_lock(kvm);
	if (kvm_write_guest_offset_cached(kvm, &ghc, &v, 0, 4) != -EFAULT ||
	    *(u32 *)(a + 0x2000) != 0)
		mt_fail("a write through a cache of a deleted slot reached its old backing");
	assert_int_equal(kvm_read_guest_offset_cached(kvm, &ghc, &v, 0, 4), -EFAULT);
	memslot_guest_unlock(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void cached_accesses_stay_in_their_range(void **state)
{
	hva_t a;
	struct kvm *kvm = mt_vm(SZ, &a);
	struct gfn_to_hva_cache ghc;
	u8 buf[0x20];

	assert_int_equal(mt_set(kvm, 0, 0, 0, SZ, a), 0);
	memslot_guest_lock(kvm);
	assert_int_equal(kvm_gfn_to_hva_cache_init(kvm, &ghc, 0x100, 0x10), 0);
	assert_int_equal(kvm_read_guest_offset_cached(kvm, &ghc, buf, 8, 9), -EINVAL);
	assert_int_equal(kvm_read_guest_offset_cached(kvm, &ghc, buf, ~0ULL, 2), -EINVAL);
	assert_int_equal(kvm_read_guest_offset_cached(kvm, &ghc, buf, 8, 8), 0);
	/* A range past its slot, or of no bytes, has no translation. */
	assert_int_equal(kvm_gfn_to_hva_cache_init(kvm, &ghc, SZ - 8, 0x10), -EFAULT);
	assert_int_equal(kvm_read_guest_offset_cached(kvm, &ghc, buf, 0, 4), -EFAULT);
	assert_int_equal(kvm_gfn_to_hva_cache_init(kvm, &ghc, 0, 0), -EFAULT);
	memslot_guest_unlock(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

/*
 * virtio-mem's unplug: a block's backing goes back to the frame allocator
 * once its slot is deleted, not before (-EBUSY while a slot maps any of
 * it), and only a block's start names it.
 */
static void backing_is_released_after_its_slot(void **state)
{
	struct frame_stats before, after;
	hva_t base, blk;
	struct kvm *kvm = mt_vm(SZ, &base);

	frame_get_stats(&before);
	assert_int_equal(memslot_backing_alloc(kvm, MiB(2), &blk), 0);
	assert_int_equal(mt_set(kvm, 5, 0, GiB(4), MiB(2), blk), 0);
	mt_fault(kvm, 0, GiB(4) + 0x1000, true, 2);	/* a 2M leaf */
	spin_lock(&kvm->slots_lock);
	assert_int_equal(memslot_backing_release(kvm, blk), -EBUSY);
	assert_int_equal(memslot_backing_release(kvm, blk + 0x1000), -EINVAL);
	spin_unlock(&kvm->slots_lock);
	assert_int_equal(mt_set(kvm, 5, 0, GiB(4), 0, 0), 0);	/* DELETE */
	mt_audit(kvm);
	spin_lock(&kvm->slots_lock);
	assert_int_equal(memslot_backing_release(kvm, blk), 0);
	assert_int_equal(memslot_backing_release(kvm, blk), -EINVAL);
	spin_unlock(&kvm->slots_lock);
	frame_get_stats(&after);
	/* The block is free again; what remains taken are the EPT's tables, until the VM goes. */
	assert_true(after.free_frames >= before.free_frames - 8);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(accesses_cross_pages_and_slots, setup, mt_teardown),
		cmocka_unit_test_setup_teardown(gaps_readonly_and_invalid_slots_fault, setup, mt_teardown),
		cmocka_unit_test_setup_teardown(writes_are_dirty_logged, setup, mt_teardown),
		cmocka_unit_test_setup_teardown(a_cached_translation_follows_a_move, setup, mt_teardown),
		cmocka_unit_test_setup_teardown(a_cached_translation_fails_after_a_delete, setup,
						mt_teardown),
		cmocka_unit_test_setup_teardown(cached_accesses_stay_in_their_range, setup, mt_teardown),
		cmocka_unit_test_setup_teardown(backing_is_released_after_its_slot, setup, mt_teardown),
	};

	return cmocka_run_group_tests_name("guest_access", tests, NULL, NULL);
}
