/*
 * The x86 instruction decoder that completes MMIO exits.  An EPT violation
 * on a guest-physical address with no memslot gives the address but not
 * the access: the VMM fetches the bytes at the guest's RIP, decodes them
 * here, and learns the width, the direction and the register or immediate.
 *
 * Only what guests use on device memory is decoded: MOV, MOVZX and MOVSX
 * with a memory operand (SDM Vol. 2B "MOV", "MOVZX", "MOVSX"), with every
 * prefix, ModRM, SIB and displacement form of SDM Vol. 2A chapter 2 parsed
 * to the exact length.  Anything else is -ENOTSUP with a message naming the
 * bytes, which the VMM reports as an INTERNAL_ERROR exit.
 */
#pragma once

#include "types.h"
#include "arch/x86/gprs.h"

/* A longer instruction raises #GP, so never reaches an MMIO exit (SDM Vol. 2A 2.3.11). */
#define X86_MAX_INSN_LEN 15

/*
 * The mode that sets the default operand and address size (SDM Vol. 1 3.6,
 * Table 3-3).  Long mode with CS.L=1 is CPU_MODE_LONG64; protected mode and
 * compatibility mode are CPU_MODE_PROT32 when CS.D=1, else CPU_MODE_PROT16;
 * real and virtual-8086 mode are CPU_MODE_REAL, which decodes as PROT16.
 */
enum cpu_mode {
	CPU_MODE_REAL,
	CPU_MODE_PROT16,
	CPU_MODE_PROT32,
	CPU_MODE_LONG64,
};

/* General registers by their ModRM.reg/rm number, REX.R/B as bit 3 (SDM Vol. 2A 2.1.5). */
enum gpr_num {
	GPR_RAX,
	GPR_RCX,
	GPR_RDX,
	GPR_RBX,
	GPR_RSP,
	GPR_RBP,
	GPR_RSI,
	GPR_RDI,
	GPR_R8,
	GPR_R9,
	GPR_R10,
	GPR_R11,
	GPR_R12,
	GPR_R13,
	GPR_R14,
	GPR_R15,
	GPR_NR,
};

enum mmio_op {
	MMIO_OP_MOV,	/* the register and memory have the same width */
	MMIO_OP_MOVZX,	/* load, zero-extended to reg_size */
	MMIO_OP_MOVSX,	/* load, sign-extended to reg_size */
};

/* mmio_insn.reg for a store of an immediate (C6, C7). */
#define MMIO_REG_IMM (-1)

/* One decoded MMIO access. */
struct mmio_insn {
	unsigned int len;	/* bytes from the first prefix to the last immediate byte */
	bool write;		/* the guest stores to the MMIO address (else it loads) */
	unsigned int size;	/* bytes moved to or from memory: 1, 2, 4 or 8 */
	enum mmio_op kind;
	int reg;		/* enum gpr_num, or MMIO_REG_IMM */
	unsigned int reg_size;	/* MOVZX/MOVSX: the destination's bytes; else size */
	bool high_byte;		/* reg is 0-3 and the operand AH, CH, DH or BH: bits 15:8 */
	u64 imm;		/* the immediate, masked to size (imm32 sign-extended for 8) */
};

/*
 * The register numbered reg (enum gpr_num, below GPR_NR) in g.  RSP (4) is
 * the struct's rsp_unused: VM exits keep the guest's RSP in the VMCS, so a
 * caller completing an access to RSP must copy it in and out.
 */
u64 *gpr_ptr(struct guest_gprs *g, unsigned int reg);

/*
 * Decode the instruction in bytes[0..avail) executed in mode into *out and
 * return 0.  -ENOTSUP for an instruction or form that is not decoded (a
 * register operand, LOCK, REP, any other opcode), -EINVAL for one that needs
 * more than avail bytes or more than X86_MAX_INSN_LEN; then *out is zeroed
 * and why (if not NULL) gets a message naming the bytes, such as
 * "unsupported instruction 0f 01 d9 at MMIO: not a MOV to or from memory".
 */
int mmio_decode(const u8 *bytes, unsigned int avail, enum cpu_mode mode, struct mmio_insn *out,
		char *why, size_t why_size);

/* The value that the store in (in->write) puts in memory, in its low in->size bytes. */
u64 mmio_write_value(const struct mmio_insn *in, const struct guest_gprs *g);

/*
 * Complete the load in (!in->write) with the data read: write its register
 * as x86 does (SDM Vol. 1 3.4.1.1): 8- and 16-bit results keep the other
 * bits, a 32-bit result zero-extends to 64 bits; MOVZX and MOVSX extend
 * first.  Bits of data above in->size are ignored.
 */
void mmio_complete_read(const struct mmio_insn *in, struct guest_gprs *g, u64 data);
