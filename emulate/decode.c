/*
 * The x86 decoder of the emulator: legacy prefixes, REX, VEX (C4/C5), the
 * one-byte and 0F opcode maps through emulate/opcodes.c's tables, ModRM,
 * SIB, displacement and immediate in 16-, 32- and 64-bit addressing (SDM
 * Vol. 2A chapter 2).  The length must be exact: the emulator advances RIP
 * by it.  The memory operand is decoded to its parts so that the emulator
 * computes the address itself and can check it against the exit's.
 */
#include <stdarg.h>

#include "compiler.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "opcodes.h"

/* Segment-override prefixes by VCPU_SREG_* (SDM Vol. 2A 2.1.1, group 2). */
#define PFX_ES 0x26
#define PFX_CS 0x2e
#define PFX_SS 0x36
#define PFX_DS 0x3e
#define PFX_FS 0x64
#define PFX_GS 0x65

/* REX is 0100WRXB, a prefix only in 64-bit mode (SDM Vol. 2A 2.2.1, Table 2-4). */
#define REX_MASK 0xf0
#define REX_BASE 0x40
#define REX_W 0x08
#define REX_R 0x04
#define REX_X 0x02
#define REX_B 0x01
#define REX_EXTEND 8

/* VEX (SDM Vol. 2A 2.3.5, Figure 2-9). */
#define OP_VEX3 0xc4
#define OP_VEX2 0xc5
#define VEX_NOT_R 0x80		/* inverted REX.R, both forms' first payload byte */
#define VEX_NOT_X 0x40
#define VEX_NOT_B 0x20
#define VEX_MMMMM 0x1f
#define VEX_W 0x80
#define VEX_VVVV_SHIFT 3
#define VEX_VVVV_MASK 0xf
#define VEX_L 0x04
#define VEX_PP 0x03
#define VEX_MAP_0F 1
#define VEX_MODRM_LIKE 0xc0	/* outside 64-bit mode C4/C5 are VEX only if these bits are 11 */

/* ModRM and SIB (SDM Vol. 2A 2.1.5, Tables 2-1 to 2-3). */
#define OP_ESCAPE 0x0f
#define OP_ESCAPE_38 0x38
#define OP_ESCAPE_3A 0x3a
#define MODRM_MOD(m) ((m) >> 6)
#define MODRM_REG(m) (((m) >> 3) & 7)
#define MODRM_RM(m) ((m) & 7)
#define SIB_SCALE(s) ((s) >> 6)
#define SIB_INDEX(s) (((s) >> 3) & 7)
#define SIB_BASE(s) ((s) & 7)
#define MOD_NO_DISP 0
#define MOD_DISP8 1
#define MOD_REGISTER 3
#define RM16_BP 6		/* mod 00: [disp16] rather than [BP] */
#define RM_SIB 4
#define RM_DISP32 5		/* mod 00: [disp32], RIP-relative in 64-bit mode */
#define SIB_NO_INDEX 4		/* index 100 without REX.X: no index */
#define SIB_BASE_NONE 5		/* mod 00: no base, a disp32 */
#define REG_OP_MASK 7		/* 50-5F: the register in opcode bits 2:0 */

/* Byte registers 4-7 without REX are AH, CH, DH, BH (SDM Vol. 2A 2.1.5, Table 2-2 note). */
#define REG_FIRST_HIGH_BYTE 4

#define MAP_ONE 1
#define MAP_0F 2
#define MAP_0F38 3
#define MAP_0F3A 4

#define GROUP_CLFLUSH 7
#define BITS_PER_BYTE 8
#define IMM_MAX_BYTES 4
#define VEC_XMM_BYTES 16
#define VEC_YMM_BYTES 32
#define HEX_CHARS 3		/* " %02x" */

