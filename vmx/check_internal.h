/*
 * What the pre-entry checker's files share (vmx/check*.c); not for the rest
 * of slotvisor, which uses include/vmx/check.h.  One file per part of the
 * SDM's list: check_controls.c (27.2.1), check_host.c (27.2.2-27.2.4),
 * check_guest.c (27.3.1.1, 27.3.1.3-27.3.1.6), check_guest_segs.c
 * (27.3.1.2); check.c runs them in order.
 */
#pragma once

#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/trap.h"
#include "compiler.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "vmx/caps.h"
#include "vmx/check.h"
#include "vmx/vmx_bits.h"

/* Architectural bits the checks consult that arch/x86/ does not name (SDM Vol. 3A). */
#define X86_CR4_LA57 BIT(12)
#define X86_CR4_PCIDE BIT(17)
#define X86_CR4_CET BIT(23)
#define X86_RFLAGS_FIXED1 BIT(1)
#define X86_RFLAGS_TF BIT(8)
#define X86_RFLAGS_VM BIT(17)
/* RFLAGS bits 63:22, 15, 5 and 3 are reserved (SDM Vol. 1 3.4.3). */
#define X86_RFLAGS_RESERVED (~0x3fffffULL | BIT(15) | BIT(5) | BIT(3))
/* IA32_EFER: everything but SCE, LME, LMA and NXE is reserved on Intel (SDM Vol. 4 2.1). */
#define EFER_RESERVED (~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
/*
 * IA32_DEBUGCTL (SDM Vol. 3B 17.4.1): bits 63:16 and 5:3 are reserved; bit 2
 * is bus-lock detection on newer processors and is left alone.
 */
#define DEBUGCTL_BTF BIT(1)
#define DEBUGCTL_RESERVED (~0xffffULL | 0x38ULL)
/* Bits 63:32, which DR7, 32-bit bases and RIP outside 64-bit mode must leave 0. */
#define HIGH32_MASK 0xffffffff00000000ULL
#define DR7_RESERVED_HIGH HIGH32_MASK
/* IA32_BNDCFGS (SDM Vol. 1 17.3.3): bits 11:2 reserved, bits 63:12 a linear address. */
#define BNDCFGS_RESERVED 0xffcULL
#define BNDCFGS_BASE_MASK (~0xfffULL)
/* IA32_PAT (SDM Vol. 3A 11.12.2): eight one-byte entries, types 0, 1, 4, 5, 6, 7. */
#define PAT_ENTRIES 8
#define PAT_ENTRY_BITS 8
#define PAT_ENTRY_MASK 0xffULL
#define PAT_TYPE_MAX 7
#define PAT_VALID_TYPES (BIT(0) | BIT(1) | BIT(4) | BIT(5) | BIT(6) | BIT(7))
/* PAE page-directory-pointer-table entries (SDM Vol. 3A 4.4.1): bits 2:1 and 8:5 reserved. */
#define PDPTE_P BIT(0)
#define PDPTE_RESERVED_LOW 0x1e6ULL
#define PAE_PDPTE_COUNT 4
/* Exception vectors that trap.h does not name (SDM Vol. 3A 6.3.1). */
#define X86_TRAP_TS 10
#define X86_TRAP_NP 11
#define X86_TRAP_SS 12
#define X86_TRAP_AC 17
#define X86_TRAP_CP 21
/* Segment limits and the G bit (SDM 27.3.1.2). */
#define SEG_LIMIT_LOW_12 0xfffULL
#define SEG_LIMIT_HIGH_12 0xfff00000ULL
/* Descriptor-table limit fields: bits 31:16 must be 0 (SDM 27.3.1.3). */
#define DESC_LIMIT_RESERVED 0xffff0000ULL

#define FIELD16_MASK 0xffffULL
#define FIELD32_MASK 0xffffffffULL
#define CTL_ALLOWED0(msr) ((msr) & FIELD32_MASK)	/* bits that must be 1 */
#define CTL_ALLOWED1(msr) ((msr) >> 32)		/* bits that may be 1 */
#define VMX_PAGE_ALIGN KiB(4)
#define VA_BITS_4LEVEL 48
#define VA_BITS_5LEVEL 57
#define PA_BITS_MAX 64

struct check_ctx {
	const struct vmcs_reader *r;
	const struct vmx_caps *caps;
	unsigned int maxphyaddr;
	unsigned int va_bits;
	struct vmx_check_failure *fail;
	/* The controls, once checked; proc2 is 0 unless activated (SDM 27.2.1.1). */
	u64 pin, proc, proc2, exit, entry;
	u64 intr_info;
};

