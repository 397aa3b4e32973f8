/*
 * EPT roots (ept/root.c): what a vCPU enters with, and how tests find one.
 */
#pragma once

#include "ept/mmu.h"

/*
 * The root a vCPU should enter with for as_id: the current valid one, made
 * afresh if the last was invalidated.  Puts its PML4 address in *root_hpa
 * and takes a reference that kvm_mmu_unload() drops.  -EINVAL for a bad
 * as_id, -ENOMEM.
 */
int kvm_mmu_load(struct kvm *kvm, u16 as_id, hpa_t *root_hpa);

/* Drop the reference kvm_mmu_load() took on the root at root_hpa. */
void kvm_mmu_unload(struct kvm *kvm, hpa_t root_hpa);

/* The root whose PML4 is at hpa, or NULL. */
struct ept_root *ept_find_root(struct kvm *kvm, hpa_t hpa);

/* The EPTP that flushes name root by (A/D does not take part in the tag). */
static inline u64 ept_root_eptp(const struct ept_root *root)
{
	return ept_make_eptp(root->hpa, false);
}
