/*
 * LTR with its selector in memory (SDM Vol. 2A "LTR"): the selector must
 * name an available TSS descriptor in the GDT, which LTR marks busy and
 * loads into TR.  CPL 0 and protected mode are the CPU's checks, made
 * before the selector's read reached emulated memory.
 */
#include "descriptor.h"
#include "emul_internal.h"


/* The base, granular limit and access rights of a checked descriptor. */
static int load_tr(struct x86_emulate_ctxt *ctxt, u16 sel, u64 lo, u64 hi)
{
	u32 limit = (u32)((lo & DESC_LIMIT_LOW) | ((lo & DESC_LIMIT_HIGH) >> DESC_LIMIT_HIGH_SHIFT));
	u64 base = ((lo >> DESC_BASE_LOW_SHIFT) & DESC_BASE_LOW) |
		   ((lo & DESC_BASE_HIGH) >> DESC_BASE_HIGH_SHIFT) | (hi << BITS_PER_DWORD);

	if (lo & DESC_G)
		limit = (limit << PAGE_GRANULE_SHIFT) | PAGE_GRANULE_MASK;
	if (ctxt->mode == X86EMUL_MODE_PROT64 && !emul_is_canonical(base))
		return emul_fault_sel(ctxt, EMUL_GP_VECTOR, sel);
	return ctxt->ops->set_segment(ctxt, VCPU_SREG_TR, sel, base, limit,
				      (u32)((lo >> DESC_TYPE_SHIFT) & DESC_AR_MASK));
}

static bool available_tss(const struct x86_emulate_ctxt *ctxt, u64 lo)
{
	u64 type = (lo >> DESC_TYPE_SHIFT) & DESC_TYPE_MASK;

	if (lo & DESC_S)
		return false;
	if (ctxt->mode == X86EMUL_MODE_PROT64)
		return type == DESC_TYPE_TSS_AVAIL;
	return type == DESC_TYPE_TSS_AVAIL || type == DESC_TYPE_TSS16_AVAIL;
}

int emul_ltr(struct x86_emulate_ctxt *ctxt, u64 la)
{
	unsigned int size = ctxt->mode == X86EMUL_MODE_PROT64 ? DESC_BYTES_64 : DESC_BYTES;
	u64 sel = 0, gdt, desc[2] = { 0, 0 }, desc_la;
	u16 limit;
	u8 type_byte;
	int r = emul_read(ctxt, la, &sel, sizeof(u16), EMUL_ACCESS_READ);

	if (r != X86EMUL_CONTINUE)
		return r;
	if (!(sel & ~(u64)SEL_RPL_MASK))
		return emul_fault(ctxt, EMUL_GP_VECTOR, true, 0);
	ctxt->ops->get_gdt(ctxt, &gdt, &limit);
	if ((sel & SEL_TI) || (sel >> SEL_INDEX_SHIFT) * DESC_BYTES + size - 1 > limit)
		return emul_fault_sel(ctxt, EMUL_GP_VECTOR, (u16)sel);
	desc_la = gdt + (sel >> SEL_INDEX_SHIFT) * DESC_BYTES;
	if (ctxt->mode != X86EMUL_MODE_PROT64)
		desc_la &= emul_mask(sizeof(u32));
	r = emul_read(ctxt, desc_la, desc, size, EMUL_ACCESS_WRITE);
	if (r != X86EMUL_CONTINUE)
		return r;
	if (!available_tss(ctxt, desc[0]) || (desc[1] & DESC_UPPER_TYPE))
		return emul_fault_sel(ctxt, EMUL_GP_VECTOR, (u16)sel);
	if (!(desc[0] & DESC_P))
		return emul_fault_sel(ctxt, EMUL_NP_VECTOR, (u16)sel);
	desc[0] |= DESC_TYPE_BUSY << DESC_TYPE_SHIFT;
	r = load_tr(ctxt, (u16)sel, desc[0], desc[1]);
	if (r != X86EMUL_CONTINUE)
		return r;
	/* The busy bit, as the CPU's locked write of the descriptor's type byte. */
	type_byte = (u8)(desc[0] >> (DESC_TYPE_BYTE * 8));
	return emul_write(ctxt, desc_la + DESC_TYPE_BYTE, &type_byte, sizeof(type_byte));
}
