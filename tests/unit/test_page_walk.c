/*
 * The guest page walk (vmx/page_walk.c) on tables built in a fake guest
 * memory: each paging mode, its large pages, a not-present entry at each
 * level, each access-rights rule of SDM Vol. 3A 4.6, reserved bits, the
 * accessed and dirty flags, and the error codes of 4.7.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "compiler.h"
#include "lib/errno.h"
#include "vmx/page_walk.h"

#define MEM_SIZE (1u << 20)	/* the fake guest's memory: gpa 0 .. 1 MiB */
#define P BIT(0)
#define RW BIT(1)
#define US BIT(2)
#define A BIT(5)
#define D BIT(6)
#define PS BIT(7)
#define XD BIT(63)
#define CR0_PG BIT(31)
#define CR0_WP BIT(16)
#define CR4_PSE BIT(4)
#define CR4_PAE BIT(5)
#define CR4_LA57 BIT(12)
#define CR4_SMEP BIT(20)
#define CR4_SMAP BIT(21)
#define EFER_LME BIT(8)
#define EFER_LMA BIT(10)
#define EFER_NXE BIT(11)
#define MAXPHY 39
/* Table pages of the fake memory. */
#define T0 0x10000ULL
#define T1 0x11000ULL
#define T2 0x12000ULL
#define T3 0x13000ULL
#define T4 0x14000ULL
#define DATA 0x80000ULL
#define ALL (P | RW | US)

static u8 mem[MEM_SIZE];
static unsigned int reads;

static int fake_read(void *ctx, u64 gpa, u64 *val)
{
	assert_int_equal(gpa & 7, 0);
	if (gpa + 8 > MEM_SIZE)
		return -EFAULT;
	memcpy(val, mem + gpa, 8);
	reads++;
	return 0;
}

static int fake_set_bits(void *ctx, u64 gpa, u32 bits)
{
	u32 v;

	assert_int_equal(gpa & 3, 0);
	if (gpa + 4 > MEM_SIZE)
		return -EFAULT;
	memcpy(&v, mem + gpa, 4);
	v |= bits;
	memcpy(mem + gpa, &v, 4);
	return 0;
}

static const struct page_walk_mem fake_mem = { .read = fake_read, .set_bits = fake_set_bits };

static void put64(u64 gpa, u64 v)
{
	memcpy(mem + gpa, &v, 8);
}

static u64 get64(u64 gpa)
{
	u64 v;

	memcpy(&v, mem + gpa, 8);
	return v;
}

static void put32(u64 gpa, u32 v)
{
	memcpy(mem + gpa, &v, 4);
}

static u32 get32(u64 gpa)
{
	u32 v;

	memcpy(&v, mem + gpa, 4);
	return v;
}

static int reset(void **state)
{
	memset(mem, 0, sizeof(mem));
	reads = 0;
	return 0;
}

static struct page_walk_regs regs_4level(void)
{
	return (struct page_walk_regs){
		.cr0 = CR0_PG | CR0_WP, .cr3 = T0, .cr4 = CR4_PAE,
		.efer = EFER_LME | EFER_LMA | EFER_NXE, .maxphyaddr = MAXPHY,
	};
}

/* la's 4-level path T0 -> T1 -> T2 -> T3 -> DATA, every entry with bits. */
static u64 map_4level(u64 la, u64 bits)
{
	put64(T0 + ((la >> 39) & 511) * 8, T1 | bits);
	put64(T1 + ((la >> 30) & 511) * 8, T2 | bits);
	put64(T2 + ((la >> 21) & 511) * 8, T3 | bits);
	put64(T3 + ((la >> 12) & 511) * 8, DATA | bits);
	return la;
}

static int walk(const struct page_walk_regs *r, u64 la, u32 access, struct page_walk_result *res)
{
	memset(res, 0xa5, sizeof(*res));
	return vmx_page_walk(r, &fake_mem, la, access, res);
}

