/*
 * Write tracking (include/memslot/page_track.h): a count per gfn in the
 * slot's gfn_write_track array.  Adding a track also raises the 2M and 1G
 * disallow_lpage counts of the gfn's chunks and write-protects every leaf
 * that maps the gfn, whatever its size, through the rmaps.  A MOVE gives a
 * slot fresh metadata, so its tracks do not follow it.
 */
#include "memslot/page_track.h"
#include "memslot/metadata.h"
#include "memslot/kvm_arch.h"
#include "lib/errno.h"
#include "lib/panic.h"

#define GFN_TRACK_MAX 0xffffU

static u16 *gfn_track(const struct kvm_memory_slot *slot, gfn_t gfn)
{
	CHECK(memslot_contains(slot, gfn));
	return &slot->arch.gfn_write_track[gfn - slot->base_gfn];
}

bool kvm_slot_page_track_is_active(const struct kvm_memory_slot *slot, gfn_t gfn)
{
	return *gfn_track(slot, gfn) > 0;
}

void kvm_slot_page_track_add_page(struct kvm *kvm, struct kvm_memory_slot *slot, gfn_t gfn)
{
	u16 *count = gfn_track(slot, gfn);

	lockdep_assert_held(&kvm->mmu_lock);
	CHECK(*count < GFN_TRACK_MAX);
	(*count)++;
	kvm_mmu_gfn_disallow_lpage(slot, gfn);
	if (kvm_mmu_slot_gfn_write_protect(kvm, slot, gfn, PG_LEVEL_4K)) {
		kvm_flush_remote_tlbs(kvm);
	}
}

void kvm_slot_page_track_remove_page(struct kvm *kvm, struct kvm_memory_slot *slot, gfn_t gfn)
{
	u16 *count = gfn_track(slot, gfn);

	lockdep_assert_held(&kvm->mmu_lock);
	CHECK(*count > 0);
	(*count)--;
	/* Large leaves may come back on later faults; nothing is remapped now. */
	kvm_mmu_gfn_allow_lpage(slot, gfn);
}

/* The live slot holding gfn in as_id, or NULL. */
static struct kvm_memory_slot *live_slot(struct kvm *kvm, u16 as_id, gfn_t gfn)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(kvm, as_id, gfn);

	if (!slot || (slot->flags & KVM_MEMSLOT_INVALID)) {
		return NULL;
	}
	return slot;
}

static int __kvm_write_track_add_gfn(struct kvm *kvm, u16 as_id, gfn_t gfn)
{
	struct kvm_memory_slot *slot;

	if (as_id >= KVM_ADDRESS_SPACE_NUM) {
		return -EINVAL;
	}
	slot = live_slot(kvm, as_id, gfn);
	if (!slot) {
		return -ENOENT;
	}
	if (*gfn_track(slot, gfn) == GFN_TRACK_MAX) {
		return -ENOSPC;
	}
	kvm_slot_page_track_add_page(kvm, slot, gfn);
	return 0;
}

static int __kvm_write_track_remove_gfn(struct kvm *kvm, u16 as_id, gfn_t gfn)
{
	struct kvm_memory_slot *slot;

	if (as_id >= KVM_ADDRESS_SPACE_NUM) {
		return -EINVAL;
	}
	slot = live_slot(kvm, as_id, gfn);
	if (!slot || !kvm_slot_page_track_is_active(slot, gfn)) {
		return -ENOENT;
	}
	kvm_slot_page_track_remove_page(kvm, slot, gfn);
	return 0;
}

/* KVM's exported write-tracking API takes mmu_lock itself. */
int kvm_write_track_add_gfn(struct kvm *kvm, u16 as_id, gfn_t gfn)
{
	int r;

	spin_lock(&kvm->mmu_lock);
	r = __kvm_write_track_add_gfn(kvm, as_id, gfn);
	spin_unlock(&kvm->mmu_lock);
	return r;
}

int kvm_write_track_remove_gfn(struct kvm *kvm, u16 as_id, gfn_t gfn)
{
	int r;

	spin_lock(&kvm->mmu_lock);
	r = __kvm_write_track_remove_gfn(kvm, as_id, gfn);
	spin_unlock(&kvm->mmu_lock);
	return r;
}
