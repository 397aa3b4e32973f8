/*
 * Guest memory by linear address for the emulator: segmentation (SDM Vol.
 * 3A 3.4, 5.3; canonical addresses in 64-bit mode, Vol. 1 3.3.7.1), one
 * translation per page (ops->gva_to_gpa), each page's part to RAM or, where
 * no RAM backs it, to MMIO in fragments of at most 8 bytes from the part's
 * start (KVM's mmio fragments, x86.c emulator_read_write()).  Every page is
 * translated before any byte moves, so a fault leaves memory untouched.
 */
#include "lib/printf.h"
#include "lib/string.h"
#include "emul_internal.h"

#define CANONICAL_BYTES 6	/* 48-bit linear addresses (SDM Vol. 1 3.3.7.1) */
#define LIMIT_16 0xffffULL
#define LIMIT_32 0xffffffffULL
#define MAX_PIECES 2		/* EMUL_VEC_BYTES never spans more than two pages */

struct piece {
	u64 gpa;
	unsigned int len;
};

int emul_refuse(struct x86_emulate_ctxt *ctxt, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(ctxt->why, sizeof(ctxt->why), fmt, ap);
	va_end(ap);
	return X86EMUL_UNHANDLEABLE;
}

int emul_fault(struct x86_emulate_ctxt *ctxt, u8 vector, bool has_error_code, u16 error_code)
{
	ctxt->exception = (struct x86_exception){
		.vector = vector, .error_code_valid = has_error_code, .error_code = error_code,
	};
	return X86EMUL_PROPAGATE_FAULT;
}

bool emul_is_canonical(u64 la)
{
	return emul_sign_extend(la & emul_mask(CANONICAL_BYTES), CANONICAL_BYTES) == la;
}

/* #SS(0) for a stack-segment access, else #GP(0) (SDM Vol. 3A 6.15, interrupts 12 and 13). */
static int segment_fault(struct x86_emulate_ctxt *ctxt, int seg)
{
	return emul_fault(ctxt, seg == VCPU_SREG_SS ? EMUL_SS_VECTOR : EMUL_GP_VECTOR, true, 0);
}

u64 emul_seg_base(struct x86_emulate_ctxt *ctxt, int seg)
{
	struct emul_segment s;

	if (ctxt->mode == X86EMUL_MODE_PROT64 && seg != VCPU_SREG_FS && seg != VCPU_SREG_GS)
		return 0;
	ctxt->ops->get_segment(ctxt, seg, &s);
	return s.base;
}

/* An expand-down segment holds limit+1 up to 64 KiB - 1 or 4 GiB - 1 (SDM Vol. 3A 3.4.5.1). */
static bool within_limit(const struct emul_segment *s, u64 ea, unsigned int size)
{
	u64 last = ea + size - 1;

	if (s->expand_down)
		return ea > s->limit && last <= (s->big ? LIMIT_32 : LIMIT_16) && last >= ea;
	return last <= s->limit && last >= ea;
}

int emul_linear(struct x86_emulate_ctxt *ctxt, int seg, u64 ea, unsigned int size, u64 *la)
{
	struct emul_segment s;

	if (ctxt->mode == X86EMUL_MODE_PROT64) {
		*la = emul_seg_base(ctxt, seg) + ea;
		if (!emul_is_canonical(*la) || !emul_is_canonical(*la + size - 1))
			return segment_fault(ctxt, seg);
		return X86EMUL_CONTINUE;
	}
	ctxt->ops->get_segment(ctxt, seg, &s);
	if (s.unusable || !within_limit(&s, ea, size))
		return segment_fault(ctxt, seg);
	*la = (s.base + ea) & LIMIT_32;
	return X86EMUL_CONTINUE;
}

/* Outside 64-bit mode linear addresses wrap at 4 GiB. */
static u64 next_la(const struct x86_emulate_ctxt *ctxt, u64 la, unsigned int n)
{
	la += n;
	return ctxt->mode == X86EMUL_MODE_PROT64 ? la : la & LIMIT_32;
}

static int translate(struct x86_emulate_ctxt *ctxt, u64 la, unsigned int size, u32 access,
		     struct piece p[MAX_PIECES], unsigned int *n)
{
	int r;

	if (size > EMUL_VEC_BYTES)
		return emul_refuse(ctxt, "an access of %u bytes", size);
	for (*n = 0; size; (*n)++) {
		unsigned int len = (unsigned int)MIN((u64)size, EMUL_PAGE_SIZE - (la % EMUL_PAGE_SIZE));

		r = ctxt->ops->gva_to_gpa(ctxt, la, access, &p[*n].gpa, &ctxt->exception);
		if (r != X86EMUL_CONTINUE)
			return r;
		p[*n].len = len;
		la = next_la(ctxt, la, len);
		size -= len;
	}
	return X86EMUL_CONTINUE;
}

