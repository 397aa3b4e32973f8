/*
 * Memslots: what guest-physical memory a VM has and which host memory backs
 * it, with KVM's data structures (virt/kvm/kvm_main.c, include/linux/kvm_host.h).
 *
 * Each address space has two memslot sets.  Readers (the fault path, the
 * lookups below) use the active one; a change is built on the inactive one
 * and published by swapping the two (memslot/sets.c).  A slot therefore sits
 * in both sets at once, through node[0] and node[1]; a set's node_idx says
 * which of the two it uses.
 */
#pragma once

#include "kvm/kvm_types.h"
#include "kvm/uapi.h"

struct kvm;

#define KVM_ADDRESS_SPACE_NUM 2		/* x86 with SMM: normal and SMM memory */
#define KVM_MEM_SLOTS_NUM 32767		/* slot ids 0..32766 (SHRT_MAX) */
#define KVM_INTERNAL_MEM_SLOTS 3	/* the top three ids are not the caller's */
#define KVM_USER_MEM_SLOTS (KVM_MEM_SLOTS_NUM - KVM_INTERNAL_MEM_SLOTS)
/* KVM's: the slot of the APIC-access page (vmx/apic_access.c), at the xAPIC's base. */
#define APIC_ACCESS_PAGE_PRIVATE_MEMSLOT (KVM_USER_MEM_SLOTS + 1)
#define KVM_MEM_MAX_NR_PAGES ((1ULL << 31) - 1)
#define KVM_MEMSLOT_AS_SHIFT 16		/* request.slot bits 16-31: address space */
#define KVM_MEMSLOT_ID_MASK 0xffffU	/* request.slot bits 0-15: slot id */

/* The internal flag of a slot being deleted or moved: faults on it are MMIO. */
#define KVM_MEMSLOT_INVALID (1UL << 16)

/* Set in a set's generation while a swap is under way. */
#define KVM_MEMSLOT_GEN_UPDATE_IN_PROGRESS (1ULL << 63)

/* The guest's physical-address width when the VM does not say otherwise. */
#define KVM_DEFAULT_MAX_GPA_BITS 52

#define KVM_MEMSLOT_ID_HASH_BITS 10

/* The leaves that map one gfn (or one 2M/1G chunk): ept/rmap.c. */
struct kvm_rmap_head {
	unsigned long val;
};

/* Whether a 2M/1G chunk of a slot may be mapped by one large leaf. */
struct kvm_lpage_info {
	int disallow_lpage;
};

/* Per-slot metadata of the MMU (KVM's kvm_arch_memory_slot). */
struct kvm_arch_memory_slot {
	struct kvm_rmap_head *rmap[KVM_NR_PAGE_SIZES];	/* per 4K gfn, 2M and 1G chunk */
	struct kvm_lpage_info *lpage_info[KVM_NR_PAGE_SIZES - 1];	/* 2M, 1G */
	u16 *gfn_write_track;				/* per gfn */
};

/* A slot's links in one memslot set's gfn tree (AVL). */
struct kvm_memslot_node {
	struct kvm_memory_slot *left, *right;
	int height;
};

struct kvm_memory_slot {
	/* What a lookup reads, first, so that each tree level costs one cache line. */
	gfn_t base_gfn;
	u64 npages;
	struct kvm_memslot_node node[2];
	struct kvm_memory_slot *id_next[2];	/* the id hash chains, per set */
	u64 *dirty_bitmap;		/* one bit per page, with LOG_DIRTY_PAGES */
	struct kvm_arch_memory_slot arch;
	hva_t userspace_addr;		/* backing: a hypervisor virtual address */
	u32 flags;			/* KVM_MEM_* and KVM_MEMSLOT_INVALID */
	u16 id;
	u16 as_id;
};

/* One 64-byte line for a lookup's fields when the slot is line-aligned (kmalloc's 256-byte ones are). */
_Static_assert(__builtin_offsetof(struct kvm_memory_slot, node[2]) <= 64,
	       "a lookup's fields fit in 64 bytes");

