/*
 * A decoded x86 instruction, as emulate/decode.c produces it from bytes
 * alone: prefixes, REX, VEX, opcode, ModRM/SIB/displacement/immediate, the
 * exact length, the operand and address sizes, and the memory operand
 * (segment, base, index, scale, displacement or RIP-relative), SDM Vol. 2A
 * chapters 2 and 3.  Only the instructions the emulator executes decode;
 * anything else is refused with its name or opcode bytes.
 */
#pragma once

#include "types.h"

/* A longer instruction raises #GP (SDM Vol. 2A 2.3.11). */
#define EMUL_MAX_INSN_LEN 15

/* KVM's modes: the default operand and address sizes follow (SDM Vol. 1 3.6, Table 3-3). */
enum x86emul_mode {
	X86EMUL_MODE_REAL,
	X86EMUL_MODE_VM86,
	X86EMUL_MODE_PROT16,
	X86EMUL_MODE_PROT32,
	X86EMUL_MODE_PROT64,
};

/* Segment registers by their Sreg number (SDM Vol. 2B "MOV", its Sreg encoding), KVM's names. */
enum {
	VCPU_SREG_ES,
	VCPU_SREG_CS,
	VCPU_SREG_SS,
	VCPU_SREG_DS,
	VCPU_SREG_FS,
	VCPU_SREG_GS,
	EMUL_NR_SREGS,
	VCPU_SREG_TR = EMUL_NR_SREGS,	/* KVM's number; only ops->set_segment() takes it */
};

/* General registers by ModRM/REX number (SDM Vol. 2A 2.1.5). */
enum {
	EMUL_RAX, EMUL_RCX, EMUL_RDX, EMUL_RBX, EMUL_RSP, EMUL_RBP, EMUL_RSI, EMUL_RDI,
	EMUL_R8, EMUL_R9, EMUL_R10, EMUL_R11, EMUL_R12, EMUL_R13, EMUL_R14, EMUL_R15,
	EMUL_NR_GPRS,
};

#define EMUL_NO_REG (-1)

/* What the emulator does with the instruction (emulate/emulate.c). */
enum emul_op {
	EMUL_OP_NONE,
	EMUL_OP_MOV_STORE,	/* 88/89/A2/A3/C6/C7, MOVNTI 0F C3: register or immediate to memory */
	EMUL_OP_MOV_LOAD,	/* 8A/8B/A0/A1 */
	EMUL_OP_MOVZX,		/* 0F B6/B7 */
	EMUL_OP_MOVSX,		/* 0F BE/BF, MOVSXD 63 */
	EMUL_OP_ALU_MEM_DST,	/* 00-38 x0/x1, 80/81/83: memory op= register or immediate */
	EMUL_OP_ALU_REG_DST,	/* 02-3B x2/x3, BSF, BSR, IMUL 0F AF/69/6B: register op= memory */
	EMUL_OP_TEST,		/* 84/85, F6/F7 /0 */
	EMUL_OP_NOT,
	EMUL_OP_NEG,
	EMUL_OP_INC,
	EMUL_OP_DEC,
	EMUL_OP_XCHG,		/* 86/87 */
	EMUL_OP_CMPXCHG,	/* 0F B0/B1 */
	EMUL_OP_XADD,		/* 0F C0/C1 */
	EMUL_OP_BT,		/* 0F A3/AB/B3/BB (register offset), 0F BA /4-7 (immediate) */
	EMUL_OP_PUSH_MEM,	/* FF /6 */
	EMUL_OP_POP_MEM,	/* 8F /0 */
	EMUL_OP_PUSH_REG,	/* 50-57 */
	EMUL_OP_PUSH_IMM,	/* 68, 6A */
	EMUL_OP_POP_REG,	/* 58-5F */
	EMUL_OP_MOVS,
	EMUL_OP_CMPS,
	EMUL_OP_STOS,
	EMUL_OP_LODS,
	EMUL_OP_SCAS,
	EMUL_OP_VEC_LOAD,	/* SSE/AVX register <- memory */
	EMUL_OP_VEC_STORE,	/* memory <- SSE/AVX register */
	EMUL_OP_CLFLUSH,	/* CLFLUSH, CLFLUSHOPT: nothing to do on emulated memory */
	EMUL_OP_MULDIV,		/* F6/F7 /4-/7: MUL, IMUL, DIV, IDIV on rDX:rAX (AX for bytes) */
	EMUL_OP_SHIFT_DOUBLE,	/* SHLD 0F A4/A5, SHRD 0F AC/AD: count imm8 or CL */
	EMUL_OP_SMSW,		/* 0F 01 /4: memory <- CR0[15:0] */
	EMUL_OP_LMSW,		/* 0F 01 /6: CR0[3:0] <- memory, PE not cleared */
	EMUL_OP_LTR,		/* 0F 00 /3: TR <- the GDT's TSS descriptor for the selector in memory */
	EMUL_OP_CMOV,		/* 0F 40-4F: register <- memory if condition (opcode 3:0) holds */
	EMUL_OP_MOV_SREG,	/* 8E: segment register ModRM.reg <- the selector in memory */
	EMUL_OP_STORE_SREG,	/* 8C: memory <- segment register ModRM.reg's selector, 16 bits */
	EMUL_OP_MMX_LOAD,	/* 0F 6E/6F: MMX register <- memory */
	EMUL_OP_MMX_STORE,	/* 0F 7E/7F: memory <- MMX register */
	EMUL_OP_RET,		/* C3, C2 imm16: RIP <- pop */
	EMUL_OP_LEAVE,		/* C9: RSP <- RBP, RBP <- pop */
	EMUL_OP_ENTER,		/* C8 imm16, imm8: push RBP, RBP <- RSP, RSP -= imm16 */
	EMUL_OP_JMP_MEM,	/* FF /4: RIP <- memory */
	EMUL_OP_CALL_MEM,	/* FF /2: push RIP, RIP <- memory */
	EMUL_OP_JMP_FAR,	/* FF /5: CS:RIP <- the far pointer in memory */
	EMUL_OP_CALL_FAR,	/* FF /3: push CS, push RIP, CS:RIP <- the far pointer */
};

