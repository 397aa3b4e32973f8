/*
 * The guest's own page walk, as the CPU does it for one access (SDM Vol.
 * 3A chapter 4): paging off, 32-bit, PAE and 4-level paging, with the
 * permission checks of 4.6 and the page-fault error code of 4.7.  Pure:
 * it reads the guest's tables through a callback and knows no VMCS, so
 * the host unit tests (tests/unit/test_page_walk.c) drive it in every mode.
 */
#ifndef VMX_PAGE_WALK_H
#define VMX_PAGE_WALK_H

#include "compiler.h"
#include "types.h"

/* What the access is (an OR of these; 0 is a supervisor data read). */
#define PW_ACCESS_WRITE BIT(0)
#define PW_ACCESS_FETCH BIT(1)
/* Made at CPL 3 (not an implicit supervisor access such as a descriptor read). */
#define PW_ACCESS_USER BIT(2)
/* RFLAGS.AC: a supervisor data access to a user page is allowed under CR4.SMAP (4.6.1). */
#define PW_ACCESS_AC BIT(3)

/* The page-fault error code (SDM Vol. 3A 4.7, Figure 4-12). */
#define PF_ERR_PRESENT BIT(0)	/* a protection violation, not a not-present entry */
#define PF_ERR_WRITE BIT(1)
#define PF_ERR_USER BIT(2)
#define PF_ERR_RSVD BIT(3)
#define PF_ERR_FETCH BIT(4)

/* The guest state a walk depends on: the values the CPU runs the guest with. */
struct page_walk_regs {
	u64 cr0, cr3, cr4, efer;
	/*
	 * PAE paging: the four PDPTEs the CPU loaded at the last MOV to CR3
	 * (or CR0/CR4 change).  With EPT they are the VMCS's GUEST_PDPTR0-3
	 * (SDM Vol. 3A 4.4.1; Vol. 3C 26.3.2.4, 28.3.4), never re-read from
	 * memory the guest may have changed since.
	 */
	u64 pdpte[4];
	unsigned int maxphyaddr;	/* the guest's CPUID.80000008H:EAX[7:0] */
};

/*
 * The guest's physical memory: read the u64 at gpa (8-byte aligned: 0, or
 * -EFAULT where no memory is), and set bits in the u32 at gpa (4-byte
 * aligned) atomically, as the CPU sets the accessed and dirty flags (4.8),
 * or -EFAULT.
 */
struct page_walk_mem {
	int (*read)(void *ctx, u64 gpa, u64 *val);
	int (*set_bits)(void *ctx, u64 gpa, u32 bits);
	void *ctx;
};

struct page_walk_result {
	u64 gpa;		/* the translation of the linear address (0 returned) */
	u64 page_size;		/* of the page it lies in: 4 KiB, 2 or 4 MiB, 1 GiB */
	u32 error_code;		/* -EFAULT: the #PF error code to inject, CR2 the address */
	u64 table_gpa;		/* -EIO: the table entry with no memory behind it */
	const char *why;	/* -ENOTSUP: the paging mode refused, named */
};

/*
 * Translate linear address la for access (PW_ACCESS_*).  0 and res->gpa;
 * -EFAULT: a page fault (res->error_code); -EINVAL: la is not canonical
 * under 4-level paging (#GP or #SS, not #PF); -EIO: a table entry lies
 * where the guest has no memory (res->table_gpa); -ENOTSUP: a paging mode
 * not emulated (5-level paging, res->why).
 */
int vmx_page_walk(const struct page_walk_regs *regs, const struct page_walk_mem *mem, u64 la,
		  u32 access, struct page_walk_result *res);

/*
 * Whether a PAE PDPTE has a reserved bit set while present (bits 2:1, 8:5,
 * 63:MAXPHYADDR; SDM Vol. 3A 4.4.1, Table 4-8): a MOV to CR0, CR3 or CR4
 * that would load it raises #GP(0), and a walk through it faults with RSVD.
 */
bool vmx_pae_pdpte_reserved(u64 pdpte, unsigned int maxphyaddr);

#endif
