/*
 * The guest's machine-check MSRs (include/vmx/mce.h).  What a guest may
 * write follows KVM's set_msr_mce(): MCG_CTL and MCi_CTL take all zeros
 * or all ones (SDM Vol. 3B 16.3.1.3 and 16.3.2.1; KVM lets bit 10 of any
 * MCi_CTL and bit 0 be clear because old Linux and UnixWare kernels clear
 * them), MCi_STATUS only 0 (a guest clears what it has logged; writing
 * anything else is #GP on Intel parts, 16.3.2.2), ADDR and MISC anything.
 * MCG_CAP is read-only; MCG_STATUS is kept as written.
 */
#include "vmx/mce.h"

#define MCI_CTL_CLEARABLE (BIT(10) | BIT(0))	/* KVM's tolerance, above */

void vcpu_mce_reset(struct vcpu_mce *m)
{
	*m = (struct vcpu_mce){ .mcg_cap = VCPU_MCE_BANKS | MCG_CTL_P, .mcg_ctl = ~0ULL };
	for (int i = 0; i < VCPU_MCE_BANKS; i++)
		m->banks[i][MCE_REG_CTL] = ~0ULL;
}

bool vcpu_mce_msr(u32 msr)
{
	return (msr >= MSR_IA32_MCG_CAP && msr <= MSR_IA32_MCG_CTL) ||
	       (msr >= MSR_IA32_MC0_CTL && msr <= MSR_IA32_MC_LAST);
}

/* The register of a present bank that msr names, or NULL. */
static u64 *bank_reg(const struct vcpu_mce *m, u32 msr)
{
	u32 bank = (msr - MSR_IA32_MC0_CTL) / MCE_NR_REGS;

	if (msr < MSR_IA32_MC0_CTL || bank >= (m->mcg_cap & MCG_CAP_COUNT_MASK))
		return NULL;
	return (u64 *)&m->banks[bank][(msr - MSR_IA32_MC0_CTL) % MCE_NR_REGS];
}

bool vcpu_mce_get_msr(const struct vcpu_mce *m, u32 msr, u64 *val)
{
	const u64 *reg;

	switch (msr) {
	case MSR_IA32_MCG_CAP: *val = m->mcg_cap; return true;
	case MSR_IA32_MCG_STATUS: *val = m->mcg_status; return true;
	case MSR_IA32_MCG_CTL:
		if (!(m->mcg_cap & MCG_CTL_P))
			return false;
		*val = m->mcg_ctl;
		return true;
	default:
		reg = bank_reg(m, msr);
		if (!reg)
			return false;
		*val = *reg;
		return true;
	}
}

bool vcpu_mce_set_msr(struct vcpu_mce *m, u32 msr, u64 val)
{
	u64 *reg;

	switch (msr) {
	case MSR_IA32_MCG_CAP: return false;
	case MSR_IA32_MCG_STATUS: m->mcg_status = val; return true;
	case MSR_IA32_MCG_CTL:
		if (!(m->mcg_cap & MCG_CTL_P) || (val != 0 && val != ~0ULL))
			return false;
		m->mcg_ctl = val;
		return true;
	default:
		reg = bank_reg(m, msr);
		if (!reg)
			return false;
		switch ((msr - MSR_IA32_MC0_CTL) % MCE_NR_REGS) {
		case MCE_REG_CTL:
			if (val != 0 && (val | MCI_CTL_CLEARABLE) != ~0ULL)
				return false;
			break;
		case MCE_REG_STATUS:
			if (val != 0)
				return false;
			break;
		default:
			break;
		}
		*reg = val;
		return true;
	}
}
