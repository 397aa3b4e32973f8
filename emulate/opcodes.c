/*
 * The opcodes the emulator executes on emulated memory, as tables (SDM Vol.
 * 2D Appendix A: one-byte map Table A-2, 0F map Table A-3, groups Table
 * A byte without an entry is refused by its bytes; an entry with a
 * name but EMUL_OP_NONE is a known instruction the emulator refuses by name.
 */
#include "compiler.h"
#include "opcodes.h"

#define OPC(o, a, fl, nm) { .op = (o), .alu = (a), .flags = (fl), .name = (nm) }
#define GRP(fl, grp) { .flags = (fl), .group = (grp) }

#define ALU_FORMS(base, alu, nm)                                                              \
	[(base) + 0] = OPC(EMUL_OP_ALU_MEM_DST, alu, OPF_MODRM | OPF_BYTE | OPF_LOCK | OPF_RMW, nm), \
	[(base) + 1] = OPC(EMUL_OP_ALU_MEM_DST, alu, OPF_MODRM | OPF_LOCK | OPF_RMW, nm),           \
	[(base) + 2] = OPC(EMUL_OP_ALU_REG_DST, alu, OPF_MODRM | OPF_BYTE, nm),                   \
	[(base) + 3] = OPC(EMUL_OP_ALU_REG_DST, alu, OPF_MODRM, nm)

/* CMP writes no memory: it neither takes LOCK nor needs write access. */
#define CMP_FORMS(base, nm)                                                                   \
	[(base) + 0] = OPC(EMUL_OP_ALU_MEM_DST, EMUL_ALU_CMP, OPF_MODRM | OPF_BYTE, nm),           \
	[(base) + 1] = OPC(EMUL_OP_ALU_MEM_DST, EMUL_ALU_CMP, OPF_MODRM, nm),                      \
	[(base) + 2] = OPC(EMUL_OP_ALU_REG_DST, EMUL_ALU_CMP, OPF_MODRM | OPF_BYTE, nm),           \
	[(base) + 3] = OPC(EMUL_OP_ALU_REG_DST, EMUL_ALU_CMP, OPF_MODRM, nm)

#define GRP1(alu, nm) OPC(EMUL_OP_ALU_MEM_DST, alu, OPF_LOCK | OPF_RMW, nm)

/* Group 1 (80, 81, 83): the ALU operation by ModRM.reg. */
static const struct emul_opcode group1[8] = {
	GRP1(EMUL_ALU_ADD, "add"), GRP1(EMUL_ALU_OR, "or"),   GRP1(EMUL_ALU_ADC, "adc"),
	GRP1(EMUL_ALU_SBB, "sbb"), GRP1(EMUL_ALU_AND, "and"), GRP1(EMUL_ALU_SUB, "sub"),
	GRP1(EMUL_ALU_XOR, "xor"), OPC(EMUL_OP_ALU_MEM_DST, EMUL_ALU_CMP, 0, "cmp"),
};

/* Group 1A (8F): POP r/m; the other /r are XOP prefixes or #UD. */
static const struct emul_opcode group1a[8] = {
	[0] = OPC(EMUL_OP_POP_MEM, 0, OPF_STACK, "pop"),
};

/* Group 11 (C6/C7): MOV r/m, imm; /7 with mod 3 is XABORT/XBEGIN. */
static const struct emul_opcode group11_byte[8] = {
	[0] = OPC(EMUL_OP_MOV_STORE, 0, OPF_IMM8, "mov"),
};
static const struct emul_opcode group11[8] = {
	[0] = OPC(EMUL_OP_MOV_STORE, 0, OPF_IMMV, "mov"),
};

