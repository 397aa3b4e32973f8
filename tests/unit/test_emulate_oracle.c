/*
 * The emulator's decoder against Capstone (libcapstone 4) as the oracle,
 * over a generated corpus: every opcode form the emulator executes, times
 * legacy prefixes, REX and segment overrides, times ModRM/SIB/displacement
 * forms, in 16-, 32- and 64-bit code.  For each encoding the length, the
 * memory operand's size and its base, index, scale and displacement (and
 * the segment when overridden) must agree; every disagreement is printed
 * and the test fails on any.  Encodings Capstone cannot decode, or that the
 * decoder refuses, count as disagreements too: the corpus holds only forms
 * both must know.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <capstone/capstone.h>

#include "compiler.h"
#include "emulate/insn.h"

#define MAX_SHOWN_PER_FORM 4	/* disagreements printed per form and mode */
#define REG_RIP 16
#define FILLER 0xcc	/* after the instruction: INT3, never part of it */

/* How a form is built. */
#define F_MODRM BIT(0)		/* ModRM (and SIB, displacement) follow the opcode */
#define F_IB BIT(1)		/* imm8 */
#define F_IV BIT(2)		/* imm16/imm32 as the operand size */
#define F_MOFFS BIT(3)		/* address-sized offset */
#define F_ONLY64 BIT(4)
#define F_NO_OPSIZE BIT(5)	/* 66 would change the instruction (SSE, VEX, MOVNTI) */
#define F_LOCK BIT(6)		/* LOCK is valid with a memory operand */
#define F_STRING BIT(7)		/* F3/F2 are REP prefixes */
#define F_NO_REX BIT(8)		/* VEX: REX before it is #UD */
#define F_BYTE BIT(9)		/* byte operand: 66 and REX.W do nothing */
#define F_NO_SIZE BIT(10)	/* Capstone's operand size is not the memory access (CLFLUSH) */
#define F_REX_W BIT(11)		/* needs REX.W (MOVSXD) */
#define F_STACK BIT(12)		/* PUSH/POP: Capstone has no memory operand for the stack */
#define F_SSE BIT(13)		/* SSE/AVX: in 16-bit code Capstone's operand size is not checked */
#define F_SSE_66 BIT(14)	/* 66 0F D6: Capstone does not decode it in 16-bit code */
#define F_IW BIT(15)		/* imm16 whatever the operand size (RET imm16) */
#define F_IW_IB BIT(16)		/* imm16, imm8 (ENTER) */
#define F_SREG BIT(17)		/* MOV Sreg: REX.R names no segment register, #UD (KVM too) */

struct form {
	const char *name;
	u8 op[4];
	unsigned int nop;
	int ext;		/* ModRM.reg fixed to /ext, or -1 for a register operand */
	unsigned int flags;
};

#define FORM(nm, fl, ext, ...)                                                          \
	{ nm, { __VA_ARGS__ }, sizeof((const u8[]){ __VA_ARGS__ }), ext, fl }