struct decoder {
	const u8 *bytes;
	unsigned int avail;
	unsigned int pos;
	struct emul_insn *insn;
	bool opsize;		/* 66 */
	bool addrsize;		/* 67 */
	u8 last_rep;		/* the last F2/F3 */
	char *why;
	size_t why_size;
};

static __printf(3, 4) enum emul_decode_result fail(struct decoder *d, enum emul_decode_result r,
						     const char *fmt, ...)
{
	char hex[EMUL_MAX_INSN_LEN * HEX_CHARS + 1] = "";
	char text[96];
	/* The bytes decoded so far (at least one, if there is one), never the next instruction's. */
	unsigned int i, n = MIN(MIN(MAX(d->pos, 1u), d->avail), (unsigned int)EMUL_MAX_INSN_LEN);
	va_list ap;

	if (!d->why || !d->why_size)
		return r;
	for (i = 0; i < n; i++)
		ksnprintf(hex + HEX_CHARS * i, sizeof(hex) - HEX_CHARS * i, " %02x", d->bytes[i]);
	va_start(ap, fmt);
	kvsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ksnprintf(d->why, d->why_size, "%s (bytes%s)", text, hex);
	return r;
}

static enum emul_decode_result need(struct decoder *d, unsigned int n)
{
	if (d->pos + n > EMUL_MAX_INSN_LEN)
		return fail(d, EMUL_DECODE_INVALID, "instruction longer than %u bytes",
			    EMUL_MAX_INSN_LEN);
	if (d->pos + n > d->avail)
		return fail(d, EMUL_DECODE_TRUNCATED, "truncated instruction: %u bytes fetched",
			    d->avail);
	return EMUL_DECODE_OK;
}

static enum emul_decode_result get_u8(struct decoder *d, u8 *b)
{
	enum emul_decode_result r = need(d, 1);

	if (r == EMUL_DECODE_OK)
		*b = d->bytes[d->pos++];
	return r;
}

/* An n-byte little-endian value, sign-extended to 64 bits (SDM Vol. 2A 2.2.1.5). */
static enum emul_decode_result get_signed(struct decoder *d, unsigned int n, u64 *v)
{
	enum emul_decode_result r = need(d, n);
	u64 x = 0, sign;
	unsigned int i;

	if (r != EMUL_DECODE_OK)
		return r;
	for (i = 0; i < n; i++)
		x |= (u64)d->bytes[d->pos + i] << (BITS_PER_BYTE * i);
	d->pos += n;
	if (n < sizeof(u64)) {
		sign = BIT(n * BITS_PER_BYTE - 1);
		x = (x ^ sign) - sign;
	}
	*v = x;
	return EMUL_DECODE_OK;
}

static bool is_64bit(const struct decoder *d)
{
	return d->insn->mode == X86EMUL_MODE_PROT64;
}

static bool is_16bit_mode(enum x86emul_mode mode)
{
	return mode == X86EMUL_MODE_REAL || mode == X86EMUL_MODE_VM86 ||
	       mode == X86EMUL_MODE_PROT16;
}

static int segment_prefix(u8 b)
{
	switch (b) {
	case PFX_ES:
		return VCPU_SREG_ES;
	case PFX_CS:
		return VCPU_SREG_CS;
	case PFX_SS:
		return VCPU_SREG_SS;
	case PFX_DS:
		return VCPU_SREG_DS;
	case PFX_FS:
		return VCPU_SREG_FS;
	case PFX_GS:
		return VCPU_SREG_GS;
	default:
		return -1;
	}
}

/* One legacy prefix into d; false if b is none.  The last segment override wins. */
static bool take_legacy_prefix(struct decoder *d, u8 b)
{
	int seg = segment_prefix(b);

	if (seg >= 0) {
		d->insn->mem.seg = (u8)seg;
		d->insn->seg_override = true;
	} else if (b == EMUL_PFX_OPSIZE) {
		d->opsize = true;
	} else if (b == EMUL_PFX_ADDRSIZE) {
		d->addrsize = true;
	} else if (b == EMUL_PFX_LOCK) {
		d->insn->lock = true;
	} else if (b == EMUL_PFX_REP || b == EMUL_PFX_REPNE) {
		d->last_rep = b;
	} else {
		return false;
	}
	return true;
}

