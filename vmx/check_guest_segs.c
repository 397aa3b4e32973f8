/*
 * The pre-entry checker (vmx/check.c): the guest segment registers, SDM Vol. 3C 27.3.1.2.
 */
#include "check_internal.h"

/* ---- 27.3.1.2 guest segment registers --------------------------------- */

enum seg_reg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, NR_SEG_REGS };

static const struct seg_field_set {
	enum vmcs_field sel, base, limit, ar;
} seg_fields[NR_SEG_REGS] = {
	[SEG_ES] = { GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES },
	[SEG_CS] = { GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES },
	[SEG_SS] = { GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES },
	[SEG_DS] = { GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES },
	[SEG_FS] = { GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES },
	[SEG_GS] = { GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES },
	[SEG_LDTR] = { GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT,
		       GUEST_LDTR_AR_BYTES },
	[SEG_TR] = { GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES },
};

/* CS, SS, DS, ES, FS, GS and the data-segment registers, in the order the SDM lists them. */
static const enum seg_reg user_segs[] = { SEG_CS, SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS };
static const enum seg_reg data_segs[] = { SEG_DS, SEG_ES, SEG_FS, SEG_GS };

struct seg {
	u64 sel, base, limit, ar;
};

struct guest_segs {
	struct seg s[NR_SEG_REGS];
	bool v86;	/* RFLAGS.VM: the guest will be virtual-8086 */
	bool pe;	/* CR0.PE */
};

static bool usable(const struct seg *s)
{
	return !(s->ar & VMX_AR_UNUSABLE);
}

/* Most access-rights checks apply to CS always and to the others when usable. */
static bool ar_checked(const struct guest_segs *g, enum seg_reg i)
{
	return i == SEG_CS || usable(&g->s[i]);
}

static u64 seg_type(const struct seg *s)
{
	return s->ar & VMX_AR_TYPE_MASK;
}

static u64 seg_rpl(const struct seg *s)
{
	return s->sel & SEL_RPL_MASK;
}

/* G must be 0 unless limit bits 11:0 are all 1, and 1 if any of bits 31:20 is 1. */
static bool g_bit_ok(const struct seg *s)
{
	bool g = s->ar & VMX_AR_G;

	if ((s->limit & SEG_LIMIT_LOW_12) != SEG_LIMIT_LOW_12 && g) {
		return false;
	}
	return g || !(s->limit & SEG_LIMIT_HIGH_12);
}

static void load_guest_segs(const struct check_ctx *c, struct guest_segs *g)
{
	size_t i;

	for (i = 0; i < NR_SEG_REGS; i++) {
		g->s[i].sel = rd(c, seg_fields[i].sel);
		g->s[i].base = rd(c, seg_fields[i].base);
		g->s[i].limit = rd(c, seg_fields[i].limit);
		g->s[i].ar = rd(c, seg_fields[i].ar);
	}
	g->v86 = rd(c, GUEST_RFLAGS) & X86_RFLAGS_VM;
	g->pe = rd(c, GUEST_CR0) & X86_CR0_PE;
}

static int check_seg_selectors(struct check_ctx *c, const struct guest_segs *g)
{
	const struct seg *tr = &g->s[SEG_TR], *ldtr = &g->s[SEG_LDTR];
	const struct seg *cs = &g->s[SEG_CS], *ss = &g->s[SEG_SS];

	if (tr->sel & SEL_TI) {
		return report(c, GUEST_TR_SELECTOR, tr->sel, "SDM 27.3.1.2: TR selector TI (bit 2) must be 0");
	}
	if (usable(ldtr) && (ldtr->sel & SEL_TI)) {
		return report(c, GUEST_LDTR_SELECTOR, ldtr->sel,
			      "SDM 27.3.1.2: a usable LDTR's selector TI (bit 2) must be 0");
	}
	if (!g->v86 && !ug(c) && seg_rpl(ss) != seg_rpl(cs)) {
		return report(c, GUEST_SS_SELECTOR, ss->sel,
			      "SDM 27.3.1.2: SS selector RPL must equal CS selector RPL (unless virtual-8086 or unrestricted guest)");
	}
	return 0;
}

static int check_seg_bases_v86(struct check_ctx *c, const struct guest_segs *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		const struct seg *s = &g->s[user_segs[i]];

		if (s->base != s->sel << VMX_V86_BASE_SHIFT) {
			return report(c, seg_fields[user_segs[i]].base, s->base,
				      "SDM 27.3.1.2: in virtual-8086 mode each segment base must be its selector times 16");
		}
	}
	return 0;
}

