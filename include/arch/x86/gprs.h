/*
 * A guest's general registers as vmx/entry.S saves them, in the x86
 * register-number order (ModRM/REX numbering, SDM Vol. 2A 2.1.5), so that
 * an instruction's register field indexes them directly; plus CR2, which
 * VM exits do not save.
 */
#pragma once

#include "types.h"

struct guest_gprs {
	u64 rax, rcx, rdx, rbx, rsp_unused, rbp, rsi, rdi;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 cr2;
};

/* General registers by their ModRM.reg/rm number, REX.R/B as bit 3 (SDM Vol. 2A 2.1.5). */
enum gpr_num {
	GPR_RAX,
	GPR_RCX,
	GPR_RDX,
	GPR_RBX,
	GPR_RSP,
	GPR_RBP,
	GPR_RSI,
	GPR_RDI,
	GPR_R8,
	GPR_R9,
	GPR_R10,
	GPR_R11,
	GPR_R12,
	GPR_R13,
	GPR_R14,
	GPR_R15,
	GPR_NR,
};

/*
 * The register numbered reg (enum gpr_num, below GPR_NR) in g.  RSP (4) is
 * the struct's rsp_unused: VM exits keep the guest's RSP in the VMCS, so a
 * caller reaching RSP must copy it in and out.
 */
u64 *gpr_ptr(struct guest_gprs *g, unsigned int reg);