/* Prefixes; *op gets the first byte after them.  A REX counts only right before it. */
static enum emul_decode_result decode_prefixes(struct decoder *d, u8 *op)
{
	enum emul_decode_result r;
	u8 b;

	for (;;) {
		r = get_u8(d, &b);
		if (r != EMUL_DECODE_OK)
			return r;
		if (take_legacy_prefix(d, b)) {
			d->insn->rex = 0;
		} else if (is_64bit(d) && (b & REX_MASK) == REX_BASE) {
			d->insn->rex = b;
		} else {
			*op = b;
			return EMUL_DECODE_OK;
		}
	}
}

/* Segment overrides other than FS and GS do nothing in 64-bit mode (SDM Vol. 1 3.3.7.1). */
static void set_default_seg(struct emul_insn *insn, u8 seg)
{
	if (!insn->seg_override)
		insn->mem.seg = seg;
}

/* 16-bit ModRM (SDM Vol. 2A Table 2-1): base and index pairs, SS for BP. */
static enum emul_decode_result decode_mem16(struct decoder *d, u8 modrm)
{
	static const s8 base16[8] = { EMUL_RBX, EMUL_RBX, EMUL_RBP, EMUL_RBP,
				      EMUL_RSI, EMUL_RDI, EMUL_RBP, EMUL_RBX };
	static const s8 index16[8] = { EMUL_RSI, EMUL_RDI, EMUL_RSI, EMUL_RDI,
				       EMUL_NO_REG, EMUL_NO_REG, EMUL_NO_REG, EMUL_NO_REG };
	struct emul_mem *m = &d->insn->mem;
	unsigned int rm = MODRM_RM(modrm), mod = MODRM_MOD(modrm);

	m->base = base16[rm];
	m->index = index16[rm];
	m->scale = 1;
	if (mod == MOD_NO_DISP && rm == RM16_BP) {
		m->base = EMUL_NO_REG;
		return get_signed(d, sizeof(u16), &m->disp);
	}
	set_default_seg(d->insn, m->base == EMUL_RBP ? VCPU_SREG_SS : VCPU_SREG_DS);
	if (mod == MOD_NO_DISP)
		return EMUL_DECODE_OK;
	return get_signed(d, mod == MOD_DISP8 ? sizeof(u8) : sizeof(u16), &m->disp);
}

/* SIB (SDM Vol. 2A Table 2-3); REX.X and REX.B extend index and base (Table 2-5). */
static enum emul_decode_result decode_sib(struct decoder *d, unsigned int mod, bool *disp32)
{
	struct emul_mem *m = &d->insn->mem;
	unsigned int index;
	u8 sib;
	enum emul_decode_result r = get_u8(d, &sib);

	if (r != EMUL_DECODE_OK)
		return r;
	index = SIB_INDEX(sib) | ((d->insn->rex & REX_X) ? REX_EXTEND : 0);
	m->index = index == SIB_NO_INDEX ? EMUL_NO_REG : (s8)index;
	m->scale = (u8)(1 << SIB_SCALE(sib));
	if (mod == MOD_NO_DISP && SIB_BASE(sib) == SIB_BASE_NONE) {
		m->base = EMUL_NO_REG;
		*disp32 = true;
	} else {
		m->base = (s8)(SIB_BASE(sib) | ((d->insn->rex & REX_B) ? REX_EXTEND : 0));
	}
	return EMUL_DECODE_OK;
}

