/*
 * KVM_SET_USER_MEMORY_REGION: validation and classification, in KVM's
 * order and with KVM's return values (virt/kvm/kvm_main.c,
 * __kvm_set_memory_region()).  Guard clauses reject a bad request; what is
 * left is classified as CREATE, DELETE, MOVE or FLAGS_ONLY (or nothing to
 * do) and handed to kvm_set_memslot().
 */
#include "kvm/kvm.h"
#include "memslot/change.h"
#include "mm/kmalloc.h"
#include "compiler.h"
#include "lib/errno.h"

static u16 request_as_id(const struct kvm_userspace_memory_region *mem)
{
	return mem->slot >> KVM_MEMSLOT_AS_SHIFT;
}

static u16 request_id(const struct kvm_userspace_memory_region *mem)
{
	return mem->slot & KVM_MEMSLOT_ID_MASK;
}

static int check_memory_region_flags(const struct kvm_userspace_memory_region *mem)
{
	u32 valid_flags = KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY;

	return (mem->flags & ~valid_flags) ? -EINVAL : 0;
}

/* KVM's general sanity checks; owning the backing stands in for access_ok(). */
static int check_memory_region(struct kvm *kvm, const struct kvm_userspace_memory_region *mem)
{
	if (!IS_ALIGNED(mem->memory_size, GFN_SIZE) || !IS_ALIGNED(mem->guest_phys_addr, GFN_SIZE)) {
		return -EINVAL;
	}
	if (!IS_ALIGNED(mem->userspace_addr, GFN_SIZE)) {
		return -EINVAL;
	}
	if (mem->memory_size && !memslot_backing_owns(kvm, mem->userspace_addr, mem->memory_size)) {
		return -EINVAL;
	}
	if (request_as_id(mem) >= KVM_ADDRESS_SPACE_NUM || request_id(mem) >= KVM_MEM_SLOTS_NUM) {
		return -EINVAL;
	}
	if (mem->guest_phys_addr + mem->memory_size < mem->guest_phys_addr) {
		return -EINVAL;
	}
	if ((mem->memory_size >> GFN_SHIFT) > KVM_MEM_MAX_NR_PAGES) {
		return -EINVAL;
	}
	return 0;
}

/* Does [start, end) overlap a slot of slots other than id? */
static bool kvm_check_memslot_overlap(struct kvm_memslots *slots, int id, gfn_t start, gfn_t end)
{
	struct kvm_memory_slot *s;

	for (s = memslot_first_ending_after(slots, start); s && s->base_gfn < end;
	     s = memslot_next(slots, s)) {
		if (s->id != id) {
			return true;
		}
	}
	return false;
}

/* The last gfn a slot may hold: the guest's MAXPHYADDR (x86's kvm_mmu_max_gfn()). */
static gfn_t kvm_mmu_max_gfn(const struct kvm *kvm)
{
	return (1ULL << (kvm->max_gpa_bits - GFN_SHIFT)) - 1;
}

/*
 * What a request for the existing slot old changes: MOVE, FLAGS_ONLY, or
 * nothing (1).  Its size, backing and READONLY flag cannot change (-EINVAL).
 */
static int classify_change(const struct kvm_memory_slot *old,
			   const struct kvm_userspace_memory_region *mem,
			   enum kvm_mr_change *change)
{
	if (mem->userspace_addr != old->userspace_addr ||
	    (mem->memory_size >> GFN_SHIFT) != old->npages ||
	    ((mem->flags ^ old->flags) & KVM_MEM_READONLY)) {
		return -EINVAL;
	}
	if (gpa_to_gfn(mem->guest_phys_addr) != old->base_gfn) {
		*change = KVM_MR_MOVE;
	} else if (mem->flags != old->flags) {
		*change = KVM_MR_FLAGS_ONLY;
	} else {
		return 1;
	}
	return 0;
}

/* A new slot for the request, or NULL when out of memory. */
static struct kvm_memory_slot *new_memslot(const struct kvm_userspace_memory_region *mem)
{
	struct kvm_memory_slot *new = kzalloc(sizeof(*new));

	if (new) {
		new->as_id = request_as_id(mem);
		new->id = request_id(mem);
		new->base_gfn = gpa_to_gfn(mem->guest_phys_addr);
		new->npages = mem->memory_size >> GFN_SHIFT;
		new->flags = mem->flags;
		new->userspace_addr = mem->userspace_addr;
	}
	return new;
}

/*
 * The change itself under mmu_lock: the fault path reads the sets under it
 * (KVM's vCPUs use SRCU instead), so no fault sees a set mid-change.
 */
static int kvm_set_memslot_locked(struct kvm *kvm, struct kvm_memory_slot *old,
				  struct kvm_memory_slot *new, enum kvm_mr_change change)
{
	int r;

	spin_lock(&kvm->mmu_lock);
	r = kvm_set_memslot(kvm, old, new, change);
	spin_unlock(&kvm->mmu_lock);
	return r;
}

int __kvm_set_memory_region(struct kvm *kvm, const struct kvm_userspace_memory_region *mem)
{
	struct kvm_memslots *slots;
	struct kvm_memory_slot *old, *new;
	enum kvm_mr_change change = KVM_MR_CREATE;
	gfn_t base_gfn = gpa_to_gfn(mem->guest_phys_addr);
	u64 npages = mem->memory_size >> GFN_SHIFT;
	int r;

	lockdep_assert_held(&kvm->slots_lock);
	r = check_memory_region_flags(mem);
	if (!r) {
		r = check_memory_region(kvm, mem);
	}
	if (r) {
		return r;
	}
	slots = __kvm_memslots(kvm, request_as_id(mem));
	old = id_to_memslot(slots, request_id(mem));
	if (!mem->memory_size) {
		return old ? kvm_set_memslot_locked(kvm, old, NULL, KVM_MR_DELETE) : -EINVAL;
	}
	if (!old && kvm->nr_memslot_pages + npages < kvm->nr_memslot_pages) {
		return -EINVAL;
	}
	if (old) {
		r = classify_change(old, mem, &change);
		if (r) {
			return r < 0 ? r : 0;
		}
	}
	if (change == KVM_MR_CREATE || change == KVM_MR_MOVE) {
		if (kvm_check_memslot_overlap(slots, request_id(mem), base_gfn, base_gfn + npages)) {
			return -EEXIST;
		}
		if (base_gfn + npages - 1 > kvm_mmu_max_gfn(kvm)) {
			return -EINVAL;
		}
	}
	new = new_memslot(mem);
	if (!new) {
		return -ENOMEM;
	}
	r = kvm_set_memslot_locked(kvm, old, new, change);
	if (r) {
		kfree(new);
	}
	return r;
}

int kvm_set_memory_region(struct kvm *kvm, const struct kvm_userspace_memory_region *mem)
{
	/* The top ids are the hypervisor's own (KVM's private slots). */
	int r;

	if (request_id(mem) >= KVM_USER_MEM_SLOTS) {
		return -EINVAL;
	}
	spin_lock(&kvm->slots_lock);
	r = __kvm_set_memory_region(kvm, mem);
	spin_unlock(&kvm->slots_lock);
	return r;
}
