/*
 * Instructions that compute on a memory operand: the ALU operations (00-3B,
 * group 1), TEST, NOT, NEG, INC, DEC, XCHG, CMPXCHG, XADD, BSF, BSR, IMUL
 * (two and three operands), SHLD, SHRD and BT/BTS/BTR/BTC
 * (SDM Vol. 2A/2B under each name).  The operation itself runs natively
 * (emulate/fastop.c), so results and flags are the CPU's.  LOCK needs no
 * more: the vCPU is out of its guest while the instruction is emulated, and
 * the VMM answers its MMIO fragments in order.
 */
#include "emul_internal.h"
#include "fastop.h"

#define BITS_PER_BYTE 8

static u64 source(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;

	if (insn->has_imm)
		return insn->imm;
	return emul_reg_read(ctxt, insn->reg, insn->op_bytes, insn->high_byte);
}

static u32 access_of(const struct emul_insn *insn)
{
	return insn->rmw ? EMUL_ACCESS_WRITE : EMUL_ACCESS_READ;
}

/* Read the memory operand at *la (op_bytes wide). */
static int read_operand(struct x86_emulate_ctxt *ctxt, u64 *la, u64 *v)
{
	const struct emul_insn *insn = &ctxt->insn;
	int r = emul_modrm_la(ctxt, insn->op_bytes, la);

	*v = 0;
	if (r != X86EMUL_CONTINUE)
		return r;
	return emul_read(ctxt, *la, v, insn->op_bytes, access_of(insn));
}

static int alu(struct x86_emulate_ctxt *ctxt, u64 la, u64 m)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 flags = ctxt->eflags, res;
	int r = X86EMUL_CONTINUE;

	if (insn->op == EMUL_OP_ALU_REG_DST) {
		res = emul_fastop2(insn->alu, source(ctxt), m, insn->op_bytes, &flags);
		if (insn->alu != EMUL_ALU_CMP)
			emul_reg_write(ctxt, insn->reg, res, insn->op_bytes, insn->high_byte);
	} else {
		res = emul_fastop2(insn->alu, m, source(ctxt), insn->op_bytes, &flags);
		if (insn->alu != EMUL_ALU_CMP && insn->alu != EMUL_ALU_TEST)
			r = emul_write(ctxt, la, &res, insn->op_bytes);
	}
	if (r == X86EMUL_CONTINUE)
		ctxt->eflags = flags;
	return r;
}

static int unary(struct x86_emulate_ctxt *ctxt, u64 la, u64 m)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 flags = ctxt->eflags;
	u64 res = emul_fastop1(insn->op, m, insn->op_bytes, &flags);
	int r = emul_write(ctxt, la, &res, insn->op_bytes);

	if (r == X86EMUL_CONTINUE)
		ctxt->eflags = flags;
	return r;
}

/* SHLD/SHRD: the count is the imm8 or CL (SDM Vol. 2B "SHLD", "SHRD"). */
static int shift_double(struct x86_emulate_ctxt *ctxt, u64 la, u64 m)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 flags = ctxt->eflags, res;
	u8 count = (u8)(insn->has_imm ? insn->imm : ctxt->regs[EMUL_RCX]);
	int r;

	res = emul_fastop_shift_double(insn->alu, m, emul_reg_read(ctxt, insn->reg, insn->op_bytes,
								   false),
				       count, insn->op_bytes, &flags);
	r = emul_write(ctxt, la, &res, insn->op_bytes);
	if (r == X86EMUL_CONTINUE)
		ctxt->eflags = flags;
	return r;
}

static int xchg(struct x86_emulate_ctxt *ctxt, u64 la, u64 m)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 v = source(ctxt);
	int r = emul_write(ctxt, la, &v, insn->op_bytes);

	if (r == X86EMUL_CONTINUE)
		emul_reg_write(ctxt, insn->reg, m, insn->op_bytes, insn->high_byte);
	return r;
}

/*
 * CMPXCHG compares the accumulator with the destination; on a mismatch the
 * destination is written back unchanged and the accumulator loaded, as the
 * processor does ("never produces a locked read without also producing a
 * locked write", SDM Vol. 2A "CMPXCHG").
 */