static void paging_off_is_physical_in_32_bits(void **state)
{
	struct page_walk_regs r = { .cr0 = 0 };
	struct page_walk_result res;

	assert_int_equal(walk(&r, 0x123456789ULL, PW_ACCESS_WRITE | PW_ACCESS_USER, &res), 0);
	assert_int_equal(res.gpa, 0x23456789ULL);
	assert_int_equal(reads, 0);
}

static void four_level_4k(void **state)
{
	struct page_walk_regs r = regs_4level();
	struct page_walk_result res;
	u64 la = map_4level(0x00007f8012345678ULL, ALL);

	assert_int_equal(walk(&r, la, 0, &res), 0);
	assert_int_equal(res.gpa, DATA | 0x678);
	assert_int_equal(res.page_size, 4096);
	assert_int_equal(reads, 4);
}

static void four_level_2m_and_1g(void **state)
{
	struct page_walk_regs r = regs_4level();
	struct page_walk_result res;
	u64 la = map_4level(0x40123456ULL, ALL);

	put64(T2 + ((la >> 21) & 511) * 8, 0x7fe00000ULL | ALL | PS);
	assert_int_equal(walk(&r, la, 0, &res), 0);
	assert_int_equal(res.gpa, 0x7fe00000ULL | (la & 0x1fffff));
	assert_int_equal(res.page_size, 2ULL << 20);
	put64(T1 + ((la >> 30) & 511) * 8, 0x40000000ULL * 5 | ALL | PS);
	assert_int_equal(walk(&r, la, 0, &res), 0);
	assert_int_equal(res.gpa, 0x40000000ULL * 5 | (la & 0x3fffffff));
	assert_int_equal(res.page_size, 1ULL << 30);
}

static void four_level_not_present_at_each_level(void **state)
{
	struct page_walk_regs r = regs_4level();
	struct page_walk_result res;
	u64 la = 0x00007f8012345678ULL;
	u64 entry[4] = { T0 + ((la >> 39) & 511) * 8, T1 + ((la >> 30) & 511) * 8,
			 T2 + ((la >> 21) & 511) * 8, T3 + ((la >> 12) & 511) * 8 };

	for (int level = 0; level < 4; level++) {
		map_4level(la, ALL);
		put64(entry[level], get64(entry[level]) & ~P);
		assert_int_equal(walk(&r, la, PW_ACCESS_WRITE | PW_ACCESS_USER, &res), -EFAULT);
		assert_int_equal(res.error_code, PF_ERR_WRITE | PF_ERR_USER);
		/* A failed walk sets no accessed flag. */
		for (int i = 0; i < 4; i++)
			assert_int_equal(get64(entry[i]) & A, 0);
	}
}

static void four_level_sets_accessed_and_dirty(void **state)
{
	struct page_walk_regs r = regs_4level();
	struct page_walk_result res;
	u64 la = map_4level(0x12345000ULL, ALL);
	u64 leaf = T3 + ((la >> 12) & 511) * 8;

	assert_int_equal(walk(&r, la, 0, &res), 0);
	assert_int_equal(get64(T0) & (A | D), A);
	assert_int_equal(get64(leaf) & (A | D), A);
	assert_int_equal(walk(&r, la, PW_ACCESS_WRITE, &res), 0);
	assert_int_equal(get64(leaf) & (A | D), A | D);
	assert_int_equal(get64(T0) & D, 0);	/* D only in the leaf */
}

static void four_level_noncanonical_and_la57(void **state)
{
	struct page_walk_regs r = regs_4level();
	struct page_walk_result res;

	assert_int_equal(walk(&r, 0x0000800000000000ULL, 0, &res), -EINVAL);
	assert_int_equal(walk(&r, 0xffff7fffffffffffULL, 0, &res), -EINVAL);
	map_4level(0xffff800000001000ULL, ALL);
	assert_int_equal(walk(&r, 0xffff800000001000ULL, 0, &res), 0);
	r.cr4 |= CR4_LA57;
	assert_int_equal(walk(&r, 0xffff800000001000ULL, 0, &res), -ENOTSUP);
	assert_non_null(strstr(res.why, "LA57"));
}