/* ALU operations: 0-7 are the ModRM.reg / opcode bits 5:3 order of 00-3F and group 1. */
enum emul_alu {
	EMUL_ALU_ADD,
	EMUL_ALU_OR,
	EMUL_ALU_ADC,
	EMUL_ALU_SBB,
	EMUL_ALU_AND,
	EMUL_ALU_SUB,
	EMUL_ALU_XOR,
	EMUL_ALU_CMP,
	EMUL_ALU_TEST,
	EMUL_ALU_BT,	/* BT/BTS/BTR/BTC in 0F BA's /4-/7 order */
	EMUL_ALU_BTS,
	EMUL_ALU_BTR,
	EMUL_ALU_BTC,
	EMUL_ALU_BSF,	/* register <- the lowest (BSF) or highest (BSR) set bit of memory */
	EMUL_ALU_BSR,
	EMUL_ALU_IMUL,	/* register <- register (or imm) * memory, truncated */
	EMUL_ALU_SHLD,	/* memory <- memory shifted, filled from a register */
	EMUL_ALU_SHRD,
	EMUL_ALU_MUL,	/* the one-operand forms, F6/F7 /4-/7 in ModRM.reg order */
	EMUL_ALU_IMUL1,
	EMUL_ALU_DIV,
	EMUL_ALU_IDIV,
};

/* The memory operand of a ModRM or moffs form (SDM Vol. 2A 2.1.5, 2.2.1.6). */
struct emul_mem {
	u8 seg;		/* VCPU_SREG_*: the override, or the default (SS for a BP/SP base) */
	s8 base;	/* register number, or EMUL_NO_REG */
	s8 index;	/* register number, or EMUL_NO_REG */
	u8 scale;	/* 1, 2, 4 or 8 */
	bool rip_rel;	/* disp is relative to the next instruction's RIP */
	u64 disp;	/* sign-extended displacement; the whole offset of a moffs form */
};

/* Legacy prefixes (SDM Vol. 2A 2.1.1). */
#define EMUL_PFX_LOCK 0xf0
#define EMUL_PFX_REPNE 0xf2
#define EMUL_PFX_REP 0xf3
#define EMUL_PFX_OPSIZE 0x66
#define EMUL_PFX_ADDRSIZE 0x67

struct emul_insn {
	u8 len;			/* bytes from the first prefix to the last immediate byte */
	enum x86emul_mode mode;
	u8 op_bytes;		/* operand size: 1, 2, 4 or 8 (16 or 32 for vector moves) */
	u8 ad_bytes;		/* address size: 2, 4 or 8 */
	u8 mem_bytes;		/* bytes the memory operand moves (a MOVZX source, a MOVD) */
	u8 rep;			/* EMUL_PFX_REP, EMUL_PFX_REPNE or 0 */
	bool lock;
	bool seg_override;
	u8 rex;			/* the REX prefix in effect, or 0 */
	bool vex;		/* C4/C5 */
	u8 vex_l;		/* VEX.L: 256-bit */
	u8 map;			/* opcode map: 1 one-byte, 2 0F, 3 0F 38, 4 0F 3A */
	u8 opcode;		/* the opcode byte within its map */
	u8 mandatory;		/* the SSE mandatory prefix: 0, 66, F3 or F2 */
	bool has_modrm;
	u8 modrm;
	bool has_mem;		/* a ModRM or moffs memory operand (not the implicit string/stack ones) */
	struct emul_mem mem;
	s8 reg;			/* ModRM.reg with REX.R or the opcode's register, or EMUL_NO_REG */
	bool high_byte;		/* reg 0-3 is AH, CH, DH or BH (bits 15:8) */
	bool has_imm;
	u64 imm;		/* sign-extended to 64 bits (ENTER, RET imm16: zero-extended) */
	u8 imm_bytes;
	u8 imm2;		/* ENTER's second immediate, the nesting level */
	enum emul_op op;
	u8 alu;			/* enum emul_alu for the ALU, TEST and BT kinds */
	bool vec_zero_upper;	/* a vector load clears the destination above mem_bytes */
	bool vec_aligned;	/* MOVAPS/MOVDQA/MOVNTDQ: #GP unless aligned to mem_bytes */
	bool rmw;		/* reads then writes the memory operand */
	const char *name;	/* the mnemonic, for messages */
};

/* Decoder results. */
enum emul_decode_result {
	EMUL_DECODE_OK,
	EMUL_DECODE_UNSUPPORTED,	/* a valid form the emulator does not execute */
	EMUL_DECODE_TRUNCATED,		/* needs more bytes than were given */
	EMUL_DECODE_INVALID,		/* #UD or longer than 15 bytes */
};

/*
 * Decode bytes[0..avail) as executed in mode into *insn.  On a result other
 * than EMUL_DECODE_OK, why (if not NULL) gets a message naming the
 * instruction: its mnemonic when known, else its opcode bytes.
 */
enum emul_decode_result emul_decode(const u8 *bytes, unsigned int avail, enum x86emul_mode mode,
				    struct emul_insn *insn, char *why, size_t why_size);