/* 32- and 64-bit ModRM (SDM Vol. 2A Tables 2-2, 2-3; RIP-relative 2.2.1.6). */
static enum emul_decode_result decode_mem32(struct decoder *d, u8 modrm)
{
	struct emul_mem *m = &d->insn->mem;
	unsigned int rm = MODRM_RM(modrm), mod = MODRM_MOD(modrm);
	bool disp32 = mod != MOD_NO_DISP && mod != MOD_DISP8;
	enum emul_decode_result r;

	m->scale = 1;
	m->index = EMUL_NO_REG;
	if (rm == RM_SIB) {
		r = decode_sib(d, mod, &disp32);
		if (r != EMUL_DECODE_OK)
			return r;
	} else if (mod == MOD_NO_DISP && rm == RM_DISP32) {
		m->base = EMUL_NO_REG;
		m->rip_rel = is_64bit(d);
		disp32 = true;
	} else {
		m->base = (s8)(rm | ((d->insn->rex & REX_B) ? REX_EXTEND : 0));
	}
	set_default_seg(d->insn, (m->base == EMUL_RSP || m->base == EMUL_RBP) ? VCPU_SREG_SS
									     : VCPU_SREG_DS);
	if (disp32)
		return get_signed(d, sizeof(u32), &m->disp);
	if (mod == MOD_DISP8)
		return get_signed(d, sizeof(u8), &m->disp);
	return EMUL_DECODE_OK;
}

static enum emul_decode_result decode_modrm_mem(struct decoder *d)
{
	struct emul_insn *insn = d->insn;

	if (MODRM_MOD(insn->modrm) == MOD_REGISTER)
		return fail(d, EMUL_DECODE_UNSUPPORTED, "%s with a register operand: no memory access",
			    insn->name);
	insn->has_mem = true;
	if (insn->ad_bytes == sizeof(u16))
		return decode_mem16(d, insn->modrm);
	return decode_mem32(d, insn->modrm);
}

/* ModRM.reg as a register operand; any REX makes byte registers 4-7 SPL..DIL. */
static void set_reg_operand(struct emul_insn *insn, unsigned int reg, bool byte)
{
	if (insn->rex & REX_R)
		reg += REX_EXTEND;
	if (byte && !insn->rex && reg >= REG_FIRST_HIGH_BYTE) {
		reg -= REG_FIRST_HIGH_BYTE;
		insn->high_byte = true;
	}
	insn->reg = (s8)reg;
}

/* Operand size (SDM Vol. 1 3.6.1, Table 3-4; stack operations 3.6.1, "64-bit mode"). */
static void set_sizes(struct decoder *d, u32 flags)
{
	struct emul_insn *insn = d->insn;
	bool wide = !is_16bit_mode(insn->mode);

	if (is_64bit(d))
		insn->ad_bytes = d->addrsize ? sizeof(u32) : sizeof(u64);
	else
		insn->ad_bytes = wide != d->addrsize ? sizeof(u32) : sizeof(u16);
	if (flags & OPF_BYTE)
		insn->op_bytes = sizeof(u8);
	else if (flags & OPF_WORD)
		insn->op_bytes = sizeof(u16);
	else if (insn->rex & REX_W)
		insn->op_bytes = sizeof(u64);
	else if (flags & OPF_DWORD)
		insn->op_bytes = sizeof(u32);
	else if ((flags & OPF_NEAR64) && is_64bit(d))
		insn->op_bytes = sizeof(u64);	/* Intel ignores 66 (SDM Vol. 2A "JMP", "RET") */
	else if ((flags & OPF_STACK) && is_64bit(d))
		insn->op_bytes = d->opsize ? sizeof(u16) : sizeof(u64);
	else
		insn->op_bytes = wide != d->opsize ? sizeof(u32) : sizeof(u16);
	insn->mem_bytes = insn->op_bytes;
	if (flags & OPF_SRC8)
		insn->mem_bytes = sizeof(u8);
	else if (flags & OPF_SRC16)
		insn->mem_bytes = sizeof(u16);
	else if (flags & OPF_MEM32)
		insn->mem_bytes = sizeof(u32);
	else if (insn->op == EMUL_OP_JMP_FAR || insn->op == EMUL_OP_CALL_FAR)
		insn->mem_bytes = insn->op_bytes + sizeof(u16);	/* m16:16, m16:32, m16:64 */
}