static int check_seg_bases(struct check_ctx *c, const struct guest_segs *g)
{
	static const enum seg_reg canon[] = { SEG_TR, SEG_FS, SEG_GS };
	static const enum seg_reg low32[] = { SEG_SS, SEG_DS, SEG_ES };
	const struct seg *s;
	size_t i;
	int err;

	err = g->v86 ? check_seg_bases_v86(c, g) : 0;
	if (err) {
		return err;
	}
	for (i = 0; i < ARRAY_SIZE(canon); i++) {
		s = &g->s[canon[i]];
		if (!canonical(c, s->base)) {
			return report(c, seg_fields[canon[i]].base, s->base,
				      "SDM 27.3.1.2: TR, FS and GS bases must be canonical");
		}
	}
	s = &g->s[SEG_LDTR];
	if (usable(s) && !canonical(c, s->base)) {
		return report(c, GUEST_LDTR_BASE, s->base, "SDM 27.3.1.2: a usable LDTR's base must be canonical");
	}
	if (g->s[SEG_CS].base & HIGH32_MASK) {
		return report(c, GUEST_CS_BASE, g->s[SEG_CS].base, "SDM 27.3.1.2: CS base bits 63:32 must be 0");
	}
	for (i = 0; i < ARRAY_SIZE(low32); i++) {
		s = &g->s[low32[i]];
		if (usable(s) && (s->base & HIGH32_MASK)) {
			return report(c, seg_fields[low32[i]].base, s->base,
				      "SDM 27.3.1.2: usable SS, DS and ES bases must have bits 63:32 0");
		}
	}
	return 0;
}

static int check_seg_v86_limits_ar(struct check_ctx *c, const struct guest_segs *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		if (g->s[user_segs[i]].limit != VMX_V86_LIMIT) {
			return report(c, seg_fields[user_segs[i]].limit, g->s[user_segs[i]].limit,
				      "SDM 27.3.1.2: in virtual-8086 mode each segment limit must be 0xffff");
		}
	}
	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		if (g->s[user_segs[i]].ar != VMX_AR_V86) {
			return report(c, seg_fields[user_segs[i]].ar, g->s[user_segs[i]].ar,
				      "SDM 27.3.1.2: in virtual-8086 mode each segment's access rights must be 0xf3");
		}
	}
	return 0;
}

static bool cs_type_ok(const struct check_ctx *c, u64 type)
{
	u64 code = VMX_AR_TYPE_CODE | VMX_AR_TYPE_ACCESSED;

	return (type & code) == code || (ug(c) && type == SEG_TYPE_DATA_RW_ACCESSED);
}

static bool data_type_ok(u64 type)
{
	if (!(type & VMX_AR_TYPE_ACCESSED)) {
		return false;
	}
	return !(type & VMX_AR_TYPE_CODE) || (type & VMX_AR_TYPE_READABLE);
}

static int check_seg_types(struct check_ctx *c, const struct guest_segs *g)
{
	const struct seg *cs = &g->s[SEG_CS], *ss = &g->s[SEG_SS];
	size_t i;

	if (!cs_type_ok(c, seg_type(cs))) {
		return report(c, GUEST_CS_AR_BYTES, cs->ar, ug(c) ?
			      "SDM 27.3.1.2: CS type must be 3 (with unrestricted guest), 9, 11, 13 or 15" :
			      "SDM 27.3.1.2: CS access rights type must be 9, 11, 13 or 15 (accessed code)");
	}
	if (usable(ss) && seg_type(ss) != SEG_TYPE_DATA_RW_ACCESSED &&
	    seg_type(ss) != SEG_TYPE_DATA_RW_DOWN_ACCESSED) {
		return report(c, GUEST_SS_AR_BYTES, ss->ar,
			      "SDM 27.3.1.2: a usable SS's type must be 3 or 7 (read/write accessed data)");
	}
	for (i = 0; i < ARRAY_SIZE(data_segs); i++) {
		const struct seg *s = &g->s[data_segs[i]];

		if (usable(s) && !data_type_ok(seg_type(s))) {
			return report(c, seg_fields[data_segs[i]].ar, s->ar,
				      "SDM 27.3.1.2: a usable DS, ES, FS or GS must be accessed (type bit 0), and readable if code");
		}
	}
	return 0;
}

static int check_seg_s_bits(struct check_ctx *c, const struct guest_segs *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		enum seg_reg r = user_segs[i];

		if (ar_checked(g, r) && !(g->s[r].ar & VMX_AR_S)) {
			return report(c, seg_fields[r].ar, g->s[r].ar,
				      "SDM 27.3.1.2: S (bit 4) must be 1 for CS and for usable SS, DS, ES, FS, GS");
		}
	}
	return 0;
}

