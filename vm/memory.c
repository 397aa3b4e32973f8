/*
 * A VM's memory: backing plus a memslot (guest RAM in several where no free
 * block holds it), and lookups through the slots.
 * Apart from vm.c because it needs no VMX: the monitor's host tests link it.
 */
#include "lib/errno.h"
#include "lib/printf.h"
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

/*
 * The largest piece of guest RAM to try at gpa with left bytes to go: a
 * power of two no larger than left that gpa is aligned to, so that a piece's
 * guest and host addresses (backing blocks are aligned to their size) agree
 * in the bits that 2 MiB and 1 GiB leaves need.
 */
static u64 ram_piece(u64 gpa, u64 left)
{
	u64 p = 1ULL << (63 - __builtin_clzll(left));

	while (gpa & (p - 1))
		p >>= 1;
	return p;
}

int vm_add_ram(struct vm *vm, u32 *slot, u32 slot_end, u64 gpa, u64 size)
{
	u32 first = *slot;
	u64 left = size, p;
	int err = vm_add_memory(vm, *slot, gpa, size, 0, NULL);

	if (err != -ENOMEM) {
		*slot += !err;
		return err;
	}
	/* No free block holds it all: the largest pieces that can be had. */
	for (; left; gpa += p, left -= p) {
		if (*slot == slot_end) {
			kprintf("vmm: %s: %llu MiB of RAM needs more than %u memslots in this memory\n",
				vm->name, size >> 20, slot_end - first);
			return -ENOMEM;
		}
		p = ram_piece(gpa, left);
		while ((err = vm_add_memory(vm, *slot, gpa, p, 0, NULL)) == -ENOMEM && p > MiB(2))
			p >>= 1;
		if (err)
			return err;
		(*slot)++;
	}
	kprintf("vmm: %s: no free block holds %llu MiB of RAM: it is in %u memslots\n", vm->name,
		size >> 20, *slot - first);
	return 0;
}

void *vm_gpa_to_hva(struct vm *vm, u64 gpa)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(&vm->kvm, 0, gpa >> GFN_SHIFT);

	if (!slot || (slot->flags & KVM_MEMSLOT_INVALID))
		return NULL;
	return (void *)(__gfn_to_hva_memslot(slot, gpa >> GFN_SHIFT) + (gpa & (GFN_SIZE - 1)));
}
