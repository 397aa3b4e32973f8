/*
 * The four memslot changes (KVM's kvm_set_memslot() and its helpers in
 * virt/kvm/kvm_main.c), each built on the inactive set and published by a
 * swap (memslot/sets.c):
 *
 *   CREATE      insert, swap.                                 (+2 generation)
 *   FLAGS_ONLY  replace with a copy sharing the metadata, swap;
 *               dirty logging on write-protects, off zaps.    (+2)
 *   DELETE      publish an INVALID copy, swap; zap every root
 *               (kvm_arch_flush_shadow_memslot); remove, swap;
 *               free the metadata.                            (+4)
 *   MOVE        as DELETE, but the second swap publishes the slot at its
 *               new base with fresh metadata.                 (+4)
 *
 * One departure from KVM: KVM invalidates the slot before it allocates
 * metadata, so its -ENOMEM comes after the roots were zapped and two swaps
 * were made.  Here every allocation comes first ("prepare"), and the rest
 * ("commit") cannot fail, so -ENOMEM leaves everything as it was.
 */
#include "kvm/kvm.h"
#include "memslot/change.h"
#include "memslot/metadata.h"
#include "memslot/sets.h"
#include "memslot/kvm_arch.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/string.h"

/* Allocate what new needs: its dirty bitmap and (CREATE, MOVE) its metadata. */
static int kvm_prepare_memory_region(struct kvm *kvm, const struct kvm_memory_slot *old,
				     struct kvm_memory_slot *new, enum kvm_mr_change change)
{
	int r = 0;

	if (change == KVM_MR_DELETE) {
		return 0;
	}
	if (!(new->flags & KVM_MEM_LOG_DIRTY_PAGES)) {
		new->dirty_bitmap = NULL;
	} else if (old && old->dirty_bitmap) {
		new->dirty_bitmap = old->dirty_bitmap;
	} else if (kvm_alloc_dirty_bitmap(new)) {
		return -ENOMEM;
	}
	if (change == KVM_MR_CREATE || change == KVM_MR_MOVE) {
		r = kvm_alloc_memslot_metadata(kvm, new);
	} else {
		new->arch = old->arch;
	}
	if (r && new->dirty_bitmap && !(old && old->dirty_bitmap)) {
		kvm_destroy_dirty_bitmap(new);
	}
	return r;
}

/*
 * Publish a copy of old marked INVALID, so that no fault can map it any
 * more, then zap every root so that nothing maps it now.
 */
static void kvm_invalidate_memslot(struct kvm *kvm, struct kvm_memory_slot *old,
				   struct kvm_memory_slot *invalid_slot)
{
	*invalid_slot = *old;
	memset(invalid_slot->node, 0, sizeof(invalid_slot->node));
	memset(invalid_slot->id_next, 0, sizeof(invalid_slot->id_next));
	invalid_slot->flags |= KVM_MEMSLOT_INVALID;
	kvm_replace_memslot(kvm, old, invalid_slot);
	kvm_swap_active_memslots(kvm, old->as_id);
	kvm_arch_flush_shadow_memslot(kvm, old);
}

static void kvm_create_memslot(struct kvm *kvm, struct kvm_memory_slot *new)
{
	kvm_replace_memslot(kvm, NULL, new);
	kvm_activate_memslot(kvm, NULL, new);
}

static void kvm_delete_memslot(struct kvm *kvm, struct kvm_memory_slot *old,
			       struct kvm_memory_slot *invalid_slot)
{
	/* The inactive set still has old; the active one has the INVALID copy. */
	kvm_replace_memslot(kvm, old, NULL);
	kvm_activate_memslot(kvm, invalid_slot, NULL);
}

static void kvm_move_memslot(struct kvm *kvm, struct kvm_memory_slot *old,
			     struct kvm_memory_slot *new, struct kvm_memory_slot *invalid_slot)
{
	kvm_replace_memslot(kvm, old, new);
	kvm_activate_memslot(kvm, invalid_slot, new);
}

static void kvm_update_flags_memslot(struct kvm *kvm, struct kvm_memory_slot *old,
				     struct kvm_memory_slot *new)
{
	kvm_replace_memslot(kvm, old, new);
	kvm_activate_memslot(kvm, old, new);
}

/* After the last swap: apply flag changes and free what the change left over. */
static void kvm_commit_memory_region(struct kvm *kvm, struct kvm_memory_slot *old,
				     struct kvm_memory_slot *new, enum kvm_mr_change change)
{
	switch (change) {
	case KVM_MR_CREATE:
		kvm->nr_memslot_pages += new->npages;
		break;
	case KVM_MR_DELETE:
		kvm->nr_memslot_pages -= old->npages;
		/* Nothing maps old now: its metadata, then its backing, may go. */
		kvm_free_memslot(kvm, old);
		break;
	case KVM_MR_MOVE:
	case KVM_MR_FLAGS_ONLY:
		if (change == KVM_MR_MOVE) {
			kvm_arch_free_memslot(kvm, old);
		} else {
			kvm_arch_commit_memory_region(kvm, old, new, change);
		}
		/* A MOVE may change the flags too: the bitmap goes if logging stopped. */
		if (old->dirty_bitmap && !new->dirty_bitmap) {
			kvm_destroy_dirty_bitmap(old);
		}
		/* Whatever new shares with old (metadata, bitmap) stays: free the struct. */
		kfree(old);
		break;
	}
}

int kvm_set_memslot(struct kvm *kvm, struct kvm_memory_slot *old, struct kvm_memory_slot *new,
		    enum kvm_mr_change change)
{
	struct kvm_memory_slot *invalid_slot = NULL;
	int r;

	lockdep_assert_held(&kvm->slots_lock);
	lockdep_assert_held(&kvm->mmu_lock);
	if (change == KVM_MR_DELETE || change == KVM_MR_MOVE) {
		invalid_slot = kzalloc(sizeof(*invalid_slot));
		if (!invalid_slot) {
			return -ENOMEM;
		}
	}
	r = kvm_prepare_memory_region(kvm, old, new, change);
	if (r) {
		kfree(invalid_slot);
		return r;
	}
	/* Nothing below can fail. */
	if (invalid_slot) {
		kvm_invalidate_memslot(kvm, old, invalid_slot);
	}
	if (change == KVM_MR_CREATE) {
		kvm_create_memslot(kvm, new);
	} else if (change == KVM_MR_DELETE) {
		kvm_delete_memslot(kvm, old, invalid_slot);
	} else if (change == KVM_MR_MOVE) {
		kvm_move_memslot(kvm, old, new, invalid_slot);
	} else {
		kvm_update_flags_memslot(kvm, old, new);
	}
	kfree(invalid_slot);
	kvm_commit_memory_region(kvm, old, new, change);
	return 0;
}