/* Group 3 (F6/F7): only /0 has an immediate. */
static const struct emul_opcode group3_byte[8] = {
	[0] = OPC(EMUL_OP_TEST, EMUL_ALU_TEST, OPF_IMM8, "test"),
	[2] = OPC(EMUL_OP_NOT, 0, OPF_LOCK | OPF_RMW, "not"),
	[3] = OPC(EMUL_OP_NEG, 0, OPF_LOCK | OPF_RMW, "neg"),
	[4] = OPC(EMUL_OP_MULDIV, EMUL_ALU_MUL, 0, "mul"),
	[5] = OPC(EMUL_OP_MULDIV, EMUL_ALU_IMUL1, 0, "imul"),
	[6] = OPC(EMUL_OP_MULDIV, EMUL_ALU_DIV, 0, "div"),
	[7] = OPC(EMUL_OP_MULDIV, EMUL_ALU_IDIV, 0, "idiv"),
};
static const struct emul_opcode group3[8] = {
	[0] = OPC(EMUL_OP_TEST, EMUL_ALU_TEST, OPF_IMMV, "test"),
	[2] = OPC(EMUL_OP_NOT, 0, OPF_LOCK | OPF_RMW, "not"),
	[3] = OPC(EMUL_OP_NEG, 0, OPF_LOCK | OPF_RMW, "neg"),
	[4] = OPC(EMUL_OP_MULDIV, EMUL_ALU_MUL, 0, "mul"),
	[5] = OPC(EMUL_OP_MULDIV, EMUL_ALU_IMUL1, 0, "imul"),
	[6] = OPC(EMUL_OP_MULDIV, EMUL_ALU_DIV, 0, "div"),
	[7] = OPC(EMUL_OP_MULDIV, EMUL_ALU_IDIV, 0, "idiv"),
};

/* Group 4 (FE) and 5 (FF). */
static const struct emul_opcode group4[8] = {
	[0] = OPC(EMUL_OP_INC, 0, OPF_LOCK | OPF_RMW, "inc"),
	[1] = OPC(EMUL_OP_DEC, 0, OPF_LOCK | OPF_RMW, "dec"),
};
static const struct emul_opcode group5[8] = {
	[0] = OPC(EMUL_OP_INC, 0, OPF_LOCK | OPF_RMW, "inc"),
	[1] = OPC(EMUL_OP_DEC, 0, OPF_LOCK | OPF_RMW, "dec"),
	[2] = OPC(EMUL_OP_CALL_MEM, 0, OPF_NEAR64, "call"),
	[3] = OPC(EMUL_OP_CALL_FAR, 0, 0, "lcall"),
	[4] = OPC(EMUL_OP_JMP_MEM, 0, OPF_NEAR64, "jmp"),
	[5] = OPC(EMUL_OP_JMP_FAR, 0, 0, "ljmp"),
	[6] = OPC(EMUL_OP_PUSH_MEM, 0, OPF_STACK, "push"),
};

/* Group 8 (0F BA): BT/BTS/BTR/BTC r/m, imm8. */
static const struct emul_opcode group8[8] = {
	[4] = OPC(EMUL_OP_BT, EMUL_ALU_BT, OPF_IMM8, "bt"),
	[5] = OPC(EMUL_OP_BT, EMUL_ALU_BTS, OPF_IMM8 | OPF_LOCK | OPF_RMW, "bts"),
	[6] = OPC(EMUL_OP_BT, EMUL_ALU_BTR, OPF_IMM8 | OPF_LOCK | OPF_RMW, "btr"),
	[7] = OPC(EMUL_OP_BT, EMUL_ALU_BTC, OPF_IMM8 | OPF_LOCK | OPF_RMW, "btc"),
};

/* Group 15 (0F AE) with a memory operand: CLFLUSH (CLFLUSHOPT with 66) is /7. */
static const struct emul_opcode group15[8] = {
	[0] = OPC(EMUL_OP_NONE, 0, 0, "fxsave"),
	[1] = OPC(EMUL_OP_NONE, 0, 0, "fxrstor"),
	[2] = OPC(EMUL_OP_NONE, 0, 0, "ldmxcsr"),
	[3] = OPC(EMUL_OP_NONE, 0, 0, "stmxcsr"),
	[4] = OPC(EMUL_OP_NONE, 0, 0, "xsave"),
	[5] = OPC(EMUL_OP_NONE, 0, 0, "xrstor"),
	[6] = OPC(EMUL_OP_NONE, 0, 0, "xsaveopt"),
	[7] = OPC(EMUL_OP_CLFLUSH, 0, 0, "clflush"),
};

/*
 * Group 6 (0F 00) with a memory operand: LTR reads a selector (SDM Vol. 2A
 * "LTR"); the LDT and the verify forms are refused by name.
 */