static const struct form forms[] = {
	FORM("add", F_MODRM | F_BYTE | F_LOCK, -1, 0x00), FORM("add", F_MODRM | F_LOCK, -1, 0x01),
	FORM("add", F_MODRM | F_BYTE, -1, 0x02), FORM("add", F_MODRM, -1, 0x03),
	FORM("or", F_MODRM | F_LOCK, -1, 0x09), FORM("or", F_MODRM | F_BYTE, -1, 0x0a),
	FORM("adc", F_MODRM | F_LOCK, -1, 0x11), FORM("adc", F_MODRM, -1, 0x13),
	FORM("sbb", F_MODRM | F_BYTE | F_LOCK, -1, 0x18), FORM("sbb", F_MODRM, -1, 0x1b),
	FORM("and", F_MODRM | F_LOCK, -1, 0x21), FORM("and", F_MODRM | F_BYTE, -1, 0x22),
	FORM("sub", F_MODRM | F_LOCK, -1, 0x29), FORM("sub", F_MODRM, -1, 0x2b),
	FORM("xor", F_MODRM | F_BYTE | F_LOCK, -1, 0x30), FORM("xor", F_MODRM, -1, 0x33),
	FORM("cmp", F_MODRM | F_BYTE, -1, 0x38), FORM("cmp", F_MODRM, -1, 0x39),
	FORM("cmp", F_MODRM | F_BYTE, -1, 0x3a), FORM("cmp", F_MODRM, -1, 0x3b),
	FORM("add", F_MODRM | F_BYTE | F_IB | F_LOCK, 0, 0x80),
	FORM("or", F_MODRM | F_IV | F_LOCK, 1, 0x81), FORM("adc", F_MODRM | F_IB | F_LOCK, 2, 0x83),
	FORM("sbb", F_MODRM | F_IV | F_LOCK, 3, 0x81), FORM("and", F_MODRM | F_IB | F_LOCK, 4, 0x83),
	FORM("sub", F_MODRM | F_BYTE | F_IB | F_LOCK, 5, 0x80),
	FORM("xor", F_MODRM | F_IV | F_LOCK, 6, 0x81), FORM("cmp", F_MODRM | F_IB, 7, 0x83),
	FORM("test", F_MODRM | F_BYTE, -1, 0x84), FORM("test", F_MODRM, -1, 0x85),
	FORM("xchg", F_MODRM | F_BYTE | F_LOCK, -1, 0x86), FORM("xchg", F_MODRM | F_LOCK, -1, 0x87),
	FORM("mov", F_MODRM | F_BYTE, -1, 0x88), FORM("mov", F_MODRM, -1, 0x89),
	FORM("mov", F_MODRM | F_BYTE, -1, 0x8a), FORM("mov", F_MODRM, -1, 0x8b),
	FORM("pop", F_MODRM | F_STACK, 0, 0x8f),
	FORM("mov", F_MOFFS | F_BYTE, 0, 0xa0), FORM("mov", F_MOFFS, 0, 0xa1),
	FORM("mov", F_MOFFS | F_BYTE, 0, 0xa2), FORM("mov", F_MOFFS, 0, 0xa3),
	FORM("movs", F_STRING | F_BYTE, 0, 0xa4), FORM("movs", F_STRING, 0, 0xa5),
	FORM("cmps", F_STRING | F_BYTE, 0, 0xa6), FORM("cmps", F_STRING, 0, 0xa7),
	FORM("stos", F_STRING | F_BYTE, 0, 0xaa), FORM("stos", F_STRING, 0, 0xab),
	FORM("lods", F_STRING | F_BYTE, 0, 0xac), FORM("lods", F_STRING, 0, 0xad),
	FORM("scas", F_STRING | F_BYTE, 0, 0xae), FORM("scas", F_STRING, 0, 0xaf),
	FORM("push", F_STACK, 0, 0x50), FORM("push", F_STACK, 0, 0x55),
	FORM("pop", F_STACK, 0, 0x58), FORM("pop", F_STACK, 0, 0x5f),
	FORM("push", F_STACK | F_IV, 0, 0x68), FORM("push", F_STACK | F_IB, 0, 0x6a),
	FORM("movsxd", F_MODRM | F_ONLY64 | F_REX_W, -1, 0x63),
	FORM("mov", F_MODRM | F_BYTE | F_IB, 0, 0xc6), FORM("mov", F_MODRM | F_IV, 0, 0xc7),
	FORM("test", F_MODRM | F_BYTE | F_IB, 0, 0xf6), FORM("test", F_MODRM | F_IV, 0, 0xf7),
	FORM("not", F_MODRM | F_BYTE | F_LOCK, 2, 0xf6), FORM("neg", F_MODRM | F_LOCK, 3, 0xf7),
	FORM("inc", F_MODRM | F_BYTE | F_LOCK, 0, 0xfe), FORM("dec", F_MODRM | F_LOCK, 1, 0xff),
	FORM("push", F_MODRM | F_STACK, 6, 0xff),
	FORM("movzx", F_MODRM, -1, 0x0f, 0xb6), FORM("movzx", F_MODRM, -1, 0x0f, 0xb7),
	FORM("movsx", F_MODRM, -1, 0x0f, 0xbe), FORM("movsx", F_MODRM, -1, 0x0f, 0xbf),
	FORM("bt", F_MODRM, -1, 0x0f, 0xa3), FORM("bts", F_MODRM | F_LOCK, -1, 0x0f, 0xab),
	FORM("btr", F_MODRM | F_LOCK, -1, 0x0f, 0xb3), FORM("btc", F_MODRM | F_LOCK, -1, 0x0f, 0xbb),
	FORM("bt", F_MODRM | F_IB, 4, 0x0f, 0xba), FORM("bts", F_MODRM | F_IB | F_LOCK, 5, 0x0f, 0xba),
	FORM("btr", F_MODRM | F_IB | F_LOCK, 6, 0x0f, 0xba),
	FORM("btc", F_MODRM | F_IB | F_LOCK, 7, 0x0f, 0xba),
	FORM("cmpxchg", F_MODRM | F_BYTE | F_LOCK, -1, 0x0f, 0xb0),
	FORM("cmpxchg", F_MODRM | F_LOCK, -1, 0x0f, 0xb1),
	FORM("xadd", F_MODRM | F_BYTE | F_LOCK, -1, 0x0f, 0xc0),
	FORM("xadd", F_MODRM | F_LOCK, -1, 0x0f, 0xc1),
	FORM("movnti", F_MODRM | F_NO_OPSIZE, -1, 0x0f, 0xc3),
	FORM("bsf", F_MODRM, -1, 0x0f, 0xbc), FORM("bsr", F_MODRM, -1, 0x0f, 0xbd),
	FORM("imul", F_MODRM, -1, 0x0f, 0xaf), FORM("imul", F_MODRM | F_IV, -1, 0x69),
	FORM("imul", F_MODRM | F_IB, -1, 0x6b),
	FORM("shld", F_MODRM | F_IB, -1, 0x0f, 0xa4), FORM("shld", F_MODRM, -1, 0x0f, 0xa5),
	FORM("shrd", F_MODRM | F_IB, -1, 0x0f, 0xac), FORM("shrd", F_MODRM, -1, 0x0f, 0xad),
	FORM("mul", F_MODRM | F_BYTE, 4, 0xf6), FORM("imul", F_MODRM, 5, 0xf7),
	FORM("div", F_MODRM, 6, 0xf7), FORM("idiv", F_MODRM | F_BYTE, 7, 0xf6),
	FORM("smsw", F_MODRM, 4, 0x0f, 0x01), FORM("ltr", F_MODRM, 3, 0x0f, 0x00), FORM("lmsw", F_MODRM, 6, 0x0f, 0x01),
	FORM("clflush", F_MODRM | F_NO_OPSIZE | F_NO_SIZE, 7, 0x0f, 0xae),
	FORM("clflushopt", F_MODRM | F_NO_OPSIZE | F_NO_SIZE, 7, 0x66, 0x0f, 0xae),
	FORM("movups", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0x0f, 0x10),
	FORM("movups", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0x0f, 0x11),
	FORM("movupd", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0x66, 0x0f, 0x10),
	FORM("movss", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0xf3, 0x0f, 0x10),
	FORM("movsd", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0xf2, 0x0f, 0x11),
	FORM("movaps", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0x0f, 0x28),
	FORM("movaps", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0x0f, 0x29),
	FORM("movapd", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0x66, 0x0f, 0x29),
	FORM("movntps", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0x0f, 0x2b),
	FORM("movd", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0x66, 0x0f, 0x6e),
	FORM("movd", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0x66, 0x0f, 0x7e),
	FORM("movdqa", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0x66, 0x0f, 0x6f),
	FORM("movdqa", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0x66, 0x0f, 0x7f),
	FORM("movdqu", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0xf3, 0x0f, 0x6f),
	FORM("movdqu", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0xf3, 0x0f, 0x7f),
	FORM("movq", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0xf3, 0x0f, 0x7e),
	FORM("movq", F_MODRM | F_NO_OPSIZE | F_SSE | F_SSE_66, -1, 0x66, 0x0f, 0xd6),
	FORM("movntdq", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0x66, 0x0f, 0xe7),
	FORM("vmovups", F_MODRM | F_NO_OPSIZE | F_SSE | F_NO_REX, -1, 0xc5, 0xf8, 0x10),
	FORM("vmovups", F_MODRM | F_NO_OPSIZE | F_SSE | F_NO_REX, -1, 0xc5, 0xfc, 0x11),
	FORM("vmovaps", F_MODRM | F_NO_OPSIZE | F_SSE | F_NO_REX, -1, 0xc5, 0xf8, 0x28),
	FORM("vmovaps", F_MODRM | F_NO_OPSIZE | F_SSE | F_NO_REX, -1, 0xc5, 0xfc, 0x29),
	FORM("vmovdqa", F_MODRM | F_NO_OPSIZE | F_SSE | F_NO_REX, -1, 0xc5, 0xf9, 0x6f),
	FORM("vmovdqa", F_MODRM | F_NO_OPSIZE | F_SSE | F_NO_REX, -1, 0xc5, 0xfd, 0x7f),
	FORM("vmovdqu", F_MODRM | F_NO_OPSIZE | F_SSE | F_NO_REX, -1, 0xc5, 0xfe, 0x6f),
	FORM("vmovdqu", F_MODRM | F_NO_OPSIZE | F_SSE | F_NO_REX, -1, 0xc5, 0xfa, 0x7f),
	FORM("vmovdqu", F_MODRM | F_NO_OPSIZE | F_SSE | F_NO_REX, -1, 0xc4, 0xe1, 0x7e, 0x6f),
	FORM("vmovaps", F_MODRM | F_NO_OPSIZE | F_SSE | F_NO_REX, -1, 0xc4, 0xe1, 0x7c, 0x29),
	FORM("ret", F_STACK, 0, 0xc3), FORM("ret", F_STACK | F_IW, 0, 0xc2),
	FORM("leave", F_STACK, 0, 0xc9), FORM("enter", F_STACK | F_IW_IB, 0, 0xc8),
	FORM("jmp", F_MODRM, 4, 0xff), FORM("call", F_MODRM, 2, 0xff),
	/* Capstone 4's far-pointer size ignores 66 and REX.W: test_emulate_branch.c checks it. */
	FORM("ljmp", F_MODRM | F_NO_SIZE, 5, 0xff), FORM("lcall", F_MODRM | F_NO_SIZE, 3, 0xff),
	FORM("mov", F_MODRM | F_SREG, -1, 0x8e), FORM("mov", F_MODRM | F_SREG, -1, 0x8c),
	FORM("cmovne", F_MODRM, -1, 0x0f, 0x45), FORM("cmovg", F_MODRM, -1, 0x0f, 0x4f),
	FORM("movq", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0x0f, 0x6f),
	FORM("movq", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0x0f, 0x7f),
	FORM("movd", F_MODRM | F_NO_OPSIZE | F_SSE, -1, 0x0f, 0x6e),
};

