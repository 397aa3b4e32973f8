/*
 * msrs: the guest state the CPU does not switch (vmx/guest_state.c,
 * vmx/exit_xsetbv.c) and the CPUID that describes it.  The VMM runs two VMs
 * of this guest on one CPU, turn about, each with its own seed at SEED_GPA:
 *  1. find DR0-DR3 and DR6 as after reset, whatever the other VM wrote;
 *     write them, STAR, LSTAR, CSTAR, SFMASK, KERNEL_GS_BASE, TSC_AUX, XMM0,
 *     CR8 and IA32_TSC_ADJUST (which moves the TSC with it) from the seed,
 *     SYNC (the other VM runs and writes its own);
 *  2. read them back unchanged, SWAPGS twice (KERNEL_GS_BASE moves through
 *     GS.base and back), RDTSCP returns TSC_AUX, MXCSR as after reset, a
 *     write to IA32_TSC moves IA32_TSC_ADJUST by as much, SYNC;
 *  3. IA32_MISC_ENABLE as emulated (every writable bit read back, a
 *     reserved bit #GP, the read-only bits kept, LIMIT_CPUID limiting
 *     CPUID.0, XD_DISABLE hiding NX and refusing EFER.NXE), the microcode
 *     revision as emulated, XSETBV's
 *     checks where the CPU has XSAVE (the VMM says so at HAS_XSAVE_GPA),
 *     CPUID leaf 0x15 with the TSC rate (at TSC_KHZ_GPA) on every model,
 *     CPUID without VMX, the APIC or XSAVES; DONE.
 */
#include "guest.h"

#define SEED_GPA 0x300000ULL
#define HAS_XSAVE_GPA (SEED_GPA + 8)
#define TSC_KHZ_GPA (SEED_GPA + 16)
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103
#define MSR_TSC 0x10
#define MSR_TSC_ADJUST 0x3b
#define CPUID_7_EBX_TSC_ADJUST (1u << 1)
#define TSC_ADJUST_STEP (1ULL << 40)	/* far more than the whole test's TSC ticks */
#define TSC_WRITE_VALUE (1ULL << 50)
#define TSC_SLACK 1000000000ULL	/* TSC ticks an exit or two may take in Bochs, and more */
#define MSR_UCODE_REV 0x8b
#define MSR_MISC_ENABLE 0x1a0
#define MISC_ENABLE_EXPECTED 0x1801	/* fast strings, BTS and PEBS unavailable */
#define MISC_ENABLE_READ_ONLY 0x1880	/* bits 7, 11 and 12 (kvm-unit-tests' `msr` keeps them) */
/* Every writable bit: 0, 3, 16, 18, 22 (LIMIT_CPUID), 23, 34 (XD_DISABLE): `msr`'s value. */
#define MISC_ENABLE_WRITABLE 0x400c50009ULL
#define MISC_ENABLE_RESERVED_BIT (1ULL << 1)
#define MSR_EFER 0xc0000080
#define EFER_NXE (1ULL << 11)
#define CPUID_80000001_EDX_NX (1u << 20)
#define GP_VECTOR 13
#define CR4_OSXSAVE (1ULL << 18)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define XMM_PATTERN 0x5a5aa5a5c3c33c3cULL
#define MXCSR_RESET 0x1f80
#define CR8_MASK 0xfULL
#define DR6_RESET 0xffff0ff0ULL	/* DR6 after RESET/INIT (SDM Vol. 3A Table 10-1) */
#define DR6_B_MASK 0xfULL	/* B0-B3: writable, and read back as written */
#define DR_ADDR_BASE 0xffffffff80000000ULL
#define DR_ADDR_STEP 0x1000ULL
#define DR7_RESET 0x400ULL
#define DR7_ENABLES 0xffULL	/* L0-L3, G0-G3: breakpoints at dr_addr(), never reached */