static const struct emul_opcode group6[8] = {
	[0] = OPC(EMUL_OP_NONE, 0, 0, "sldt"),
	[1] = OPC(EMUL_OP_NONE, 0, 0, "str"),
	[2] = OPC(EMUL_OP_NONE, 0, 0, "lldt"),
	[3] = OPC(EMUL_OP_LTR, 0, OPF_WORD, "ltr"),
	[4] = OPC(EMUL_OP_NONE, 0, 0, "verr"),
	[5] = OPC(EMUL_OP_NONE, 0, 0, "verw"),
};

/*
 * Group 7 (0F 01) with a memory operand (SDM Vol. 2D Table A-6): the
 * descriptor-table loads and stores are refused by name; SMSW and LMSW move
 * CR0's low word, always 16 bits to or from memory (SDM Vol. 2B "SMSW").
 */
static const struct emul_opcode group7[8] = {
	[0] = OPC(EMUL_OP_NONE, 0, 0, "sgdt"),
	[1] = OPC(EMUL_OP_NONE, 0, 0, "sidt"),
	[2] = OPC(EMUL_OP_NONE, 0, 0, "lgdt"),
	[3] = OPC(EMUL_OP_NONE, 0, 0, "lidt"),
	[4] = OPC(EMUL_OP_SMSW, 0, OPF_WORD, "smsw"),
	[6] = OPC(EMUL_OP_LMSW, 0, OPF_WORD, "lmsw"),
	[7] = OPC(EMUL_OP_NONE, 0, 0, "invlpg"),
};

#define PUSH_REG OPC(EMUL_OP_PUSH_REG, 0, OPF_STACK | OPF_REG_OP, "push")
#define POP_REG OPC(EMUL_OP_POP_REG, 0, OPF_STACK | OPF_REG_OP, "pop")
#define STR(o, fl, nm) OPC(o, 0, OPF_STRING | (fl), nm)

