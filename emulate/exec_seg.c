/*
 * MOV m16, Sreg (the selector stored), and segment loads from the GDT in
 * protected mode: MOV Sreg, m16 (SDM Vol. 2B "MOV", its protected-mode
 * operation for SS and for DS, ES, FS, GS) and the CS of a far JMP or CALL
 * to a code segment at the same privilege level (SDM Vol. 2A "JMP",
 * "CALL", "far jump/call to a conforming or non-conforming code segment").
 * The descriptor is read from the GDT (ops->get_gdt), checked, marked
 * accessed in guest memory as the CPU does, and loaded through
 * ops->set_segment().  Selectors in the LDT, far transfers through gates or
 * to a TSS, and segment loads in real or virtual-8086 mode are refused by
 * name.  MOV SS blocks interrupts for one instruction (SDM Vol. 3A 6.8.3).
 */
#include "descriptor.h"
#include "emul_internal.h"

#define MODRM_REG(m) (((m) >> 3) & 7)
#define FLAT_LIMIT 0xffffffffU
#define AR_DATA_RW_ACCESSED 3U		/* type 0011b: read/write data, accessed */
#define AR_S BIT(4)
#define AR_DPL_SHIFT 5
#define AR_P BIT(7)
#define AR_DB BIT(14)
#define AR_G BIT(15)
#define CPL_USER 3

struct descriptor {
	u16 sel;
	u64 la;		/* where it lies in the GDT */
	u64 raw;
};

static unsigned int desc_type(const struct descriptor *d)
{
	return (unsigned int)((d->raw >> DESC_TYPE_SHIFT) & DESC_TYPE_MASK);
}

static unsigned int desc_dpl(const struct descriptor *d)
{
	return (unsigned int)((d->raw >> DESC_DPL_SHIFT) & DESC_DPL_MASK);
}

static bool desc_is_code(const struct descriptor *d)
{
	return (d->raw & DESC_S) && (desc_type(d) & DESC_TYPE_CODE);
}

/* The 8-byte descriptor for a non-null selector: #GP(selector) beyond the GDT's limit. */
static int read_descriptor(struct x86_emulate_ctxt *ctxt, u16 sel, struct descriptor *d)
{
	u64 gdt;
	u16 limit;

	if (sel & SEL_TI)
		return emul_refuse(ctxt, "%s: selector 0x%x is in the LDT", ctxt->insn.name, sel);
	ctxt->ops->get_gdt(ctxt, &gdt, &limit);
	if ((u64)(sel >> SEL_INDEX_SHIFT) * DESC_BYTES + DESC_BYTES - 1 > limit)
		return emul_fault_sel(ctxt, EMUL_GP_VECTOR, sel);
	d->sel = sel;
	d->la = gdt + (u64)(sel >> SEL_INDEX_SHIFT) * DESC_BYTES;
	if (ctxt->mode != X86EMUL_MODE_PROT64)
		d->la &= emul_mask(sizeof(u32));
	d->raw = 0;
	return emul_read(ctxt, d->la, &d->raw, DESC_BYTES, EMUL_ACCESS_READ);
}

/*
 * Load the checked descriptor into seg with selector sel, setting its
 * accessed bit in the GDT first where it is clear (SDM Vol. 3A 3.4.5.1).
 */
static int load_descriptor(struct x86_emulate_ctxt *ctxt, int seg, u16 sel, struct descriptor *d)
{
	u64 lo = d->raw, base;
	u32 limit = (u32)((lo & DESC_LIMIT_LOW) |
			  ((lo & DESC_LIMIT_HIGH) >> DESC_LIMIT_HIGH_SHIFT));
	u8 type_byte;
	int r;

	base = ((lo >> DESC_BASE_LOW_SHIFT) & DESC_BASE_LOW) |
	       ((lo & DESC_BASE_HIGH) >> DESC_BASE_HIGH_SHIFT);
	if (lo & DESC_G)
		limit = (limit << PAGE_GRANULE_SHIFT) | PAGE_GRANULE_MASK;
	if (!(lo & (DESC_TYPE_ACCESSED << DESC_TYPE_SHIFT))) {
		lo |= DESC_TYPE_ACCESSED << DESC_TYPE_SHIFT;
		type_byte = (u8)(lo >> (DESC_TYPE_BYTE * 8));
		r = emul_write(ctxt, d->la + DESC_TYPE_BYTE, &type_byte, sizeof(type_byte));
		if (r != X86EMUL_CONTINUE)
			return r;
	}
	return ctxt->ops->set_segment(ctxt, seg, sel, base, limit,
				      (u32)((lo >> DESC_TYPE_SHIFT) & DESC_AR_MASK));
}

