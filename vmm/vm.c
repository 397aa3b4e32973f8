/* VMs of the in-hypervisor VMM: creation, memory, destruction. */
#include "arch/memory.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "memslot/memslot.h"
#include "mm/kmalloc.h"
#include "vmm/devices.h"
#include "vmm/vmm.h"
#include "vmx/vmx.h"

struct vm *vm_create(const char *name)
{
	struct vm *vm = kzalloc(sizeof(*vm));

	if (!vm)
		return NULL;
	vm->kvm = kvm_create_vm();
	if (!vm->kvm) {
		kfree(vm);
		return NULL;
	}
	vm->name = name;
	vm->kvm->owner = vm;
	vm_devices_init(vm);
	/* Dirty logging with PML where the CPU has it, as KVM's enable_pml does. */
	vm_set_dirty_log_pml(vm, vmx_pml_supported());
	return vm;
}

int vm_set_dirty_log_pml(struct vm *vm, bool pml)
{
	if (vm->nr_vcpus || vm->kvm->nr_memslot_pages)
		return -EBUSY;
	if (pml && !vmx_pml_supported())
		return -ENODEV;
	vm->kvm->cpu_dirty_log_size = pml ? VM_PML_ENTRIES : 0;
	return 0;
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_destroy(vm->vcpus[i]);
	kvm_destroy_vm(vm->kvm);
	kfree(vm);
}

int vm_add_memory(struct vm *vm, u32 slot, u64 gpa, u64 size, u32 flags, hva_t *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa, .memory_size = size,
	};
	hva_t backing;
	int err = kvm_backing_alloc(vm->kvm, size, &backing);

	if (err)
		return err;
	r.userspace_addr = backing;
	err = kvm_set_memory_region(vm->kvm, &r);
	if (!err && hva)
		*hva = backing;
	return err;
}

void *vm_gpa_to_hva(struct vm *vm, u64 gpa)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(vm->kvm, 0, gpa >> GFN_SHIFT);

	if (!slot || (slot->flags & KVM_MEMSLOT_INVALID))
		return NULL;
	return (void *)(__gfn_to_hva_memslot(slot, gpa >> GFN_SHIFT) + (gpa & (GFN_SIZE - 1)));
}
