/*
 * The guest's page walk for one access (include/vmx/page_walk.h), as the
 * CPU does it: SDM Vol. 3A 4.3 (32-bit paging), 4.4 (PAE), 4.5 (4-level),
 * access rights 4.6, the page-fault error code 4.7, accessed and dirty
 * flags 4.8.  No VMCS here: vmx/guest_mem.c fills the registers in.
 */
#include "lib/errno.h"
#include "vmx/page_walk.h"

/* The bits of a paging-structure entry the walk reads (SDM Vol. 3A 4.3-4.5, Tables 4-4 to 4-20). */
#define PTE_P BIT(0)
#define PTE_RW BIT(1)
#define PTE_US BIT(2)
#define PTE_A BIT(5)
#define PTE_D BIT(6)
#define PTE_PS BIT(7)
#define PTE_XD BIT(63)
#define PTE_ADDR_BITS 0x000ffffffffff000ULL	/* bits 51:12 */
#define PTE32_ADDR_BITS 0xfffff000ULL
/* 32-bit paging's 4-MByte PDE: bits 20:13 are physical 39:32, bit 21 reserved (Table 4-4). */
#define PDE32_4M_HIGH_SHIFT 13
#define PDE32_4M_HIGH_BITS 8
#define PDE32_4M_RSVD BIT(21)
#define PDE32_4M_ADDR_LOW 0xffc00000ULL
#define PDE32_SHIFT 22		/* a PDE of 32-bit paging maps 4 MiB */
/* PAE's PDPTE: bits 2:1 and 8:5 are reserved (Table 4-8). */
#define PDPTE_PAE_RSVD 0x1e6ULL
/* A large page's address bits below its size but 12 (PAT) are reserved (Tables 4-15, 4-17). */
#define PTE_LARGE_RSVD_LOW 13

#define CR0_WP BIT(16)
#define CR0_PG BIT(31)
#define CR4_PSE BIT(4)
#define CR4_PAE BIT(5)
#define CR4_LA57 BIT(12)
#define CR4_SMEP BIT(20)
#define CR4_SMAP BIT(21)
#define EFER_LMA BIT(10)
#define EFER_NXE BIT(11)

#define ADDR32_MASK 0xffffffffULL
#define PAGE_SHIFT_4K 12
#define PAGE_SIZE_4K (1ULL << PAGE_SHIFT_4K)
#define PAE_PDPTE_SHIFT 30
#define PAE_PDPTE_MASK 3
#define LA48_SIGN_BIT 47
#define PTE_BITS_64 9	/* 512 entries of 8 bytes */
#define PTE_BITS_32 10	/* 1024 entries of 4 bytes */

/* One walk in progress: what each level found so far. */
struct walk {
	const struct page_walk_regs *regs;
	const struct page_walk_mem *mem;
	struct page_walk_result *res;
	u64 la;
	u32 access;
	bool user, writable, nx;	/* U/S and R/W of every level so far, XD of any */
	u64 entry_gpa[4];		/* the entries used, for the accessed flags */
	unsigned int nentries;
};

/* The error code's access bits, for a fault of either kind (4.7). */
static u32 walk_error_bits(const struct walk *w, bool long_entries)
{
	u32 e = 0;

	if (w->access & PW_ACCESS_WRITE)
		e |= PF_ERR_WRITE;
	if (w->access & PW_ACCESS_USER)
		e |= PF_ERR_USER;
	/* I/D: set for a fetch when XD can exist (PAE/4-level with NXE) or SMEP is on. */
	if ((w->access & PW_ACCESS_FETCH) &&
	    ((long_entries && (w->regs->efer & EFER_NXE)) || (w->regs->cr4 & CR4_SMEP)))
		e |= PF_ERR_FETCH;
	return e;
}

static int walk_fault(struct walk *w, bool long_entries, u32 kind)
{
	w->res->error_code = walk_error_bits(w, long_entries) | kind;
	return -EFAULT;
}

/* Bits maxphyaddr..51 of an address: reserved in every 64-bit entry. */
static u64 walk_high_rsvd(const struct walk *w)
{
	unsigned int m = w->regs->maxphyaddr;

	return m >= 52 ? 0 : PTE_ADDR_BITS & ~((1ULL << m) - 1);
}

/* Read the entry at gpa, 4 or 8 bytes wide; -EIO (and res->table_gpa) where no memory is. */
static int walk_read(struct walk *w, u64 gpa, bool long_entry, u64 *pte)
{
	u64 v;

	if (w->mem->read(w->mem->ctx, gpa & ~7ULL, &v)) {
		w->res->table_gpa = gpa;
		return -EIO;
	}
	*pte = long_entry ? v : (gpa & 4) ? v >> 32 : v & ADDR32_MASK;
	if (w->nentries < sizeof(w->entry_gpa) / sizeof(w->entry_gpa[0]))
		w->entry_gpa[w->nentries++] = gpa;
	return 0;
}