const struct emul_opcode emul_onebyte[256] = {
	ALU_FORMS(0x00, EMUL_ALU_ADD, "add"),
	ALU_FORMS(0x08, EMUL_ALU_OR, "or"),
	ALU_FORMS(0x10, EMUL_ALU_ADC, "adc"),
	ALU_FORMS(0x18, EMUL_ALU_SBB, "sbb"),
	ALU_FORMS(0x20, EMUL_ALU_AND, "and"),
	ALU_FORMS(0x28, EMUL_ALU_SUB, "sub"),
	ALU_FORMS(0x30, EMUL_ALU_XOR, "xor"),
	CMP_FORMS(0x38, "cmp"),
	[0x50] = PUSH_REG, [0x51] = PUSH_REG, [0x52] = PUSH_REG, [0x53] = PUSH_REG,
	[0x54] = PUSH_REG, [0x55] = PUSH_REG, [0x56] = PUSH_REG, [0x57] = PUSH_REG,
	[0x58] = POP_REG, [0x59] = POP_REG, [0x5a] = POP_REG, [0x5b] = POP_REG,
	[0x5c] = POP_REG, [0x5d] = POP_REG, [0x5e] = POP_REG, [0x5f] = POP_REG,
	[0x63] = OPC(EMUL_OP_MOVSX, 0, OPF_MODRM | OPF_ONLY64 | OPF_MEM32, "movsxd"),
	[0x68] = OPC(EMUL_OP_PUSH_IMM, 0, OPF_STACK | OPF_IMMV, "push"),
	[0x69] = OPC(EMUL_OP_ALU_REG_DST, EMUL_ALU_IMUL, OPF_MODRM | OPF_IMMV, "imul"),
	[0x6a] = OPC(EMUL_OP_PUSH_IMM, 0, OPF_STACK | OPF_IMM8, "push"),
	[0x6b] = OPC(EMUL_OP_ALU_REG_DST, EMUL_ALU_IMUL, OPF_MODRM | OPF_IMM8, "imul"),
	[0x80] = GRP(OPF_MODRM | OPF_BYTE | OPF_IMM8, group1),
	[0x81] = GRP(OPF_MODRM | OPF_IMMV, group1),
	[0x83] = GRP(OPF_MODRM | OPF_IMM8, group1),
	[0x84] = OPC(EMUL_OP_TEST, EMUL_ALU_TEST, OPF_MODRM | OPF_BYTE, "test"),
	[0x85] = OPC(EMUL_OP_TEST, EMUL_ALU_TEST, OPF_MODRM, "test"),
	[0x86] = OPC(EMUL_OP_XCHG, 0, OPF_MODRM | OPF_BYTE | OPF_LOCK | OPF_RMW, "xchg"),
	[0x87] = OPC(EMUL_OP_XCHG, 0, OPF_MODRM | OPF_LOCK | OPF_RMW, "xchg"),
	[0x88] = OPC(EMUL_OP_MOV_STORE, 0, OPF_MODRM | OPF_BYTE, "mov"),
	[0x89] = OPC(EMUL_OP_MOV_STORE, 0, OPF_MODRM, "mov"),
	[0x8a] = OPC(EMUL_OP_MOV_LOAD, 0, OPF_MODRM | OPF_BYTE, "mov"),
	[0x8b] = OPC(EMUL_OP_MOV_LOAD, 0, OPF_MODRM, "mov"),
	[0x8c] = OPC(EMUL_OP_STORE_SREG, 0, OPF_MODRM | OPF_WORD, "mov"),
	[0x8e] = OPC(EMUL_OP_MOV_SREG, 0, OPF_MODRM | OPF_WORD, "mov"),
	[0x8f] = GRP(OPF_MODRM, group1a),
	[0xa0] = OPC(EMUL_OP_MOV_LOAD, 0, OPF_MOFFS | OPF_BYTE, "mov"),
	[0xa1] = OPC(EMUL_OP_MOV_LOAD, 0, OPF_MOFFS, "mov"),
	[0xa2] = OPC(EMUL_OP_MOV_STORE, 0, OPF_MOFFS | OPF_BYTE, "mov"),
	[0xa3] = OPC(EMUL_OP_MOV_STORE, 0, OPF_MOFFS, "mov"),
	[0xa4] = STR(EMUL_OP_MOVS, OPF_BYTE, "movs"),
	[0xa5] = STR(EMUL_OP_MOVS, 0, "movs"),
	[0xa6] = STR(EMUL_OP_CMPS, OPF_BYTE, "cmps"),
	[0xa7] = STR(EMUL_OP_CMPS, 0, "cmps"),
	[0xaa] = STR(EMUL_OP_STOS, OPF_BYTE, "stos"),
	[0xab] = STR(EMUL_OP_STOS, 0, "stos"),
	[0xac] = STR(EMUL_OP_LODS, OPF_BYTE, "lods"),
	[0xad] = STR(EMUL_OP_LODS, 0, "lods"),
	[0xae] = STR(EMUL_OP_SCAS, OPF_BYTE, "scas"),
	[0xaf] = STR(EMUL_OP_SCAS, 0, "scas"),
	[0xc2] = OPC(EMUL_OP_RET, 0, OPF_NEAR64 | OPF_IMM16, "ret"),
	[0xc3] = OPC(EMUL_OP_RET, 0, OPF_NEAR64, "ret"),
	[0xc6] = GRP(OPF_MODRM | OPF_BYTE, group11_byte),
	[0xc7] = GRP(OPF_MODRM, group11),
	[0xc8] = OPC(EMUL_OP_ENTER, 0, OPF_STACK | OPF_IMM16_8, "enter"),
	[0xc9] = OPC(EMUL_OP_LEAVE, 0, OPF_STACK, "leave"),
	[0xf6] = GRP(OPF_MODRM | OPF_BYTE, group3_byte),
	[0xf7] = GRP(OPF_MODRM, group3),
	[0xfe] = GRP(OPF_MODRM | OPF_BYTE, group4),
	[0xff] = GRP(OPF_MODRM, group5),
};

#define BT_REG(alu, fl, nm) OPC(EMUL_OP_BT, alu, OPF_MODRM | (fl), nm)
#define CMOV(nm) OPC(EMUL_OP_CMOV, 0, OPF_MODRM, nm)
#define VEC OPC(EMUL_OP_NONE, 0, OPF_MODRM | OPF_SSE, NULL)

