/*
 * A VM's memory: backing plus a memslot, and lookups through the slots.
 * Apart from vm.c because it needs no VMX: the monitor's host tests link it.
 */
#include "lib/errno.h"
#include "memslot/memslot.h"
#include "vm/vm.h"

int vm_add_memory(struct vm *vm, u32 slot, u64 gpa, u64 size, u32 flags, hva_t *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa, .memory_size = size,
	};
	hva_t backing;
	int err = memslot_backing_alloc(&vm->kvm, size, &backing);

	if (err)
		return err;
	r.userspace_addr = backing;
	err = kvm_set_memory_region(&vm->kvm, &r);
	if (!err && hva)
		*hva = backing;
	return err;
}

void *vm_gpa_to_hva(struct vm *vm, u64 gpa)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(&vm->kvm, 0, gpa >> GFN_SHIFT);

	if (!slot || (slot->flags & KVM_MEMSLOT_INVALID))
		return NULL;
	return (void *)(__gfn_to_hva_memslot(slot, gpa >> GFN_SHIFT) + (gpa & (GFN_SIZE - 1)));
}
