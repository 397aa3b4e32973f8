/*
 * Write tracking of guest pages (KVM's page_track.c, KVM_PAGE_TRACK_WRITE,
 * the only mode since Linux 6.4): a tracked gfn is never mapped writable,
 * so every guest write to it is an EPT violation that the fault path
 * reports as an MMIO write (-EPERM) for the caller to emulate; and no large
 * leaf may cover it.  Counts nest: each add needs a remove.
 */
#pragma once

#include "memslot/memslot.h"

/* Track writes to gfn (in slot): write-protect it and forbid large leaves over it. */
void kvm_slot_page_track_add_page(struct kvm *kvm, struct kvm_memory_slot *slot, gfn_t gfn);

/* Undo one kvm_slot_page_track_add_page() of gfn. */
void kvm_slot_page_track_remove_page(struct kvm *kvm, struct kvm_memory_slot *slot, gfn_t gfn);

/* Whether writes to gfn (in slot) are tracked. */
bool kvm_slot_page_track_is_active(const struct kvm_memory_slot *slot, gfn_t gfn);

/*
 * Track writes to gfn of as_id's memory.  -EINVAL for a bad as_id, -ENOENT
 * if no live slot holds gfn, -ENOSPC if it is tracked 65535 times already.
 */
int kvm_write_track_add_gfn(struct kvm *kvm, u16 as_id, gfn_t gfn);

/* Undo kvm_write_track_add_gfn(); -EINVAL, or -ENOENT if gfn is not tracked. */
int kvm_write_track_remove_gfn(struct kvm *kvm, u16 as_id, gfn_t gfn);
