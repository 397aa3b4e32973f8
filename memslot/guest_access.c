/*
 * Device accesses to guest memory through the memslots
 * (include/memslot/guest_access.h): KVM's kvm_read_guest(),
 * kvm_write_guest() and its gfn_to_hva_cache, under slots_lock instead of
 * SRCU.
 */
#include "kvm/kvm.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "memslot/guest_access.h"
#include "memslot/metadata.h"

void memslot_guest_lock(struct kvm *kvm)
{
	spin_lock(&kvm->slots_lock);
}

void memslot_guest_unlock(struct kvm *kvm)
{
	spin_unlock(&kvm->slots_lock);
}

/* The usable slot holding gfn for this kind of access, or NULL (KVM's gfn_to_hva_memslot_prot()). */
static struct kvm_memory_slot *usable_slot(struct kvm *kvm, gfn_t gfn, bool write)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(kvm, 0, gfn);

	if (!slot || (slot->flags & KVM_MEMSLOT_INVALID))
		return NULL;
	if (write && (slot->flags & KVM_MEM_READONLY))
		return NULL;
	return slot;
}

/* The device wrote [gfn, gfn + n) of slot: log it as a vCPU's write would be (mark_page_dirty()). */
static void mark_dirty(struct kvm *kvm, const struct kvm_memory_slot *slot, gfn_t gfn, u64 n)
{
	if (!slot->dirty_bitmap)
		return;
	spin_lock(&kvm->mmu_lock);	/* the log's bits are fetched and cleared under it */
	for (u64 i = 0; i < n; i++)
		mark_page_dirty_in_slot(slot, gfn + i);
	spin_unlock(&kvm->mmu_lock);
}

/* Copy between buf and guest-physical [gpa, gpa + len), page by page through the slots. */
static int guest_copy(struct kvm *kvm, u64 gpa, u8 *buf, u64 len, bool write)
{
	lockdep_assert_held(&kvm->slots_lock);
	while (len) {
		gfn_t gfn = gpa >> GFN_SHIFT;
		u64 off = gpa & (GFN_SIZE - 1), n = MIN(len, GFN_SIZE - off);
		struct kvm_memory_slot *slot = usable_slot(kvm, gfn, write);
		void *hva;

		if (!slot)
			return -EFAULT;
		hva = (void *)(__gfn_to_hva_memslot(slot, gfn) + off);
		if (write) {
			memcpy(hva, buf, n);
			mark_dirty(kvm, slot, gfn, 1);
		} else {
			memcpy(buf, hva, n);
		}
		buf += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int kvm_read_guest(struct kvm *kvm, u64 gpa, void *data, u64 len)
{
	return guest_copy(kvm, gpa, data, len, false);
}

int kvm_write_guest(struct kvm *kvm, u64 gpa, const void *data, u64 len)
{
	return guest_copy(kvm, gpa, (void *)data, len, true);
}

int kvm_gfn_to_hva_cache_init(struct kvm *kvm, struct gfn_to_hva_cache *ghc, u64 gpa, u64 len)
{
	gfn_t first = gpa >> GFN_SHIFT, last = (gpa + len - 1) >> GFN_SHIFT;
	struct kvm_memory_slot *slot;

	lockdep_assert_held(&kvm->slots_lock);
	ghc->generation = __kvm_memslots(kvm, 0)->generation;
	ghc->gpa = gpa;
	ghc->len = len;
	ghc->hva = 0;
	ghc->memslot = NULL;
	if (!len || gpa + len < gpa)
		return -EFAULT;
	slot = usable_slot(kvm, first, true);
	if (!slot || !memslot_contains(slot, last))
		return -EFAULT;	/* KVM falls back to the uncached path there; so do the callers */
	ghc->memslot = slot;
	ghc->hva = __gfn_to_hva_memslot(slot, first) + (gpa & (GFN_SIZE - 1));
	return 0;
}

/* ghc, translated again if any memslot changed since (KVM: the generation check). */
static int ghc_refresh(struct kvm *kvm, struct gfn_to_hva_cache *ghc)
{
	if (ghc->generation == __kvm_memslots(kvm, 0)->generation || TEST_SWITCH(kvm, stale_hva_cache))
		return ghc->hva ? 0 : -EFAULT;
	return kvm_gfn_to_hva_cache_init(kvm, ghc, ghc->gpa, ghc->len);
}

/* The cache ready for [offset, offset + len) of its range: 0, -EINVAL past it, -EFAULT. */
static int ghc_check(struct kvm *kvm, struct gfn_to_hva_cache *ghc, u64 offset, u64 len)
{
	lockdep_assert_held(&kvm->slots_lock);
	if (offset > ghc->len || len > ghc->len - offset)
		return -EINVAL;
	return ghc_refresh(kvm, ghc);
}

int kvm_read_guest_offset_cached(struct kvm *kvm, struct gfn_to_hva_cache *ghc, void *data,
				 u64 offset, u64 len)
{
	int err = ghc_check(kvm, ghc, offset, len);

	if (err)
		return err;
	memcpy(data, (const void *)(ghc->hva + offset), len);
	return 0;
}

int kvm_write_guest_offset_cached(struct kvm *kvm, struct gfn_to_hva_cache *ghc, const void *data,
				  u64 offset, u64 len)
{
	u64 gpa = ghc->gpa + offset;
	int err = ghc_check(kvm, ghc, offset, len);

	if (err)
		return err;
	memcpy((void *)(ghc->hva + offset), data, len);
	if (len)
		mark_dirty(kvm, ghc->memslot, gpa >> GFN_SHIFT,
			   ((gpa + len - 1) >> GFN_SHIFT) - (gpa >> GFN_SHIFT) + 1);
	return 0;
}