static void table_without_memory_is_named(void **state)
{
	struct page_walk_regs r = regs_4level();
	struct page_walk_result res;
	u64 la = map_4level(0x1000ULL, ALL);

	put64(T2, 0x40000000ULL | ALL);	/* the PT far outside the fake memory */
	assert_int_equal(walk(&r, la, 0, &res), -EIO);
	assert_int_equal(res.table_gpa, 0x40000000ULL + 8);
}

static void reserved_bits_fault_with_rsvd(void **state)
{
	struct page_walk_regs r = regs_4level();
	struct page_walk_result res;
	u64 la = 0x40123456ULL;
	const u32 rsvd = PF_ERR_PRESENT | PF_ERR_RSVD;

	/* An address bit at MAXPHYADDR, in each level's entry. */
	for (int level = 0; level < 4; level++) {
		u64 table[4] = { T0, T1, T2, T3 }, shift = 39 - 9 * level;
		u64 e = table[level] + ((la >> shift) & 511) * 8;

		map_4level(la, ALL);
		put64(e, get64(e) | BIT(MAXPHY));
		assert_int_equal(walk(&r, la, PW_ACCESS_WRITE, &res), -EFAULT);
		assert_int_equal(res.error_code, rsvd | PF_ERR_WRITE);
	}
	/* PS in a PML4E. */
	map_4level(la, ALL);
	put64(T0, get64(T0) | PS);
	assert_int_equal(walk(&r, la, 0, &res), -EFAULT);
	assert_int_equal(res.error_code, rsvd);
	/* A 2 MiB page with bit 13 set; bit 12 (PAT) is not reserved. */
	map_4level(la, ALL);
	put64(T2 + ((la >> 21) & 511) * 8, 0x200000ULL | BIT(13) | ALL | PS);
	assert_int_equal(walk(&r, la, 0, &res), -EFAULT);
	assert_int_equal(res.error_code, rsvd);
	put64(T2 + ((la >> 21) & 511) * 8, 0x200000ULL | BIT(12) | ALL | PS);
	assert_int_equal(walk(&r, la, 0, &res), 0);
	/* XD without EFER.NXE. */
	map_4level(la, ALL | XD);
	r.efer &= ~EFER_NXE;
	assert_int_equal(walk(&r, la, 0, &res), -EFAULT);
	assert_int_equal(res.error_code, rsvd);
	/* A reserved bit in a not-present entry does not count. */
	map_4level(la, ALL);
	put64(T3 + ((la >> 12) & 511) * 8, BIT(MAXPHY));
	assert_int_equal(walk(&r, la, 0, &res), -EFAULT);
	assert_int_equal(res.error_code, 0);
}

static void write_protection_follows_cr0_wp(void **state)
{
	struct page_walk_regs r = regs_4level();
	struct page_walk_result res;
	u64 la = map_4level(0x5000ULL, ALL);

	put64(T2, T3 | P | US);	/* read-only at the PD level only */
	assert_int_equal(walk(&r, la, 0, &res), 0);
	assert_int_equal(walk(&r, la, PW_ACCESS_WRITE, &res), -EFAULT);
	assert_int_equal(res.error_code, PF_ERR_PRESENT | PF_ERR_WRITE);
	r.cr0 &= ~CR0_WP;	/* a supervisor write ignores R/W ... */
	assert_int_equal(walk(&r, la, PW_ACCESS_WRITE, &res), 0);
	assert_int_equal(res.gpa, DATA);
	/* ... a user write never does. */
	assert_int_equal(walk(&r, la, PW_ACCESS_WRITE | PW_ACCESS_USER, &res), -EFAULT);
	assert_int_equal(res.error_code, PF_ERR_PRESENT | PF_ERR_WRITE | PF_ERR_USER);
}

