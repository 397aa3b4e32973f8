/*
 * Per-VM CPUID feature overrides: which of a few CPUID features the guest
 * is shown or not, against slotvisor's default CPUID (vmx/exit_cpuid.c).
 * The VMM chooses them (slotvisor.cpuid=, console/guest_boot.c), keeps them
 * in the VM object (struct vm's cpuid_flags) and hands them to each vCPU
 * before it first runs (vcpu_set_cpuid_flags()), as QEMU hands its CPU
 * model to KVM with KVM_SET_CPUID2; vmx/ then answers CPUID with them and
 * enforces them (a feature the guest's CPUID lacks faults as on a CPU
 * without it).  Plain enumerable state: two masks, which live migration
 * can carry as they are.
 */
#pragma once

#include <stddef.h>

#include "compiler.h"
#include "types.h"

/* The features slotvisor.cpuid= knows, by QEMU's -cpu flag names. */
enum vcpu_cpuid_flag {
	VCPU_CPUID_X2APIC,	/* CPUID.1:ECX[21], IA32_APIC_BASE.EXTD and MSRs 0x800-0x8ff */
	VCPU_CPUID_PCID,	/* CPUID.1:ECX[17], CR4.PCIDE */
	VCPU_CPUID_INVPCID,	/* CPUID.(7,0):EBX[10], the "enable INVPCID" control */
	VCPU_CPUID_NR_FLAGS,
};

struct vcpu_cpuid_flags {
	u32 hide;	/* BIT(flag): the guest's CPUID lacks the feature ("-flag") */
	u32 show;	/* BIT(flag): the guest's CPUID has the feature ("+flag") */
};

/* The longest item of slotvisor.cpuid= kept for a message: a sign and a name. */
#define VCPU_CPUID_ITEM_MAX 24

/*
 * Parse "+FLAG,-FLAG,..." (QEMU's -cpu flag syntax, the flags above; an
 * empty string is no override) into *out.  0, or -EINVAL with the
 * offending item copied into bad (at most VCPU_CPUID_ITEM_MAX - 1 chars):
 * an empty item, one without its + or -, an unknown flag, or a flag given
 * both ways.  *out is written only on success.
 */
int vcpu_cpuid_flags_parse(const char *s, struct vcpu_cpuid_flags *out, char *bad);

/* QEMU's name of flag ("x2apic", ...). */
const char *vcpu_cpuid_flag_name(enum vcpu_cpuid_flag flag);

static inline bool vcpu_cpuid_flags_hides(const struct vcpu_cpuid_flags *f,
					  enum vcpu_cpuid_flag flag)
{
	return f->hide & BIT(flag);
}

static inline bool vcpu_cpuid_flags_shows(const struct vcpu_cpuid_flags *f,
					  enum vcpu_cpuid_flag flag)
{
	return f->show & BIT(flag);
}
