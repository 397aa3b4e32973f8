/*
 * The EPT fault path (ept/fault.c): a guest access the tables do not allow,
 * served from the memslots.
 */
#pragma once

#include "ept/mmu.h"

/*
 * Resolve an EPT violation at gpa in as_id for access (EPT_ACCESS_*): map
 * the page and return the level of the leaf (1 = 4K, 2 = 2M, 3 = 1G).
 * -EFAULT: no usable slot (none, or one being deleted or moved, or beyond
 * what a 4-level EPT maps): an MMIO access for the device model.  -EPERM: a
 * write to a READONLY slot or to a write-tracked page: an MMIO write.
 * -EINVAL for a bad as_id, -ENOMEM.
 */
int kvm_tdp_page_fault(struct kvm *kvm, u16 as_id, gpa_t gpa, u32 access);
/* The same with mmu_lock already held (a caller inside a memslot change). */
int __kvm_tdp_page_fault(struct kvm *kvm, u16 as_id, gpa_t gpa, u32 access);

/*
 * The largest level a leaf over gfn may have: what lpage_info allows, what
 * the backing's alignment and contiguity allow, and what the EPT hardware
 * maps (kvm->tdp_max_level).  Dirty logging is the caller's business.
 */
int kvm_mmu_max_mapping_level(struct kvm *kvm, const struct kvm_memory_slot *slot, gfn_t gfn);
