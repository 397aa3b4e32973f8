/*
 * Taking leaves out of the EPT tables (ept/zap.c).
 */
#pragma once

#include "ept/mmu.h"

/* Zap the leaves mapping [start, end) in every root of as_id (tables stay). */
bool kvm_tdp_mmu_zap_leafs(struct kvm *kvm, u16 as_id, gfn_t start, gfn_t end);

/*
 * Zap the leaves recorded in slot's rmaps (KVM's per-slot zap): it looks
 * at every page of the slot, mapped or not; kept to measure against.
 */
bool ept_zap_memslot(struct kvm *kvm, const struct kvm_memory_slot *slot);

/*
 * Invalidate every root, request every vCPU to reload, then zap the
 * invalidated roots: afterwards nothing maps any gfn.
 */
void kvm_mmu_zap_all_fast(struct kvm *kvm);
