/*
 * MOV, MOVNTI, MOVZX, MOVSX, MOVSXD and CMOVcc with a memory operand, and
 * CLFLUSH/CLFLUSHOPT (SDM Vol. 2A/2B under each name).
 */
#include "emul_internal.h"

/* Condition codes, opcode bits 3:0 of Jcc and CMOVcc (SDM Vol. 1 Appendix B, Table B-1). */
#define CC_O 0x0
#define CC_B 0x2
#define CC_E 0x4
#define CC_BE 0x6
#define CC_S 0x8
#define CC_P 0xa
#define CC_L 0xc
#define CC_LE 0xe
#define CC_NEGATE 0x1	/* an odd code is the even one's negation */
#define CC_MASK 0xf

static bool condition(u64 eflags, unsigned int cc)
{
	bool sf_ne_of = !(eflags & EMUL_FLAGS_SF) != !(eflags & EMUL_FLAGS_OF);
	bool r;

	switch (cc & CC_MASK & ~CC_NEGATE) {
	case CC_O:
		r = eflags & EMUL_FLAGS_OF;
		break;
	case CC_B:
		r = eflags & EMUL_FLAGS_CF;
		break;
	case CC_E:
		r = eflags & EMUL_FLAGS_ZF;
		break;
	case CC_BE:
		r = eflags & (EMUL_FLAGS_CF | EMUL_FLAGS_ZF);
		break;
	case CC_S:
		r = eflags & EMUL_FLAGS_SF;
		break;
	case CC_P:
		r = eflags & EMUL_FLAGS_PF;
		break;
	case CC_L:
		r = sf_ne_of;
		break;
	default:	/* CC_LE */
		r = (eflags & EMUL_FLAGS_ZF) || sf_ne_of;
		break;
	}
	return (cc & CC_NEGATE) ? !r : r;
}

/*
 * CMOVcc reads its source whatever the condition (a fault is taken either
 * way); a 32-bit destination is zero-extended even when nothing moves (SDM
 * Vol. 2A "CMOVcc": "in 64-bit mode ... clears the upper 32 bits").
 */
static int cmov(struct x86_emulate_ctxt *ctxt, u64 la)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 v = 0;
	int r = emul_read(ctxt, la, &v, insn->mem_bytes, EMUL_ACCESS_READ);

	if (r != X86EMUL_CONTINUE)
		return r;
	if (!condition(ctxt->eflags, insn->opcode))
		v = emul_reg_read(ctxt, insn->reg, insn->op_bytes, false);
	emul_reg_write(ctxt, insn->reg, v, insn->op_bytes, false);
	return X86EMUL_CONTINUE;
}

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
	case EMUL_OP_CMOV:
		return cmov(ctxt, la);
	case EMUL_OP_CLFLUSH:
		/* Emulated memory is not cached: the flush has nothing to do. */
		return X86EMUL_CONTINUE;
	default:
		return emul_refuse(ctxt, "%s: not a move", insn->name);
	}
}
