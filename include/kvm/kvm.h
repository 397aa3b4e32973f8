/*
 * The VM object: its memslot sets, its EPT roots, the host memory that backs
 * its guest-physical memory, and the hook through which the MMU asks every
 * vCPU to act before its next VM entry.  vmx/ embeds or points at one per VM.
 *
 * Concurrency: kvm->slots_lock serializes memslot changes and dirty-log
 * fetches; kvm->mmu_lock serializes them with faults and root loads
 * between the VMM's CPU and the vCPUs' CPUs (struct kvm says which takes
 * what).
 */
#pragma once

#include "kvm/kvm_types.h"
#include "kvm/requests.h"
#include "kvm/uapi.h"
#include "lib/spinlock.h"
#include "memslot/memslot.h"


/* Objects the fault path takes without failing, topped up beforehand. */
#define KVM_MMU_CACHE_OBJS 4

struct kvm_mmu_memory_cache {
	int nobjs;
	void *objs[KVM_MMU_CACHE_OBJS];
};

struct ept_root;
struct memslot_backing_block;
struct vcpu;
struct irqchip;

/* vCPUs one VM may have (KVM_MAX_VCPUS; slotvisor's guests need few). */
#define KVM_MAX_VCPUS 8

/* Counters for tests and benchmarks; nothing in the MMU depends on them. */
struct kvm_stat {
	u64 invept;			/* INVEPTs this VM issued */
	u64 remote_tlb_flush;		/* KVM_REQ_TLB_FLUSH rounds */
	u64 mmu_reload;			/* KVM_REQ_MMU_RELOAD rounds */
	u64 table_pages;		/* EPT tables allocated now, roots included */
	u64 leaves[KVM_NR_PAGE_SIZES];	/* present leaves now, per level */
	u64 roots_allocated;		/* roots ever made */
	u64 pml_entries;		/* guest writes the vCPUs' page-modification logs reported */
};

#ifdef CONFIG_SLOTVISOR_TEST
/*
 * Fault-injection switches for the tests' negative controls, in the test
 * image and the host tests only (CONFIG_SLOTVISOR_TEST); the production
 * image has neither the struct nor the checks.  no_flush drops every
 * INVEPT; no_zap leaves invalidated roots' tables in place.
 */
struct test_switches {
	bool no_flush;
	bool no_zap;
	bool no_kick;	/* vmx/: set requests but send no IPI and wait for no acknowledgement */
	bool vcpu_skip_flush;	/* vmx/: vCPUs ignore flush and reload requests */
	bool keep_dirty_bits;	/* PML: getting the log leaves the EPT dirty bits set */
	bool no_dirty_log_sync;	/* PML: getting the log ignores what the vCPUs' logs hold */
	bool stale_hva_cache;	/* guest accesses through a gfn_to_hva_cache skip its generation check */
	bool zap_skipped;	/* no_zap kept a zap from happening: a later zap may meet leaves of deleted slots */
};
#endif

/* Whether test switch sw of obj (a kvm or a vcpu) is on: never outside the test builds. */
#ifdef CONFIG_SLOTVISOR_TEST
#define TEST_SWITCH(obj, sw) ((obj)->debug.sw)
#else
#define TEST_SWITCH(obj, sw) false
#endif