const struct emul_opcode emul_twobyte[256] = {
	[0x00] = GRP(OPF_MODRM, group6),
	[0x01] = GRP(OPF_MODRM, group7),
	[0x10] = VEC, [0x11] = VEC, [0x28] = VEC, [0x29] = VEC, [0x2b] = VEC,
	[0x40] = CMOV("cmovo"), [0x41] = CMOV("cmovno"), [0x42] = CMOV("cmovb"),
	[0x43] = CMOV("cmovae"), [0x44] = CMOV("cmove"), [0x45] = CMOV("cmovne"),
	[0x46] = CMOV("cmovbe"), [0x47] = CMOV("cmova"), [0x48] = CMOV("cmovs"),
	[0x49] = CMOV("cmovns"), [0x4a] = CMOV("cmovp"), [0x4b] = CMOV("cmovnp"),
	[0x4c] = CMOV("cmovl"), [0x4d] = CMOV("cmovge"), [0x4e] = CMOV("cmovle"),
	[0x4f] = CMOV("cmovg"),
	[0x6e] = VEC, [0x6f] = VEC, [0x7e] = VEC, [0x7f] = VEC, [0xd6] = VEC, [0xe7] = VEC,
	[0xa3] = BT_REG(EMUL_ALU_BT, 0, "bt"),
	[0xa4] = OPC(EMUL_OP_SHIFT_DOUBLE, EMUL_ALU_SHLD, OPF_MODRM | OPF_IMM8 | OPF_RMW, "shld"),
	[0xa5] = OPC(EMUL_OP_SHIFT_DOUBLE, EMUL_ALU_SHLD, OPF_MODRM | OPF_RMW, "shld"),
	[0xab] = BT_REG(EMUL_ALU_BTS, OPF_LOCK | OPF_RMW, "bts"),
	[0xac] = OPC(EMUL_OP_SHIFT_DOUBLE, EMUL_ALU_SHRD, OPF_MODRM | OPF_IMM8 | OPF_RMW, "shrd"),
	[0xad] = OPC(EMUL_OP_SHIFT_DOUBLE, EMUL_ALU_SHRD, OPF_MODRM | OPF_RMW, "shrd"),
	[0xae] = GRP(OPF_MODRM, group15),
	[0xaf] = OPC(EMUL_OP_ALU_REG_DST, EMUL_ALU_IMUL, OPF_MODRM, "imul"),
	[0xb0] = OPC(EMUL_OP_CMPXCHG, 0, OPF_MODRM | OPF_BYTE | OPF_LOCK | OPF_RMW, "cmpxchg"),
	[0xb1] = OPC(EMUL_OP_CMPXCHG, 0, OPF_MODRM | OPF_LOCK | OPF_RMW, "cmpxchg"),
	[0xb3] = BT_REG(EMUL_ALU_BTR, OPF_LOCK | OPF_RMW, "btr"),
	[0xb6] = OPC(EMUL_OP_MOVZX, 0, OPF_MODRM | OPF_SRC8, "movzx"),
	[0xb7] = OPC(EMUL_OP_MOVZX, 0, OPF_MODRM | OPF_SRC16, "movzx"),
	[0xba] = GRP(OPF_MODRM, group8),
	[0xbb] = BT_REG(EMUL_ALU_BTC, OPF_LOCK | OPF_RMW, "btc"),
	[0xbc] = OPC(EMUL_OP_ALU_REG_DST, EMUL_ALU_BSF, OPF_MODRM, "bsf"),
	[0xbd] = OPC(EMUL_OP_ALU_REG_DST, EMUL_ALU_BSR, OPF_MODRM, "bsr"),
	[0xbe] = OPC(EMUL_OP_MOVSX, 0, OPF_MODRM | OPF_SRC8, "movsx"),
	[0xbf] = OPC(EMUL_OP_MOVSX, 0, OPF_MODRM | OPF_SRC16, "movsx"),
	[0xc0] = OPC(EMUL_OP_XADD, 0, OPF_MODRM | OPF_BYTE | OPF_LOCK | OPF_RMW, "xadd"),
	[0xc1] = OPC(EMUL_OP_XADD, 0, OPF_MODRM | OPF_LOCK | OPF_RMW, "xadd"),
	[0xc3] = OPC(EMUL_OP_MOV_STORE, 0, OPF_MODRM | OPF_DWORD, "movnti"),
};

