/*
 * Reading guest memory from the hypervisor: guest-physical through the
 * memslots (never through the EPT, which may not map the page yet), and
 * guest-linear through the guest's own page tables (SDM Vol. 3A 4.5), for
 * fetching the instruction behind an MMIO exit.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "memslot/memslot.h"
#include "vcpu_internal.h"
#include "vmx/vmcs.h"

#define PTE_PRESENT BIT(0)
#define PTE_PS BIT(7)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL
#define PAGE_OFFSET_MASK 0xfffULL

/*
 * Under mmu_lock, as the fault path reads the sets: a memslot change holds
 * it from its first set swap to its last, so the set looked at is never
 * being rewritten and the slot's backing is still there.  (Not
 * slots_lock: this runs inside vcpu_run(), where a dirty-log fetch that
 * holds slots_lock may be waiting for this vCPU to empty its PML log.)
 */
int vcpu_read_guest(struct vcpu *v, u64 gpa, void *buf, u64 len)
{
	u8 *out = buf;
	int err = 0;

	spin_lock(&v->kvm->mmu_lock);
	while (len) {
		gfn_t gfn = gpa >> GFN_SHIFT;
		u64 off = gpa & PAGE_OFFSET_MASK, n = MIN(len, GFN_SIZE - off);
		struct kvm_memory_slot *slot = gfn_to_memslot(v->kvm, v->as_id, gfn);

		if (!slot || (slot->flags & KVM_MEMSLOT_INVALID)) {
			err = -EFAULT;
			break;
		}
		memcpy(out, (const void *)(__gfn_to_hva_memslot(slot, gfn) + off), n);
		out += n;
		gpa += n;
		len -= n;
	}
	spin_unlock(&v->kvm->mmu_lock);
	return err;
}

/* One level of the walk: the entry for va at shift in the table at table_gpa. */
static int walk_step(struct vcpu *v, u64 table_gpa, u64 va, unsigned int shift, u64 *pte)
{
	u64 idx = (va >> shift) & 511;

	if (vcpu_read_guest(v, table_gpa + idx * 8, pte, sizeof(*pte)))
		return -EFAULT;
	return (*pte & PTE_PRESENT) ? 0 : -EFAULT;
}

int vcpu_gva_to_gpa(struct vcpu *v, u64 gva, u64 *gpa)
{
	u64 cr0 = vmcs_readnat(GUEST_CR0), table, pte = 0;

	if (!(cr0 & X86_CR0_PG)) {
		*gpa = gva & 0xffffffffULL;
		return 0;
	}
	if (!(vmcs_read64(GUEST_IA32_EFER) & EFER_LMA))
		return -ENOTSUP;	/* 32-bit and PAE paging: no guest needs them yet */
	table = vmcs_readnat(GUEST_CR3) & PTE_ADDR_MASK;
	for (unsigned int shift = 39; shift >= 12; shift -= 9) {
		if (walk_step(v, table, gva, shift, &pte))
			return -EFAULT;
		if (shift == 12 || ((pte & PTE_PS) && shift <= 30)) {
			u64 size = 1ULL << shift;

			*gpa = (pte & PTE_ADDR_MASK & ~(size - 1)) | (gva & (size - 1));
			return 0;
		}
		table = pte & PTE_ADDR_MASK;
	}
	return -EFAULT;
}
