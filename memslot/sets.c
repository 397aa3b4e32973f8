/*
 * Memslot sets and their publication (KVM's kvm_swap_active_memslots()).
 *
 * Each address space has two sets.  A change edits the inactive one, then
 * swaps: readers move to it in one pointer store, and the set they left is
 * brought up to date afterwards, so both end every change identical.  There
 * is no reader to wait for yet (one CPU, callers serialize); an SMP version
 * waits here until no reader can hold the old set (KVM: synchronize_srcu).
 */
#include "kvm/kvm.h"
#include "memslot/sets.h"
#include "compiler.h"
#include "lib/panic.h"
#include "lib/string.h"

void memslot_init_sets(struct kvm *kvm)
{
	u16 as_id;
	int i;

	for (as_id = 0; as_id < KVM_ADDRESS_SPACE_NUM; as_id++) {
		for (i = 0; i < 2; i++) {
			struct kvm_memslots *slots = &kvm->__memslots[as_id][i];

			memset(slots, 0, sizeof(*slots));
			/* as 0 uses generations 0, 2, 4 ...; as 1 uses 1, 3, 5 ... */
			slots->generation = as_id;
			slots->node_idx = i;
		}
		kvm->memslots[as_id] = &kvm->__memslots[as_id][0];
	}
}

struct kvm_memslots *__kvm_memslots(struct kvm *kvm, u16 as_id)
{
	CHECK(as_id < KVM_ADDRESS_SPACE_NUM);
	return READ_ONCE(kvm->memslots[as_id]);
}

struct kvm_memory_slot *gfn_to_memslot(struct kvm *kvm, u16 as_id, gfn_t gfn)
{
	return __gfn_to_memslot(__kvm_memslots(kvm, as_id), gfn);
}

struct kvm_memslots *kvm_get_inactive_memslots(struct kvm *kvm, u16 as_id)
{
	struct kvm_memslots *active = __kvm_memslots(kvm, as_id);

	return active == &kvm->__memslots[as_id][0] ? &kvm->__memslots[as_id][1]
						    : &kvm->__memslots[as_id][0];
}

void kvm_replace_memslot(struct kvm *kvm, struct kvm_memory_slot *old,
			 struct kvm_memory_slot *new)
{
	u16 as_id = old ? old->as_id : new->as_id;
	struct kvm_memslots *slots = kvm_get_inactive_memslots(kvm, as_id);

	CHECK(!old || !new || (old->as_id == new->as_id && old->id == new->id));
	if (old) {
		/* The cache must never name a slot that is no longer in the set. */
		if (slots->last_used_slot == old) {
			slots->last_used_slot = new;
		}
		memslot_set_erase(slots, old);
	}
	if (new) {
		memslot_set_insert(slots, new);
	}
}

/* Let the VM's hook see the generation while the swap is under way. */
static void kvm_arch_memslots_updated(struct kvm *kvm, u16 as_id, u64 gen)
{
	if (kvm->memslots_updated) {
		kvm->memslots_updated(kvm, as_id, gen);
	}
}

void kvm_swap_active_memslots(struct kvm *kvm, u16 as_id)
{
	struct kvm_memslots *slots = kvm_get_inactive_memslots(kvm, as_id);
	u64 gen = __kvm_memslots(kvm, as_id)->generation;

	CHECK(!(gen & KVM_MEMSLOT_GEN_UPDATE_IN_PROGRESS));
	/*
	 * While the bit is set, anything that caches a translation tagged with
	 * the generation (an MMIO marker, a vCPU's last-used slot) must not:
	 * the set it looked at may be the one on its way out.
	 */
	slots->generation = gen | KVM_MEMSLOT_GEN_UPDATE_IN_PROGRESS;
	WRITE_ONCE(kvm->memslots[as_id], slots);
	kvm_arch_memslots_updated(kvm, as_id, slots->generation);
	/*
	 * Advance by the number of address spaces, so that as 0 and as 1 never
	 * share a generation and a stale tag can never look current.
	 */
	gen += KVM_ADDRESS_SPACE_NUM;
	slots->generation = gen;
}

void kvm_activate_memslot(struct kvm *kvm, struct kvm_memory_slot *old,
			  struct kvm_memory_slot *new)
{
	u16 as_id = old ? old->as_id : new->as_id;

	kvm_swap_active_memslots(kvm, as_id);
	/* Propagate the change to the set that was active until now. */
	kvm_replace_memslot(kvm, old, new);
}