struct kvm {
	/*
	 * KVM's slots_lock (a mutex there; nothing here sleeps): serializes the
	 * writers of the memslot sets and the dirty log.  kvm_set_memory_region()
	 * and kvm_get_dirty_log() take it; __kvm_set_memory_region() and
	 * kvm_set_memslot() assert it.  Taken before mmu_lock.
	 */
	spinlock_t slots_lock;
	/*
	 * KVM's mmu_lock: the EPT tables, roots, rmaps, write tracking, the
	 * dirty bitmaps and tlb_gen.  Taken where KVM takes it: in the fault
	 * path (kvm_tdp_page_fault()), in kvm_mmu_load()/kvm_mmu_unload(), in
	 * kvm_write_track_add/remove_gfn(), and by the memslot code around the
	 * MMU work of a change or a dirty-log fetch; the MMU's entry points
	 * assert it.  Unlike KVM, which lets faults read the memslot sets under
	 * SRCU, the fault path reads them under mmu_lock, so a memslot change
	 * also holds it from its first set swap to its last.  vmx/ takes it
	 * only to empty a PML log into the dirty bitmaps.
	 */
	spinlock_t mmu_lock;
	struct kvm_memslots __memslots[KVM_ADDRESS_SPACE_NUM][2];
	struct kvm_memslots *memslots[KVM_ADDRESS_SPACE_NUM];	/* the active sets */
	u64 nr_memslot_pages;
	u8 max_gpa_bits;	/* guest MAXPHYADDR: slots must end below 2^max_gpa_bits */
	u8 tdp_max_level;	/* largest leaf the EPT hardware maps (IA32_VMX_EPT_VPID_CAP) */
	/*
	 * How dirty logging finds writes (KVM's kvm->arch.cpu_dirty_log_size):
	 * 0, by write protection: a logged page is writable only after a write
	 * fault logged it.  Otherwise the number of entries in each vCPU's
	 * page-modification log (PML, SDM Vol. 3C 29.3.6): logged pages are
	 * writable and the CPU logs the first write that sets a leaf's EPT
	 * dirty bit.  Fixed before the VM has slots or vCPUs.
	 */
	u32 cpu_dirty_log_size;

	struct ept_root *tdp_mmu_roots;	/* every root, valid or invalid */
	struct ept_root *mmu_root[KVM_ADDRESS_SPACE_NUM];	/* current valid, or NULL */
	struct kvm_mmu_memory_cache mmu_page_cache;	/* zeroed 4 KiB table frames */
	struct kvm_mmu_memory_cache pte_list_desc_cache;

	struct memslot_backing_block *backing;

	/*
	 * The VM's vCPUs in the order they were made (KVM's vcpu_array and
	 * online_vcpus): vcpu_create() adds one, vcpu_destroy() leaves its
	 * entry NULL.  Written only by the CPU that runs the VMM, before the
	 * vCPU first runs; read by the request and dirty-log hooks anywhere.
	 */
	struct vcpu *vcpus[KVM_MAX_VCPUS];
	unsigned int online_vcpus;
	/* The interrupt controllers (irq/, KVM's kvm->arch.vpic), or NULL: nothing injected. */
	struct irqchip *irqchip;

	/* Set bit req in every vCPU (vmx/ provides it); NULL: the VM has no vCPUs. */
	void (*request_all)(struct kvm *kvm, unsigned int req);
	/*
	 * PML: move what every vCPU's log holds into the dirty bitmaps, and
	 * return once that is done (kvm_arch_sync_dirty_log).  Called without
	 * mmu_lock, which the vCPUs take to do it.  NULL: no vCPUs.
	 */
	void (*sync_dirty_log)(struct kvm *kvm);
	/* Called while a set swap is under way, with its generation (kvm_arch_memslots_updated). */
	void (*memslots_updated)(struct kvm *kvm, u16 as_id, u64 gen);

	/*
	 * Bumped (under mmu_lock) whenever a present EPT entry is removed or
	 * loses a permission: a CPU that cached the old entry must flush before
	 * it enters again.  vmx/ checks it before every entry (docs/smp.md).
	 */
	u64 tlb_gen;
	/*
	 * The APIC-access page (vmx/apic_access.c), the frame of the private
	 * slot APIC_ACCESS_PAGE_PRIVATE_MEMSLOT at the xAPIC's default base,
	 * made once for a VM whose vCPUs virtualize their xAPIC; 0: none.
	 */
	hpa_t apic_access_page_hpa;

	struct kvm_stat stat;
#ifdef CONFIG_SLOTVISOR_TEST
	struct test_switches debug;
#endif
};

/* Every vCPU of kvm that exists, in index order (KVM's kvm_for_each_vcpu). */
#define kvm_for_each_vcpu(idx, v, kvm)                                   \
	for ((idx) = 0; (idx) < (kvm)->online_vcpus; (idx)++)            \
		if (!((v) = (kvm)->vcpus[(idx)])) {                       \
		} else