/* Prefix sets; "64" ones only in 64-bit mode. */
struct prefixes {
	u8 b[4];
	unsigned int n;
	bool only64;
	bool opsize;	/* has 66 */
	bool rex;	/* ends with a REX */
	bool lock;
	bool rep;
	bool seg;
	bool addrsize;
};

static const struct prefixes prefix_sets[] = {
	{ .n = 0 },
	{ { 0x66 }, 1, .opsize = true },
	{ { 0x67 }, 1, .addrsize = true },
	{ { 0x66, 0x67 }, 2, .opsize = true, .addrsize = true },
	{ { 0x26 }, 1, .seg = true },
	{ { 0x64, 0x36 }, 2, .seg = true },
	{ { 0x65 }, 1, .seg = true },
	{ { 0xf0 }, 1, .lock = true },
	{ { 0xf0, 0x66 }, 2, .lock = true, .opsize = true },
	{ { 0xf3 }, 1, .rep = true },
	{ { 0xf2, 0x67 }, 2, .rep = true, .addrsize = true },
	{ { 0x48 }, 1, true, .rex = true },
	{ { 0x41 }, 1, true, .rex = true },
	{ { 0x42 }, 1, true, .rex = true },
	{ { 0x4c }, 1, true, .rex = true },
	{ { 0x40 }, 1, true, .rex = true },
	{ { 0x66, 0x4f }, 2, true, .opsize = true, .rex = true },
	{ { 0x67, 0x45 }, 2, true, .addrsize = true, .rex = true },
	{ { 0x48, 0x66 }, 2, true, .opsize = true },	/* REX before a prefix is ignored */
};

