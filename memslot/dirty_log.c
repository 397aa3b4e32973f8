/*
 * Dirty logging (KVM's KVM_MEM_LOG_DIRTY_PAGES): a slot that logs has a
 * bitmap with a bit per page.  Two ways to set the bits (kvm->
 * cpu_dirty_log_size):
 *  - write protection: a logged page is mapped writable only by a write
 *    fault, which sets the bit; getting the log clears the bits and
 *    write-protects those pages again, so the next write faults.
 *  - PML: logged pages are writable, and the CPU writes the gpa of every
 *    write that sets a leaf's EPT dirty bit into the vCPU's page-
 *    modification log; vmx/ moves the log into the bitmaps
 *    (kvm_mark_page_dirty()) at every VM exit and when asked to
 *    (kvm->sync_dirty_log).  Getting the log clears the bits and the dirty
 *    bits of those leaves, so the next write is logged again.
 */
#include "compiler.h"
#include "kvm/kvm.h"
#include "memslot/metadata.h"
#include "memslot/kvm_arch.h"
#include "lib/errno.h"

#define BITS_PER_WORD 64

u64 kvm_dirty_bitmap_bytes(const struct kvm_memory_slot *slot)
{
	return ALIGN_UP(slot->npages, BITS_PER_WORD) / 8;
}

int kvm_alloc_dirty_bitmap(struct kvm_memory_slot *slot)
{
	slot->dirty_bitmap = kvzalloc(kvm_dirty_bitmap_bytes(slot));
	return slot->dirty_bitmap ? 0 : -ENOMEM;
}

void kvm_destroy_dirty_bitmap(struct kvm_memory_slot *slot)
{
	kvfree(slot->dirty_bitmap, kvm_dirty_bitmap_bytes(slot));
	slot->dirty_bitmap = NULL;
}

void mark_page_dirty_in_slot(const struct kvm_memory_slot *slot, gfn_t gfn)
{
	u64 rel = gfn - slot->base_gfn;

	if (slot->dirty_bitmap) {
		slot->dirty_bitmap[rel / BITS_PER_WORD] |= 1ULL << (rel % BITS_PER_WORD);
	}
}

void kvm_mark_page_dirty(struct kvm *kvm, u16 as_id, gfn_t gfn)
{
	const struct kvm_memory_slot *slot = gfn_to_memslot(kvm, as_id, gfn);

	lockdep_assert_held(&kvm->mmu_lock);
	if (slot) {
		mark_page_dirty_in_slot(slot, gfn);
	}
}

static int __kvm_get_dirty_log(struct kvm *kvm, u32 slot, u64 *bitmap)
{
	u16 as_id = slot >> KVM_MEMSLOT_AS_SHIFT;
	u16 id = slot & KVM_MEMSLOT_ID_MASK;
	struct kvm_memory_slot *memslot;
	bool flush = false;
	u64 i;

	lockdep_assert_held(&kvm->mmu_lock);
	if (as_id >= KVM_ADDRESS_SPACE_NUM || id >= KVM_USER_MEM_SLOTS) {
		return -EINVAL;
	}
	memslot = id_to_memslot(__kvm_memslots(kvm, as_id), id);
	if (!memslot || !memslot->dirty_bitmap) {
		return -ENOENT;
	}
	for (i = 0; i < kvm_dirty_bitmap_bytes(memslot) / 8; i++) {
		u64 mask = memslot->dirty_bitmap[i];

		bitmap[i] = mask;
		if (!mask) {
			continue;
		}
		memslot->dirty_bitmap[i] = 0;
		flush |= kvm_arch_mmu_enable_log_dirty_pt_masked(kvm, memslot, i * BITS_PER_WORD,
								 mask);
	}
	/* Before returning: a write after this call must be logged (fault, or PML). */
	if (flush) {
		kvm_flush_remote_tlbs(kvm);
	}
	return 0;
}

int kvm_get_dirty_log(struct kvm *kvm, u32 slot, u64 *bitmap)
{
	int r;

	spin_lock(&kvm->slots_lock);
	/* PML: the vCPUs' logs first; they take mmu_lock to empty them. */
	if (kvm->cpu_dirty_log_size && kvm->sync_dirty_log && !TEST_SWITCH(kvm, no_dirty_log_sync)) {
		kvm->sync_dirty_log(kvm);
	}
	spin_lock(&kvm->mmu_lock);
	r = __kvm_get_dirty_log(kvm, slot, bitmap);
	spin_unlock(&kvm->mmu_lock);
	spin_unlock(&kvm->slots_lock);
	return r;
}
