/*
 * The memory caches the fault path allocates from (ept/mmu_cache.c).
 */
#pragma once

#include "ept/mmu.h"

/* Fill the table and rmap-descriptor caches for one fault; -ENOMEM. */
int kvm_mmu_topup_memory_caches(struct kvm *kvm);