static const u8 sibs[] = { 0x00, 0x24, 0x25, 0x4d, 0x8e, 0xc5, 0xf7, 0x65, 0x3c };
static const u8 regs[] = { 0, 5 };

static const enum x86emul_mode modes[] = {
	X86EMUL_MODE_REAL, X86EMUL_MODE_PROT16, X86EMUL_MODE_PROT32, X86EMUL_MODE_PROT64,
};

struct oracle {
	csh cs[3];
	unsigned long checked;
	unsigned long disagreements;
	unsigned int shown_for_form;
};

static int cs_index(enum x86emul_mode mode)
{
	if (mode == X86EMUL_MODE_PROT64)
		return 2;
	return mode == X86EMUL_MODE_PROT32 ? 1 : 0;
}

/* Capstone's register as a ModRM number, REG_RIP, or -1 for none. */
static int reg_number(csh cs, unsigned int reg)
{
	static const char *const low[8] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di" };
	const char *name;
	int i;

	if (reg == X86_REG_INVALID)
		return EMUL_NO_REG;
	name = cs_reg_name(cs, reg);
	if (!strcmp(name, "rip") || !strcmp(name, "eip") || !strcmp(name, "ip"))
		return REG_RIP;
	if (name[0] == 'r' && name[1] >= '0' && name[1] <= '9')
		return atoi(name + 1);
	if ((name[0] == 'r' || name[0] == 'e') && strlen(name) == 3)
		name++;
	for (i = 0; i < 8; i++) {
		if (!strcmp(name, low[i]))
			return i;
	}
	return -2;
}

