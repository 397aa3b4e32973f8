/*
 * The VM object's life (KVM's kvm_create_vm()/kvm_destroy_vm()) and the
 * vCPU request hook.
 */
#include "kvm/kvm.h"
#include "memslot/metadata.h"
#include "memslot/sets.h"
#include "memslot/kvm_arch.h"
#include "mm/kmalloc.h"

void memslot_vm_init(struct kvm *kvm)
{
	memslot_init_sets(kvm);
	kvm->max_gpa_bits = KVM_DEFAULT_MAX_GPA_BITS;
	kvm->tdp_max_level = KVM_MAX_HUGEPAGE_LEVEL;
}

struct kvm *kvm_create_vm(void)
{
	struct kvm *kvm = kzalloc(sizeof(*kvm));

	if (!kvm) {
		return NULL;
	}
	memslot_vm_init(kvm);
	return kvm;
}

/* Free every slot of as_id; both sets hold the same ones between changes. */
static void kvm_free_memslots(struct kvm *kvm, u16 as_id)
{
	struct kvm_memslots *active = __kvm_memslots(kvm, as_id);
	struct kvm_memslots *inactive = kvm_get_inactive_memslots(kvm, as_id);
	struct kvm_memory_slot *slot;

	while ((slot = active->gfn_tree)) {
		memslot_set_erase(active, slot);
		memslot_set_erase(inactive, slot);
		kvm_free_memslot(kvm, slot);
	}
}

void memslot_vm_uninit(struct kvm *kvm)
{
	u16 as_id;

	/* The tables go first: zapping a leaf needs its slot's rmap. */
	kvm_arch_destroy_vm(kvm);
	for (as_id = 0; as_id < KVM_ADDRESS_SPACE_NUM; as_id++)
		kvm_free_memslots(kvm, as_id);
	memslot_backing_free(kvm);
}

void kvm_destroy_vm(struct kvm *kvm)
{
	if (!kvm) {
		return;
	}
	memslot_vm_uninit(kvm);
	kfree(kvm);
}

void kvm_make_all_cpus_request(struct kvm *kvm, unsigned int req)
{
	if (req == KVM_REQ_TLB_FLUSH) {
		kvm->stat.remote_tlb_flush++;
	} else if (req == KVM_REQ_MMU_RELOAD) {
		kvm->stat.mmu_reload++;
	}
	if (kvm->request_all) {
		kvm->request_all(kvm, req);
	}
}