/* The next read of this run: from the log, or a new one the VMM must answer. */
static int mmio_read_frag(struct x86_emulate_ctxt *ctxt, u64 gpa, u8 *val, unsigned int len)
{
	struct emul_mmio_frag *f;

	if (ctxt->mmio_read_pos < ctxt->nr_mmio_reads) {
		f = &ctxt->mmio_reads[ctxt->mmio_read_pos];
		if (f->gpa != gpa || f->len != len)
			return emul_refuse(ctxt, "%s: its MMIO reads changed between runs (gpa 0x%llx, "
					   "was 0x%llx)", ctxt->insn.name, gpa, f->gpa);
	} else {
		if (ctxt->nr_mmio_reads == EMUL_MAX_MMIO_FRAGS)
			return emul_refuse(ctxt, "%s: more than %u MMIO reads", ctxt->insn.name,
					   EMUL_MAX_MMIO_FRAGS);
		f = &ctxt->mmio_reads[ctxt->nr_mmio_reads++];
		*f = (struct emul_mmio_frag){ .gpa = gpa, .len = (u8)len };
	}
	if (!f->done) {
		ctxt->mmio_pending = f;
		return X86EMUL_IO_NEEDED;
	}
	memcpy(val, f->data, len);
	ctxt->mmio_read_pos++;
	return X86EMUL_CONTINUE;
}

static int mmio_write_frag(struct x86_emulate_ctxt *ctxt, u64 gpa, const u8 *val,
			   unsigned int len)
{
	struct emul_mmio_frag *f;

	if (ctxt->nr_mmio_writes == EMUL_MAX_MMIO_FRAGS)
		return emul_refuse(ctxt, "%s: more than %u MMIO writes", ctxt->insn.name,
				   EMUL_MAX_MMIO_FRAGS);
	f = &ctxt->mmio_writes[ctxt->nr_mmio_writes++];
	*f = (struct emul_mmio_frag){ .gpa = gpa, .len = (u8)len, .is_write = true };
	memcpy(f->data, val, len);
	return X86EMUL_CONTINUE;
}

int emul_read(struct x86_emulate_ctxt *ctxt, u64 la, void *val, unsigned int size, u32 access)
{
	struct piece p[MAX_PIECES];
	unsigned int n, i, off, done = 0;
	u8 *out = val;
	int r = translate(ctxt, la, size, access, p, &n);

	for (i = 0; r == X86EMUL_CONTINUE && i < n; done += p[i].len, i++) {
		if (ctxt->ops->read_ram(ctxt, p[i].gpa, out + done, p[i].len))
			continue;
		for (off = 0; r == X86EMUL_CONTINUE && off < p[i].len; off += EMUL_MMIO_FRAG_BYTES)
			r = mmio_read_frag(ctxt, p[i].gpa + off, out + done + off,
					   MIN(p[i].len - off, (unsigned int)EMUL_MMIO_FRAG_BYTES));
	}
	return r;
}

int emul_write(struct x86_emulate_ctxt *ctxt, u64 la, const void *val, unsigned int size)
{
	struct piece p[MAX_PIECES];
	unsigned int n, i, off, done = 0;
	const u8 *in = val;
	int r = translate(ctxt, la, size, EMUL_ACCESS_WRITE, p, &n);

	for (i = 0; r == X86EMUL_CONTINUE && i < n; done += p[i].len, i++) {
		if (ctxt->ops->write_ram(ctxt, p[i].gpa, in + done, p[i].len))
			continue;
		for (off = 0; r == X86EMUL_CONTINUE && off < p[i].len; off += EMUL_MMIO_FRAG_BYTES)
			r = mmio_write_frag(ctxt, p[i].gpa + off, in + done + off,
					    MIN(p[i].len - off, (unsigned int)EMUL_MMIO_FRAG_BYTES));
	}
	return r;
}

int emul_operand_la(struct x86_emulate_ctxt *ctxt, u64 ea, unsigned int size, u64 *la)
{
	return emul_linear(ctxt, ctxt->insn.mem.seg, ea, size, la);
}

int emul_modrm_la(struct x86_emulate_ctxt *ctxt, unsigned int size, u64 *la)
{
	return emul_operand_la(ctxt, emul_modrm_ea(ctxt, ctxt->regs[EMUL_RSP]), size, la);
}
