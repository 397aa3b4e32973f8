/*
 * The decoder's opcode tables (emulate/opcodes.c), shared only by the
 * decoder (emulate/decode.c).  One entry per opcode byte of the one-byte and
 * 0F maps (SDM Vol. 2D Appendix A, Tables ); a group's entry
 * points at eight more, chosen by ModRM.reg (Table A-6).
 */
#pragma once

#include "types.h"
#include "emulate/insn.h"

/* What follows the opcode and how the operand size is chosen. */
#define OPF_MODRM BIT(0)	/* a ModRM byte; the form must name memory */
#define OPF_BYTE BIT(1)		/* 8-bit operands (else 16/32/64 as the prefixes say) */
#define OPF_IMM8 BIT(2)		/* an imm8, sign-extended */
#define OPF_IMMV BIT(3)		/* an imm16 or imm32 (sign-extended for 64-bit operands) */
#define OPF_MOFFS BIT(4)	/* an address-sized offset instead of ModRM (A0-A3) */
#define OPF_STACK BIT(5)	/* 64-bit operands by default in 64-bit mode, 66 gives 16 */
#define OPF_NO64 BIT(6)		/* #UD in 64-bit mode */
#define OPF_ONLY64 BIT(7)	/* this meaning only in 64-bit mode (MOVSXD) */
#define OPF_LOCK BIT(8)		/* LOCK is allowed with a memory destination */
#define OPF_STRING BIT(9)	/* REP/REPE/REPNE apply */
#define OPF_RMW BIT(10)		/* the memory operand is read, then written */
#define OPF_SRC8 BIT(11)	/* MOVZX/MOVSX: a byte source */
#define OPF_SRC16 BIT(12)	/* MOVZX/MOVSX: a word source */
#define OPF_REG_OP BIT(13)	/* the register is opcode bits 2:0 (50-5F) */
#define OPF_SSE BIT(14)		/* look the opcode up in the mandatory-prefix table */
#define OPF_MEM32 BIT(15)	/* MOVSXD: a doubleword source */
#define OPF_DWORD BIT(16)	/* MOVNTI: 32 bits, or 64 with REX.W, in every mode */
#define OPF_WORD BIT(17)	/* SMSW/LMSW m16: 16 bits whatever 66 and REX.W say */
#define OPF_IMM16 BIT(18)	/* an imm16, zero-extended (RET imm16, ENTER's frame size) */
#define OPF_IMM16_8 BIT(19)	/* ENTER: an imm16, then an imm8 */
#define OPF_NEAR64 BIT(20)	/* near branches: 64-bit operands in 64-bit mode, 66 or not */

struct emul_opcode {
	u8 op;				/* enum emul_op; EMUL_OP_NONE is refused */
	u8 alu;				/* enum emul_alu */
	u32 flags;			/* OPF_* */
	const char *name;		/* mnemonic, NULL where the bytes name it */
	const struct emul_opcode *group;	/* eight entries by ModRM.reg, or NULL */
};

/* One SSE/AVX move: its opcode in the 0F map under one mandatory prefix. */
struct emul_vec_move {
	u8 opcode;
	u8 prefix;		/* 0, 66, F3 or F2 */
	bool vex;		/* the VEX form (VEX.pp names the prefix) */
	u8 op;			/* EMUL_OP_VEC_LOAD or EMUL_OP_VEC_STORE */
	u8 mem_bytes;		/* 4 or 8; 0 for the whole register (16, or 32 with VEX.L) */
	bool rex_w_wide;	/* MOVD/MOVQ: REX.W makes it 8 bytes */
	bool aligned;		/* #GP(0) unless aligned to the access (SDM Vol. 2A 2.4, 2.5) */
	bool zero_upper;	/* a load clears the rest of the XMM register */
	const char *name;
};

extern const struct emul_opcode emul_onebyte[256];
extern const struct emul_opcode emul_twobyte[256];
extern const struct emul_vec_move emul_vec_moves[];
extern const unsigned int emul_nr_vec_moves;