static int cmpxchg(struct x86_emulate_ctxt *ctxt, u64 la, u64 m)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 flags = ctxt->eflags;
	u64 acc = emul_reg_read(ctxt, EMUL_RAX, insn->op_bytes, false);
	bool equal;
	u64 v;
	int r;

	emul_fastop2(EMUL_ALU_CMP, acc, m, insn->op_bytes, &flags);
	equal = flags & EMUL_FLAGS_ZF;
	v = equal ? source(ctxt) : m;
	r = emul_write(ctxt, la, &v, insn->op_bytes);
	if (r != X86EMUL_CONTINUE)
		return r;
	if (!equal)
		emul_reg_write(ctxt, EMUL_RAX, m, insn->op_bytes, false);
	ctxt->eflags = flags;
	return X86EMUL_CONTINUE;
}

static int xadd(struct x86_emulate_ctxt *ctxt, u64 la, u64 m)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 flags = ctxt->eflags;
	u64 sum = emul_fastop2(EMUL_ALU_ADD, m, source(ctxt), insn->op_bytes, &flags);
	int r = emul_write(ctxt, la, &sum, insn->op_bytes);

	if (r != X86EMUL_CONTINUE)
		return r;
	emul_reg_write(ctxt, insn->reg, m, insn->op_bytes, insn->high_byte);
	ctxt->eflags = flags;
	return X86EMUL_CONTINUE;
}

int emul_exec_alu(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 la, m;
	int r = read_operand(ctxt, &la, &m);

	if (r != X86EMUL_CONTINUE)
		return r;
	switch (insn->op) {
	case EMUL_OP_ALU_MEM_DST:
	case EMUL_OP_ALU_REG_DST:
	case EMUL_OP_TEST:
		return alu(ctxt, la, m);
	case EMUL_OP_NOT:
	case EMUL_OP_NEG:
	case EMUL_OP_INC:
	case EMUL_OP_DEC:
		return unary(ctxt, la, m);
	case EMUL_OP_SHIFT_DOUBLE:
		return shift_double(ctxt, la, m);
	case EMUL_OP_XCHG:
		return xchg(ctxt, la, m);
	case EMUL_OP_CMPXCHG:
		return cmpxchg(ctxt, la, m);
	case EMUL_OP_XADD:
		return xadd(ctxt, la, m);
	default:
		return emul_refuse(ctxt, "%s: not an ALU operation", insn->name);
	}
}

/*
 * An immediate bit offset is taken modulo the operand size; a register one
 * is signed and selects the operand-sized unit at ea + (offset / bits) *
 * size (SDM Vol. 2A "BT": bit base and bit offset).
 */
void emul_bt_operand(struct x86_emulate_ctxt *ctxt, u64 *ea, u64 *bit)
{
	const struct emul_insn *insn = &ctxt->insn;
	unsigned int bits = insn->op_bytes * BITS_PER_BYTE;
	s64 off;

	*ea = emul_modrm_ea(ctxt, ctxt->regs[EMUL_RSP]);
	if (insn->has_imm) {
		*bit = insn->imm & (bits - 1);
		return;
	}
	off = (s64)emul_sign_extend(emul_reg_read(ctxt, insn->reg, insn->op_bytes, false),
				    insn->op_bytes);
	*bit = (u64)off & (bits - 1);
	/* An arithmetic shift: floor division, so negative offsets reach below ea. */
	*ea = (*ea + (u64)((off >> __builtin_ctz(bits)) * insn->op_bytes)) &
	      emul_mask(insn->ad_bytes);
}

int emul_exec_bt(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 ea, bit, la, m = 0, flags = ctxt->eflags, res;
	int r;

	emul_bt_operand(ctxt, &ea, &bit);
	r = emul_operand_la(ctxt, ea, insn->op_bytes, &la);
	if (r == X86EMUL_CONTINUE)
		r = emul_read(ctxt, la, &m, insn->op_bytes, access_of(insn));
	if (r != X86EMUL_CONTINUE)
		return r;
	res = emul_fastop2(insn->alu, m, bit, insn->op_bytes, &flags);
	if (insn->alu != EMUL_ALU_BT)
		r = emul_write(ctxt, la, &res, insn->op_bytes);
	if (r == X86EMUL_CONTINUE)
		ctxt->eflags = flags;
	return r;
}