struct kvm_memslots {
	u64 generation;
	struct kvm_memory_slot *last_used_slot;
	struct kvm_memory_slot *gfn_tree;	/* ordered by base_gfn */
	struct kvm_memory_slot *id_hash[1U << KVM_MEMSLOT_ID_HASH_BITS];
	int node_idx;
	u32 nr_slots;
};

enum kvm_mr_change {
	KVM_MR_CREATE,
	KVM_MR_DELETE,
	KVM_MR_MOVE,
	KVM_MR_FLAGS_ONLY,
};

/* The active memslot set of an address space (as_id < KVM_ADDRESS_SPACE_NUM). */
struct kvm_memslots *__kvm_memslots(struct kvm *kvm, u16 as_id);

/* The slot with this id in slots, or NULL. */
struct kvm_memory_slot *id_to_memslot(struct kvm_memslots *slots, int id);

/* The slot holding gfn (INVALID ones included), or NULL; O(log n), no cache. */
struct kvm_memory_slot *search_memslots(struct kvm_memslots *slots, gfn_t gfn);

/* search_memslots() behind the set's last-used-slot cache. */
struct kvm_memory_slot *__gfn_to_memslot(struct kvm_memslots *slots, gfn_t gfn);

/* The slot holding gfn in as_id's active set (INVALID ones included), or NULL. */
struct kvm_memory_slot *gfn_to_memslot(struct kvm *kvm, u16 as_id, gfn_t gfn);

/* The first slot (lowest base_gfn) that ends after gfn, or NULL: range walks start here. */
struct kvm_memory_slot *memslot_first_ending_after(struct kvm_memslots *slots, gfn_t gfn);

/* The slot after slot in gfn order, or NULL. */
struct kvm_memory_slot *memslot_next(struct kvm_memslots *slots,
					 const struct kvm_memory_slot *slot);

#define kvm_for_each_memslot(slot, slots)                                     \
	for ((slot) = memslot_first_ending_after((slots), 0); (slot);      \
	     (slot) = memslot_next((slots), (slot)))

static inline gfn_t memslot_end(const struct kvm_memory_slot *slot)
{
	return slot->base_gfn + slot->npages;
}

static inline bool memslot_contains(const struct kvm_memory_slot *slot, gfn_t gfn)
{
	return gfn >= slot->base_gfn && gfn < memslot_end(slot);
}

/* The backing address of gfn, which must lie in slot. */
static inline hva_t __gfn_to_hva_memslot(const struct kvm_memory_slot *slot, gfn_t gfn)
{
	return slot->userspace_addr + ((gfn - slot->base_gfn) << GFN_SHIFT);
}

static inline bool kvm_slot_dirty_track_enabled(const struct kvm_memory_slot *slot)
{
	return slot->flags & KVM_MEM_LOG_DIRTY_PAGES;
}

/* The index of gfn's entry at level in a slot's per-level arrays. */
static inline u64 gfn_to_index(gfn_t gfn, gfn_t base_gfn, int level)
{
	return (gfn >> KVM_HPAGE_GFN_SHIFT(level)) - (base_gfn >> KVM_HPAGE_GFN_SHIFT(level));
}

/* How many entries a slot's array for level has. */
static inline u64 __kvm_mmu_slot_lpages(const struct kvm_memory_slot *slot, int level)
{
	return gfn_to_index(memslot_end(slot) - 1, slot->base_gfn, level) + 1;
}

/* The lpage_info entry of gfn's chunk at level (PG_LEVEL_2M or PG_LEVEL_1G). */
static inline struct kvm_lpage_info *lpage_info_slot(gfn_t gfn,
						     const struct kvm_memory_slot *slot,
						     int level)
{
	return &slot->arch.lpage_info[level - 2][gfn_to_index(gfn, slot->base_gfn, level)];
}