static int check_cs_dpl(struct check_ctx *c, const struct guest_segs *g)
{
	const struct seg *cs = &g->s[SEG_CS];
	u64 type = seg_type(cs), dpl = VMX_AR_DPL(cs->ar), ss_dpl = VMX_AR_DPL(g->s[SEG_SS].ar);

	if (type == SEG_TYPE_DATA_RW_ACCESSED && dpl != 0) {
		return report(c, GUEST_CS_AR_BYTES, cs->ar,
			      "SDM 27.3.1.2: CS DPL must be 0 when its type is 3 (unrestricted guest)");
	}
	if (type >= SEG_TYPE_CODE_MIN && type < SEG_TYPE_CONFORMING_MIN && dpl != ss_dpl) {
		return report(c, GUEST_CS_AR_BYTES, cs->ar,
			      "SDM 27.3.1.2: CS DPL must equal SS DPL for a non-conforming code segment (type 9 or 11)");
	}
	if (type >= SEG_TYPE_CONFORMING_MIN && dpl > ss_dpl) {
		return report(c, GUEST_CS_AR_BYTES, cs->ar,
			      "SDM 27.3.1.2: CS DPL must not exceed SS DPL for a conforming code segment (type 13 or 15)");
	}
	return 0;
}

static int check_seg_dpls(struct check_ctx *c, const struct guest_segs *g)
{
	const struct seg *ss = &g->s[SEG_SS];
	size_t i;
	int err;

	err = check_cs_dpl(c, g);
	if (err) {
		return err;
	}
	if (!ug(c) && VMX_AR_DPL(ss->ar) != seg_rpl(ss)) {
		return report(c, GUEST_SS_AR_BYTES, ss->ar,
			      "SDM 27.3.1.2: SS DPL must equal SS selector RPL (unrestricted guest 0)");
	}
	if ((seg_type(&g->s[SEG_CS]) == SEG_TYPE_DATA_RW_ACCESSED || !g->pe) &&
	    VMX_AR_DPL(ss->ar) != 0) {
		return report(c, GUEST_SS_AR_BYTES, ss->ar,
			      "SDM 27.3.1.2: SS DPL must be 0 when CS type is 3 or CR0.PE is 0");
	}
	if (ug(c)) {
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(data_segs); i++) {
		const struct seg *s = &g->s[data_segs[i]];

		if (usable(s) && seg_type(s) < SEG_TYPE_CONFORMING_MIN &&
		    VMX_AR_DPL(s->ar) < seg_rpl(s)) {
			return report(c, seg_fields[data_segs[i]].ar, s->ar,
				      "SDM 27.3.1.2: a usable data or non-conforming code DS, ES, FS, GS needs DPL >= RPL (unrestricted guest 0)");
		}
	}
	return 0;
}

/* The P, reserved-bit and G checks, each over CS, SS, DS, ES, FS, GS in turn. */
static int check_seg_ar_bits(struct check_ctx *c, const struct guest_segs *g)
{
	const struct seg *cs = &g->s[SEG_CS];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		if (ar_checked(g, user_segs[i]) && !(g->s[user_segs[i]].ar & VMX_AR_P)) {
			return report(c, seg_fields[user_segs[i]].ar, g->s[user_segs[i]].ar,
				      "SDM 27.3.1.2: P (bit 7) must be 1 for CS and for usable SS, DS, ES, FS, GS");
		}
	}
	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		if (ar_checked(g, user_segs[i]) && (g->s[user_segs[i]].ar & VMX_AR_RESERVED_11_8)) {
			return report(c, seg_fields[user_segs[i]].ar, g->s[user_segs[i]].ar,
				      "SDM 27.3.1.2: access-rights bits 11:8 are reserved (CS and usable SS, DS, ES, FS, GS)");
		}
	}
	if (ia32e_guest(c) && (cs->ar & VMX_AR_L) && (cs->ar & VMX_AR_DB)) {
		return report(c, GUEST_CS_AR_BYTES, cs->ar,
			      "SDM 27.3.1.2: CS D/B (bit 14) must be 0 when L (bit 13) is 1 in an IA-32e mode guest");
	}
	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		if (ar_checked(g, user_segs[i]) && !g_bit_ok(&g->s[user_segs[i]])) {
			return report(c, seg_fields[user_segs[i]].ar, g->s[user_segs[i]].ar,
				      "SDM 27.3.1.2: G (bit 15) must be 0 unless limit bits 11:0 are all 1, and 1 if any limit bit 31:20 is 1");
		}
	}
	for (i = 0; i < ARRAY_SIZE(user_segs); i++) {
		if (ar_checked(g, user_segs[i]) &&
		    (g->s[user_segs[i]].ar & VMX_AR_RESERVED_31_17)) {
			return report(c, seg_fields[user_segs[i]].ar, g->s[user_segs[i]].ar,
				      "SDM 27.3.1.2: access-rights bits 31:17 are reserved (CS and usable SS, DS, ES, FS, GS)");
		}
	}
	return 0;
}

