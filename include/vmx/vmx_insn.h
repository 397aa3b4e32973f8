/*
 * The VMX instructions as inline functions.  Each returns 0 on VMsucceed,
 * VMX_FAIL_INVALID when CF=1 (no current VMCS to hold an error number) or
 * VMX_FAIL_VALID when ZF=1 (the error number is in VM_INSTRUCTION_ERROR)
 * (SDM Vol. 3C 31.2 "Conventions").  Callers report failures through
 * vmx_insn_report() so that no failure goes unnoticed.
 */
#pragma once

#include "arch/x86/cpu.h"
#include "types.h"
#include "vmx/vmcs_fields.h"

#define VMX_FAIL_INVALID 1
#define VMX_FAIL_VALID 2

/* VMsucceed / VMfailInvalid / VMfailValid from RFLAGS after a VMX instruction. */
static inline int vmx_status(u64 rflags)
{
	if (rflags & X86_RFLAGS_CF)
		return VMX_FAIL_INVALID;
	if (rflags & X86_RFLAGS_ZF)
		return VMX_FAIL_VALID;
	return 0;
}

#define VMX_INSN_MEM(insn, pa_ptr)                                          \
	({                                                                  \
		u64 __fl;                                                   \
		__asm__ __volatile__(insn " %1; pushfq; popq %0"            \
				     : "=r"(__fl)                           \
				     : "m"(*(pa_ptr))                       \
				     : "cc", "memory");                     \
		vmx_status(__fl);                                           \
	})

static inline int __vmxon(u64 pa)
{
	return VMX_INSN_MEM("vmxon", &pa);
}

static inline int __vmclear(u64 pa)
{
	return VMX_INSN_MEM("vmclear", &pa);
}

static inline int __vmptrld(u64 pa)
{
	return VMX_INSN_MEM("vmptrld", &pa);
}

static inline int __vmxoff(void)
{
	u64 fl;

	__asm__ __volatile__("vmxoff; pushfq; popq %0" : "=r"(fl) : : "cc", "memory");
	return vmx_status(fl);
}

static inline int __vmread(enum vmcs_field field, u64 *value)
{
	u64 fl, v = 0;

	__asm__ __volatile__("vmread %2, %1; pushfq; popq %0"
			     : "=r"(fl), "=rm"(v)
			     : "r"((u64)field)
			     : "cc");
	*value = v;
	return vmx_status(fl);
}

static inline int __vmwrite(enum vmcs_field field, u64 value)
{
	u64 fl;

	__asm__ __volatile__("vmwrite %2, %1; pushfq; popq %0"
			     : "=r"(fl)
			     : "r"((u64)field), "rm"(value)
			     : "cc", "memory");
	return vmx_status(fl);
}
