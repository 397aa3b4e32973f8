/*
 * Memory hot-plug through memslots (include/vm/virtio.h): the VM's side of
 * virtio-mem.  The device model (devices/virtio_mem.c) decides what the
 * guest may plug; these hooks make each block a memslot of its own, as
 * QEMU's virtio-mem does with dynamic-memslots=on, so that every unplug
 * runs KVM's whole delete path (invalidate the roots, zap, INVEPT on every
 * CPU) under a live guest before the block's frames go back to the
 * allocator.  They run on the vCPU whose notification carried the
 * request, under the device's lock, never inside its guest.
 */
#include "lib/errno.h"
#include "lib/printf.h"
#include "memslot/memslot.h"
#include "vm/virtio.h"
#include "vm/vm.h"

_Static_assert(VM_RAM_SLOT_END <= VM_HOTPLUG_SLOT, "guest RAM's slots and hot-plugged blocks' do not overlap");

#define GIB_ALIGN GiB(1)

static u32 block_slot(struct vm *vm, u64 addr, u64 size)
{
	return VM_HOTPLUG_SLOT + (u32)((addr - vm->mem.config.addr) / size);
}

/* Release a block's backing (slots_lock taken here); a failure is the hypervisor's bug: say so. */
static void release_backing(struct vm *vm, hva_t hva)
{
	int err;

	spin_lock(&vm->kvm.slots_lock);
	err = memslot_backing_release(&vm->kvm, hva);
	spin_unlock(&vm->kvm.slots_lock);
	if (err)
		kprintf("vmm: %s: hot-plug: the backing at 0x%llx stays: %s\n", vm->name, hva,
			errno_name(err));
}

static int hotplug_block(void *ctx, u64 addr, u64 size)
{
	struct vm *vm = ctx;
	struct kvm_userspace_memory_region r = {
		.slot = block_slot(vm, addr, size), .guest_phys_addr = addr, .memory_size = size,
	};
	hva_t hva;
	int err = memslot_backing_alloc(&vm->kvm, size, &hva);

	if (err)
		return err;
	r.userspace_addr = hva;
	err = kvm_set_memory_region(&vm->kvm, &r);
	if (err)
		release_backing(vm, hva);
	return err;
}

static int hotunplug_block(void *ctx, u64 addr, u64 size)
{
	struct vm *vm = ctx;
	struct kvm_userspace_memory_region r = { .slot = block_slot(vm, addr, size),
						   .guest_phys_addr = addr };
	struct kvm_memory_slot *s;
	hva_t hva = 0;
	int err;

	spin_lock(&vm->kvm.slots_lock);
	s = id_to_memslot(__kvm_memslots(&vm->kvm, 0), (int)r.slot);
	if (s && s->base_gfn == gpa_to_gfn(addr) && s->npages << GFN_SHIFT == size)
		hva = s->userspace_addr;
	spin_unlock(&vm->kvm.slots_lock);
	if (!hva)
		return -ENOENT;	/* not the block's slot any more (the monitor's doing) */
	err = kvm_set_memory_region(&vm->kvm, &r);
	if (!err)
		release_backing(vm, hva);
	return err;
}

int vm_virtio_add_mem(struct vm *vm, u64 ram_end, u64 size)
{
	const struct virtio_mem_hooks hooks = { .plug = hotplug_block, .unplug = hotunplug_block,
						.ctx = vm };
	u64 base = ALIGN_UP(MAX(ram_end, GiB(4)), GIB_ALIGN);
	struct vm_virtio *d;
	int err;

	if (!size || size % VM_HOTPLUG_ALIGN || size > VM_HOTPLUG_MAX)
		return -EINVAL;
	d = vm_virtio_add(vm, &virtio_mem_ops, &vm->mem, "virtio-mem");
	if (!d)
		return -ENOSPC;
	err = virtio_mem_init(&vm->mem, base, size, VM_HOTPLUG_BLOCK_SIZE, &hooks, &d->mmio);
	if (err) {
		vm->nr_virtio--;
		return err;
	}
	vm->mem_dev = d;
	return 0;
}

int vm_hotplug_request(struct vm *vm, u64 size)
{
	int err;

	if (!vm->mem_dev)
		return -ENODEV;
	spin_lock(&vm->mem_dev->lock);
	err = virtio_mem_set_requested(&vm->mem, size);
	vm_virtio_update_irq(vm->mem_dev);
	spin_unlock(&vm->mem_dev->lock);
	return err;
}
