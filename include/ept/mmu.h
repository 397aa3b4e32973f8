/*
 * The EPT MMU (after KVM's TDP MMU, arch/x86/kvm/mmu/tdp_mmu.c): roots,
 * fault-in, zap, write-protect and flush.  memslot/ calls in through the
 * kvm_arch_* and kvm_mmu_* hooks below; vmx/ through kvm_mmu_load(),
 * kvm_mmu_unload(), ept_make_eptp() and kvm_tdp_page_fault().
 */
#pragma once

#include "kvm/kvm.h"
#include "ept/spte.h"

/*
 * The access that caused an EPT violation: bits 2:0 of its exit
 * qualification (SDM Vol. 3C 28.2.1, Table 28-7), so vmx/ may pass
 * qualification & 7 as it is.
 */
#define EPT_ACCESS_READ BIT(0)
#define EPT_ACCESS_WRITE BIT(1)
#define EPT_ACCESS_EXEC BIT(2)

/* A root: one PML4 and what the MMU knows about it. */
struct kvm_mmu_root {
	hpa_t hpa;		/* the PML4 */
	u16 as_id;		/* role: the address space it maps */
	int refcount;		/* the address space's current pointer, and each vCPU */
	bool invalid;		/* no vCPU may enter with it again */
	bool zapped;		/* invalid and torn down: only the PML4 is left */
	struct kvm_mmu_root *next;	/* in kvm->tdp_mmu_roots */
};

#define for_each_tdp_mmu_root(kvm, root) \
	for ((root) = (kvm)->tdp_mmu_roots; (root); (root) = (root)->next)

/* ---- roots (ept/root.c) ---- */

/*
 * The root a vCPU should enter with for as_id: the current valid one, made
 * afresh if the last was invalidated.  Puts its PML4 address in *root_hpa
 * and takes a reference that kvm_mmu_unload() drops.  -EINVAL for a bad
 * as_id, -ENOMEM.
 */
int kvm_mmu_load(struct kvm *kvm, u16 as_id, hpa_t *root_hpa);

/* Drop the reference kvm_mmu_load() took on the root at root_hpa. */
void kvm_mmu_unload(struct kvm *kvm, hpa_t root_hpa);

/* as_id's current valid root, made afresh if there is none; -ENOMEM. */
int kvm_tdp_mmu_get_vcpu_root(struct kvm *kvm, u16 as_id, struct kvm_mmu_root **root);

/* Drop a reference; the last one of an invalid root frees it once torn down. */
void kvm_tdp_mmu_put_root(struct kvm *kvm, struct kvm_mmu_root *root);

/* Mark every root invalid; the address spaces let go of their current ones. */
void kvm_tdp_mmu_invalidate_all_roots(struct kvm *kvm);

/* The root whose PML4 is at hpa, or NULL. */
struct kvm_mmu_root *kvm_tdp_mmu_find_root(struct kvm *kvm, hpa_t hpa);

/* The EPTP that flushes name root by (A/D does not take part in the tag). */
static inline u64 kvm_mmu_root_eptp(const struct kvm_mmu_root *root)
{
	return ept_make_eptp(root->hpa, false);
}

/* Free every root and table at VM destruction; no vCPU may hold a root. */
void kvm_mmu_uninit_tdp_mmu(struct kvm *kvm);

/* ---- the fault path (ept/fault.c) ---- */

/*
 * Resolve an EPT violation at gpa in as_id for access (EPT_ACCESS_*): map
 * the page and return the level of the leaf (1 = 4K, 2 = 2M, 3 = 1G).
 * -EFAULT: no usable slot (none, or one being deleted or moved, or beyond
 * what a 4-level EPT maps): an MMIO access for the device model.  -EPERM: a
 * write to a READONLY slot or to a write-tracked page: an MMIO write.
 * -EINVAL for a bad as_id, -ENOMEM.
 */
int kvm_tdp_page_fault(struct kvm *kvm, u16 as_id, gpa_t gpa, u32 access);

/*
 * The largest level a leaf over gfn may have: what lpage_info allows, what
 * the backing's alignment and contiguity allow, and what the EPT hardware
 * maps (kvm->tdp_max_level).  Dirty logging is the caller's business.
 */
int kvm_mmu_max_mapping_level(struct kvm *kvm, const struct kvm_memory_slot *slot, gfn_t gfn);

/* ---- zap (ept/zap.c): each returns whether a flush is needed ---- */

/* Zap the leaves mapping [start, end) in every root of as_id (tables stay). */
bool kvm_tdp_mmu_zap_leafs(struct kvm *kvm, u16 as_id, gfn_t start, gfn_t end);

/*
 * Zap every entry of root meeting [start, end), leaves first, freeing the
 * tables that map nothing outside it.
 */
bool tdp_mmu_zap_range(struct kvm *kvm, struct kvm_mmu_root *root, gfn_t start, gfn_t end);

/*
 * Zap the leaves recorded in slot's rmaps (KVM's per-slot zap): it looks
 * at every page of the slot, mapped or not; kept to measure against.
 */
bool kvm_mmu_zap_memslot(struct kvm *kvm, const struct kvm_memory_slot *slot);

/*
 * Tear down every invalidated root, leaves first (4K, 2M, 1G, then the
 * tables), flush each, and free those no vCPU holds.
 */
void kvm_tdp_mmu_zap_invalidated_roots(struct kvm *kvm);

/*
 * Invalidate every root, request every vCPU to reload, then zap the
 * invalidated roots: afterwards nothing maps any gfn.
 */