static void user_access_needs_us_at_every_level(void **state)
{
	struct page_walk_regs r = regs_4level();
	struct page_walk_result res;
	u64 la = map_4level(0x5000ULL, ALL);

	assert_int_equal(walk(&r, la, PW_ACCESS_USER, &res), 0);
	put64(T1, T2 | P | RW);	/* supervisor at the PDPT level only */
	assert_int_equal(walk(&r, la, PW_ACCESS_USER, &res), -EFAULT);
	assert_int_equal(res.error_code, PF_ERR_PRESENT | PF_ERR_USER);
	assert_int_equal(walk(&r, la, 0, &res), 0);
}

static void nx_smep_smap(void **state)
{
	struct page_walk_regs r = regs_4level();
	struct page_walk_result res;
	u64 la = map_4level(0x5000ULL, ALL);

	put64(T3 + 5 * 8, DATA | ALL | XD);
	assert_int_equal(walk(&r, la, 0, &res), 0);
	assert_int_equal(walk(&r, la, PW_ACCESS_FETCH, &res), -EFAULT);
	assert_int_equal(res.error_code, PF_ERR_PRESENT | PF_ERR_FETCH);
	put64(T3 + 5 * 8, DATA | ALL);
	assert_int_equal(walk(&r, la, PW_ACCESS_FETCH, &res), 0);
	/* SMEP: no supervisor fetch from a user page. */
	r.cr4 |= CR4_SMEP;
	assert_int_equal(walk(&r, la, PW_ACCESS_FETCH, &res), -EFAULT);
	assert_int_equal(res.error_code, PF_ERR_PRESENT | PF_ERR_FETCH);
	assert_int_equal(walk(&r, la, PW_ACCESS_FETCH | PW_ACCESS_USER, &res), 0);
	/* SMAP: no supervisor data access to a user page unless RFLAGS.AC. */
	r.cr4 |= CR4_SMAP;
	assert_int_equal(walk(&r, la, 0, &res), -EFAULT);
	assert_int_equal(res.error_code, PF_ERR_PRESENT);
	assert_int_equal(walk(&r, la, PW_ACCESS_AC, &res), 0);
	put64(T0, T1 | P | RW);	/* a supervisor page: SMAP does not apply */
	assert_int_equal(walk(&r, la, 0, &res), 0);
}

static struct page_walk_regs regs_pae(void)
{
	return (struct page_walk_regs){ .cr0 = CR0_PG | CR0_WP, .cr4 = CR4_PAE, .efer = EFER_NXE,
					.maxphyaddr = MAXPHY, .cr3 = T0 };
}

static void pae_uses_the_loaded_pdptes(void **state)
{
	struct page_walk_regs r = regs_pae();
	struct page_walk_result res;
	u64 la = 0xc0345678ULL;	/* PDPTE 3, PDE 1, PTE 0x145 */

	r.pdpte[3] = T1 | P;
	put64(T1 + 1 * 8, T2 | ALL);
	put64(T2 + 0x145 * 8, DATA | ALL);
	/* The PDPT in memory says otherwise: the CPU does not read it again (4.4.1). */
	put64(T0 + 3 * 8, T3 | P);
	assert_int_equal(walk(&r, la, 0, &res), 0);
	assert_int_equal(res.gpa, DATA | 0x678);
	assert_int_equal(reads, 2);
	r.pdpte[3] = 0;
	assert_int_equal(walk(&r, la, PW_ACCESS_WRITE, &res), -EFAULT);
	assert_int_equal(res.error_code, PF_ERR_WRITE);
	r.pdpte[3] = T1 | P | RW;	/* PDPTE bit 1 is reserved under PAE */
	assert_int_equal(walk(&r, la, 0, &res), -EFAULT);
	assert_int_equal(res.error_code, PF_ERR_PRESENT | PF_ERR_RSVD);
}