/* A present entry's rights join the walk's (4.6: U/S and R/W of every level, XD of any). */
static void walk_rights(struct walk *w, u64 pte, bool long_entries)
{
	w->user &= !!(pte & PTE_US);
	w->writable &= !!(pte & PTE_RW);
	if (long_entries && (w->regs->efer & EFER_NXE))
		w->nx |= !!(pte & PTE_XD);
}

/* The access rights of the translation (SDM Vol. 3A 4.6.1): 0, or the fault's error code. */
static int walk_check_rights(struct walk *w, bool long_entries)
{
	const struct page_walk_regs *r = w->regs;
	bool user = w->access & PW_ACCESS_USER, write = w->access & PW_ACCESS_WRITE;
	bool fetch = w->access & PW_ACCESS_FETCH;
	bool ok = true;

	if (user) {
		ok = w->user && (!write || w->writable);
	} else if (fetch) {
		ok = !(w->user && (r->cr4 & CR4_SMEP));
	} else {
		if (w->user && (r->cr4 & CR4_SMAP) && !(w->access & PW_ACCESS_AC))
			ok = false;
		if (write && !w->writable && (r->cr0 & CR0_WP))
			ok = false;
	}
	if (fetch && w->nx)
		ok = false;
	return ok ? 0 : walk_fault(w, long_entries, PF_ERR_PRESENT);
}

/* The walk succeeded: set the accessed flags, and the leaf's dirty flag for a write (4.8). */
static int walk_finish(struct walk *w, u64 gpa, u64 page_size, bool long_entries)
{
	int err = walk_check_rights(w, long_entries);

	if (err)
		return err;
	for (unsigned int i = 0; i < w->nentries; i++) {
		u32 bits = PTE_A;

		if (i == w->nentries - 1 && (w->access & PW_ACCESS_WRITE))
			bits |= PTE_D;
		if (w->mem->set_bits(w->mem->ctx, w->entry_gpa[i], bits)) {
			w->res->table_gpa = w->entry_gpa[i];
			return -EIO;
		}
	}
	w->res->gpa = gpa;
	w->res->page_size = page_size;
	return 0;
}

/*
 * The levels of PAE and 4-level paging below the top: from the table at
 * table, level by level down to shift 12, a large page allowed where
 * large_ok has the level's shift bit (1 GiB at 30, 2 MiB at 21).
 */
static int walk_long(struct walk *w, u64 table, unsigned int shift, u64 large_ok, u64 rsvd_top)
{
	u64 pte, rsvd = walk_high_rsvd(w) | rsvd_top;
	int err;

	if (!(w->regs->efer & EFER_NXE))
		rsvd |= PTE_XD;
	for (;; shift -= PTE_BITS_64) {
		u64 idx = (w->la >> shift) & ((1ULL << PTE_BITS_64) - 1);

		err = walk_read(w, (table & PTE_ADDR_BITS) + idx * 8, true, &pte);
		if (err)
			return err;
		if (!(pte & PTE_P))
			return walk_fault(w, true, 0);
		if (pte & rsvd)
			return walk_fault(w, true, PF_ERR_PRESENT | PF_ERR_RSVD);
		walk_rights(w, pte, true);
		if (shift == PAGE_SHIFT_4K)
			return walk_finish(w, (pte & PTE_ADDR_BITS) | (w->la & (PAGE_SIZE_4K - 1)),
					   PAGE_SIZE_4K, true);
		if (pte & PTE_PS) {
			u64 size = 1ULL << shift;

			if (!(large_ok & BIT(shift)))
				return walk_fault(w, true, PF_ERR_PRESENT | PF_ERR_RSVD);
			if (pte & (size - 1) & ~((1ULL << PTE_LARGE_RSVD_LOW) - 1))
				return walk_fault(w, true, PF_ERR_PRESENT | PF_ERR_RSVD);
			return walk_finish(w, (pte & PTE_ADDR_BITS & ~(size - 1)) |
					   (w->la & (size - 1)), size, true);
		}
		table = pte;
	}
}

/* PAE's PDEs and PTEs reserve bits 62:MAXPHYADDR, not 51:MAXPHYADDR (Tables 4-9..4-11). */
#define PAE_RSVD_TOP (~PTE_ADDR_BITS & ~PTE_XD & ~((1ULL << PAGE_SHIFT_4K) - 1))

