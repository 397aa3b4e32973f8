/*
 * The host library's API (include/slotvisor/host.h) over the VM object.
 * The first sv_vm_create() makes fake physical memory and starts the frame
 * allocator over it, unless the program already did (host unit tests do);
 * the arena is reserved, not committed, so only what is touched costs.
 */
#include "hostlib_internal.h"
#include "kvm/kvm.h"
#include "ept/fault.h"
#include "ept/walk.h"
#include "arch/memory.h"
#include "fake.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"

#define SV_BACKING_ALIGN (2ULL << 20)
#define SV_BAD_GENERATION UINT64_MAX

struct sv_vm {
	struct kvm *kvm;
	hva_t backing;
};

static int sv_ensure_memory(void)
{
	struct frame_stats st;
	struct memmap m = { 0 };

	frame_get_stats(&st);
	if (st.total_frames) {
		return 0;
	}
	fake_mem_init(SV_ARENA_SIZE);
	memmap_add(&m, FAKE_PHYS_BASE, FAKE_PHYS_BASE + SV_ARENA_SIZE);
	return frame_init(&m);
}

struct kvm *sv_vm_kvm(struct sv_vm *vm)
{
	return vm->kvm;
}

struct sv_vm *sv_vm_create(uint64_t backing_bytes)
{
	struct sv_vm *vm;

	if (sv_ensure_memory()) {
		return NULL;
	}
	vm = kzalloc(sizeof(*vm));
	if (!vm) {
		return NULL;
	}
	vm->kvm = kvm_create_vm();
	if (!vm->kvm) {
		goto out_free_vm;
	}
	if (backing_bytes && memslot_backing_alloc(vm->kvm, ALIGN_UP(backing_bytes, SV_BACKING_ALIGN),
					       &vm->backing)) {
		goto out_destroy;
	}
	return vm;

out_destroy:
	kvm_destroy_vm(vm->kvm);
out_free_vm:
	kfree(vm);
	return NULL;
}

void sv_vm_destroy(struct sv_vm *vm)
{
	if (vm) {
		kvm_destroy_vm(vm->kvm);
		kfree(vm);
	}
}

uint64_t sv_vm_backing_base(struct sv_vm *vm)
{
	return vm->backing;
}

int sv_set_memory_region(struct sv_vm *vm, const struct kvm_userspace_memory_region *r)
{
	return kvm_set_memory_region(vm->kvm, r);
}

int sv_get_memslot(struct sv_vm *vm, uint32_t slot, struct kvm_userspace_memory_region *out)
{
	u16 as_id = slot >> KVM_MEMSLOT_AS_SHIFT;
	struct kvm_memory_slot *s;

	if (as_id >= KVM_ADDRESS_SPACE_NUM) {
		return -ENOENT;
	}
	s = id_to_memslot(__kvm_memslots(vm->kvm, as_id), slot & KVM_MEMSLOT_ID_MASK);
	if (!s) {
		return -ENOENT;
	}
	out->slot = slot;
	out->flags = s->flags & (KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY);
	out->guest_phys_addr = gfn_to_gpa(s->base_gfn);
	out->memory_size = s->npages << GFN_SHIFT;
	out->userspace_addr = s->userspace_addr;
	return 0;
}

int sv_gfn_to_slot(struct sv_vm *vm, uint16_t as_id, uint64_t gfn)
{
	struct kvm_memory_slot *s;

	if (as_id >= KVM_ADDRESS_SPACE_NUM) {
		return -EINVAL;
	}
	s = gfn_to_memslot(vm->kvm, as_id, gfn);
	if (!s || (s->flags & KVM_MEMSLOT_INVALID)) {
		return -ENOENT;
	}
	return s->id;
}

uint64_t sv_memslots_generation(struct sv_vm *vm, uint16_t as_id)
{
	if (as_id >= KVM_ADDRESS_SPACE_NUM) {
		return SV_BAD_GENERATION;
	}
	return __kvm_memslots(vm->kvm, as_id)->generation;
}

int sv_vcpu_fault(struct sv_vm *vm, uint16_t as_id, uint64_t gpa, int write)
{
	return kvm_tdp_page_fault(vm->kvm, as_id, gpa, write ? EPT_ACCESS_WRITE : EPT_ACCESS_READ);
}

int sv_ept_translate(struct sv_vm *vm, uint16_t as_id, uint64_t gpa, uint64_t *hva,
		     int *level, int *writable)
{
	hpa_t hpa;
	int lvl, r;
	bool w;

	r = ept_translate(vm->kvm, as_id, gpa, &hpa, &lvl, &w);
	if (r) {
		return r;
	}
	if (hva) {
		*hva = (uint64_t)phys_to_virt(hpa);
	}
	if (level) {
		*level = lvl;
	}
	if (writable) {
		*writable = w;
	}
	return 0;
}

int sv_get_dirty_log(struct sv_vm *vm, uint32_t slot, uint64_t *bitmap)
{
	return kvm_get_dirty_log(vm->kvm, slot, (u64 *)bitmap);
}

uint64_t sv_invept_count(struct sv_vm *vm)
{
	return vm->kvm->stat.invept;
}