/*
 * A null selector: DS, ES, FS and GS become unusable.  SS only in 64-bit
 * mode below CPL 3 with RPL = CPL, else #GP(0); it is then given a flat
 * writable segment at DPL = CPL, as KVM does, since VMX keeps the CPL in
 * SS.DPL.
 */
static int load_null(struct x86_emulate_ctxt *ctxt, int seg, u16 sel)
{
	unsigned int cpl = ctxt->ops->cpl(ctxt);

	if (seg != VCPU_SREG_SS)
		return ctxt->ops->set_segment(ctxt, seg, sel, 0, 0, EMUL_AR_UNUSABLE);
	if (ctxt->mode != X86EMUL_MODE_PROT64 || cpl == CPL_USER || (sel & SEL_RPL_MASK) != cpl)
		return emul_fault(ctxt, EMUL_GP_VECTOR, true, 0);
	return ctxt->ops->set_segment(ctxt, seg, sel, 0, FLAT_LIMIT,
				      AR_DATA_RW_ACCESSED | AR_S | (cpl << AR_DPL_SHIFT) | AR_P |
				      AR_DB | AR_G);
}

/* SS: a writable data segment with RPL = DPL = CPL, else #GP(selector); not present: #SS. */
static int check_ss(struct x86_emulate_ctxt *ctxt, const struct descriptor *d)
{
	unsigned int cpl = ctxt->ops->cpl(ctxt);

	if ((d->sel & SEL_RPL_MASK) != cpl || !(d->raw & DESC_S) || desc_is_code(d) ||
	    !(desc_type(d) & DESC_TYPE_WRITABLE) || desc_dpl(d) != cpl)
		return emul_fault_sel(ctxt, EMUL_GP_VECTOR, d->sel);
	if (!(d->raw & DESC_P))
		return emul_fault_sel(ctxt, EMUL_SS_VECTOR, d->sel);
	return X86EMUL_CONTINUE;
}

/*
 * DS, ES, FS, GS: data or readable code; for data and non-conforming code
 * RPL and CPL at most DPL, else #GP(selector); not present: #NP(selector).
 */
static int check_data(struct x86_emulate_ctxt *ctxt, const struct descriptor *d)
{
	unsigned int cpl = ctxt->ops->cpl(ctxt), dpl = desc_dpl(d);
	bool code = desc_is_code(d);

	if (!(d->raw & DESC_S) || (code && !(desc_type(d) & DESC_TYPE_READABLE)))
		return emul_fault_sel(ctxt, EMUL_GP_VECTOR, d->sel);
	if ((!code || !(desc_type(d) & DESC_TYPE_CONFORMING)) &&
	    ((d->sel & SEL_RPL_MASK) > dpl || cpl > dpl))
		return emul_fault_sel(ctxt, EMUL_GP_VECTOR, d->sel);
	if (!(d->raw & DESC_P))
		return emul_fault_sel(ctxt, EMUL_NP_VECTOR, d->sel);
	return X86EMUL_CONTINUE;
}

static bool protected_mode(const struct x86_emulate_ctxt *ctxt)
{
	return ctxt->mode != X86EMUL_MODE_REAL && ctxt->mode != X86EMUL_MODE_VM86;
}

/* MOV m16, Sreg: the selector, 16 bits whatever the operand size (SDM Vol. 2B "MOV"). */
static int store_sreg(struct x86_emulate_ctxt *ctxt, int seg, u64 la)
{
	struct emul_segment s;

	ctxt->ops->get_segment(ctxt, seg, &s);
	return emul_write(ctxt, la, &s.sel, sizeof(s.sel));
}

int emul_exec_mov_sreg(struct x86_emulate_ctxt *ctxt)
{
	const struct emul_insn *insn = &ctxt->insn;
	int seg = MODRM_REG(insn->modrm);
	struct descriptor d;
	u64 la, sel = 0;
	int r = emul_modrm_la(ctxt, insn->mem_bytes, &la);

	if (r == X86EMUL_CONTINUE && insn->op == EMUL_OP_STORE_SREG)
		return store_sreg(ctxt, seg, la);
	if (r == X86EMUL_CONTINUE)
		r = emul_read(ctxt, la, &sel, sizeof(u16), EMUL_ACCESS_READ);
	if (r != X86EMUL_CONTINUE)
		return r;
	if (!protected_mode(ctxt))
		return emul_refuse(ctxt, "mov to a segment register in real or virtual-8086 mode");
	if (!(sel & ~(u64)SEL_RPL_MASK))
		r = load_null(ctxt, seg, (u16)sel);
	else if ((r = read_descriptor(ctxt, (u16)sel, &d)) == X86EMUL_CONTINUE)
		r = seg == VCPU_SREG_SS ? check_ss(ctxt, &d) : check_data(ctxt, &d);
	if (r == X86EMUL_CONTINUE && (sel & ~(u64)SEL_RPL_MASK))
		r = load_descriptor(ctxt, seg, (u16)sel, &d);
	if (r == X86EMUL_CONTINUE && seg == VCPU_SREG_SS)
		ctxt->interruptibility = EMUL_SHADOW_MOV_SS;
	return r;
}

