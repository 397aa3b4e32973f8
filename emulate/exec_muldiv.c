/*
 * MUL, IMUL, DIV and IDIV with their one operand in memory (F6/F7 /4-/7,
 * SDM Vol. 2A "MUL", "IMUL", "DIV", "IDIV"): AX or rDX:rAX times or
 * divided by the operand.  The operation runs natively (emulate/fastop.c)
 * for the CPU's results and flags, so a division that would raise #DE is
 * found here first and injected as the guest's #DE, never run.
 */
#include "emul_internal.h"
#include "fastop.h"

#define BITS_PER_BYTE 8

typedef unsigned __int128 u128;
typedef __int128 s128;

/* The dividend: AX for a byte divisor, else rDX:rAX at the operand size. */
static u128 dividend(struct x86_emulate_ctxt *ctxt, unsigned int size)
{
	if (size == sizeof(u8))
		return emul_reg_read(ctxt, EMUL_RAX, sizeof(u16), false);
	return ((u128)emul_reg_read(ctxt, EMUL_RDX, size, false) << (size * BITS_PER_BYTE)) |
	       emul_reg_read(ctxt, EMUL_RAX, size, false);
}

static s128 sign_extend128(u128 v, unsigned int bits)
{
	u128 sign = (u128)1 << (bits - 1);

	return (s128)((v ^ sign) - sign);
}

/* #DE: a zero divisor, or a quotient that does not fit the operand size. */
static bool divide_error(struct x86_emulate_ctxt *ctxt, u64 m)
{
	const struct emul_insn *insn = &ctxt->insn;
	unsigned int bits = insn->op_bytes * BITS_PER_BYTE;
	u128 n = dividend(ctxt, insn->op_bytes);
	s128 sn, sd, q, max;

	if (!(m & emul_mask(insn->op_bytes)))
		return true;
	if (insn->alu == EMUL_ALU_DIV)
		return (n >> bits) >= (m & emul_mask(insn->op_bytes));
	sn = sign_extend128(n, 2 * bits);
	sd = sign_extend128(m & emul_mask(insn->op_bytes), bits);
	max = ((s128)1 << (bits - 1)) - 1;
	/* By -1 the quotient is -n; not divided, for C's one overflow (INT128_MIN / -1). */
	if (sd == -1)
		return sn < -max || sn > max + 1;
	q = sn / sd;
	return q > max || q < -max - 1;
}

int emul_exec_muldiv(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	unsigned int size = insn->op_bytes;
	u64 la, m = 0, flags = ctxt->eflags, ax, dx;
	int r = emul_modrm_la(ctxt, size, &la);

	if (r == X86EMUL_CONTINUE)
		r = emul_read(ctxt, la, &m, size, EMUL_ACCESS_READ);
	if (r != X86EMUL_CONTINUE)
		return r;
	if ((insn->alu == EMUL_ALU_DIV || insn->alu == EMUL_ALU_IDIV) && divide_error(ctxt, m))
		return emul_fault(ctxt, EMUL_DE_VECTOR, false, 0);
	ax = ctxt->regs[EMUL_RAX];
	dx = ctxt->regs[EMUL_RDX];
	emul_fastop_muldiv(insn->alu, &ax, &dx, m, size, &flags);
	if (size == sizeof(u8)) {
		emul_reg_write(ctxt, EMUL_RAX, ax, sizeof(u16), false);
	} else {
		emul_reg_write(ctxt, EMUL_RAX, ax, size, false);
		emul_reg_write(ctxt, EMUL_RDX, dx, size, false);
	}
	ctxt->eflags = flags;
	return X86EMUL_CONTINUE;
}
