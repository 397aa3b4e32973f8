/* VMs of the in-hypervisor VMM: creation and destruction (memory: vmm/vm_memory.c). */
#include "arch/memory.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "memslot/memslot.h"
#include "mm/kmalloc.h"
#include "devices/pc.h"
#include "vm/vm.h"
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
