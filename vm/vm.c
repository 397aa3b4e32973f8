/* VMs of the in-hypervisor VMM: creation and destruction (memory: vm/memory.c). */
#include "arch/memory.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "memslot/memslot.h"
#include "mm/kmalloc.h"
#include "vm/pc.h"
#include "vm/vm.h"
#include "vmx/vmx.h"

struct vm *vm_create(const char *name)
{
	struct vm *vm;

	vm_vid_probe_once();
	vm = kzalloc(sizeof(*vm));
	if (!vm)
		return NULL;
	memslot_vm_init(&vm->kvm);
	vm->name = name;
	vm_devices_init(vm);
	/* Dirty logging with PML where the CPU has it, as KVM's enable_pml does. */
	vm_set_dirty_log_pml(vm, vmx_pml_supported());
	return vm;
}

int vm_set_dirty_log_pml(struct vm *vm, bool pml)
{
	if (vm->kvm.online_vcpus || vm->kvm.nr_memslot_pages)
		return -EBUSY;
	if (pml && !vmx_pml_supported())
		return -ENODEV;
	vm->kvm.cpu_dirty_log_size = pml ? VM_PML_ENTRIES : 0;
	return 0;
}

void vm_destroy(struct vm *vm)
{
	struct vcpu *v;
	unsigned int i;

	if (!vm)
		return;
	kvm_for_each_vcpu(i, v, &vm->kvm)
		vcpu_destroy(v);
	memslot_vm_uninit(&vm->kvm);
	kfree(vm->pc_testdev);
	kfree(vm->acpi_pm);
	kfree(vm);
}
