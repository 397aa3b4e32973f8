/*
 * The fault path's memory caches (KVM's kvm_mmu_memory_cache): a fault
 * first tops them up with everything it could need (a table per level below
 * the root, one rmap descriptor), and only then touches the tables, so an
 * allocation failure never leaves a half-made mapping.  What a fault does
 * not use stays for the next one; kvm_destroy_vm() frees the rest.
 */
#include "ept_internal.h"
#include "ept/rmap.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/panic.h"

#define NR_TABLES_PER_FAULT (EPT_ROOT_LEVEL - 1)
#define NR_DESCS_PER_FAULT 1

_Static_assert(NR_TABLES_PER_FAULT <= KVM_MMU_CACHE_OBJS, "table cache too small");

static void *alloc_table(void)
{
	return frame_zalloc(ORDER_4K);
}

static void *alloc_desc(void)
{
	return kzalloc(sizeof(struct pte_list_desc));
}

static int mmu_topup_memory_cache(struct kvm_mmu_memory_cache *mc, int min,
				  void *(*alloc)(void))
{
	while (mc->nobjs < min) {
		void *obj = alloc();

		if (!obj) {
			return -ENOMEM;
		}
		mc->objs[mc->nobjs++] = obj;
	}
	return 0;
}

int kvm_mmu_topup_memory_caches(struct kvm *kvm)
{
	int r;

	r = mmu_topup_memory_cache(&kvm->mmu_page_cache, NR_TABLES_PER_FAULT, alloc_table);
	if (r) {
		return r;
	}
	return mmu_topup_memory_cache(&kvm->pte_list_desc_cache, NR_DESCS_PER_FAULT, alloc_desc);
}

void *kvm_mmu_memory_cache_alloc(struct kvm *kvm, struct kvm_mmu_memory_cache *mc)
{
	CHECK(mc->nobjs > 0);
	return mc->objs[--mc->nobjs];
}

void kvm_mmu_free_memory_caches(struct kvm *kvm)
{
	while (kvm->mmu_page_cache.nobjs > 0)
		frame_free(kvm->mmu_page_cache.objs[--kvm->mmu_page_cache.nobjs]);
	while (kvm->pte_list_desc_cache.nobjs > 0)
		kfree(kvm->pte_list_desc_cache.objs[--kvm->pte_list_desc_cache.nobjs]);
}
