/*
 * PUSH and POP where the stack or the operand is emulated memory: PUSH r,
 * PUSH imm, PUSH r/m (FF /6), POP r, POP r/m (8F /0) (SDM Vol. 2B "PUSH",
 * "POP"), and the pushes and pops the branches make (emulate/exec_branch.c).
 * The stack pointer is SS.B's width outside 64-bit mode; PUSH RSP pushes
 * the old value; POP r/m computes its address with the incremented RSP;
 * POP RSP leaves the popped value in RSP.
 */
#include "lib/string.h"
#include "emul_internal.h"

int emul_push(struct x86_emulate_ctxt *ctxt, u64 v, unsigned int size)
{
	unsigned int sp_bytes = emul_stack_bytes(ctxt);
	u64 sp = (ctxt->regs[EMUL_RSP] - size) & emul_mask(sp_bytes), la;
	int r = emul_linear(ctxt, VCPU_SREG_SS, sp, size, &la);

	if (r == X86EMUL_CONTINUE)
		r = emul_write(ctxt, la, &v, size);
	if (r == X86EMUL_CONTINUE)
		emul_reg_add_masked(ctxt, EMUL_RSP, -(s64)size, sp_bytes);
	return r;
}

/*
 * first at the higher address, second below it, written as one access so
 * that a fault on either page leaves both unwritten (emul_write translates
 * every page first).
 */
int emul_push_pair(struct x86_emulate_ctxt *ctxt, u64 first, u64 second, unsigned int size)
{
	unsigned int sp_bytes = emul_stack_bytes(ctxt);
	u64 sp = (ctxt->regs[EMUL_RSP] - 2 * size) & emul_mask(sp_bytes), la;
	u8 buf[2 * sizeof(u64)];
	int r = emul_linear(ctxt, VCPU_SREG_SS, sp, 2 * size, &la);

	memcpy(buf, &second, size);
	memcpy(buf + size, &first, size);
	if (r == X86EMUL_CONTINUE)
		r = emul_write(ctxt, la, buf, 2 * size);
	if (r == X86EMUL_CONTINUE)
		emul_reg_add_masked(ctxt, EMUL_RSP, -2 * (s64)size, sp_bytes);
	return r;
}

int emul_pop_at(struct x86_emulate_ctxt *ctxt, u64 rsp, unsigned int size, u64 *v, u64 *new_sp)
{
	unsigned int sp_bytes = emul_stack_bytes(ctxt);
	u64 sp = rsp & emul_mask(sp_bytes), la;
	int r = emul_linear(ctxt, VCPU_SREG_SS, sp, size, &la);

	*v = 0;
	*new_sp = (rsp & ~emul_mask(sp_bytes)) |
		  ((sp + size) & emul_mask(sp_bytes));
	if (r != X86EMUL_CONTINUE)
		return r;
	return emul_read(ctxt, la, v, size, EMUL_ACCESS_READ);
}

static int push(struct x86_emulate_ctxt *ctxt, u64 v)
{
	return emul_push(ctxt, v, ctxt->insn.op_bytes);
}

static int pop(struct x86_emulate_ctxt *ctxt, u64 *v, u64 *new_sp)
{
	return emul_pop_at(ctxt, ctxt->regs[EMUL_RSP], ctxt->insn.op_bytes, v, new_sp);
}

static int push_mem(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 la, v = 0;
	int r = emul_modrm_la(ctxt, insn->op_bytes, &la);

	if (r == X86EMUL_CONTINUE)
		r = emul_read(ctxt, la, &v, insn->op_bytes, EMUL_ACCESS_READ);
	if (r == X86EMUL_CONTINUE)
		r = push(ctxt, v);
	return r;
}

static int pop_mem(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 la, v, new_sp;
	int r = pop(ctxt, &v, &new_sp);

	if (r == X86EMUL_CONTINUE)
		r = emul_operand_la(ctxt, emul_modrm_ea(ctxt, new_sp), insn->op_bytes, &la);
	if (r == X86EMUL_CONTINUE)
		r = emul_write(ctxt, la, &v, insn->op_bytes);
	if (r == X86EMUL_CONTINUE)
		ctxt->regs[EMUL_RSP] = new_sp;
	return r;
}

static int pop_reg(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 v, new_sp;
	int r = pop(ctxt, &v, &new_sp);

	if (r != X86EMUL_CONTINUE)
		return r;
	ctxt->regs[EMUL_RSP] = new_sp;
	emul_reg_write(ctxt, insn->reg, v, insn->op_bytes, false);
	return X86EMUL_CONTINUE;
}

int emul_exec_stack(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;

	switch (insn->op) {
	case EMUL_OP_PUSH_REG:
		return push(ctxt, emul_reg_read(ctxt, insn->reg, insn->op_bytes, false));
	case EMUL_OP_PUSH_IMM:
		return push(ctxt, insn->imm);
	case EMUL_OP_PUSH_MEM:
		return push_mem(ctxt);
	case EMUL_OP_POP_REG:
		return pop_reg(ctxt);
	case EMUL_OP_POP_MEM:
		return pop_mem(ctxt);
	default:
		return emul_refuse(ctxt, "%s: not a stack operation", insn->name);
	}
}
