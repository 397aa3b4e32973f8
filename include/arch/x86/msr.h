/* Model-specific registers: names and access (SDM Vol. 4). */
#pragma once

#include "types.h"

#define MSR_IA32_FEATURE_CONTROL 0x3a
#define FEATURE_CONTROL_LOCKED BIT(0)
#define FEATURE_CONTROL_VMX_IN_SMX BIT(1)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX BIT(2)

#define MSR_IA32_APIC_BASE 0x1b

/*
 * IA32_MISC_ENABLE (SDM Vol. 4 Table 2-2): the bits an OS may write, the
 * read-only ones, and everything else reserved (#GP when set).
 */
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MISC_ENABLE_FAST_STRING BIT(0)
#define MISC_ENABLE_AUTO_TCC BIT(3)
#define MISC_ENABLE_PERF_MON BIT(7)		/* read-only */
#define MISC_ENABLE_BTS_UNAVAIL BIT(11)		/* read-only */
#define MISC_ENABLE_PEBS_UNAVAIL BIT(12)	/* read-only */
#define MISC_ENABLE_EIST BIT(16)
#define MISC_ENABLE_MONITOR_FSM BIT(18)
#define MISC_ENABLE_LIMIT_CPUID BIT(22)		/* CPUID.0:EAX reads 2 */
#define MISC_ENABLE_XTPR_DISABLE BIT(23)
#define MISC_ENABLE_XD_DISABLE BIT(34)		/* CPUID.80000001H:EDX.NX reads 0 */
#define MISC_ENABLE_WRITABLE (MISC_ENABLE_FAST_STRING | MISC_ENABLE_AUTO_TCC | MISC_ENABLE_EIST | \
			      MISC_ENABLE_MONITOR_FSM | MISC_ENABLE_LIMIT_CPUID |               \
			      MISC_ENABLE_XTPR_DISABLE | MISC_ENABLE_XD_DISABLE)
#define MISC_ENABLE_READ_ONLY (MISC_ENABLE_PERF_MON | MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_PAT 0x277
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SYSCALL_MASK 0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103
#define EFER_SCE BIT(0)
#define EFER_LME BIT(8)
#define EFER_LMA BIT(10)
#define EFER_NXE BIT(11)

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
			     : "memory");
}

/*
 * rdmsr/wrmsr that return -EFAULT instead of faulting when the MSR does not
 * exist (#GP is caught through the exception fixup table).
 */
int rdmsr_safe(u32 msr, u64 *val);
int wrmsr_safe(u32 msr, u64 val);
