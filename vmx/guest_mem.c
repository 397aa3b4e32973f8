/*
 * Reading guest memory from the hypervisor: guest-physical through the
 * memslots (never through the EPT, which may not map the page yet), and
 * guest-linear through the guest's own page tables in its paging mode
 * (vmx/page_walk.c, SDM Vol. 3A chapter 4), for the instruction behind an
 * MMIO exit and the memory side of string I/O.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/trap.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "memslot/memslot.h"
#include "memslot/metadata.h"
#include "vcpu_internal.h"
#include "vmx/page_walk.h"
#include "vmx/segment_ar.h"
#include "vmx/vmcs.h"

#define PAGE_OFFSET_MASK 0xfffULL
#define MAXPHYADDR_LEAF 0x80000008
#define MAXPHYADDR_BITS 0xff
#define CPL_USER 3

/*
 * The usable slot holding gfn, under mmu_lock, as the fault path reads the
 * sets: a memslot change holds it from its first set swap to its last, so
 * the set looked at is never being rewritten and the slot's backing is
 * still there.  (Not slots_lock: this runs inside vcpu_run(), where a
 * dirty-log fetch that holds slots_lock may be waiting for this vCPU to
 * empty its PML log.)
 */
static struct kvm_memory_slot *guest_slot(struct vcpu *v, gfn_t gfn, bool write)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(v->kvm, v->as_id, gfn);

	if (!slot || (slot->flags & KVM_MEMSLOT_INVALID))
		return NULL;
	if (write && (slot->flags & KVM_MEM_READONLY))
		return NULL;
	return slot;
}

/* Copy between buf and guest-physical [gpa, gpa + len), page by page; writes are logged dirty. */
static int guest_copy(struct vcpu *v, u64 gpa, u8 *buf, u64 len, bool write)
{
	int err = 0;

	spin_lock(&v->kvm->mmu_lock);
	while (len) {
		gfn_t gfn = gpa >> GFN_SHIFT;
		u64 off = gpa & PAGE_OFFSET_MASK, n = MIN(len, GFN_SIZE - off);
		struct kvm_memory_slot *slot = guest_slot(v, gfn, write);
		u8 *hva;

		if (!slot) {
			err = -EFAULT;
			break;
		}
		hva = (u8 *)__gfn_to_hva_memslot(slot, gfn) + off;
		if (write) {
			memcpy(hva, buf, n);
			mark_page_dirty_in_slot(slot, gfn);
		} else {
			memcpy(buf, hva, n);
		}
		buf += n;
		gpa += n;
		len -= n;
	}
	spin_unlock(&v->kvm->mmu_lock);
	return err;
}

int vcpu_read_guest(struct vcpu *v, u64 gpa, void *buf, u64 len)
{
	return guest_copy(v, gpa, buf, len, false);
}

int vcpu_write_guest(struct vcpu *v, u64 gpa, const void *buf, u64 len)
{
	return guest_copy(v, gpa, (u8 *)buf, len, true);
}

static int walk_read(void *ctx, u64 gpa, u64 *val)
{
	return vcpu_read_guest(ctx, gpa, val, sizeof(*val));
}

/* The accessed and dirty flags, set with a locked OR as the CPU sets them (SDM Vol. 3A 4.8). */
static int walk_set_bits(void *ctx, u64 gpa, u32 bits)
{
	struct vcpu *v = ctx;
	gfn_t gfn = gpa >> GFN_SHIFT;
	struct kvm_memory_slot *slot;
	u32 *p;
	int err = -EFAULT;

	spin_lock(&v->kvm->mmu_lock);
	slot = guest_slot(v, gfn, true);
	if (slot) {
		p = (u32 *)(__gfn_to_hva_memslot(slot, gfn) + (gpa & PAGE_OFFSET_MASK));
		if ((__atomic_load_n(p, __ATOMIC_RELAXED) & bits) != bits) {
			__atomic_fetch_or(p, bits, __ATOMIC_SEQ_CST);
			mark_page_dirty_in_slot(slot, gfn);
		}
		err = 0;
	}
	spin_unlock(&v->kvm->mmu_lock);
	return err;
}

/*
 * The registers the CPU walks with: the VMCS's CR0, CR3, CR4 and EFER
 * (what the guest runs with, fixed bits included), and under PAE paging
 * the PDPTEs the CPU loaded, which with EPT the VMCS holds (SDM Vol. 3C
 * 26.3.2.4, 28.3.4): a walk does not read them from memory again.
 */
static void walk_regs(struct page_walk_regs *r)
{
	r->cr0 = vmcs_readnat(GUEST_CR0);
	r->cr3 = vmcs_readnat(GUEST_CR3);
	r->cr4 = vmcs_readnat(GUEST_CR4);
	r->efer = vmcs_read64(GUEST_IA32_EFER);
	r->maxphyaddr = vcpu_guest_maxphyaddr();
	if ((r->cr0 & X86_CR0_PG) && (r->cr4 & X86_CR4_PAE) && !(r->efer & EFER_LMA)) {
		r->pdpte[0] = vmcs_read64(GUEST_PDPTR0);
		r->pdpte[1] = vmcs_read64(GUEST_PDPTR1);
		r->pdpte[2] = vmcs_read64(GUEST_PDPTR2);
		r->pdpte[3] = vmcs_read64(GUEST_PDPTR3);
	}
}

