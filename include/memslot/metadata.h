/*
 * Per-slot metadata (memslot/metadata.c, memslot/dirty_log.c): the rmap
 * heads, lpage_info, the write-track counts and the dirty bitmap.
 */
#pragma once

#include "memslot/memslot.h"

/* size bytes of zeroed memory: kzalloc for small arrays, whole frames above. */
void *kvzalloc(u64 size);

/* Free what kvzalloc(size) returned; NULL is a no-op. */
void kvfree(void *p, u64 size);

/*
 * Give slot (base_gfn, npages and userspace_addr set) its rmap, lpage_info
 * and gfn_track arrays, with lpage_info's disallow_lpage set by KVM's rules.
 * -ENOMEM leaves slot->arch empty.
 */
int kvm_alloc_memslot_metadata(struct kvm *kvm, struct kvm_memory_slot *slot);

/* Free slot's arch metadata and clear it (the dirty bitmap is separate). */
void kvm_arch_free_memslot(struct kvm *kvm, struct kvm_memory_slot *slot);

/* Forbid (disallow) or allow again a large leaf over gfn at 2M and 1G. */
void kvm_mmu_gfn_disallow_lpage(const struct kvm_memory_slot *slot, gfn_t gfn);
void kvm_mmu_gfn_allow_lpage(const struct kvm_memory_slot *slot, gfn_t gfn);

/* Bytes in slot's dirty bitmap: one bit per page, in whole u64 words. */
u64 kvm_dirty_bitmap_bytes(const struct kvm_memory_slot *slot);

/* Give slot a clear dirty bitmap; -ENOMEM. */
int kvm_alloc_dirty_bitmap(struct kvm_memory_slot *slot);

/* Free slot's dirty bitmap, if any. */
void kvm_destroy_dirty_bitmap(struct kvm_memory_slot *slot);

/* Record a guest write to gfn in slot's dirty bitmap, if it logs. */
void mark_page_dirty_in_slot(const struct kvm_memory_slot *slot, gfn_t gfn);

/* Free a slot that is in no set: metadata, dirty bitmap and the struct. */
void kvm_free_memslot(struct kvm *kvm, struct kvm_memory_slot *slot);