static enum emul_decode_result decode_imm(struct decoder *d, u32 flags)
{
	struct emul_insn *insn = d->insn;
	enum emul_decode_result r;
	unsigned int n;

	if (flags & (OPF_IMM16 | OPF_IMM16_8)) {
		r = get_signed(d, sizeof(u16), &insn->imm);
		insn->imm &= 0xffff;	/* a frame or release size: unsigned */
		insn->has_imm = true;
		insn->imm_bytes = sizeof(u16);
		if (r == EMUL_DECODE_OK && (flags & OPF_IMM16_8))
			r = get_u8(d, &insn->imm2);
		return r;
	}
	if (flags & OPF_IMM8)
		n = sizeof(u8);
	else if (flags & OPF_IMMV)
		n = MIN((unsigned int)insn->op_bytes, (unsigned int)IMM_MAX_BYTES);
	else
		return EMUL_DECODE_OK;
	insn->has_imm = true;
	insn->imm_bytes = (u8)n;
	return get_signed(d, n, &insn->imm);
}

/* A0-A3: an address-sized offset, the whole address (SDM Vol. 2A 2.2.1.4). */
static enum emul_decode_result decode_moffs(struct decoder *d)
{
	struct emul_insn *insn = d->insn;
	enum emul_decode_result r = need(d, insn->ad_bytes);
	unsigned int i;

	if (r != EMUL_DECODE_OK)
		return r;
	insn->has_mem = true;
	insn->mem.base = EMUL_NO_REG;
	insn->mem.index = EMUL_NO_REG;
	insn->mem.scale = 1;
	insn->mem.disp = 0;
	for (i = 0; i < insn->ad_bytes; i++)
		insn->mem.disp |= (u64)d->bytes[d->pos + i] << (BITS_PER_BYTE * i);
	d->pos += insn->ad_bytes;
	insn->reg = EMUL_RAX;
	return EMUL_DECODE_OK;
}

/* The mandatory prefix of an SSE opcode: F2/F3 over 66 (SDM Vol. 2A 2.1.2). */
static u8 mandatory_prefix(const struct decoder *d)
{
	if (d->last_rep)
		return d->last_rep;
	return d->opsize ? EMUL_PFX_OPSIZE : 0;
}

/* MMX MOVD/MOVQ: MM0-MM7 in ModRM.reg, REX.R ignored (SDM Vol. 2A 2.2.1.7, Table 2-4). */
static enum emul_decode_result decode_mmx(struct decoder *d, const struct emul_vec_move *v)
{
	struct emul_insn *insn = d->insn;

	insn->op_bytes = sizeof(u64);
	insn->mem_bytes = v->mem_bytes;
	if (v->rex_w_wide && (insn->rex & REX_W))
		insn->mem_bytes = sizeof(u64);
	insn->vec_zero_upper = v->zero_upper;
	insn->reg = (s8)MODRM_REG(insn->modrm);
	return decode_modrm_mem(d);
}

static enum emul_decode_result decode_vec(struct decoder *d)
{
	struct emul_insn *insn = d->insn;
	const struct emul_vec_move *v = NULL;
	unsigned int i;