/*
 * The code segment checks of a far JMP or CALL: conforming with DPL <= CPL,
 * non-conforming with RPL <= CPL and DPL = CPL, else #GP(selector); not
 * present #NP(selector); in IA-32e mode L and D both set is #GP(selector).
 */
static int check_code(struct x86_emulate_ctxt *ctxt, const struct descriptor *d)
{
	unsigned int cpl = ctxt->ops->cpl(ctxt), dpl = desc_dpl(d);

	if (!(d->raw & DESC_S))
		return emul_refuse(ctxt, "%s through a gate or to a TSS (selector 0x%x)",
				   ctxt->insn.name, d->sel);
	if (!desc_is_code(d))
		return emul_fault_sel(ctxt, EMUL_GP_VECTOR, d->sel);
	if ((desc_type(d) & DESC_TYPE_CONFORMING) ? dpl > cpl
						   : (d->sel & SEL_RPL_MASK) > cpl || dpl != cpl)
		return emul_fault_sel(ctxt, EMUL_GP_VECTOR, d->sel);
	if (!(d->raw & DESC_P))
		return emul_fault_sel(ctxt, EMUL_NP_VECTOR, d->sel);
	if (ctxt->mode == X86EMUL_MODE_PROT64 && (d->raw & DESC_L) && (d->raw & DESC_DB))
		return emul_fault_sel(ctxt, EMUL_GP_VECTOR, d->sel);
	return X86EMUL_CONTINUE;
}

/*
 * The new RIP: canonical for a 64-bit code segment, else within the
 * segment's limit; #GP(0) otherwise, before CS changes.
 */
static int check_target(struct x86_emulate_ctxt *ctxt, const struct descriptor *d, u64 ip)
{
	u32 limit = (u32)((d->raw & DESC_LIMIT_LOW) |
			  ((d->raw & DESC_LIMIT_HIGH) >> DESC_LIMIT_HIGH_SHIFT));

	if (ctxt->mode == X86EMUL_MODE_PROT64 && (d->raw & DESC_L))
		return emul_is_canonical(ip) ? X86EMUL_CONTINUE
					     : emul_fault(ctxt, EMUL_GP_VECTOR, true, 0);
	if (d->raw & DESC_G)
		limit = (limit << PAGE_GRANULE_SHIFT) | PAGE_GRANULE_MASK;
	return ip > limit ? emul_fault(ctxt, EMUL_GP_VECTOR, true, 0) : X86EMUL_CONTINUE;
}

/* A far CALL's return address: the old CS (zero-extended) above the next instruction's RIP. */
static int push_return(struct x86_emulate_ctxt *ctxt)
{
	struct emul_segment cs;

	ctxt->ops->get_segment(ctxt, VCPU_SREG_CS, &cs);
	return emul_push_pair(ctxt, cs.sel, ctxt->eip + ctxt->insn.len, ctxt->insn.op_bytes);
}

int emul_load_cs_far(struct x86_emulate_ctxt *ctxt, u16 sel, u64 ip, bool call)
{
	struct descriptor d;
	u16 cs_sel;
	int r;

	if (!protected_mode(ctxt))
		return emul_refuse(ctxt, "%s in real or virtual-8086 mode", ctxt->insn.name);
	if (!(sel & ~SEL_RPL_MASK))
		return emul_fault(ctxt, EMUL_GP_VECTOR, true, 0);
	r = read_descriptor(ctxt, sel, &d);
	if (r == X86EMUL_CONTINUE)
		r = check_code(ctxt, &d);
	if (r == X86EMUL_CONTINUE)
		r = check_target(ctxt, &d, ip);
	if (r == X86EMUL_CONTINUE && call)
		r = push_return(ctxt);
	if (r != X86EMUL_CONTINUE)
		return r;
	/* CS's RPL becomes the CPL, which a far JMP or CALL to a code segment never changes. */
	cs_sel = (u16)((sel & ~SEL_RPL_MASK) | ctxt->ops->cpl(ctxt));
	r = load_descriptor(ctxt, VCPU_SREG_CS, cs_sel, &d);
	if (r != X86EMUL_CONTINUE)
		return r;
	ctxt->branch = true;
	ctxt->branch_ip = ip;
	return X86EMUL_CONTINUE;
}
