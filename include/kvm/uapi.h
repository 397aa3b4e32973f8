/*
 * The memslot request, laid out as Linux's uapi (<linux/kvm.h>) lays it out.
 *
 * Host builds take the struct and the flag bits from <linux/kvm.h> itself,
 * so the host library, its callers and the /dev/kvm differential test all
 * use the one definition; the freestanding kernel has the copy below.  The
 * asserts pin the layout in both builds, so the two cannot drift apart.
 */
#pragma once

#include <stddef.h>
#include "types.h"

#if __STDC_HOSTED__
#include <linux/kvm.h>
#else
struct kvm_userspace_memory_region {
	u32 slot;		/* bits 0-15: slot id; bits 16-31: address space */
	u32 flags;		/* KVM_MEM_* */
	u64 guest_phys_addr;
	u64 memory_size;	/* bytes; 0 deletes the slot */
	u64 userspace_addr;	/* here: hypervisor virtual address of VM backing */
};

#define KVM_MEM_LOG_DIRTY_PAGES (1UL << 0)
#define KVM_MEM_READONLY (1UL << 1)
#endif

_Static_assert(sizeof(struct kvm_userspace_memory_region) == 32, "uapi size");
_Static_assert(offsetof(struct kvm_userspace_memory_region, slot) == 0, "uapi slot");
_Static_assert(offsetof(struct kvm_userspace_memory_region, flags) == 4, "uapi flags");
_Static_assert(offsetof(struct kvm_userspace_memory_region, guest_phys_addr) == 8,
	       "uapi guest_phys_addr");
_Static_assert(offsetof(struct kvm_userspace_memory_region, memory_size) == 16,
	       "uapi memory_size");
_Static_assert(offsetof(struct kvm_userspace_memory_region, userspace_addr) == 24,
	       "uapi userspace_addr");
_Static_assert(KVM_MEM_LOG_DIRTY_PAGES == 1 && KVM_MEM_READONLY == 2, "uapi flag bits");
