/*
 * Registers and effective addresses for the emulator: partial-register
 * writes (SDM Vol. 1 3.4.1.1: 8- and 16-bit results keep the other bits, a
 * 32-bit result is zero-extended to 64), AH..BH, and the ModRM/SIB address
 * masked to the address size (SDM Vol. 1 3.7.5).
 */
#include "emul_internal.h"

#define BITS_PER_BYTE 8
#define HIGH_BYTE_SHIFT 8
#define BYTE_MASK 0xffULL

u64 emul_mask(unsigned int bytes)
{
	return bytes >= sizeof(u64) ? ~0ULL : BIT(bytes * BITS_PER_BYTE) - 1;
}

u64 emul_sign_extend(u64 v, unsigned int bytes)
{
	u64 sign;

	if (bytes >= sizeof(u64))
		return v;
	sign = BIT(bytes * BITS_PER_BYTE - 1);
	return ((v & emul_mask(bytes)) ^ sign) - sign;
}

u64 emul_reg_read(struct x86_emulate_ctxt *ctxt, int reg, unsigned int size, bool high_byte)
{
	u64 v = ctxt->regs[reg & (EMUL_NR_GPRS - 1)];

	if (high_byte)
		v >>= HIGH_BYTE_SHIFT;
	return v & emul_mask(size);
}

void emul_reg_write(struct x86_emulate_ctxt *ctxt, int reg, u64 v, unsigned int size,
		    bool high_byte)
{
	u64 *r = &ctxt->regs[reg & (EMUL_NR_GPRS - 1)];
	u64 mask = emul_mask(size);

	if (high_byte)
		*r = (*r & ~(BYTE_MASK << HIGH_BYTE_SHIFT)) | ((v & BYTE_MASK) << HIGH_BYTE_SHIFT);
	else if (size >= sizeof(u32))
		*r = v & mask;
	else
		*r = (*r & ~mask) | (v & mask);
}

void emul_reg_add_masked(struct x86_emulate_ctxt *ctxt, int reg, s64 delta, unsigned int bytes)
{
	u64 *r = &ctxt->regs[reg & (EMUL_NR_GPRS - 1)];
	u64 mask = emul_mask(bytes);

	*r = (*r & ~mask) | ((*r + (u64)delta) & mask);
}

u64 emul_modrm_ea(struct x86_emulate_ctxt *ctxt, u64 rsp)
{
	const struct emul_insn *insn = &ctxt->insn;
	const struct emul_mem *m = &insn->mem;
	u64 ea = m->disp;

	if (m->base != EMUL_NO_REG)
		ea += m->base == EMUL_RSP ? rsp : ctxt->regs[m->base];
	if (m->index != EMUL_NO_REG)
		ea += ctxt->regs[m->index] * m->scale;
	if (m->rip_rel)
		ea += ctxt->eip + insn->len;
	return ea & emul_mask(insn->ad_bytes);
}

unsigned int emul_stack_bytes(struct x86_emulate_ctxt *ctxt)
{
	struct emul_segment ss;

	if (ctxt->mode == X86EMUL_MODE_PROT64)
		return sizeof(u64);
	if (ctxt->mode == X86EMUL_MODE_REAL || ctxt->mode == X86EMUL_MODE_VM86)
		return sizeof(u16);
	ctxt->ops->get_segment(ctxt, VCPU_SREG_SS, &ss);
	return ss.big ? sizeof(u32) : sizeof(u16);
}
