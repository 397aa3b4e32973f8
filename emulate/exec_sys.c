/*
 * SMSW and LMSW with a memory operand: CR0's machine status word (SDM Vol.
 * 2B "SMSW", Vol. 2A "LMSW"); LTR (emulate/exec_ltr.c).  CR0 is the guest's as the vCPU side presents
 * it (ops->get_cr), and LMSW's write takes the checks of a MOV to CR0
 * (ops->set_cr).  The privilege checks (CPL 0 for LMSW, CR4.UMIP for SMSW)
 * are the CPU's, made before the access reached emulated memory.
 */
#include "emul_internal.h"

/* SMSW m16 stores CR0[15:0]: the decoder makes mem_bytes 2 whatever 66 and REX.W say. */
static int smsw(struct x86_emulate_ctxt *ctxt, u64 la)
{
	u64 msw = ctxt->ops->get_cr(ctxt, EMUL_CR0) & emul_mask(sizeof(u16));

	return emul_write(ctxt, la, &msw, ctxt->insn.mem_bytes);
}

/* LMSW loads CR0[3:0] (PE, MP, EM, TS); it can set PE but not clear it. */
static int lmsw(struct x86_emulate_ctxt *ctxt, u64 la)
{
	u64 cr0 = ctxt->ops->get_cr(ctxt, EMUL_CR0), val;
	u64 msw = 0;
	int r = emul_read(ctxt, la, &msw, ctxt->insn.mem_bytes, EMUL_ACCESS_READ);

	if (r != X86EMUL_CONTINUE)
		return r;
	val = (cr0 & ~EMUL_CR0_MSW_LOAD) | (msw & EMUL_CR0_MSW_LOAD) | (cr0 & EMUL_CR0_PE);
	r = ctxt->ops->set_cr(ctxt, EMUL_CR0, val);
	if (r == X86EMUL_PROPAGATE_FAULT)
		return emul_fault(ctxt, EMUL_GP_VECTOR, true, 0);
	return r;
}

int emul_exec_sys(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 la;
	int r = emul_modrm_la(ctxt, insn->mem_bytes, &la);

	if (r != X86EMUL_CONTINUE)
		return r;
	switch (insn->op) {
	case EMUL_OP_SMSW:
		return smsw(ctxt, la);
	case EMUL_OP_LMSW:
		return lmsw(ctxt, la);
	case EMUL_OP_LTR:
		return emul_ltr(ctxt, la);
	default:
		return emul_refuse(ctxt, "%s: not a system instruction", insn->name);
	}
}