	for (i = 0; i < emul_nr_vec_moves; i++) {
		const struct emul_vec_move *e = &emul_vec_moves[i];

		if (e->opcode == insn->opcode && e->prefix == insn->mandatory && e->vex == insn->vex)
			v = e;
	}
	if (!v)
		return fail(d, EMUL_DECODE_UNSUPPORTED, "unsupported %svector instruction",
			    insn->vex ? "VEX " : "");
	insn->name = v->name;
	insn->op = v->op;
	if (v->op == EMUL_OP_MMX_LOAD || v->op == EMUL_OP_MMX_STORE)
		return decode_mmx(d, v);
	insn->vec_aligned = v->aligned;
	insn->vec_zero_upper = v->zero_upper;
	insn->op_bytes = insn->vex_l ? VEC_YMM_BYTES : VEC_XMM_BYTES;
	insn->mem_bytes = v->mem_bytes ? v->mem_bytes : insn->op_bytes;
	if (v->rex_w_wide && (insn->rex & REX_W))
		insn->mem_bytes = sizeof(u64);
	if (v->mem_bytes && insn->vex_l)
		return fail(d, EMUL_DECODE_INVALID, "%s with VEX.L=1", v->name);
	set_reg_operand(insn, MODRM_REG(insn->modrm), false);
	return decode_modrm_mem(d);
}

/* The entry for op in its map, through its group by ModRM.reg where it has one. */
static enum emul_decode_result lookup(struct decoder *d, const struct emul_opcode **entry,
				      u32 *flags)
{
	struct emul_insn *insn = d->insn;
	const struct emul_opcode *e = insn->map == MAP_ONE ? &emul_onebyte[insn->opcode]
							   : &emul_twobyte[insn->opcode];
	enum emul_decode_result r;

	*flags = e->flags;
	if (e->flags & OPF_MODRM) {
		r = get_u8(d, &insn->modrm);
		if (r != EMUL_DECODE_OK)
			return r;
		insn->has_modrm = true;
	}
	if (e->group) {
		e = &e->group[MODRM_REG(insn->modrm)];
		*flags |= e->flags;
	}
	*entry = e;
	return EMUL_DECODE_OK;
}

static enum emul_decode_result check_mode(struct decoder *d, u32 flags)
{
	if ((flags & OPF_NO64) && is_64bit(d))
		return fail(d, EMUL_DECODE_INVALID, "opcode invalid in 64-bit mode");
	if ((flags & OPF_ONLY64) && !is_64bit(d))
		return fail(d, EMUL_DECODE_UNSUPPORTED, "unsupported instruction arpl");
	return EMUL_DECODE_OK;
}

/*
 * LOCK is #UD but on the lockable instructions with a memory destination
 * (SDM Vol. 2A "LOCK").  F2/F3 on the 0F-map integer instructions would
 * make other instructions (POPCNT, TZCNT) or undefined ones: refused.
 */
static enum emul_decode_result check_prefixes(struct decoder *d, u32 flags)
{
	struct emul_insn *insn = d->insn;

	if (insn->lock && !(flags & OPF_LOCK))
		return fail(d, EMUL_DECODE_INVALID, "LOCK prefix on %s",
			    insn->name ? insn->name : "a non-lockable instruction");
	if (insn->map == MAP_0F && d->last_rep && !(flags & OPF_SSE) && insn->op != EMUL_OP_NONE)
		return fail(d, EMUL_DECODE_UNSUPPORTED, "unsupported instruction %s with an F2/F3 prefix",
			    insn->name);
	if ((flags & OPF_STRING) && d->last_rep)
		insn->rep = d->last_rep;
	return EMUL_DECODE_OK;
}

static enum emul_decode_result decode_operands(struct decoder *d, u32 flags)
{
	struct emul_insn *insn = d->insn;
	enum emul_decode_result r = EMUL_DECODE_OK;

	if (flags & OPF_SSE)
		return decode_vec(d);
	if (flags & OPF_REG_OP)
		insn->reg = (s8)((insn->opcode & REG_OP_MASK) |
				 ((insn->rex & REX_B) ? REX_EXTEND : 0));
	else if (flags & OPF_MOFFS)
		r = decode_moffs(d);
	if (r == EMUL_DECODE_OK && (flags & OPF_MODRM)) {
		set_reg_operand(insn, MODRM_REG(insn->modrm), flags & OPF_BYTE);
		r = decode_modrm_mem(d);
	}
	if (r == EMUL_DECODE_OK)
		r = decode_imm(d, flags);
	return r;
}

