/*
 * Building and publishing memslot sets (memslot/sets.c, memslot/gfn_tree.c).
 * Only the change paths in memslot/change.c and VM setup use these.
 */
#pragma once

#include "memslot/memslot.h"

/* Give kvm its two empty sets per address space, as 0 active, generation = as_id. */
void memslot_init_sets(struct kvm *kvm);

/* The set of as_id that readers do not see. */
struct kvm_memslots *kvm_get_inactive_memslots(struct kvm *kvm, u16 as_id);

/*
 * In the inactive set of their address space, put new where old was: old
 * NULL inserts new, new NULL removes old.  The active set is not touched.
 */
void kvm_replace_memslot(struct kvm *kvm, struct kvm_memory_slot *old,
			 struct kvm_memory_slot *new);

/* Publish as_id's inactive set, advancing the generation by KVM's rule. */
void kvm_swap_active_memslots(struct kvm *kvm, u16 as_id);

/*
 * Publish the inactive set (which has new in old's place), then make the
 * same replacement in the set that just became inactive.
 */
void kvm_activate_memslot(struct kvm *kvm, struct kvm_memory_slot *old,
			  struct kvm_memory_slot *new);

/* Add slot to a set's gfn tree and id hash; its range must overlap none there. */
void memslot_set_insert(struct kvm_memslots *slots, struct kvm_memory_slot *slot);

/* Take slot out of a set's gfn tree and id hash; it must be there. */
void memslot_set_erase(struct kvm_memslots *slots, struct kvm_memory_slot *slot);
