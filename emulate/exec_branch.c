/*
 * Control transfers whose operand or stack is emulated memory: near RET
 * (C3, C2 imm16), LEAVE, ENTER with nesting level 0, near JMP and CALL
 * through memory (FF /4, FF /2) and far JMP and CALL through memory (FF /5,
 * FF /3), SDM Vol. 2A "CALL", "ENTER", "JMP", Vol. 2B "LEAVE", "RET".  Near branches
 * take 64-bit operands in 64-bit mode; the new RIP must be canonical there
 * and within CS's limit elsewhere, or #GP(0) is raised before anything
 * changes.  ENTER with a nesting level above 0 is refused by name, as KVM
 * refuses it.
 */
#include "lib/string.h"
#include "emul_internal.h"

#define ENTER_LEVEL_MASK 0x1f	/* NestingLevel = imm8 MOD 32 */

/* #GP(0) unless ip is a valid RIP for the current code segment. */
static int check_near_target(struct x86_emulate_ctxt *ctxt, u64 ip)
{
	struct emul_segment cs;

	if (ctxt->mode == X86EMUL_MODE_PROT64)
		return emul_is_canonical(ip) ? X86EMUL_CONTINUE
					     : emul_fault(ctxt, EMUL_GP_VECTOR, true, 0);
	ctxt->ops->get_segment(ctxt, VCPU_SREG_CS, &cs);
	return ip > cs.limit ? emul_fault(ctxt, EMUL_GP_VECTOR, true, 0) : X86EMUL_CONTINUE;
}

static int branch_to(struct x86_emulate_ctxt *ctxt, u64 ip)
{
	int r;

	ip &= emul_mask(ctxt->insn.op_bytes);
	r = check_near_target(ctxt, ip);
	if (r != X86EMUL_CONTINUE)
		return r;
	ctxt->branch = true;
	ctxt->branch_ip = ip;
	return X86EMUL_CONTINUE;
}

/* RET: RIP from the stack, then RSP past it and imm16 bytes more. */
static int ret_near(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 ip, new_sp;
	int r = emul_pop_at(ctxt, ctxt->regs[EMUL_RSP], insn->op_bytes, &ip, &new_sp);

	if (r == X86EMUL_CONTINUE)
		r = branch_to(ctxt, ip);
	if (r != X86EMUL_CONTINUE)
		return r;
	ctxt->regs[EMUL_RSP] = new_sp;
	if (insn->has_imm)
		emul_reg_add_masked(ctxt, EMUL_RSP, (s64)insn->imm, emul_stack_bytes(ctxt));
	return X86EMUL_CONTINUE;
}

/* LEAVE: the stack pointer takes the frame pointer (in the stack's width), then RBP is popped. */
static int leave(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 sp_mask = emul_mask(emul_stack_bytes(ctxt)), rsp, v, new_sp;
	int r;

	rsp = (ctxt->regs[EMUL_RSP] & ~sp_mask) | (ctxt->regs[EMUL_RBP] & sp_mask);
	r = emul_pop_at(ctxt, rsp, insn->op_bytes, &v, &new_sp);
	if (r != X86EMUL_CONTINUE)
		return r;
	ctxt->regs[EMUL_RSP] = new_sp;
	emul_reg_write(ctxt, EMUL_RBP, v, insn->op_bytes, false);
	return X86EMUL_CONTINUE;
}

/*
 * ENTER size, 0: push RBP; RBP takes the new stack pointer (the operand
 * size's width in 64-bit mode, the stack's elsewhere); RSP -= size.
 */
static int enter(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	unsigned int sp_bytes = emul_stack_bytes(ctxt);
	unsigned int bp_bytes = ctxt->mode == X86EMUL_MODE_PROT64 ? insn->op_bytes : sp_bytes;
	int r;

	if (insn->imm2 & ENTER_LEVEL_MASK)
		return emul_refuse(ctxt, "enter with nesting level %u",
				   insn->imm2 & ENTER_LEVEL_MASK);
	r = emul_push(ctxt, emul_reg_read(ctxt, EMUL_RBP, insn->op_bytes, false), insn->op_bytes);
	if (r != X86EMUL_CONTINUE)
		return r;
	emul_reg_write(ctxt, EMUL_RBP, ctxt->regs[EMUL_RSP], bp_bytes, false);
	emul_reg_add_masked(ctxt, EMUL_RSP, -(s64)insn->imm, sp_bytes);
	return X86EMUL_CONTINUE;
}

/* JMP/CALL r/m: the target from memory; CALL pushes the next instruction's RIP first. */
static int near_indirect(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 la, ip = 0;
	int r = emul_modrm_la(ctxt, insn->mem_bytes, &la);

	if (r == X86EMUL_CONTINUE)
		r = emul_read(ctxt, la, &ip, insn->mem_bytes, EMUL_ACCESS_READ);
	if (r == X86EMUL_CONTINUE)
		r = branch_to(ctxt, ip);
	if (r == X86EMUL_CONTINUE && insn->op == EMUL_OP_CALL_MEM)
		r = emul_push(ctxt, ctxt->eip + insn->len, insn->op_bytes);
	return r;
}

/* JMP/CALL m16:16/32/64: the offset, then the selector above it (SDM Vol. 2A "JMP", "CALL"). */
static int far_indirect(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	u8 ptr[sizeof(u64) + sizeof(u16)];
	u64 la, ip = 0;
	u16 sel;
	int r = emul_modrm_la(ctxt, insn->mem_bytes, &la);

	if (r == X86EMUL_CONTINUE)
		r = emul_read(ctxt, la, ptr, insn->mem_bytes, EMUL_ACCESS_READ);
	if (r != X86EMUL_CONTINUE)
		return r;
	memcpy(&ip, ptr, insn->op_bytes);
	memcpy(&sel, ptr + insn->op_bytes, sizeof(sel));
	return emul_load_cs_far(ctxt, sel, ip, insn->op == EMUL_OP_CALL_FAR);
}

int emul_exec_branch(struct x86_emulate_ctxt *ctxt)
{
	switch (ctxt->insn.op) {
	case EMUL_OP_RET:
		return ret_near(ctxt);
	case EMUL_OP_LEAVE:
		return leave(ctxt);
	case EMUL_OP_ENTER:
		return enter(ctxt);
	case EMUL_OP_JMP_MEM:
	case EMUL_OP_CALL_MEM:
		return near_indirect(ctxt);
	case EMUL_OP_JMP_FAR:
	case EMUL_OP_CALL_FAR:
		return far_indirect(ctxt);
	default:
		return emul_refuse(ctxt, "%s: not a branch", ctxt->insn.name);
	}
}
