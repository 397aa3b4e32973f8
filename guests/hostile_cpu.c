/*
 * hostile_cpu: control registers, XCR0, CPUID and the instructions a guest
 * may try on a hypervisor (the hostile suite, issue 17; tests/kernel/
 * test_hostile.c).  Every write that the SDM forbids must be a #GP in the
 * guest (never a failed VM entry), every instruction the guest's CPU does
 * not offer a #UD, and the guest must go on afterwards:
 *  1. CR0: each bit 0-63 flipped and put back (SDM Vol. 3A 2.5; MOV to
 *     CR0 raises #GP for reserved bits, PG or PE cleared in IA-32e mode,
 *     NW without CD);
 *  2. CR4: each bit 0-63 set and put back, but SMEP and SMAP (the guest's
 *     own pages are user pages: those would fault its next fetch, which is
 *     the guest's business, not the hypervisor's);
 *  3. XSETBV: XCR0 = each bit alone, AVX without SSE, and XCR 1 and 2
 *     (SDM Vol. 2C XSETBV: #GP for each), then XCR0 put back;
 *  4. CPUID: every leaf 0-0xff of the basic, hypervisor, extended and
 *     Centaur ranges, subleaves 0-7;
 *  5. MONITOR, MWAIT, INVPCID (type 4: reserved), RDPMC (counter 0x12345),
 *     INVD, WBINVD, RDTSCP, RDPID: each one's vector is reported.
 * SYNC n reports a bitmap of the bits (or cases) that raised #GP, or the
 * vector, as the stage says.
 */
#include "guest.h"

#define GP_VECTOR 13
#define UD_VECTOR 6
#define CR4_OSXSAVE (1ULL << 18)
#define CR4_SMEP_BIT 20
#define CR4_SMAP_BIT 21
#define XCR0_X87 1ULL
#define XCR0_SSE 2ULL
#define XCR0_AVX 4ULL

static uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static int write_cr0(uint64_t v)
{
	return GUEST_SAFE("mov %0, %%cr0", : : "r"(v) : "r11", "memory");
}

static int xsetbv_safe(uint32_t index, uint64_t v)
{
	return GUEST_SAFE("xsetbv", : : "c"(index), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			  : "r11", "memory");
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static void expect_gp_or_none(int vec)
{
	GUEST_ASSERT(vec == -1 || vec == GP_VECTOR);
}

static void flip_cr0(void)
{
	uint64_t cr0 = read_cr0(), gp = 0;

	for (unsigned int bit = 0; bit < 64; bit++) {
		int vec = write_cr0(cr0 ^ (1ULL << bit));

		expect_gp_or_none(vec);
		if (vec == GP_VECTOR)
			gp |= 1ULL << bit;
		GUEST_ASSERT(write_cr0(cr0) == -1);
	}
	GUEST_SYNC2(1, gp);
}

static void set_cr4(void)
{
	uint64_t cr4 = guest_read_cr4(), gp = 0;

	for (unsigned int bit = 0; bit < 64; bit++) {
		int vec;

		if (bit == CR4_SMEP_BIT || bit == CR4_SMAP_BIT || (cr4 & (1ULL << bit)))
			continue;
		vec = guest_write_cr4_safe(cr4 | (1ULL << bit));
		expect_gp_or_none(vec);
		if (vec == GP_VECTOR)
			gp |= 1ULL << bit;
		GUEST_ASSERT(guest_write_cr4_safe(cr4) == -1);
	}
	GUEST_SYNC2(2, gp);
}

static void abuse_xcr0(void)
{
	uint64_t cr4 = guest_read_cr4(), xcr0, gp = 0;
	uint32_t a, b, c, d;

	guest_cpuid(1, &a, &b, &c, &d);
	if (!(c & (1u << 26))) {	/* no XSAVE: XSETBV must be #UD */
		GUEST_ASSERT(xsetbv_safe(0, XCR0_X87) == UD_VECTOR);
		GUEST_SYNC2(3, 0);
		return;
	}
	GUEST_ASSERT(guest_write_cr4_safe(cr4 | CR4_OSXSAVE) == -1);
	xcr0 = xgetbv0();
	for (unsigned int bit = 0; bit < 64; bit++) {
		int vec = xsetbv_safe(0, 1ULL << bit);

		expect_gp_or_none(vec);
		if (vec == GP_VECTOR)
			gp |= 1ULL << bit;
	}
	GUEST_ASSERT(xsetbv_safe(0, XCR0_X87 | XCR0_AVX) == GP_VECTOR);
	GUEST_ASSERT(xsetbv_safe(1, XCR0_X87) == GP_VECTOR);
	GUEST_ASSERT(xsetbv_safe(2, XCR0_X87) == GP_VECTOR);
	GUEST_ASSERT(xsetbv_safe(0, xcr0) == -1 && xgetbv0() == xcr0);
	GUEST_ASSERT(guest_write_cr4_safe(cr4) == -1);
	GUEST_SYNC2(3, gp);
}

static void every_cpuid(void)
{
	static const uint32_t bases[] = { 0, 0x40000000, 0x80000000, 0xc0000000 };
	uint64_t sum = 0;

	for (unsigned int i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		for (uint32_t leaf = bases[i]; leaf < bases[i] + 0x100; leaf++) {
			for (uint32_t sub = 0; sub < 8; sub++) {
				uint32_t a, b, c, d;

				__asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
						     : "a"(leaf), "c"(sub));
				sum += a ^ b ^ c ^ d;
			}
		}
	}
	GUEST_SYNC2(4, sum != 0);
}

static void odd_instructions(void)
{
	uint64_t desc[2] = { 0, 0 }, vecs = 0;
	int v[8];

	v[0] = GUEST_SAFE("monitor", : : "a"(desc), "c"(0), "d"(0) : "r11", "memory");
	v[1] = GUEST_SAFE("mwait", : : "a"(0), "c"(0) : "r11", "memory");
	v[2] = GUEST_SAFE("invpcid %0, %1", : : "m"(desc), "r"(4ULL) : "r11", "memory");
	v[3] = GUEST_SAFE("rdpmc", : : "c"(0x12345) : "rax", "rdx", "r11", "memory");
	v[4] = GUEST_SAFE("invd", : : : "r11", "memory");
	v[5] = GUEST_SAFE("wbinvd", : : : "r11", "memory");
	v[6] = GUEST_SAFE("rdtscp", : : : "rax", "rcx", "rdx", "r11", "memory");
	v[7] = GUEST_SAFE("rdpid %%rax", : : : "rax", "r11", "memory");
	for (unsigned int i = 0; i < 8; i++) {
		GUEST_ASSERT(v[i] == -1 || v[i] == UD_VECTOR || v[i] == GP_VECTOR);
		vecs |= (uint64_t)(v[i] == -1 ? 0xff : v[i]) << (8 * i);
	}
	GUEST_SYNC2(5, vecs);
}

void guest_main(void)
{
	guest_idt_install();
	flip_cr0();
	set_cr4();
	abuse_xcr0();
	every_cpuid();
	odd_instructions();
}
