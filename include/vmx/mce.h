/*
 * The guest's machine-check architecture (SDM Vol. 3B chapter 16): MCG_CAP,
 * MCG_STATUS, MCG_CTL and VCPU_MCE_BANKS banks of CTL/STATUS/ADDR/MISC, as
 * KVM emulates them for a VMM that set them up (KVM's set_msr_mce() and
 * get_msr_mce()).  No machine check is ever raised into the guest: the
 * banks are registers a guest's MCE driver initialises and polls, so that
 * CPUID can say MCE and MCA as the CPU does.  No hardware dependency: the
 * host unit tests build it (tests/unit/test_mce.c).
 */
#pragma once

#include "compiler.h"
#include "types.h"

/* QEMU's default for a KVM guest (MCE_BANKS_DEF); at most 32 (MSRs 0x400-0x47f). */
#define VCPU_MCE_BANKS 10

#define MSR_IA32_MCG_CAP 0x179
#define MSR_IA32_MCG_STATUS 0x17a
#define MSR_IA32_MCG_CTL 0x17b
#define MSR_IA32_MC0_CTL 0x400		/* bank i: CTL, STATUS, ADDR, MISC at 0x400 + 4i */
#define MSR_IA32_MC_LAST 0x47f		/* the last MSR of bank 31 */
#define MCG_CAP_COUNT_MASK 0xffULL	/* MCG_CAP[7:0]: the number of banks */
#define MCG_CTL_P BIT(8)		/* IA32_MCG_CTL is present */

/* One bank: IA32_MCi_CTL, _STATUS, _ADDR, _MISC (SDM Vol. 3B 16.3.2). */
enum { MCE_REG_CTL, MCE_REG_STATUS, MCE_REG_ADDR, MCE_REG_MISC, MCE_NR_REGS };

struct vcpu_mce {
	u64 mcg_cap, mcg_status, mcg_ctl;
	u64 banks[VCPU_MCE_BANKS][MCE_NR_REGS];
};

/* As at power-up, after KVM_X86_SETUP_MCE: MCG_CTL and every MCi_CTL all ones. */
void vcpu_mce_reset(struct vcpu_mce *m);
/* Whether msr is one of the machine-check MSRs (present or not). */
bool vcpu_mce_msr(u32 msr);
/* The guest's RDMSR and WRMSR of such an MSR; false: #GP. */
bool vcpu_mce_get_msr(const struct vcpu_mce *m, u32 msr, u64 *val);
bool vcpu_mce_set_msr(struct vcpu_mce *m, u32 msr, u64 val);