#define DR_ACCESSORS(n)                                                           \
	static uint64_t read_dr##n(void)                                          \
	{                                                                         \
		uint64_t v;                                                       \
		__asm__ __volatile__("mov %%db" #n ", %0" : "=r"(v));             \
		return v;                                                         \
	}                                                                         \
	static void write_dr##n(uint64_t v)                                       \
	{                                                                         \
		__asm__ __volatile__("mov %0, %%db" #n : : "r"(v) : "memory");    \
	}
DR_ACCESSORS(0)
DR_ACCESSORS(1)
DR_ACCESSORS(2)
DR_ACCESSORS(3)
DR_ACCESSORS(6)
DR_ACCESSORS(7)

static uint64_t rdmsr(uint32_t msr)
{
	uint64_t v;

	GUEST_ASSERT(rdmsr_safe(msr, &v) == -1);
	return v;
}

static int xsetbv_safe(uint64_t val)
{
	return GUEST_SAFE("xsetbv", : : "c"(0), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
			  : "r11", "memory");
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * IA32_TSC_ADJUST (SDM Vol. 3B 17.17.3): CPUID says it is there, it starts
 * at 0, and a write that adds X to it adds X to the TSC.
 */
static void tsc_adjust_write(uint64_t seed)
{
	uint32_t a, b, c, d;
	uint64_t before, after;

	guest_cpuid(7, &a, &b, &c, &d);
	GUEST_ASSERT(b & CPUID_7_EBX_TSC_ADJUST);
	GUEST_ASSERT(rdmsr(MSR_TSC_ADJUST) == 0);
	before = rdtsc();
	GUEST_ASSERT(wrmsr_safe(MSR_TSC_ADJUST, seed * TSC_ADJUST_STEP) == -1);
	after = rdtsc();
	GUEST_ASSERT(after - before >= seed * TSC_ADJUST_STEP &&
		     after - before < seed * TSC_ADJUST_STEP + TSC_SLACK);
	GUEST_ASSERT(rdmsr(MSR_TSC_ADJUST) == seed * TSC_ADJUST_STEP);
}

/* The vCPU's own adjust value, and a write to IA32_TSC that adds X adds X to it. */
static void tsc_adjust_follows_tsc(uint64_t seed)
{
	uint64_t before, adjust;

	GUEST_ASSERT(rdmsr(MSR_TSC_ADJUST) == seed * TSC_ADJUST_STEP);
	before = rdtsc();
	GUEST_ASSERT(wrmsr_safe(MSR_TSC, TSC_WRITE_VALUE) == -1);
	GUEST_ASSERT(rdtsc() >= TSC_WRITE_VALUE);
	adjust = rdmsr(MSR_TSC_ADJUST);
	/* TSC_WRITE_VALUE - TSC at the write, which came a little after before. */
	GUEST_ASSERT(adjust <= seed * TSC_ADJUST_STEP + (TSC_WRITE_VALUE - before) &&
		     adjust + TSC_SLACK > seed * TSC_ADJUST_STEP + (TSC_WRITE_VALUE - before));
}

static uint64_t dr_addr(uint64_t seed, int n)
{
	return DR_ADDR_BASE + (seed << 20) + n * DR_ADDR_STEP;
}

/*
 * DR0-DR3 and DR6, which no VMCS field switches: a new vCPU finds their
 * reset values, whatever the other VM left in its CPU's registers (the
 * other VM runs first with its own seed), then writes its own.
 */
static void debugregs_write(uint64_t seed)
{
	GUEST_ASSERT(read_dr0() == 0 && read_dr1() == 0 && read_dr2() == 0 && read_dr3() == 0);
	GUEST_ASSERT(read_dr6() == DR6_RESET && read_dr7() == DR7_RESET);
	write_dr0(dr_addr(seed, 0));
	write_dr1(dr_addr(seed, 1));
	write_dr2(dr_addr(seed, 2));
	write_dr3(dr_addr(seed, 3));
	write_dr6(DR6_RESET | (seed & DR6_B_MASK));
	write_dr7(DR7_RESET | (seed & DR7_ENABLES));
}

static void debugregs_check(uint64_t seed)
{
	GUEST_ASSERT(read_dr0() == dr_addr(seed, 0) && read_dr1() == dr_addr(seed, 1));
	GUEST_ASSERT(read_dr2() == dr_addr(seed, 2) && read_dr3() == dr_addr(seed, 3));
	GUEST_ASSERT(read_dr6() == (DR6_RESET | (seed & DR6_B_MASK)));
	/* Kept across the exits since it was written (the VMCS's, saved at each exit). */
	GUEST_ASSERT(read_dr7() == (DR7_RESET | (seed & DR7_ENABLES)));
	write_dr7(DR7_RESET);
}

static void shared_msrs(uint64_t seed)
{
	debugregs_write(seed);
	GUEST_ASSERT(wrmsr_safe(MSR_STAR, seed << 32) == -1);
	GUEST_ASSERT(wrmsr_safe(MSR_LSTAR, 0xffffffff81000000ULL + seed) == -1);
	GUEST_ASSERT(wrmsr_safe(MSR_CSTAR, 0xffffffff82000000ULL + seed) == -1);
	GUEST_ASSERT(wrmsr_safe(MSR_SFMASK, 0x47700 + seed) == -1);
	GUEST_ASSERT(wrmsr_safe(MSR_KERNEL_GS_BASE, 0x5000000 + seed) == -1);
	GUEST_ASSERT(wrmsr_safe(MSR_TSC_AUX, seed) == -1);
	__asm__ __volatile__("movq %0, %%xmm0" : : "r"(XMM_PATTERN ^ seed));
	__asm__ __volatile__("mov %0, %%cr8" : : "r"(seed & CR8_MASK));
	GUEST_ASSERT(GUEST_SAFE("mov %0, %%cr8", : : "r"(CR8_MASK + 1) : "r11", "memory") ==
		     GP_VECTOR);
	/* Non-canonical addresses and reserved halves are refused. */
	GUEST_ASSERT(wrmsr_safe(MSR_LSTAR, 0x0000800000000000ULL) == GP_VECTOR);
	GUEST_ASSERT(wrmsr_safe(MSR_TSC_AUX, 1ULL << 32) == GP_VECTOR);
	tsc_adjust_write(seed);
	GUEST_SYNC(1);

	tsc_adjust_follows_tsc(seed);

	GUEST_ASSERT(rdmsr(MSR_STAR) == seed << 32);
	GUEST_ASSERT(rdmsr(MSR_LSTAR) == 0xffffffff81000000ULL + seed);
	GUEST_ASSERT(rdmsr(MSR_CSTAR) == 0xffffffff82000000ULL + seed);
	GUEST_ASSERT(rdmsr(MSR_SFMASK) == 0x47700 + seed);
	GUEST_ASSERT(rdmsr(MSR_KERNEL_GS_BASE) == 0x5000000 + seed);
	GUEST_ASSERT(rdmsr(MSR_TSC_AUX) == seed);
	{
		uint64_t gs = rdmsr(MSR_GS_BASE);
		uint32_t aux;

		__asm__ __volatile__("swapgs" ::: "memory");
		GUEST_ASSERT(rdmsr(MSR_GS_BASE) == 0x5000000 + seed);
		GUEST_ASSERT(rdmsr(MSR_KERNEL_GS_BASE) == gs);
		__asm__ __volatile__("swapgs" ::: "memory");
		GUEST_ASSERT(rdmsr(MSR_KERNEL_GS_BASE) == 0x5000000 + seed);
		__asm__ __volatile__("rdtscp" : "=c"(aux) : : "rax", "rdx");
		GUEST_ASSERT(aux == seed);
	}
	{
		uint64_t xmm0;
		uint32_t mxcsr;

		__asm__ __volatile__("movq %%xmm0, %0" : "=r"(xmm0));
		GUEST_ASSERT(xmm0 == (XMM_PATTERN ^ seed));
		__asm__ __volatile__("stmxcsr %0" : "=m"(mxcsr));
		GUEST_ASSERT(mxcsr == MXCSR_RESET);
		__asm__ __volatile__("mov %%cr8, %0" : "=r"(xmm0));
		GUEST_ASSERT(xmm0 == (seed & CR8_MASK));
	}
	debugregs_check(seed);
	GUEST_SYNC(2);
}

static bool has_nx(void)
{
	uint32_t a, b, c, d;

	guest_cpuid(0x80000001, &a, &b, &c, &d);
	return d & CPUID_80000001_EDX_NX;
}

static uint32_t max_basic_leaf(void)
{
	uint32_t a, b, c, d;

	guest_cpuid(0, &a, &b, &c, &d);
	return a;
}

/* IA32_MISC_ENABLE as SDM Vol. 4 Table 2-2 has it, and what two of its bits change. */
static void misc_enable(void)
{
	uint64_t efer = rdmsr(MSR_EFER);

	GUEST_ASSERT(rdmsr(MSR_MISC_ENABLE) == MISC_ENABLE_EXPECTED);
	GUEST_ASSERT(wrmsr_safe(MSR_MISC_ENABLE, MISC_ENABLE_EXPECTED | MISC_ENABLE_RESERVED_BIT) ==
		     GP_VECTOR);
	GUEST_ASSERT(rdmsr(MSR_MISC_ENABLE) == MISC_ENABLE_EXPECTED);
	GUEST_ASSERT(has_nx() && max_basic_leaf() >= 0x15);
	/* Every writable bit on, the read-only ones written 0: those stay. */
	GUEST_ASSERT(wrmsr_safe(MSR_MISC_ENABLE, MISC_ENABLE_WRITABLE) == -1);
	GUEST_ASSERT(rdmsr(MSR_MISC_ENABLE) ==
		     (MISC_ENABLE_WRITABLE | (MISC_ENABLE_EXPECTED & MISC_ENABLE_READ_ONLY)));
	GUEST_ASSERT(max_basic_leaf() == 2 && !has_nx());
	/* NXE may be turned off but not on while NX is hidden. */
	GUEST_ASSERT(wrmsr_safe(MSR_EFER, efer & ~EFER_NXE) == -1);
	GUEST_ASSERT(wrmsr_safe(MSR_EFER, efer | EFER_NXE) == GP_VECTOR);
	GUEST_ASSERT(wrmsr_safe(MSR_MISC_ENABLE, MISC_ENABLE_EXPECTED) == -1);
	GUEST_ASSERT(wrmsr_safe(MSR_EFER, efer | EFER_NXE) == -1);
	GUEST_ASSERT(wrmsr_safe(MSR_EFER, efer) == -1);
	GUEST_ASSERT(rdmsr(MSR_MISC_ENABLE) == MISC_ENABLE_EXPECTED);
	GUEST_ASSERT(has_nx() && max_basic_leaf() >= 0x15);
}

static void emulated_and_xsave(void)
{
	uint32_t a, b, c, d;
	uint64_t cr4;

	misc_enable();
	GUEST_ASSERT(wrmsr_safe(MSR_UCODE_REV, 0) == -1);
	GUEST_ASSERT(rdmsr(MSR_UCODE_REV) == 0);

	guest_cpuid(1, &a, &b, &c, &d);
	GUEST_ASSERT(!(c & (1u << 5)) && !(c & (1u << 21)) && !(d & (1u << 9)));
	/*
	 * Leaf 0x15 is there on every CPU model (Westmere's own stop at 0xb) and
	 * gives the TSC rate the VMM measured (it says at TSC_KHZ_GPA).
	 */
	guest_cpuid(0, &a, &b, &c, &d);
	GUEST_ASSERT(a >= 0x15);
	guest_cpuid(0x15, &a, &b, &c, &d);
	GUEST_ASSERT(a && (uint64_t)c * b / a / 1000 == *(volatile uint64_t *)TSC_KHZ_GPA);
	/* No speculation-control MSR bits: slotvisor refuses those MSRs (Ice Lake has them). */
	guest_cpuid(7, &a, &b, &c, &d);
	GUEST_ASSERT(!(d & (0x3fu << 26)));
	/* XSAVE stays where the host has it (the VMM says at HAS_XSAVE_GPA). */
	guest_cpuid(1, &a, &b, &c, &d);
	GUEST_ASSERT(!!(c & (1u << 26)) == !!*(volatile uint64_t *)HAS_XSAVE_GPA);
	if (!(c & (1u << 26)))	/* a CPU without XSAVE (Westmere): no XSETBV to check */
		return;
	guest_cpuid(0xd, &a, &b, &c, &d);
	GUEST_ASSERT((a & 3) == 3);
	guest_cpuid(0xd, &a, &b, &c, &d);
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4 | CR4_OSXSAVE));
	GUEST_ASSERT(xsetbv_safe(3) == -1 && xgetbv0() == 3);
	GUEST_ASSERT(xsetbv_safe(2) == GP_VECTOR);		/* x87 must stay on */
	GUEST_ASSERT(xsetbv_safe(1 | 4) == GP_VECTOR);		/* AVX without SSE */
	GUEST_ASSERT(xsetbv_safe(1ULL << 62) == GP_VECTOR);	/* not supported */
	GUEST_ASSERT(xgetbv0() == 3);
}

void guest_main(void)
{
	uint64_t cr4;

	guest_idt_install();
	/* SSE instructions #UD until the OS says it saves their state. */
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4 | CR4_OSFXSR | CR4_OSXMMEXCPT));
	shared_msrs(*(volatile uint64_t *)SEED_GPA);
	emulated_and_xsave();
}
