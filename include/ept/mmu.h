/*
 * The EPT MMU (after KVM's TDP MMU, arch/x86/kvm/mmu/tdp_mmu.c): its common
 * types.  Each API has its own header: roots (ept/root.h), the fault path
 * (ept/fault.h), zapping (ept/zap.h), flushes (ept/flush.h), the memory
 * caches (ept/mmu_cache.h), reading the tables (ept/walk.h); what memslot/
 * calls is include/memslot/kvm_arch.h, and what only ept/ uses is
 * ept/ept_internal.h beside its sources.
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
struct ept_root {
	hpa_t hpa;		/* the PML4 */
	u16 as_id;		/* role: the address space it maps */
	int refcount;		/* the address space's current pointer, and each vCPU */
	bool invalid;		/* no vCPU may enter with it again */
	bool zapped;		/* invalid and torn down: only the PML4 is left */
	struct ept_root *next;	/* in kvm->tdp_mmu_roots */
};

#define for_each_tdp_mmu_root(kvm, root) \
	for ((root) = (kvm)->tdp_mmu_roots; (root); (root) = (root)->next)
