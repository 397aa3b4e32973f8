/*
 * A device's access to guest memory (KVM's kvm_read_guest(),
 * kvm_write_guest() and gfn_to_hva_cache, virt/kvm/kvm_main.c): every
 * access translates guest-physical to backing through the active memslots
 * at the time of the access, page by page.  An address in no slot, in a
 * slot being deleted or moved (KVM_MEMSLOT_INVALID), or a write to a
 * read-only slot fails with -EFAULT and copies nothing past the failing
 * page.  A write marks the pages it touched dirty in their slot's log, as
 * a vCPU's write would be.
 *
 * The read side: the caller holds kvm->slots_lock for the whole access
 * (memslot_guest_lock()).  That stands in for the SRCU read section KVM's
 * callers hold: a memslot change holds slots_lock from its first set swap
 * to its last, and a slot's backing is released only after its change, so
 * an access sees the old layout or the new one, never a frame freed under
 * it.  Taken on a vCPU's CPU outside its guest; never held across a VM
 * entry.
 *
 * A gfn_to_hva_cache remembers one translation with the generation of the
 * set it came from; an access through it first compares the generation
 * and translates again when any change happened since (KVM's rule), so a
 * cached translation is never used stale.
 */
#pragma once

#include "kvm/kvm.h"

struct gfn_to_hva_cache {
	u64 generation;		/* the memslot set's generation at the last translation */
	u64 gpa;		/* the range the cache covers: [gpa, gpa + len) */
	u64 len;
	hva_t hva;		/* 0: the range is not in one usable slot */
	struct kvm_memory_slot *memslot;
};

void memslot_guest_lock(struct kvm *kvm);
void memslot_guest_unlock(struct kvm *kvm);

/* Copy len bytes at gpa out of (into) the guest: 0 or -EFAULT.  slots_lock held. */
int kvm_read_guest(struct kvm *kvm, u64 gpa, void *data, u64 len);
int kvm_write_guest(struct kvm *kvm, u64 gpa, const void *data, u64 len);

/*
 * Translate [gpa, gpa + len) once into ghc: 0, or -EFAULT when the range
 * is not in one writable, valid slot (accesses through ghc then fail until
 * it is set up again).  slots_lock held.
 */
int kvm_gfn_to_hva_cache_init(struct kvm *kvm, struct gfn_to_hva_cache *ghc, u64 gpa, u64 len);

/*
 * len bytes at offset in ghc's range, through its translation if the
 * memslots are unchanged since it was made, else translated again: 0,
 * -EINVAL past the range, or -EFAULT.  slots_lock held.
 */
int kvm_read_guest_offset_cached(struct kvm *kvm, struct gfn_to_hva_cache *ghc, void *data,
				 u64 offset, u64 len);
int kvm_write_guest_offset_cached(struct kvm *kvm, struct gfn_to_hva_cache *ghc, const void *data,
				  u64 offset, u64 len);