static enum emul_decode_result decode_entry(struct decoder *d)
{
	struct emul_insn *insn = d->insn;
	const struct emul_opcode *e;
	u32 flags;
	enum emul_decode_result r = lookup(d, &e, &flags);

	if (r != EMUL_DECODE_OK)
		return r;
	insn->name = e->name;
	if (!(flags & OPF_SSE) && e->op == EMUL_OP_NONE) {
		if (e->name)
			return fail(d, EMUL_DECODE_UNSUPPORTED, "unsupported instruction %s", e->name);
		return fail(d, EMUL_DECODE_UNSUPPORTED, "unsupported instruction");
	}
	insn->op = e->op;
	insn->alu = e->alu;
	insn->rmw = flags & OPF_RMW;
	insn->mandatory = mandatory_prefix(d);
	if (e->op == EMUL_OP_CLFLUSH && d->opsize)
		insn->name = "clflushopt";
	r = check_mode(d, flags);
	if (r == EMUL_DECODE_OK)
		r = check_prefixes(d, flags);
	if (r != EMUL_DECODE_OK)
		return r;
	set_sizes(d, flags);
	if (e->op == EMUL_OP_MOVSX && (flags & OPF_MEM32) && insn->op_bytes == sizeof(u16))
		return fail(d, EMUL_DECODE_UNSUPPORTED, "unsupported instruction movsxd r16");
	/*
	 * MOV to CS, and Sreg 6 and 7, are #UD (SDM Vol. 2B "MOV", Sreg
	 * encodings); REX.R makes the field name none of them (KVM: #UD too).
	 */
	if ((e->op == EMUL_OP_MOV_SREG || e->op == EMUL_OP_STORE_SREG) && (insn->rex & REX_R))
		return fail(d, EMUL_DECODE_INVALID, "mov with segment register %u",
			    MODRM_REG(insn->modrm) + REX_EXTEND);
	if (e->op == EMUL_OP_MOV_SREG &&
	    (MODRM_REG(insn->modrm) == VCPU_SREG_CS || MODRM_REG(insn->modrm) >= EMUL_NR_SREGS))
		return fail(d, EMUL_DECODE_INVALID, "mov to segment register %u",
			    MODRM_REG(insn->modrm));
	if (e->op == EMUL_OP_STORE_SREG && MODRM_REG(insn->modrm) >= EMUL_NR_SREGS)
		return fail(d, EMUL_DECODE_INVALID, "mov from segment register %u",
			    MODRM_REG(insn->modrm));
	return decode_operands(d, flags);
}

/* VEX payload (SDM Vol. 2A 2.3.5); prefixes 66/F2/F3/LOCK/REX before it are #UD (2.3.2). */
static enum emul_decode_result decode_vex(struct decoder *d, u8 op)
{
	struct emul_insn *insn = d->insn;
	static const u8 pp_prefix[4] = { 0, EMUL_PFX_OPSIZE, EMUL_PFX_REP, EMUL_PFX_REPNE };
	u8 p0, p1 = 0, vvvv;
	enum emul_decode_result r = get_u8(d, &p0);