/* A new VM with empty memslot sets and no roots, or NULL when out of memory. */
struct kvm *kvm_create_vm(void);

/*
 * The same for a struct kvm that is part of a larger object (the VMM's
 * struct vm, as KVM's struct kvm_vmx holds its struct kvm): kvm must be
 * zeroed.  memslot_vm_uninit() frees what kvm_destroy_vm() frees, except
 * kvm itself.
 */
void memslot_vm_init(struct kvm *kvm);
void memslot_vm_uninit(struct kvm *kvm);

/*
 * Free the VM: its roots and tables, every slot and its metadata, and its
 * backing.  Every root reference taken with kvm_mmu_load() must have been
 * dropped.
 */
void kvm_destroy_vm(struct kvm *kvm);

/* Ask every vCPU to handle req before its next VM entry (request_all, if any). */
void kvm_make_all_cpus_request(struct kvm *kvm, unsigned int req);

/*
 * Give the VM size bytes (a multiple of 4 KiB) of zeroed, physically
 * contiguous host memory and put its hypervisor virtual address in *hva.
 * It is one frame-allocator block aligned to its own size (rounded up to a
 * power of two) up to 1 GiB, and a run of adjacent 1 GiB blocks above that.
 * It stays the VM's until kvm_destroy_vm().  -EINVAL for a bad size,
 * -ENOMEM when no such block (or run) is free.
 */
int memslot_backing_alloc(struct kvm *kvm, u64 size, hva_t *hva);

/*
 * Give one block of backing back to the frame allocator once no memslot
 * maps it (QEMU's munmap after the slot's deletion, for virtio-mem's
 * unplugged blocks): hva is where memslot_backing_alloc() put an
 * allocation of at most 1 GiB.  0, -EBUSY while a slot still maps it (the
 * backing stays), -EINVAL if no block starts at hva.  slots_lock held, so
 * that no slot can come to map it meanwhile, and no device access
 * (memslot/guest_access.h) is under way.
 */
int memslot_backing_release(struct kvm *kvm, hva_t hva);

/* Give every block of the VM's backing back to the frame allocator (VM destruction). */
void memslot_backing_free(struct kvm *kvm);

/* Whether [start, start + size) lies in backing the VM owns. */
bool memslot_backing_owns(const struct kvm *kvm, hva_t start, u64 size);

/*
 * Create, delete, move or change the flags of a slot, as Linux's
 * KVM_SET_USER_MEMORY_REGION does, with its return values: 0, -EINVAL,
 * -EEXIST or -ENOMEM (after which nothing has changed).  Slot ids
 * KVM_USER_MEM_SLOTS and above are refused here.
 */
int kvm_set_memory_region(struct kvm *kvm, const struct kvm_userspace_memory_region *mem);

/* kvm_set_memory_region() for any slot id, the internal ones included. */
int __kvm_set_memory_region(struct kvm *kvm, const struct kvm_userspace_memory_region *mem);

/*
 * Copy the dirty bitmap of slot (as_id in bits 16-31) to bitmap (one bit
 * per page, rounded up to 64 bits), clear it, and re-arm the pages that
 * were dirty so that the next write is logged again: write-protect them, or
 * under PML first collect the vCPUs' logs and then clear their EPT dirty
 * bits.  A write made while the call runs may be reported now or next
 * time; a write after it returns is reported next time.  -EINVAL for a bad
 * id, -ENOENT if the slot does not exist or does not log dirty pages.
 */
int kvm_get_dirty_log(struct kvm *kvm, u32 slot, u64 *bitmap);

/*
 * A guest write to gfn in as_id, reported by a vCPU's page-modification
 * log: set its bit if a slot that logs dirty pages holds it (anything else,
 * such as the guest's own page tables in an unlogged slot, is ignored).
 * Caller holds mmu_lock.
 */
void kvm_mark_page_dirty(struct kvm *kvm, u16 as_id, gfn_t gfn);
