/*
 * Reverse maps (ept/rmap.c, after KVM's pte_list in mmu.c): for each gfn (or
 * 2M/1G chunk) of a slot, the leaves that map it.  A head holds one entry
 * pointer inline, or (bit 0 set) a chain of descriptors of PTE_LIST_EXT.
 */
#pragma once

#include "kvm/kvm.h"

#define PTE_LIST_EXT 14

struct pte_list_desc {
	struct pte_list_desc *more;
	u32 spte_count;
	u64 *sptes[PTE_LIST_EXT];
};

/* The rmap head for gfn at level in slot. */
struct kvm_rmap_head *gfn_to_rmap(gfn_t gfn, int level, const struct kvm_memory_slot *slot);

/* Record sptep in head; takes a descriptor from the VM's cache when needed. */
void pte_list_add(struct kvm *kvm, u64 *sptep, struct kvm_rmap_head *head);

/* Remove sptep from head, where it must be. */
void pte_list_remove(struct kvm *kvm, u64 *sptep, struct kvm_rmap_head *head);

/* The number of entries in head. */
unsigned int pte_list_count(const struct kvm_rmap_head *head);

/* The number of times sptep is in head. */
unsigned int pte_list_occurrences(const struct kvm_rmap_head *head, const u64 *sptep);

/* Some entry of head, or NULL if it is empty. */
u64 *pte_list_first(const struct kvm_rmap_head *head);

/* Call fn(sptep, data) for every entry of head; fn must not change head. */
void pte_list_walk(const struct kvm_rmap_head *head, void (*fn)(u64 *sptep, void *data),
		   void *data);

/* Record a new leaf at sptep mapping gfn at level in slot. */
void rmap_add(struct kvm *kvm, const struct kvm_memory_slot *slot, u64 *sptep, gfn_t gfn,
	      int level);

/*
 * Forget the leaf at sptep mapping gfn at level in as_id: its slot is found
 * in the active set (an INVALID copy shares the rmaps of the slot it hides).
 */
void rmap_remove(struct kvm *kvm, u16 as_id, u64 *sptep, gfn_t gfn, int level);