static inline u64 rd(const struct check_ctx *c, enum vmcs_field f)
{
	u64 v = c->r->read(c->r, f);

	/* VMREAD zero-extends 16- and 32-bit fields (SDM Vol. 3C 25.11.2). */
	switch (VMCS_FIELD_WIDTH(f)) {
	case VMCS_WIDTH_16:
		return v & FIELD16_MASK;
	case VMCS_WIDTH_32:
		return v & FIELD32_MASK;
	default:
		return v;
	}
}

static inline int report(struct check_ctx *c, enum vmcs_field f, u64 v, const char *rule)
{
	c->fail->field = f;
	c->fail->value = v;
	c->fail->rule = rule;
	return -EINVAL;
}

static inline bool canonical(const struct check_ctx *c, u64 va)
{
	unsigned int shift = PA_BITS_MAX - c->va_bits;

	return (u64)((s64)(va << shift) >> shift) == va;
}

static inline bool within_pa(const struct check_ctx *c, u64 pa)
{
	return c->maxphyaddr >= PA_BITS_MAX || (pa >> c->maxphyaddr) == 0;
}

static inline bool ug(const struct check_ctx *c)
{
	return c->proc2 & SECONDARY_UNRESTRICTED_GUEST;
}

static inline bool ia32e_guest(const struct check_ctx *c)
{
	return c->entry & VM_ENTRY_IA32E_MODE_GUEST;
}

static inline bool pat_valid(u64 pat)
{
	unsigned int i;

	for (i = 0; i < PAT_ENTRIES; i++) {
		u64 type = (pat >> (i * PAT_ENTRY_BITS)) & PAT_ENTRY_MASK;

		if (type > PAT_TYPE_MAX || !(PAT_VALID_TYPES & BIT(type))) {
			return false;
		}
	}
	return true;
}

/* An address field's two rules: alignment, then the physical-address width. */
struct addr_rule {
	const char *align;
	const char *width;
};

#define ADDR_RULE(sect, what, align)                                            \
	{ "SDM " sect ": " what " must be " align " aligned",                     \
	  "SDM " sect ": " what " must not set bits beyond the physical-address width" }

static inline int check_addr(struct check_ctx *c, enum vmcs_field f, u64 align,
		      const struct addr_rule *rule)
{
	u64 a = rd(c, f);

	if (!IS_ALIGNED(a, align)) {
		return report(c, f, a, rule->align);
	}
	if (!within_pa(c, a)) {
		return report(c, f, a, rule->width);
	}
	return 0;
}

/* A control word against its capability MSR's allowed-0 and allowed-1 halves (SDM A.3-A.5). */
static inline int check_ctl(struct check_ctx *c, enum vmcs_field f, u64 v, u64 msr,
		     const char *must1_rule, const char *may1_rule)
{
	if ((v & CTL_ALLOWED0(msr)) != CTL_ALLOWED0(msr)) {
		return report(c, f, v, must1_rule);
	}
	if (v & ~CTL_ALLOWED1(msr)) {
		return report(c, f, v, may1_rule);
	}
	return 0;
}

/* A register against its FIXED0 (must be 1) and FIXED1 (may be 1) masks (SDM A.7, A.8). */
static inline int check_fixed(struct check_ctx *c, enum vmcs_field f, u64 v, u64 must1, u64 may1,
		       const char *must1_rule, const char *may1_rule)
{
	if ((v & must1) != must1) {
		return report(c, f, v, must1_rule);
	}
	if (v & ~may1) {
		return report(c, f, v, may1_rule);
	}
	return 0;
}

/* The checks, in the SDM's order (each returns 0 or report()'s -EINVAL). */
int check_exec_ctl_words(struct check_ctx *c);
int check_exec_bitmaps(struct check_ctx *c);
int check_exec_tpr_shadow(struct check_ctx *c);
int check_exec_nmi(struct check_ctx *c);
int check_exec_apic_virt(struct check_ctx *c);
int check_exec_ept_vpid(struct check_ctx *c);
int check_exec_vmfunc(struct check_ctx *c);
int check_exec_shadowing_ve(struct check_ctx *c);
int check_exit_controls(struct check_ctx *c);
int check_entry_controls(struct check_ctx *c);
int check_host_control_regs(struct check_ctx *c);
int check_host_segments(struct check_ctx *c);
int check_host_addr_size(struct check_ctx *c);
int check_guest_control_regs(struct check_ctx *c);
int check_guest_segments(struct check_ctx *c);
int check_guest_desc_tables(struct check_ctx *c);
int check_guest_rip_rflags(struct check_ctx *c);
int check_guest_non_register(struct check_ctx *c);
int check_guest_pdptes(struct check_ctx *c);