static int seg_number(unsigned int reg)
{
	switch (reg) {
	case X86_REG_ES: return VCPU_SREG_ES;
	case X86_REG_CS: return VCPU_SREG_CS;
	case X86_REG_SS: return VCPU_SREG_SS;
	case X86_REG_DS: return VCPU_SREG_DS;
	case X86_REG_FS: return VCPU_SREG_FS;
	case X86_REG_GS: return VCPU_SREG_GS;
	default: return -1;
	}
}

static void report(struct oracle *o, const u8 *b, unsigned int n, enum x86emul_mode mode,
		   const char *what, const char *fmt, ...)
{
	va_list ap;
	unsigned int i;

	o->disagreements++;
	if (o->shown_for_form++ >= MAX_SHOWN_PER_FORM)
		return;
	printf("# mode %d, %s:", mode, what);
	for (i = 0; i < n; i++)
		printf(" %02x", b[i]);
	printf(": ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static u64 mask_of(unsigned int bytes)
{
	return bytes >= 8 ? ~0ULL : (1ULL << (bytes * 8)) - 1;
}

/* The memory operand of Capstone's decoding against the decoder's. */
static void compare_mem(struct oracle *o, csh cs, const cs_x86_op *op, const struct emul_insn *in,
			const struct form *f, const u8 *b, unsigned int n)
{
	int base = reg_number(cs, op->mem.base), index = reg_number(cs, op->mem.index);
	int want_base = in->mem.rip_rel ? REG_RIP : in->mem.base;
	u64 mask = mask_of(in->ad_bytes);

	if (base != want_base || index != in->mem.index)
		report(o, b, n, in->mode, f->name, "base/index %d/%d, Capstone %d/%d", want_base,
		       in->mem.index, base, index);
	else if (index != EMUL_NO_REG && (unsigned int)op->mem.scale != in->mem.scale)
		report(o, b, n, in->mode, f->name, "scale %u, Capstone %d", in->mem.scale,
		       op->mem.scale);
	else if (((u64)op->mem.disp & mask) != (in->mem.disp & mask))
		report(o, b, n, in->mode, f->name, "disp 0x%llx, Capstone 0x%llx",
		       (unsigned long long)in->mem.disp, (unsigned long long)op->mem.disp);
	else if (!(f->flags & F_NO_SIZE) && op->size != in->mem_bytes &&
		 !((f->flags & F_SSE) && (in->mode == X86EMUL_MODE_REAL ||
					  in->mode == X86EMUL_MODE_PROT16)))
		report(o, b, n, in->mode, f->name, "memory operand %u bytes, Capstone %u",
		       in->mem_bytes, op->size);
	else if (in->seg_override && in->mode != X86EMUL_MODE_PROT64 &&
		 seg_number(op->mem.segment) != in->mem.seg)
		report(o, b, n, in->mode, f->name, "segment %u, Capstone %d", in->mem.seg,
		       seg_number(op->mem.segment));
}

static void check_one(struct oracle *o, const u8 *b, unsigned int n, enum x86emul_mode mode,
		      const struct form *f)
{
	csh cs = o->cs[cs_index(mode)];
	struct emul_insn in;
	char why[160];
	cs_insn *ci;
	const cs_x86_op *mem = NULL;
	u8 buf[32];
	size_t count;
	int i;

	memcpy(buf, b, n);
	memset(buf + n, FILLER, sizeof(buf) - n);
	o->checked++;
	if (emul_decode(buf, sizeof(buf), mode, &in, why, sizeof(why)) != EMUL_DECODE_OK) {
		report(o, b, n, mode, f->name, "the decoder refuses it: %s", why);
		return;
	}
	count = cs_disasm(cs, buf, sizeof(buf), 0, 1, &ci);
	if (count != 1) {
		report(o, b, n, mode, f->name, "Capstone cannot decode it");
		return;
	}
	if (ci->size != in.len || in.len != n)
		report(o, b, n, mode, f->name, "length %u (built %u), Capstone %u", in.len, n,
		       ci->size);
	else if (!(f->flags & (F_STRING | F_STACK)) || in.has_mem) {
		for (i = 0; i < ci->detail->x86.op_count; i++) {
			if (ci->detail->x86.operands[i].type == X86_OP_MEM && !mem)
				mem = &ci->detail->x86.operands[i];
		}
		if (!mem)
			report(o, b, n, mode, f->name, "Capstone has no memory operand");
		else
			compare_mem(o, cs, mem, &in, f, b, n);
	}
	cs_free(ci, count);
}

static bool prefixes_apply(const struct form *f, const struct prefixes *p, enum x86emul_mode mode)
{
	bool is64 = mode == X86EMUL_MODE_PROT64;

	if ((p->only64 && !is64) || ((f->flags & F_ONLY64) && !is64))
		return false;
	if ((f->flags & F_REX_W) && !(p->rex && (p->b[p->n - 1] & 0x08)))
		return false;
	if (p->lock && !(f->flags & F_LOCK))
		return false;
	if (p->rep && !(f->flags & F_STRING))
		return false;
	if (p->opsize && (f->flags & F_NO_OPSIZE))
		return false;
	if (p->rex && (f->flags & F_NO_REX))
		return false;
	if (p->rex && (f->flags & F_SREG) && (p->b[p->n - 1] & 0x04))
		return false;
	if ((f->flags & F_NO_REX) && mode == X86EMUL_MODE_REAL)
		return false;	/* C4/C5 are LES/LDS in real mode */
	/*
	 * Capstone 4.0.2 disagrees with itself on PUSH/POP with 66 and REX.W:
	 * an imm32 (REX.W wins, SDM Vol. 1 Table 3-4) but a 2-byte operand.
	 * test_emulate.c checks the decoder's 8 bytes.
	 */
	if ((f->flags & F_STACK) && p->opsize && p->rex && (p->b[p->n - 1] & 0x08))
		return false;
	/*
	 * In 16-bit code Capstone 4.0.2 takes an SSE form's mandatory 66/F2/F3
	 * for legacy prefixes (66 0F D6 does not decode, MOVDQA is 8 bytes):
	 * only the length and address are compared there (F_SSE).
	 */
	if ((f->flags & F_SSE_66) && (mode == X86EMUL_MODE_REAL || mode == X86EMUL_MODE_PROT16))
		return false;
	return true;
}

/* A displacement of len bytes with the sign bit set, to catch missing sign-extension. */
static unsigned int put_disp(u8 *b, unsigned int len)
{
	static const u8 disp[4] = { 0x9c, 0x57, 0x34, 0x92 };

	memcpy(b, disp, len);
	return len;
}

static unsigned int address_bytes(enum x86emul_mode mode, bool addrsize)
{
	if (mode == X86EMUL_MODE_PROT64)
		return addrsize ? 4 : 8;
	if (mode == X86EMUL_MODE_PROT32)
		return addrsize ? 2 : 4;
	return addrsize ? 4 : 2;
}

static bool rexw(const struct prefixes *p)
{
	return p->rex && (p->b[p->n - 1] & 0x08);
}

static unsigned int operand_bytes(const struct form *f, const struct prefixes *p,
				  enum x86emul_mode mode)
{
	bool rexw = p->rex && (p->b[p->n - 1] & 0x08);

	if (f->flags & F_BYTE)
		return 1;
	if (rexw)
		return 8;
	if (mode == X86EMUL_MODE_PROT64)
		return p->opsize ? 2 : 4;
	if (mode == X86EMUL_MODE_PROT32)
		return p->opsize ? 2 : 4;
	return p->opsize ? 4 : 2;
}

static unsigned int put_imm(u8 *b, const struct form *f, const struct prefixes *p,
			    enum x86emul_mode mode)
{
	static const u8 imm[8] = { 0x85, 0x22, 0x44, 0x99, 0x11, 0x22, 0x33, 0x44 };
	unsigned int len = 0;

	if (f->flags & F_IW)
		len = 2;
	else if (f->flags & F_IW_IB)
		len = 3;
	else if (f->flags & F_IB)
		len = 1;
	else if (f->flags & F_IV)
		len = (f->flags & F_STACK) && mode == X86EMUL_MODE_PROT64 && !rexw(p)
			      ? (p->opsize ? 2 : 4)
			      : MIN(operand_bytes(f, p, mode), 4u);
	else if (f->flags & F_MOFFS)
		len = address_bytes(mode, p->addrsize);
	memcpy(b, imm, len);
	return len;
}

/* Every ModRM/SIB/displacement form with memory, for one reg field, after head[0..h). */
static void modrm_forms(struct oracle *o, const u8 *head, unsigned int h, unsigned int reg,
			const struct form *f, const struct prefixes *p, enum x86emul_mode mode)
{
	unsigned int ad = address_bytes(mode, p->addrsize), mod, rm, s, n;
	u8 b[32];

	for (mod = 0; mod < 3; mod++) {
		for (rm = 0; rm < 8; rm++) {
			for (s = 0; s < (ad != 2 && rm == 4 ? sizeof(sibs) : 1); s++) {
				memcpy(b, head, h);
				n = h;
				b[n++] = (u8)(mod << 6 | reg << 3 | rm);
				if (ad != 2 && rm == 4)
					b[n++] = sibs[s];
				if (ad == 2 && mod == 1)
					n += put_disp(b + n, 1);
				else if (ad == 2 && (mod == 2 || rm == 6))
					n += put_disp(b + n, 2);
				else if (ad == 2)
					;
				else if (mod == 1)
					n += put_disp(b + n, 1);
				else if (mod == 2 || (mod == 0 && rm == 5) ||
					 (mod == 0 && rm == 4 && (sibs[s] & 7) == 5))
					n += put_disp(b + n, 4);
				n += put_imm(b + n, f, p, mode);
				check_one(o, b, n, mode, f);
			}
		}
	}
}

static void form_in_mode(struct oracle *o, const struct form *f, enum x86emul_mode mode)
{
	unsigned int i, r, h, n;
	u8 head[16], b[32];

	o->shown_for_form = 0;
	for (i = 0; i < ARRAY_SIZE(prefix_sets); i++) {
		const struct prefixes *p = &prefix_sets[i];

		if (!prefixes_apply(f, p, mode))
			continue;
		memcpy(head, p->b, p->n);
		memcpy(head + p->n, f->op, f->nop);
		h = p->n + f->nop;
		if (!(f->flags & F_MODRM)) {
			memcpy(b, head, h);
			n = h + put_imm(b + h, f, p, mode);
			check_one(o, b, n, mode, f);
			continue;
		}
		for (r = 0; r < ARRAY_SIZE(regs); r++)
			modrm_forms(o, head, h, f->ext >= 0 ? (unsigned int)f->ext : regs[r], f, p, mode);
	}
}

static void corpus_agrees(void **state)
{
	static const cs_mode cs_modes[3] = { CS_MODE_16, CS_MODE_32, CS_MODE_64 };
	struct oracle o = { 0 };
	unsigned int m, i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(cs_open(CS_ARCH_X86, cs_modes[i], &o.cs[i]), CS_ERR_OK);
		cs_option(o.cs[i], CS_OPT_DETAIL, CS_OPT_ON);
	}
	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		for (i = 0; i < ARRAY_SIZE(forms); i++)
			form_in_mode(&o, &forms[i], modes[m]);
	}
	for (i = 0; i < 3; i++)
		cs_close(&o.cs[i]);
	printf("# %lu encodings checked, %lu disagreements\n", o.checked, o.disagreements);
	assert_true(o.checked > 10000);
	assert_int_equal(o.disagreements, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(corpus_agrees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