static void pae_pdpte_reserved_bits(void **state)
{
	assert_false(vmx_pae_pdpte_reserved(T1 | P, MAXPHY));
	assert_false(vmx_pae_pdpte_reserved(RW | US | BIT(MAXPHY), MAXPHY));	/* not present */
	assert_true(vmx_pae_pdpte_reserved(T1 | P | RW, MAXPHY));	/* bit 1 */
	assert_true(vmx_pae_pdpte_reserved(T1 | P | US, MAXPHY));	/* bit 2 */
	assert_true(vmx_pae_pdpte_reserved(T1 | P | BIT(5), MAXPHY));
	assert_true(vmx_pae_pdpte_reserved(T1 | P | BIT(8), MAXPHY));
	assert_true(vmx_pae_pdpte_reserved(T1 | P | BIT(MAXPHY), MAXPHY));
	assert_false(vmx_pae_pdpte_reserved(T1 | P | BIT(MAXPHY), MAXPHY + 1));
	assert_true(vmx_pae_pdpte_reserved(T1 | P | BIT(60), 52));
	assert_true(vmx_pae_pdpte_reserved(T1 | P | XD, 52));
	assert_false(vmx_pae_pdpte_reserved(T1 | P | BIT(3) | BIT(4) | BIT(9), MAXPHY));	/* PWT, PCD, AVL */
}

static void pae_2m_pages_nx_and_not_present(void **state)
{
	struct page_walk_regs r = regs_pae();
	struct page_walk_result res;
	u64 la = 0x40345678ULL;	/* PDPTE 1, PDE 1 */

	r.pdpte[1] = T1 | P;
	put64(T1 + 8, 0x600000ULL | ALL | PS);
	assert_int_equal(walk(&r, la, PW_ACCESS_USER | PW_ACCESS_WRITE, &res), 0);
	assert_int_equal(res.gpa, 0x600000ULL | 0x145678);
	assert_int_equal(res.page_size, 2ULL << 20);
	assert_int_equal(get64(T1 + 8) & (A | D), A | D);
	put64(T1 + 8, 0x600000ULL | ALL | PS | XD);
	assert_int_equal(walk(&r, la, PW_ACCESS_FETCH | PW_ACCESS_USER, &res), -EFAULT);
	assert_int_equal(res.error_code, PF_ERR_PRESENT | PF_ERR_FETCH | PF_ERR_USER);
	/* Bits 62:52 are reserved under PAE (4-level ignores them). */
	put64(T1 + 8, 0x600000ULL | ALL | PS | BIT(60));
	assert_int_equal(walk(&r, la, 0, &res), -EFAULT);
	assert_int_equal(res.error_code, PF_ERR_PRESENT | PF_ERR_RSVD);
	put64(T1 + 8, T2 | ALL);
	assert_int_equal(walk(&r, la, 0, &res), -EFAULT);	/* PTE 0x145 not present */
	assert_int_equal(res.error_code, 0);
	/* Linear addresses are 32 bits: bit 32 is dropped. */
	put64(T2 + 0x145 * 8, DATA | ALL);
	assert_int_equal(walk(&r, la | (1ULL << 32), 0, &res), 0);
	assert_int_equal(res.gpa, DATA | 0x678);
}

static struct page_walk_regs regs_32bit(void)
{
	return (struct page_walk_regs){ .cr0 = CR0_PG | CR0_WP, .cr3 = T0, .maxphyaddr = MAXPHY };
}