	if (r == EMUL_DECODE_OK && op == OP_VEX3)
		r = get_u8(d, &p1);
	if (r != EMUL_DECODE_OK)
		return r;
	if (d->opsize || d->last_rep || insn->lock || insn->rex)
		return fail(d, EMUL_DECODE_INVALID, "a prefix before VEX");
	if (op == OP_VEX2) {
		p1 = p0;
		p0 = (u8)((p0 & VEX_NOT_R) | VEX_NOT_X | VEX_NOT_B | VEX_MAP_0F);
	}
	if (is_64bit(d)) {
		insn->rex = (u8)(REX_BASE | (!(p0 & VEX_NOT_R) ? REX_R : 0) |
				 (!(p0 & VEX_NOT_X) ? REX_X : 0) | (!(p0 & VEX_NOT_B) ? REX_B : 0) |
				 ((p1 & VEX_W) ? REX_W : 0));
	}
	if ((p0 & VEX_MMMMM) != VEX_MAP_0F)
		return fail(d, EMUL_DECODE_UNSUPPORTED, "unsupported VEX instruction (map %u)",
			    p0 & VEX_MMMMM);
	vvvv = (u8)(~(p1 >> VEX_VVVV_SHIFT) & VEX_VVVV_MASK);
	insn->vex = true;
	insn->vex_l = (p1 & VEX_L) ? 1 : 0;
	insn->mandatory = pp_prefix[p1 & VEX_PP];
	insn->map = MAP_0F;
	r = get_u8(d, &insn->opcode);
	if (r == EMUL_DECODE_OK)
		r = get_u8(d, &insn->modrm);
	if (r != EMUL_DECODE_OK)
		return r;
	insn->has_modrm = true;
	if (!(emul_twobyte[insn->opcode].flags & OPF_SSE))
		return fail(d, EMUL_DECODE_UNSUPPORTED, "unsupported VEX instruction");
	if (vvvv)
		return fail(d, EMUL_DECODE_INVALID, "VEX.vvvv must be 1111 on a move");
	set_sizes(d, 0);
	return decode_vec(d);
}

/* C4/C5 are VEX in 64-bit mode, and elsewhere in protected mode when ModRM.mod would be 11. */
static bool is_vex(const struct decoder *d, u8 op)
{
	if (op != OP_VEX2 && op != OP_VEX3)
		return false;
	if (is_64bit(d))
		return true;
	if (d->insn->mode == X86EMUL_MODE_REAL || d->insn->mode == X86EMUL_MODE_VM86)
		return false;
	return d->pos < d->avail && (d->bytes[d->pos] & VEX_MODRM_LIKE) == VEX_MODRM_LIKE;
}

static enum emul_decode_result decode_opcode(struct decoder *d, u8 op)
{
	struct emul_insn *insn = d->insn;
	enum emul_decode_result r;

	if (is_vex(d, op))
		return decode_vex(d, op);
	insn->map = MAP_ONE;
	insn->opcode = op;
	if (op == OP_ESCAPE) {
		insn->map = MAP_0F;
		r = get_u8(d, &insn->opcode);
		if (r != EMUL_DECODE_OK)
			return r;
		if (insn->opcode == OP_ESCAPE_38 || insn->opcode == OP_ESCAPE_3A) {
			insn->map = insn->opcode == OP_ESCAPE_38 ? MAP_0F38 : MAP_0F3A;
			(void)get_u8(d, &insn->opcode);
			return fail(d, EMUL_DECODE_UNSUPPORTED, "unsupported instruction");
		}
	}
	return decode_entry(d);
}

enum emul_decode_result emul_decode(const u8 *bytes, unsigned int avail, enum x86emul_mode mode,
				    struct emul_insn *insn, char *why, size_t why_size)
{
	struct decoder d = {
		.bytes = bytes, .avail = avail, .insn = insn, .why = why, .why_size = why_size,
	};
	enum emul_decode_result r;
	u8 op = 0;

	memset(insn, 0, sizeof(*insn));
	insn->mode = mode;
	insn->reg = EMUL_NO_REG;
	insn->mem.seg = VCPU_SREG_DS;
	insn->mem.base = EMUL_NO_REG;
	insn->mem.index = EMUL_NO_REG;
	insn->mem.scale = 1;
	r = decode_prefixes(&d, &op);
	if (r == EMUL_DECODE_OK)
		r = decode_opcode(&d, op);
	if (r != EMUL_DECODE_OK)
		return r;
	insn->len = (u8)d.pos;
	if (why && why_size)
		why[0] = '\0';
	return EMUL_DECODE_OK;
}