bool vmx_pae_pdpte_reserved(u64 pdpte, unsigned int maxphyaddr)
{
	u64 high = maxphyaddr >= 52 ? 0 : PTE_ADDR_BITS & ~((1ULL << maxphyaddr) - 1);

	return (pdpte & PTE_P) && (pdpte & (PDPTE_PAE_RSVD | high | PAE_RSVD_TOP | PTE_XD));
}

/* PAE paging (4.4): the PDPTE the CPU loaded, then the PD and PT of 64-bit entries. */
static int walk_pae(struct walk *w)
{
	u64 pdpte = w->regs->pdpte[(w->la >> PAE_PDPTE_SHIFT) & PAE_PDPTE_MASK];

	if (!(pdpte & PTE_P))
		return walk_fault(w, true, 0);
	if (vmx_pae_pdpte_reserved(pdpte, w->regs->maxphyaddr))
		return walk_fault(w, true, PF_ERR_PRESENT | PF_ERR_RSVD);
	return walk_long(w, pdpte, 21, BIT(21), PAE_RSVD_TOP);
}

/* 4-level paging (4.5): bits 63:47 of la must all equal bit 47. */
static int walk_4level(struct walk *w)
{
	s64 sign = (s64)(w->la << (63 - LA48_SIGN_BIT)) >> (63 - LA48_SIGN_BIT);

	if ((u64)sign != w->la)
		return -EINVAL;
	/* A PML4E's PS bit is reserved, so that level never allows a large page. */
	return walk_long(w, w->regs->cr3, 39, BIT(30) | BIT(21), 0);
}

/* The physical-address bits of a PSE-36 4-MByte page above MAXPHYADDR: reserved (Table 4-4). */
static u64 walk_pse36_rsvd(const struct walk *w)
{
	unsigned int m = w->regs->maxphyaddr, have = m > 32 ? m - 32 : 0;

	if (have >= PDE32_4M_HIGH_BITS)
		return 0;
	return ((1ULL << (PDE32_4M_HIGH_BITS - have)) - 1) << (PDE32_4M_HIGH_SHIFT + have);
}

/* 32-bit paging (4.3): a PD and a PT of 4-byte entries, 4-MByte pages with CR4.PSE. */
static int walk_32bit(struct walk *w)
{
	u64 la = w->la, pde, pte;
	u64 idx = (la >> PDE32_SHIFT) & ((1ULL << PTE_BITS_32) - 1);
	int err = walk_read(w, (w->regs->cr3 & PTE32_ADDR_BITS) + idx * 4, false, &pde);

	if (err)
		return err;
	if (!(pde & PTE_P))
		return walk_fault(w, false, 0);
	walk_rights(w, pde, false);
	if ((pde & PTE_PS) && (w->regs->cr4 & CR4_PSE)) {
		u64 high = (pde >> PDE32_4M_HIGH_SHIFT) & ((1ULL << PDE32_4M_HIGH_BITS) - 1);
		u64 size = 1ULL << PDE32_SHIFT;

		if (pde & (PDE32_4M_RSVD | walk_pse36_rsvd(w)))
			return walk_fault(w, false, PF_ERR_PRESENT | PF_ERR_RSVD);
		return walk_finish(w, (high << 32) | (pde & PDE32_4M_ADDR_LOW) | (la & (size - 1)),
				   size, false);
	}
	idx = (la >> PAGE_SHIFT_4K) & ((1ULL << PTE_BITS_32) - 1);
	err = walk_read(w, (pde & PTE32_ADDR_BITS) + idx * 4, false, &pte);
	if (err)
		return err;
	if (!(pte & PTE_P))
		return walk_fault(w, false, 0);
	walk_rights(w, pte, false);
	return walk_finish(w, (pte & PTE32_ADDR_BITS) | (la & (PAGE_SIZE_4K - 1)), PAGE_SIZE_4K,
			   false);
}

int vmx_page_walk(const struct page_walk_regs *regs, const struct page_walk_mem *mem, u64 la,
		  u32 access, struct page_walk_result *res)
{
	struct walk w = {
		.regs = regs, .mem = mem, .res = res, .la = la, .access = access,
		.user = true, .writable = true,
	};

	res->error_code = 0;
	res->why = NULL;
	if (!(regs->cr0 & CR0_PG)) {
		/* Paging off: linear is physical, in 32 bits (4.1.1). */
		res->gpa = la & ADDR32_MASK;
		res->page_size = PAGE_SIZE_4K;
		return 0;
	}
	if (regs->efer & EFER_LMA) {
		if (regs->cr4 & CR4_LA57) {
			res->why = "5-level paging (CR4.LA57)";
			return -ENOTSUP;
		}
		return walk_4level(&w);
	}
	w.la &= ADDR32_MASK;	/* outside IA-32e mode linear addresses are 32 bits */
	return (regs->cr4 & CR4_PAE) ? walk_pae(&w) : walk_32bit(&w);
}
