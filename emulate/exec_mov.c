/*
 * MOV, MOVNTI, MOVZX, MOVSX and MOVSXD with a memory operand, and
 * CLFLUSH/CLFLUSHOPT (SDM Vol. 2A/2B under each name).
 */
#include "emul_internal.h"

static int mov_store(struct x86_emulate_ctxt *ctxt, u64 la)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 v = insn->has_imm ? insn->imm
			      : emul_reg_read(ctxt, insn->reg, insn->op_bytes, insn->high_byte);

	return emul_write(ctxt, la, &v, insn->mem_bytes);
}

static int mov_load(struct x86_emulate_ctxt *ctxt, u64 la)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 v = 0;
	int r = emul_read(ctxt, la, &v, insn->mem_bytes, EMUL_ACCESS_READ);

	if (r != X86EMUL_CONTINUE)
		return r;
	if (insn->op == EMUL_OP_MOVSX)
		v = emul_sign_extend(v, insn->mem_bytes);
	emul_reg_write(ctxt, insn->reg, v, insn->op_bytes, insn->high_byte);
	return X86EMUL_CONTINUE;
}

int emul_exec_mov(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 la;
	int r = emul_modrm_la(ctxt, insn->mem_bytes, &la);

	if (r != X86EMUL_CONTINUE)
		return r;
	switch (insn->op) {
	case EMUL_OP_MOV_STORE:
		return mov_store(ctxt, la);
	case EMUL_OP_MOV_LOAD:
	case EMUL_OP_MOVZX:
	case EMUL_OP_MOVSX:
		return mov_load(ctxt, la);
	case EMUL_OP_CLFLUSH:
		/* Emulated memory is not cached: the flush has nothing to do. */
		return X86EMUL_CONTINUE;
	default:
		return emul_refuse(ctxt, "%s: not a move", insn->name);
	}
}