unsigned int vcpu_guest_maxphyaddr(void)
{
	return cpuid(MAXPHYADDR_LEAF).eax & MAXPHYADDR_BITS;
}

u32 vcpu_access_at_cpl(void)
{
	u32 access = 0;

	if (VMX_AR_DPL(vmcs_read32(GUEST_SS_AR_BYTES)) == CPL_USER)
		access |= PW_ACCESS_USER;
	if (vmcs_readnat(GUEST_RFLAGS) & X86_RFLAGS_AC)
		access |= PW_ACCESS_AC;
	return access;
}

void vcpu_gva_cache_reset(struct vcpu *v)
{
	v->gva_cache_used = 0;
}

int vcpu_gva_translate(struct vcpu *v, u64 gva, u32 access, u64 *gpa,
		       struct page_walk_result *res)
{
	u64 page = gva & ~PAGE_OFFSET_MASK;
	struct page_walk_mem mem = { .read = walk_read, .set_bits = walk_set_bits, .ctx = v };
	struct page_walk_regs regs;
	int err;

	for (unsigned int i = 0; i < v->gva_cache_used; i++) {
		struct vcpu_gva_cache *c = &v->gva_cache[i];

		if (c->gva_page == page && c->access == access) {
			*gpa = c->gpa_page | (gva & PAGE_OFFSET_MASK);
			return 0;
		}
	}
	walk_regs(&regs);
	v->gva_walks++;
	err = vmx_page_walk(&regs, &mem, gva, access, res);
	if (err)
		return err;
	*gpa = res->gpa;
	if (v->gva_cache_used < VCPU_GVA_CACHE_SIZE) {
		struct vcpu_gva_cache *c = &v->gva_cache[v->gva_cache_used++];

		c->gva_page = page;
		c->gpa_page = res->gpa & ~PAGE_OFFSET_MASK;
		c->access = access;
	}
	return 0;
}

int vcpu_gva_fault(struct vcpu *v, u64 gva, int err, const struct page_walk_result *res)
{
	switch (err) {
	case -EFAULT:
		/* #PF with CR2 the address (SDM Vol. 3A 4.7); entry.S loads CR2 from gprs. */
		v->gprs.cr2 = gva;
		vcpu_inject_exception(v, X86_TRAP_PF, true, res->error_code);
		return 1;
	case -EINVAL:
		/* A non-canonical address: #GP(0) (SDM Vol. 3A 3.3.7.1). */
		vcpu_inject_exception(v, X86_TRAP_GP, true, 0);
		return 1;
	case -EIO:
		return vcpu_internal_error(v, "the guest's page tables for 0x%llx lie at gpa 0x%llx, "
					      "where no memory slot is (RIP 0x%llx)",
					   gva, res->table_gpa, vmcs_readnat(GUEST_RIP));
	default:
		return vcpu_internal_error(v, "linear address 0x%llx under %s is not emulated "
					      "(RIP 0x%llx)",
					   gva, res->why ? res->why : "this paging mode",
					   vmcs_readnat(GUEST_RIP));
	}
}

int vcpu_gva_to_gpa(struct vcpu *v, u64 gva, u64 *gpa)
{
	struct page_walk_result res;

	return vcpu_gva_translate(v, gva, vcpu_access_at_cpl(), gpa, &res) ? -EFAULT : 0;
}

int vcpu_fetch_insn(struct vcpu *v, u64 gva, u8 *buf, unsigned int max)
{
	u32 access = vcpu_access_at_cpl() | PW_ACCESS_FETCH;
	struct page_walk_result res;
	unsigned int n = 0;
	int err;

	access &= ~PW_ACCESS_AC;	/* SMAP does not look at AC for fetches */
	/* One translation per page: the bytes in the first, then those in the next. */
	while (n < max) {
		u64 gpa, chunk = MIN((u64)(max - n), GFN_SIZE - ((gva + n) & PAGE_OFFSET_MASK));

		err = vcpu_gva_translate(v, gva + n, access, &gpa, &res);
		if (err && !n)
			return vcpu_gva_fault(v, gva, err, &res) ? -EFAULT : -EIO;
		if (err || vcpu_read_guest(v, gpa, buf + n, chunk))
			break;
		n += chunk;
	}
	return n;
}

bool vcpu_guest_writable(struct vcpu *v, u64 gpa)
{
	bool ok;

	spin_lock(&v->kvm->mmu_lock);
	ok = guest_slot(v, gpa >> GFN_SHIFT, true) != NULL;
	spin_unlock(&v->kvm->mmu_lock);
	return ok;
}