static void bit32_4k_and_flags(void **state)
{
	struct page_walk_regs r = regs_32bit();
	struct page_walk_result res;
	u64 la = 0xfec00123ULL;	/* PDE 0x3fb, PTE 0 */

	put32(T0 + 0x3fb * 4, T1 | ALL);
	put32(T1, 0xfee00000u | ALL);
	assert_int_equal(walk(&r, la, PW_ACCESS_WRITE, &res), 0);
	assert_int_equal(res.gpa, 0xfee00123ULL);
	assert_int_equal(get32(T0 + 0x3fb * 4) & (A | D), A);
	assert_int_equal(get32(T1) & (A | D), A | D);
	assert_int_equal(get32(T0 + 0x3fa * 4), 0);	/* the neighbour, same u64, untouched */
	/* The last PDE of the table: read without crossing the page. */
	put32(T0 + 0x3ff * 4, 0);
	assert_int_equal(walk(&r, 0xffc00000ULL, 0, &res), -EFAULT);
	put32(T1, 0xfee00000u | P | US);
	assert_int_equal(walk(&r, la, PW_ACCESS_WRITE, &res), -EFAULT);
	assert_int_equal(res.error_code, PF_ERR_PRESENT | PF_ERR_WRITE);
	/* No XD under 32-bit paging: a fetch's I/D bit only with SMEP. */
	put32(T1, 0);
	assert_int_equal(walk(&r, la, PW_ACCESS_FETCH, &res), -EFAULT);
	assert_int_equal(res.error_code, 0);
	r.cr4 |= CR4_SMEP;
	assert_int_equal(walk(&r, la, PW_ACCESS_FETCH, &res), -EFAULT);
	assert_int_equal(res.error_code, PF_ERR_FETCH);
}

static void bit32_4m_pages_need_pse(void **state)
{
	struct page_walk_regs r = regs_32bit();
	struct page_walk_result res;
	u64 la = 0x00c12345ULL;	/* PDE 3 */

	put32(T0 + 3 * 4, 0x01000000u | (0x3u << 13) | ALL | PS);	/* PSE-36: bits 33:32 = 3 */
	r.cr4 = CR4_PSE;
	assert_int_equal(walk(&r, la, 0, &res), 0);
	assert_int_equal(res.gpa, 0x301000000ULL | 0x012345);
	assert_int_equal(res.page_size, 4ULL << 20);
	/* Bit 21 is reserved in a 4 MiB PDE; so are address bits at MAXPHYADDR. */
	put32(T0 + 3 * 4, 0x01000000u | BIT(21) | ALL | PS);
	assert_int_equal(walk(&r, la, 0, &res), -EFAULT);
	assert_int_equal(res.error_code, PF_ERR_PRESENT | PF_ERR_RSVD);
	put32(T0 + 3 * 4, 0x01000000u | BIT(13 + MAXPHY - 32) | ALL | PS);
	assert_int_equal(walk(&r, la, 0, &res), -EFAULT);
	assert_int_equal(res.error_code, PF_ERR_PRESENT | PF_ERR_RSVD);
	/* Without CR4.PSE the PS bit is ignored: the PDE points at a page table. */
	put32(T0 + 3 * 4, T1 | ALL | PS);
	put32(T1 + 0x012 * 4, DATA | ALL);
	r.cr4 = 0;
	assert_int_equal(walk(&r, la, 0, &res), 0);
	assert_int_equal(res.gpa, DATA | 0x345);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(paging_off_is_physical_in_32_bits, reset),
		cmocka_unit_test_setup(four_level_4k, reset),
		cmocka_unit_test_setup(four_level_2m_and_1g, reset),
		cmocka_unit_test_setup(four_level_not_present_at_each_level, reset),
		cmocka_unit_test_setup(four_level_sets_accessed_and_dirty, reset),
		cmocka_unit_test_setup(four_level_noncanonical_and_la57, reset),
		cmocka_unit_test_setup(table_without_memory_is_named, reset),
		cmocka_unit_test_setup(reserved_bits_fault_with_rsvd, reset),
		cmocka_unit_test_setup(write_protection_follows_cr0_wp, reset),
		cmocka_unit_test_setup(user_access_needs_us_at_every_level, reset),
		cmocka_unit_test_setup(nx_smep_smap, reset),
		cmocka_unit_test_setup(pae_uses_the_loaded_pdptes, reset),
		cmocka_unit_test_setup(pae_2m_pages_nx_and_not_present, reset),
		cmocka_unit_test_setup(pae_pdpte_reserved_bits, reset),
		cmocka_unit_test_setup(bit32_4k_and_flags, reset),
		cmocka_unit_test_setup(bit32_4m_pages_need_pse, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
