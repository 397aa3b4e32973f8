/*
 * MOVS, CMPS, STOS, LODS and SCAS with REP, REPE and REPNE (SDM Vol. 2B
 * under each name, "REP/REPE/REPZ/REPNE/REPNZ"): one element per call, as
 * KVM does.  RSI, RDI and RCX are address-sized (the rest of the register
 * is kept, as KVM's register_address_increment()); DF=1 steps down.  RIP
 * stays on the instruction while elements are left, so the guest executes it
 * again (natively where it reaches RAM) and takes interrupts in between.
 */
#include "emul_internal.h"
#include "fastop.h"

struct element {
	u64 src_la;	/* seg:RSI, the segment as overridden (DS by default) */
	u64 dst_la;	/* ES:RDI, no override (SDM Vol. 1 3.7.5) */
	u64 src;
	u64 dst;
};

static int src_address(struct x86_emulate_ctxt *ctxt, struct element *e)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 si = ctxt->regs[EMUL_RSI] & emul_mask(insn->ad_bytes);

	return emul_linear(ctxt, insn->mem.seg, si, insn->op_bytes, &e->src_la);
}

static int dst_address(struct x86_emulate_ctxt *ctxt, struct element *e)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 di = ctxt->regs[EMUL_RDI] & emul_mask(insn->ad_bytes);

	return emul_linear(ctxt, VCPU_SREG_ES, di, insn->op_bytes, &e->dst_la);
}

static bool uses_src(enum emul_op op)
{
	return op == EMUL_OP_MOVS || op == EMUL_OP_CMPS || op == EMUL_OP_LODS;
}

static bool uses_dst(enum emul_op op)
{
	return op != EMUL_OP_LODS;
}

/* Read the operands the element reads: the source, and ES:RDI for CMPS and SCAS. */
static int read_element(struct x86_emulate_ctxt *ctxt, struct element *e)
{
	const struct emul_insn *insn = &ctxt->insn;
	int r = X86EMUL_CONTINUE;

	if (uses_src(insn->op))
		r = src_address(ctxt, e);
	if (r == X86EMUL_CONTINUE && uses_dst(insn->op))
		r = dst_address(ctxt, e);
	if (r == X86EMUL_CONTINUE && uses_src(insn->op))
		r = emul_read(ctxt, e->src_la, &e->src, insn->op_bytes, EMUL_ACCESS_READ);
	if (r == X86EMUL_CONTINUE && (insn->op == EMUL_OP_CMPS || insn->op == EMUL_OP_SCAS))
		r = emul_read(ctxt, e->dst_la, &e->dst, insn->op_bytes, EMUL_ACCESS_READ);
	return r;
}

static int do_element(struct x86_emulate_ctxt *ctxt, struct element *e)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 acc = emul_reg_read(ctxt, EMUL_RAX, insn->op_bytes, false);
	int r = read_element(ctxt, e);

	if (r != X86EMUL_CONTINUE)
		return r;
	switch (insn->op) {
	case EMUL_OP_MOVS:
		return emul_write(ctxt, e->dst_la, &e->src, insn->op_bytes);
	case EMUL_OP_STOS:
		return emul_write(ctxt, e->dst_la, &acc, insn->op_bytes);
	case EMUL_OP_LODS:
		emul_reg_write(ctxt, EMUL_RAX, e->src, insn->op_bytes, false);
		return X86EMUL_CONTINUE;
	case EMUL_OP_CMPS:
		emul_fastop2(EMUL_ALU_CMP, e->src, e->dst, insn->op_bytes, &ctxt->eflags);
		return X86EMUL_CONTINUE;
	case EMUL_OP_SCAS:
		emul_fastop2(EMUL_ALU_CMP, acc, e->dst, insn->op_bytes, &ctxt->eflags);
		return X86EMUL_CONTINUE;
	default:
		return emul_refuse(ctxt, "%s: not a string operation", insn->name);
	}
}

/* REPE/REPNE stop CMPS and SCAS early on ZF; F3 is plain REP on the others. */
static bool rep_stops(const struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	bool zf = ctxt->eflags & EMUL_FLAGS_ZF;

	if (insn->op != EMUL_OP_CMPS && insn->op != EMUL_OP_SCAS)
		return false;
	return insn->rep == EMUL_PFX_REP ? !zf : zf;
}

int emul_exec_string(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	s64 step = (ctxt->eflags & EMUL_FLAGS_DF) ? -(s64)insn->op_bytes : insn->op_bytes;
	u64 count = ctxt->regs[EMUL_RCX] & emul_mask(insn->ad_bytes);
	struct element e = { 0 };
	int r;

	if (insn->rep && !count)
		return X86EMUL_CONTINUE;
	r = do_element(ctxt, &e);
	if (r != X86EMUL_CONTINUE)
		return r;
	if (uses_src(insn->op))
		emul_reg_add_masked(ctxt, EMUL_RSI, step, insn->ad_bytes);
	if (uses_dst(insn->op))
		emul_reg_add_masked(ctxt, EMUL_RDI, step, insn->ad_bytes);
	if (insn->rep) {
		emul_reg_add_masked(ctxt, EMUL_RCX, -1, insn->ad_bytes);
		ctxt->rip_stays = count > 1 && !rep_stops(ctxt);
	}
	return X86EMUL_CONTINUE;
}