void kvm_mmu_zap_all_fast(struct kvm *kvm);

/* The DELETE/MOVE hook: no EPT entry may map slot once this returns. */
void kvm_arch_flush_shadow_memslot(struct kvm *kvm, struct kvm_memory_slot *slot);

/* ---- write-protect (ept/wrprot.c): each returns whether a flush is needed ---- */

/*
 * Call fn on every leaf that maps slot, in every root of its address space;
 * fn sets *flush when it took something away.  Bumps kvm->tlb_gen then,
 * and returns whether a flush is needed.
 */
bool tdp_mmu_slot_leaves(struct kvm *kvm, const struct kvm_memory_slot *slot,
			 void (*fn)(u64 *sptep, int level, bool *flush));

/*
 * Call fn(sptep, &flush) on the 4K leaves of base_gfn + gfn_offset + bit
 * for each bit of mask (through the rmaps); bumps kvm->tlb_gen when fn
 * set flush, and returns it.
 */
bool rmap_masked_4k_leaves(struct kvm *kvm, const struct kvm_memory_slot *slot,
			   gfn_t gfn_offset, u64 mask, void (*fn)(u64 *sptep, void *flush));

/* Clear W in every leaf that maps slot. */
bool kvm_tdp_mmu_wrprot_slot(struct kvm *kvm, const struct kvm_memory_slot *slot);

/* Clear W in every leaf at min_level or above that maps gfn (via the rmaps). */
bool kvm_mmu_slot_gfn_write_protect(struct kvm *kvm, const struct kvm_memory_slot *slot,
				    gfn_t gfn, int min_level);

/*
 * Re-arm the 4K leaves of the gfns base_gfn + gfn_offset + bit for each bit
 * of mask for their next write: write-protect them, or under PML clear
 * their EPT dirty bits.
 */
bool kvm_arch_mmu_enable_log_dirty_pt_masked(struct kvm *kvm, const struct kvm_memory_slot *slot,
					     gfn_t gfn_offset, u64 mask);

/*
 * The FLAGS_ONLY hook: dirty logging turned on write-protects the slot, or
 * under PML clears its 4K leaves' dirty bits and write-protects its large
 * leaves (either way large leaves are split by the next write); turned
 * off, the slot's leaves are zapped so that they fault back in as large as
 * allowed.
 */
void kvm_mmu_slot_apply_flags(struct kvm *kvm, const struct kvm_memory_slot *old,
			      const struct kvm_memory_slot *new);

/* ---- EPT dirty bits for PML (ept/dirty_bits.c): each returns whether a flush is needed ---- */

/* Clear D in the slot's 4K leaves and W in its large ones. */
bool kvm_tdp_mmu_clear_dirty_slot(struct kvm *kvm, const struct kvm_memory_slot *slot);

/* Clear D in the 4K leaves of base_gfn + gfn_offset + bit for each bit of mask. */
bool kvm_mmu_clear_dirty_pt_masked(struct kvm *kvm, const struct kvm_memory_slot *slot,
				   gfn_t gfn_offset, u64 mask);

/* ---- flush (ept/flush.c): every INVEPT goes through here ---- */

/* INVEPT single-context for root on this CPU, and KVM_REQ_TLB_FLUSH to every vCPU. */
void kvm_flush_root(struct kvm *kvm, struct kvm_mmu_root *root);

/* kvm_flush_root() for every root of the VM. */
void kvm_flush_remote_tlbs(struct kvm *kvm);

/*
 * INVEPT single-context of eptp on this CPU only, through the one wrapper:
 * how a vCPU honours KVM_REQ_TLB_FLUSH and KVM_REQ_MMU_RELOAD.
 */
void ept_flush_eptp(struct kvm *kvm, u64 eptp);

/* ---- the memory caches the fault path allocates from (ept/mmu_cache.c) ---- */

/* Fill the table and rmap-descriptor caches for one fault; -ENOMEM. */
int kvm_mmu_topup_memory_caches(struct kvm *kvm);

/* Take an object from a cache that kvm_mmu_topup_memory_caches() filled. */
void *kvm_mmu_memory_cache_alloc(struct kvm *kvm, struct kvm_mmu_memory_cache *mc);

/* Free what the caches hold. */
void kvm_mmu_free_memory_caches(struct kvm *kvm);

/* ---- reading the tables (ept/walk.c, ept/audit.c) ---- */

/*
 * Translate gpa through as_id's current root: the host physical address,
 * the leaf's level and whether it is writable.  -ENOENT if nothing maps it.
 */
int ept_translate(struct kvm *kvm, u16 as_id, gpa_t gpa, hpa_t *hpa, int *level,
		  bool *writable);

/* Print every leaf of as_id's roots on the console ("ept: ..."). */
void ept_dump(struct kvm *kvm, u16 as_id);

/* The present leaves under root_hpa, per level (1..3), by walking the tables. */
void ept_count_leaves(hpa_t root_hpa, u64 leaves[KVM_NR_PAGE_SIZES], u64 *tables);

/*
 * Check the MMU's invariants: every present leaf lies in a live slot of
 * its root's address space, maps that slot's backing, obeys READONLY,
 * write tracking and dirty logging, and is in exactly one rmap (the right
 * one); every rmap entry is such a leaf; no invalidated root has leaves.
 * 0, or -EIO with the first violation described in why.
 */
int kvm_mmu_audit(struct kvm *kvm, char *why, size_t len);