static int check_tr_ar(struct check_ctx *c, const struct seg *tr)
{
	u64 type = seg_type(tr);
	bool type_ok = type == SEG_TYPE_TSS_BUSY ||
		       (!ia32e_guest(c) && type == SEG_TYPE_TSS16_BUSY);

	if (!type_ok) {
		return report(c, GUEST_TR_AR_BYTES, tr->ar, ia32e_guest(c) ?
			      "SDM 27.3.1.2: TR type must be 11 (busy 64-bit TSS) in an IA-32e mode guest" :
			      "SDM 27.3.1.2: TR type must be 3 or 11 (busy TSS)");
	}
	if (tr->ar & VMX_AR_S) {
		return report(c, GUEST_TR_AR_BYTES, tr->ar, "SDM 27.3.1.2: TR S (bit 4) must be 0");
	}
	if (!(tr->ar & VMX_AR_P)) {
		return report(c, GUEST_TR_AR_BYTES, tr->ar, "SDM 27.3.1.2: TR P (bit 7) must be 1");
	}
	if (tr->ar & VMX_AR_RESERVED_11_8) {
		return report(c, GUEST_TR_AR_BYTES, tr->ar, "SDM 27.3.1.2: TR access-rights bits 11:8 are reserved");
	}
	if (!g_bit_ok(tr)) {
		return report(c, GUEST_TR_AR_BYTES, tr->ar, "SDM 27.3.1.2: TR G (bit 15) does not match its limit");
	}
	if (tr->ar & VMX_AR_UNUSABLE) {
		return report(c, GUEST_TR_AR_BYTES, tr->ar, "SDM 27.3.1.2: TR must be usable (bit 16 0)");
	}
	if (tr->ar & VMX_AR_RESERVED_31_17) {
		return report(c, GUEST_TR_AR_BYTES, tr->ar, "SDM 27.3.1.2: TR access-rights bits 31:17 are reserved");
	}
	return 0;
}

static int check_ldtr_ar(struct check_ctx *c, const struct seg *ldtr)
{
	if (!usable(ldtr)) {
		return 0;
	}
	if (seg_type(ldtr) != SEG_TYPE_LDT) {
		return report(c, GUEST_LDTR_AR_BYTES, ldtr->ar, "SDM 27.3.1.2: a usable LDTR's type must be 2 (LDT)");
	}
	if (ldtr->ar & VMX_AR_S) {
		return report(c, GUEST_LDTR_AR_BYTES, ldtr->ar, "SDM 27.3.1.2: a usable LDTR's S (bit 4) must be 0");
	}
	if (!(ldtr->ar & VMX_AR_P)) {
		return report(c, GUEST_LDTR_AR_BYTES, ldtr->ar, "SDM 27.3.1.2: a usable LDTR's P (bit 7) must be 1");
	}
	if (ldtr->ar & VMX_AR_RESERVED_11_8) {
		return report(c, GUEST_LDTR_AR_BYTES, ldtr->ar,
			      "SDM 27.3.1.2: LDTR access-rights bits 11:8 are reserved");
	}
	if (!g_bit_ok(ldtr)) {
		return report(c, GUEST_LDTR_AR_BYTES, ldtr->ar, "SDM 27.3.1.2: LDTR G (bit 15) does not match its limit");
	}
	if (ldtr->ar & VMX_AR_RESERVED_31_17) {
		return report(c, GUEST_LDTR_AR_BYTES, ldtr->ar,
			      "SDM 27.3.1.2: LDTR access-rights bits 31:17 are reserved");
	}
	return 0;
}

int check_guest_segments(struct check_ctx *c)
{
	struct guest_segs g;
	int err;

	load_guest_segs(c, &g);
	err = check_seg_selectors(c, &g);
	if (!err) {
		err = check_seg_bases(c, &g);
	}
	if (!err && g.v86) {
		err = check_seg_v86_limits_ar(c, &g);
	}
	if (!err && !g.v86) {
		err = check_seg_types(c, &g);
		if (!err) {
			err = check_seg_s_bits(c, &g);
		}
		if (!err) {
			err = check_seg_dpls(c, &g);
		}
		if (!err) {
			err = check_seg_ar_bits(c, &g);
		}
	}
	if (!err) {
		err = check_tr_ar(c, &g.s[SEG_TR]);
	}
	if (!err) {
		err = check_ldtr_ar(c, &g.s[SEG_LDTR]);
	}
	return err;
}