#define LD EMUL_OP_VEC_LOAD
#define MLD EMUL_OP_MMX_LOAD
#define MST EMUL_OP_MMX_STORE
#define ST EMUL_OP_VEC_STORE
#define P66 EMUL_PFX_OPSIZE
#define PF3 EMUL_PFX_REP
#define PF2 EMUL_PFX_REPNE

/* SDM Vol. 2B "MOVAPS", "MOVUPS", "MOVDQA", "MOVDQU", "MOVD/MOVQ", "MOVSS", ... */
const struct emul_vec_move emul_vec_moves[] = {
	{ 0x10, 0, false, LD, 0, false, false, false, "movups" },
	{ 0x10, P66, false, LD, 0, false, false, false, "movupd" },
	{ 0x10, PF3, false, LD, 4, false, false, true, "movss" },
	{ 0x10, PF2, false, LD, 8, false, false, true, "movsd" },
	{ 0x11, 0, false, ST, 0, false, false, false, "movups" },
	{ 0x11, P66, false, ST, 0, false, false, false, "movupd" },
	{ 0x11, PF3, false, ST, 4, false, false, false, "movss" },
	{ 0x11, PF2, false, ST, 8, false, false, false, "movsd" },
	{ 0x28, 0, false, LD, 0, false, true, false, "movaps" },
	{ 0x28, P66, false, LD, 0, false, true, false, "movapd" },
	{ 0x29, 0, false, ST, 0, false, true, false, "movaps" },
	{ 0x29, P66, false, ST, 0, false, true, false, "movapd" },
	{ 0x2b, 0, false, ST, 0, false, true, false, "movntps" },
	{ 0x2b, P66, false, ST, 0, false, true, false, "movntpd" },
	/* MMX (no prefix): an MMX register; MOVD loads zero-extend (SDM Vol. 2B "MOVD/MOVQ"). */
	{ 0x6e, 0, false, MLD, 4, true, false, true, "movd" },
	{ 0x6f, 0, false, MLD, 8, false, false, false, "movq" },
	{ 0x7e, 0, false, MST, 4, true, false, false, "movd" },
	{ 0x7f, 0, false, MST, 8, false, false, false, "movq" },
	{ 0x6e, P66, false, LD, 4, true, false, true, "movd" },
	{ 0x6f, P66, false, LD, 0, false, true, false, "movdqa" },
	{ 0x6f, PF3, false, LD, 0, false, false, false, "movdqu" },
	{ 0x7e, P66, false, ST, 4, true, false, false, "movd" },
	{ 0x7e, PF3, false, LD, 8, false, false, true, "movq" },
	{ 0x7f, P66, false, ST, 0, false, true, false, "movdqa" },
	{ 0x7f, PF3, false, ST, 0, false, false, false, "movdqu" },
	{ 0xd6, P66, false, ST, 8, false, false, false, "movq" },
	{ 0xe7, P66, false, ST, 0, false, true, false, "movntdq" },
	/* VEX: every load clears the register above what it loads (SDM Vol. 2A 2.3.10.1). */
	{ 0x10, 0, true, LD, 0, false, false, true, "vmovups" },
	{ 0x10, P66, true, LD, 0, false, false, true, "vmovupd" },
	{ 0x11, 0, true, ST, 0, false, false, false, "vmovups" },
	{ 0x11, P66, true, ST, 0, false, false, false, "vmovupd" },
	{ 0x28, 0, true, LD, 0, false, true, true, "vmovaps" },
	{ 0x28, P66, true, LD, 0, false, true, true, "vmovapd" },
	{ 0x29, 0, true, ST, 0, false, true, false, "vmovaps" },
	{ 0x29, P66, true, ST, 0, false, true, false, "vmovapd" },
	{ 0x6f, P66, true, LD, 0, false, true, true, "vmovdqa" },
	{ 0x6f, PF3, true, LD, 0, false, false, true, "vmovdqu" },
	{ 0x7f, P66, true, ST, 0, false, true, false, "vmovdqa" },
	{ 0x7f, PF3, true, ST, 0, false, false, false, "vmovdqu" },
};
const unsigned int emul_nr_vec_moves = ARRAY_SIZE(emul_vec_moves);
