/* x86 CPU helpers: CPUID, control registers, TSC, halting. */
#pragma once

#include "compiler.h"
#include "types.h"

/* CR0 and CR4 bits used by slotvisor (SDM Vol. 3A 2.5). */
#define X86_CR0_PE BIT(0)
#define X86_CR0_ET BIT(4)
#define X86_CR0_NE BIT(5)
#define X86_CR0_WP BIT(16)
#define X86_CR0_NW BIT(29)
#define X86_CR0_CD BIT(30)
#define X86_CR0_PG BIT(31)
#define X86_CR4_PSE BIT(4)
#define X86_CR4_PAE BIT(5)
#define X86_CR4_PGE BIT(7)
#define X86_CR4_OSFXSR BIT(9)
#define X86_CR4_OSXMMEXCPT BIT(10)
#define X86_CR4_VMXE BIT(13)
#define X86_CR4_SMXE BIT(14)
#define X86_CR4_PCIDE BIT(17)
#define X86_CR4_OSXSAVE BIT(18)
#define X86_CR4_SMEP BIT(20)

/* RFLAGS bits. */
#define X86_RFLAGS_CF BIT(0)
#define X86_RFLAGS_FIXED BIT(1)	/* always 1 */
#define X86_RFLAGS_ZF BIT(6)
#define X86_RFLAGS_IF BIT(9)
#define X86_RFLAGS_DF BIT(10)
#define X86_RFLAGS_RF BIT(16)
#define X86_RFLAGS_AC BIT(18)

/* CPUID feature bits (SDM Vol. 2A, CPUID). */
#define CPUID_1_ECX_VMX BIT(5)
#define CPUID_1_ECX_SMX BIT(6)
#define CPUID_1_ECX_PCID BIT(17)
#define CPUID_1_ECX_X2APIC BIT(21)
#define CPUID_1_ECX_XSAVE BIT(26)
#define CPUID_1_ECX_RDRAND BIT(30)
#define CPUID_1_ECX_HYPERVISOR BIT(31)
#define CPUID_LEAF_FEATURES7 0x7
#define CPUID_7_EBX_INVPCID BIT(10)
#define CPUID_80000001_EDX_NX BIT(20)
#define CPUID_80000001_EDX_PDPE1GB BIT(26)
#define CPUID_80000001_EDX_LM BIT(29)

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(u32 leaf, u32 subleaf)
{
	struct cpuid_regs r;

	__asm__ __volatile__("cpuid"
			     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline struct cpuid_regs cpuid(u32 leaf)
{
	return cpuid_count(leaf, 0);
}

/* RDRAND: true with *v set, false when the CPU had no random number ready (CF = 0, SDM Vol. 1 7.3.17). */
static inline bool rdrand64(u64 *v)
{
	bool ok;

	__asm__ __volatile__("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
	return ok;
}

#define DEFINE_CR_ACCESSORS(n)                                             \
	static inline u64 read_cr##n(void)                                 \
	{                                                                  \
		u64 v;                                                     \
		__asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v));      \
		return v;                                                  \
	}                                                                  \
	static inline void write_cr##n(u64 v)                              \
	{                                                                  \
		__asm__ __volatile__("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

/* Debug registers (a guest's DR7 is in its VMCS; the others are vmx/guest_state.c's). */
#define DEFINE_DR_ACCESSORS(n)                                             \
	static inline u64 read_dr##n(void)                                 \
	{                                                                  \
		u64 v;                                                     \
		__asm__ __volatile__("mov %%db" #n ", %0" : "=r"(v));      \
		return v;                                                  \
	}                                                                  \
	static inline void write_dr##n(u64 v)                              \
	{                                                                  \
		__asm__ __volatile__("mov %0, %%db" #n : : "r"(v) : "memory"); \
	}
DEFINE_DR_ACCESSORS(0)
DEFINE_DR_ACCESSORS(1)
DEFINE_DR_ACCESSORS(2)
DEFINE_DR_ACCESSORS(3)
DEFINE_DR_ACCESSORS(6)
DEFINE_DR_ACCESSORS(7)
#undef DEFINE_DR_ACCESSORS

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline u64 read_rflags(void)
{
	u64 f;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(f));
	return f;
}

static inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

/* Stop this CPU for good: interrupts off, halt forever. */
static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt" ::: "memory");
}

/* XCR0, the extended state the CPU saves and lets software use (SDM Vol. 1 13.3). */
#define XCR0_X87 BIT(0)
#define XCR0_SSE BIT(1)
#define XCR0_AVX BIT(2)

static inline u64 xgetbv(u32 xcr)
{
	u32 lo, hi;

	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(xcr));
	return ((u64)hi << 32) | lo;
}

static inline void xsetbv(u32 xcr, u64 val)
{
	__asm__ __volatile__("xsetbv" : : "a"((u32)val), "d"((u32)(val >> 32)), "c"(xcr));
}

/*
 * Make FXSAVE/XSAVE keep every register a guest may use.  CR4.OSFXSR always:
 * without it FXSAVE and FXRSTOR may skip XMM0-15 and MXCSR (SDM Vol. 2A,
 * FXSAVE; Bochs does skip them), and a CPU without XSAVE would carry one
 * guest's SSE registers into the host and into the next guest.  CR4.OSXSAVE
 * where the CPU has XSAVE, with every state component it supports in XCR0,
 * so that XSAVE/XRSTOR save and restore all of a guest's extended state, and
 * a guest's own XCR0 is loaded around its VM entries (vmx/guest_state.c).
 * The hypervisor uses none of it itself: it is built with -mgeneral-regs-only.
 */
static inline void cpu_enable_fpu_state(void)
{
	struct cpuid_regs r;

	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
	if (!(cpuid(1).ecx & CPUID_1_ECX_XSAVE))
		return;
	write_cr4(read_cr4() | X86_CR4_OSXSAVE);
	r = cpuid_count(0xd, 0);
	xsetbv(0, ((u64)r.edx << 32) | r.eax);
}
