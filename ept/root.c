/*
 * EPT roots (KVM's TDP MMU roots): a PML4 with a role (the address space
 * it maps), a reference count and an invalid flag.  Each address space
 * holds a reference on its current root; each vCPU that entered with a root
 * holds one too (kvm_mmu_load()).  Invalidating a root (a DELETE or MOVE)
 * makes the address space let go of it, so the next load makes a fresh
 * one; the invalid root is torn down at once and freed when the last vCPU
 * lets go (ept/zap.c).
 */
#include "ept_internal.h"
#include "arch/memory.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/panic.h"

static int ept_alloc_root(struct kvm *kvm, u16 as_id, struct ept_root **out)
{
	struct ept_root *root = kzalloc(sizeof(*root));
	void *pml4;

	if (!root) {
		return -ENOMEM;
	}
	pml4 = frame_zalloc(ORDER_4K);
	if (!pml4) {
		kfree(root);
		return -ENOMEM;
	}
	root->hpa = virt_to_phys(pml4);
	root->as_id = as_id;
	root->refcount = 1;	/* the address space's */
	root->next = kvm->tdp_mmu_roots;
	kvm->tdp_mmu_roots = root;
	kvm->stat.table_pages++;
	kvm->stat.roots_allocated++;
	*out = root;
	return 0;
}

static void ept_free_root(struct kvm *kvm, struct ept_root *root)
{
	struct ept_root **pp = &kvm->tdp_mmu_roots;

	while (*pp != root) {
		CHECK(*pp);
		pp = &(*pp)->next;
	}
	*pp = root->next;
	frame_free(phys_to_virt(root->hpa));
	kvm->stat.table_pages--;
	kfree(root);
}

int kvm_tdp_mmu_get_vcpu_root(struct kvm *kvm, u16 as_id, struct ept_root **root)
{
	int r;

	CHECK(as_id < KVM_ADDRESS_SPACE_NUM);
	if (!kvm->mmu_root[as_id]) {
		r = ept_alloc_root(kvm, as_id, &kvm->mmu_root[as_id]);
		if (r) {
			return r;
		}
	}
	*root = kvm->mmu_root[as_id];
	return 0;
}

void kvm_tdp_mmu_put_root(struct kvm *kvm, struct ept_root *root)
{
	CHECK(root->refcount > 0);
	if (--root->refcount > 0) {
		return;
	}
	/* A valid root always has its address space's reference. */
	CHECK(root->invalid);
	if (root->zapped) {
		ept_free_root(kvm, root);
	}
}

void kvm_tdp_mmu_invalidate_all_roots(struct kvm *kvm)
{
	struct ept_root *root;
	u16 as_id;

	for_each_tdp_mmu_root(kvm, root)
		root->invalid = true;
	for (as_id = 0; as_id < KVM_ADDRESS_SPACE_NUM; as_id++) {
		root = kvm->mmu_root[as_id];
		if (root) {
			kvm->mmu_root[as_id] = NULL;
			kvm_tdp_mmu_put_root(kvm, root);
		}
	}
}

struct ept_root *ept_find_root(struct kvm *kvm, hpa_t hpa)
{
	struct ept_root *root;

	for_each_tdp_mmu_root(kvm, root) {
		if (root->hpa == hpa) {
			return root;
		}
	}
	return NULL;
}

/* Both take mmu_lock themselves, as KVM's do. */
int kvm_mmu_load(struct kvm *kvm, u16 as_id, hpa_t *root_hpa)
{
	struct ept_root *root;
	int r;

	if (as_id >= KVM_ADDRESS_SPACE_NUM) {
		return -EINVAL;
	}
	spin_lock(&kvm->mmu_lock);
	r = kvm_tdp_mmu_get_vcpu_root(kvm, as_id, &root);
	if (!r) {
		root->refcount++;
		*root_hpa = root->hpa;
	}
	spin_unlock(&kvm->mmu_lock);
	return r;
}

void kvm_mmu_unload(struct kvm *kvm, hpa_t root_hpa)
{
	struct ept_root *root;

	spin_lock(&kvm->mmu_lock);
	root = ept_find_root(kvm, root_hpa);
	if (!root) {
		panic("kvm_mmu_unload: no root at 0x%llx", root_hpa);
	}
	kvm_tdp_mmu_put_root(kvm, root);
	spin_unlock(&kvm->mmu_lock);
}

void kvm_mmu_uninit_tdp_mmu(struct kvm *kvm)
{
	/* Everything goes now, whatever the test switches say. */
#ifdef CONFIG_SLOTVISOR_TEST
	kvm->debug.no_zap = false;
#endif
	kvm_tdp_mmu_invalidate_all_roots(kvm);
	kvm_tdp_mmu_zap_invalidated_roots(kvm);
	if (kvm->tdp_mmu_roots) {
		panic("kvm_destroy_vm: a vCPU still holds the root at 0x%llx (refcount %d)",
		      kvm->tdp_mmu_roots->hpa, kvm->tdp_mmu_roots->refcount);
	}
}
