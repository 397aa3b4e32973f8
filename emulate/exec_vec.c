/*
 * SSE and AVX moves between an XMM/YMM register and memory (SDM Vol. 2B
 * "MOVAPS", "MOVUPS", "MOVDQA", "MOVDQU", "MOVD/MOVQ", "MOVSS", "MOVSD",
 * "MOVNTDQ", ...).  A legacy SSE load keeps bits 255:128 of the YMM
 * register; MOVSS/MOVSD/MOVD/MOVQ loads clear the XMM register above what
 * they load; a VEX load clears everything above it (SDM Vol. 2A 2.3.10.1).
 * The aligned forms raise #GP(0) on an address not aligned to the access.
 * MMX MOVD/MOVQ (0F 6E/6F/7E/7F) move an MMX register; they raise #UD with
 * CR0.EM, #NM with CR0.TS and #MF with an x87 exception pending, in that
 * order, before the memory access (SDM Vol. 2B "MOVD/MOVQ", Vol. 1 12.5).
 */
#include "lib/string.h"
#include "emul_internal.h"

#define XMM_BYTES 16

static void merge_load(const struct emul_insn *insn, u8 reg[EMUL_VEC_BYTES], const u8 *mem)
{
	unsigned int clear_to = insn->vex ? EMUL_VEC_BYTES : XMM_BYTES;

	if (insn->vec_zero_upper)
		memset(reg + insn->mem_bytes, 0, clear_to - insn->mem_bytes);
	memcpy(reg, mem, insn->mem_bytes);
}

int emul_exec_vec(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	u8 reg[EMUL_VEC_BYTES], mem[EMUL_VEC_BYTES];
	u64 la;
	int r = emul_modrm_la(ctxt, insn->mem_bytes, &la);

	if (r != X86EMUL_CONTINUE)
		return r;
	if (insn->vec_aligned && la % insn->mem_bytes)
		return emul_fault(ctxt, EMUL_GP_VECTOR, true, 0);
	ctxt->ops->read_vec(ctxt, (unsigned int)insn->reg, reg);
	if (insn->op == EMUL_OP_VEC_STORE)
		return emul_write(ctxt, la, reg, insn->mem_bytes);
	r = emul_read(ctxt, la, mem, insn->mem_bytes, EMUL_ACCESS_READ);
	if (r != X86EMUL_CONTINUE)
		return r;
	merge_load(insn, reg, mem);
	ctxt->ops->write_vec(ctxt, (unsigned int)insn->reg, reg);
	return X86EMUL_CONTINUE;
}

int emul_exec_mmx(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 cr0 = ctxt->ops->get_cr(ctxt, EMUL_CR0), la, v = 0;
	unsigned int reg = (unsigned int)insn->reg;
	int r;

	if (cr0 & EMUL_CR0_EM)
		return emul_fault(ctxt, EMUL_UD_VECTOR, false, 0);
	if (cr0 & EMUL_CR0_TS)
		return emul_fault(ctxt, EMUL_NM_VECTOR, false, 0);
	if (ctxt->ops->x87_exception_pending(ctxt))
		return emul_fault(ctxt, EMUL_MF_VECTOR, false, 0);
	r = emul_modrm_la(ctxt, insn->mem_bytes, &la);
	if (r != X86EMUL_CONTINUE)
		return r;
	if (insn->op == EMUL_OP_MMX_STORE) {
		v = ctxt->ops->read_mmx(ctxt, reg);
		return emul_write(ctxt, la, &v, insn->mem_bytes);
	}
	r = emul_read(ctxt, la, &v, insn->mem_bytes, EMUL_ACCESS_READ);
	if (r == X86EMUL_CONTINUE)
		ctxt->ops->write_mmx(ctxt, reg, v);	/* MOVD: zero-extended */
	return r;
}
