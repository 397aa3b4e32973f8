/*
 * slotvisor's memslot and EPT layers as a host library: `make hostlib`
 * builds build/host/libslotvisor.a from the same memslot/, ept/ and mm/
 * sources as the hypervisor, over fake physical memory (arch/fake), with
 * AddressSanitizer and UBSan: link with -fsanitize=address,undefined.
 *
 * A VM has backing_bytes of host memory (rounded up to 2 MiB); memslot
 * requests name it by address, userspace_addr = sv_vm_backing_base() +
 * offset, and are answered as Linux's KVM_SET_USER_MEMORY_REGION answers
 * them.  Functions return 0 or a negative errno value, as KVM would.
 * Calls for one VM must not run concurrently.
 */
#ifndef SLOTVISOR_HOST_H
#define SLOTVISOR_HOST_H

#include <stdint.h>
#include <linux/kvm.h>

struct sv_vm;

struct sv_vm *sv_vm_create(uint64_t backing_bytes);   /* NULL on failure */
void sv_vm_destroy(struct sv_vm *vm);                  /* frees everything; leak-free */
uint64_t sv_vm_backing_base(struct sv_vm *vm);         /* hva of the VM's backing (2M aligned) */
int sv_set_memory_region(struct sv_vm *vm, const struct kvm_userspace_memory_region *r);
int sv_get_memslot(struct sv_vm *vm, uint32_t slot, struct kvm_userspace_memory_region *out);
                                                       /* 0, or -ENOENT if no such slot */
int sv_gfn_to_slot(struct sv_vm *vm, uint16_t as_id, uint64_t gfn);  /* id, or -ENOENT */
uint64_t sv_memslots_generation(struct sv_vm *vm, uint16_t as_id);
int sv_vcpu_fault(struct sv_vm *vm, uint16_t as_id, uint64_t gpa, int write);
      /* resolves an EPT violation as a vCPU would: the level mapped (1=4K, 2=2M, 3=1G),
         -EFAULT for MMIO (no usable slot), -EPERM for a write to a READONLY slot */
int sv_ept_translate(struct sv_vm *vm, uint16_t as_id, uint64_t gpa,
                     uint64_t *hva, int *level, int *writable);   /* 0, or -ENOENT if unmapped */
int sv_get_dirty_log(struct sv_vm *vm, uint32_t slot, uint64_t *bitmap);  /* get and clear */
uint64_t sv_invept_count(struct sv_vm *vm);

#endif
