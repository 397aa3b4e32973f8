/*
 * Per-slot MMU metadata (KVM's kvm_alloc_memslot_metadata(), x86.c):
 *   rmap[level]       a head per 4K gfn, per 2M and per 1G chunk of the
 *                     slot, listing the leaves that map it (ept/rmap.c);
 *   lpage_info[0..1]  a disallow_lpage count per 2M and 1G chunk: a chunk
 *                     may be one large leaf only while its count is zero;
 *   gfn_write_track   a count per gfn (memslot/page_track.c).
 * A 1 GiB slot needs 2 MiB of rmap heads, so large arrays come straight
 * from the frame allocator rather than from kmalloc.
 */
#include "memslot/metadata.h"
#include "arch/memory.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "compiler.h"
#include "lib/errno.h"
#include "lib/panic.h"
#include "lib/string.h"

/* Arrays up to this size come from kmalloc's slabs. */
#define KVZALLOC_SLAB_MAX 2048

/* The smallest frame order that holds size bytes, or FRAME_MAX_ORDER + 1. */
static unsigned int order_for(u64 size)
{
	unsigned int order = 0;

	while (order <= FRAME_MAX_ORDER && (FRAME_SIZE << order) < size)
		order++;
	return order;
}

void *kvzalloc(u64 size)
{
	if (size <= KVZALLOC_SLAB_MAX) {
		return kzalloc(size);
	}
	if (order_for(size) > FRAME_MAX_ORDER) {
		return NULL;
	}
	return frame_zalloc(order_for(size));
}

void kvfree(void *p, u64 size)
{
	if (!p) {
		return;
	}
	if (size <= KVZALLOC_SLAB_MAX) {
		kfree(p);
	} else {
		frame_free(p);
	}
}

/* KVM's rules for which chunks of a new slot may never be one large leaf. */
static void init_lpage_info(struct kvm_memory_slot *slot, int level)
{
	struct kvm_lpage_info *linfo = slot->arch.lpage_info[level - 2];
	u64 lpages = __kvm_mmu_slot_lpages(slot, level);
	u64 mask = KVM_PAGES_PER_HPAGE(level) - 1;
	u64 hfn = virt_to_phys((void *)slot->userspace_addr) >> GFN_SHIFT;
	u64 j;

	/* A head or tail chunk that the slot only partly covers. */
	if (slot->base_gfn & mask) {
		linfo[0].disallow_lpage = 1;
	}
	if (memslot_end(slot) & mask) {
		linfo[lpages - 1].disallow_lpage = 1;
	}
	/*
	 * If gfn and backing disagree in their low bits, no chunk's backing
	 * starts on a boundary of this size: no large leaf at all.  KVM compares
	 * with userspace_addr, as the host's huge pages follow virtual
	 * alignment; an EPT leaf needs the frames themselves aligned, so this
	 * compares with the physical address (the same bits in the kernel's
	 * direct map; not in the host tests' arena, which is only 2 MiB aligned).
	 */
	if ((slot->base_gfn ^ hfn) & mask) {
		for (j = 0; j < lpages; j++)
			linfo[j].disallow_lpage = 1;
	}
}

int kvm_alloc_memslot_metadata(struct kvm *kvm, struct kvm_memory_slot *slot)
{
	struct kvm_arch_memory_slot *arch = &slot->arch;
	int level;

	memset(arch, 0, sizeof(*arch));
	for (level = PG_LEVEL_4K; level <= KVM_MAX_HUGEPAGE_LEVEL; level++) {
		arch->rmap[level - 1] = kvzalloc(__kvm_mmu_slot_lpages(slot, level) *
						 sizeof(struct kvm_rmap_head));
		if (!arch->rmap[level - 1]) {
			goto out_free;
		}
	}
	for (level = PG_LEVEL_2M; level <= KVM_MAX_HUGEPAGE_LEVEL; level++) {
		arch->lpage_info[level - 2] = kvzalloc(__kvm_mmu_slot_lpages(slot, level) *
						       sizeof(struct kvm_lpage_info));
		if (!arch->lpage_info[level - 2]) {
			goto out_free;
		}
		init_lpage_info(slot, level);
	}
	arch->gfn_write_track = kvzalloc(slot->npages * sizeof(u16));
	if (!arch->gfn_write_track) {
		goto out_free;
	}
	return 0;

out_free:
	kvm_arch_free_memslot(kvm, slot);
	return -ENOMEM;
}

void kvm_arch_free_memslot(struct kvm *kvm, struct kvm_memory_slot *slot)
{
	struct kvm_arch_memory_slot *arch = &slot->arch;
	int level;

	for (level = PG_LEVEL_4K; level <= KVM_MAX_HUGEPAGE_LEVEL; level++) {
		kvfree(arch->rmap[level - 1],
		       __kvm_mmu_slot_lpages(slot, level) * sizeof(struct kvm_rmap_head));
	}
	for (level = PG_LEVEL_2M; level <= KVM_MAX_HUGEPAGE_LEVEL; level++) {
		kvfree(arch->lpage_info[level - 2],
		       __kvm_mmu_slot_lpages(slot, level) * sizeof(struct kvm_lpage_info));
	}
	kvfree(arch->gfn_write_track, slot->npages * sizeof(u16));
	memset(arch, 0, sizeof(*arch));
}

void kvm_mmu_gfn_disallow_lpage(const struct kvm_memory_slot *slot, gfn_t gfn)
{
	int level;

	for (level = PG_LEVEL_2M; level <= KVM_MAX_HUGEPAGE_LEVEL; level++)
		lpage_info_slot(gfn, slot, level)->disallow_lpage++;
}

void kvm_mmu_gfn_allow_lpage(const struct kvm_memory_slot *slot, gfn_t gfn)
{
	int level;

	for (level = PG_LEVEL_2M; level <= KVM_MAX_HUGEPAGE_LEVEL; level++) {
		struct kvm_lpage_info *linfo = lpage_info_slot(gfn, slot, level);

		CHECK(linfo->disallow_lpage > 0);
		linfo->disallow_lpage--;
	}
}

void kvm_free_memslot(struct kvm *kvm, struct kvm_memory_slot *slot)
{
	kvm_destroy_dirty_bitmap(slot);
	kvm_arch_free_memslot(kvm, slot);
	kfree(slot);
}
