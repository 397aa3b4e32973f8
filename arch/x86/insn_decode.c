/*
 * Decoding MMIO instructions: legacy prefixes, REX, one- and two-byte
 * opcodes of MOV, MOVZX and MOVSX, then ModRM, SIB, displacement and
 * immediate (SDM Vol. 2A chapter 2).  The effective address is not
 * computed: the exit gives the guest-physical address, so only the length
 * of the addressing bytes matters, and it must be exact because the VMM
 * advances RIP by it.
 */
#include <stdarg.h>

#include "compiler.h"
#include "lib/errno.h"
#include "lib/panic.h"
#include "lib/printf.h"
#include "arch/x86/insn_decode.h"

/* Legacy prefixes (SDM Vol. 2A 2.1.1). */
#define PFX_LOCK 0xf0
#define PFX_REPNE 0xf2
#define PFX_REP 0xf3
#define PFX_ES 0x26
#define PFX_CS 0x2e
#define PFX_SS 0x36
#define PFX_DS 0x3e
#define PFX_FS 0x64
#define PFX_GS 0x65
#define PFX_OPSIZE 0x66
#define PFX_ADDRSIZE 0x67

/* REX is 0100WRXB, a prefix only in 64-bit mode (SDM Vol. 2A 2.2.1, Table 2-4). */
#define REX_MASK 0xf0
#define REX_BASE 0x40
#define REX_W 0x08
#define REX_R 0x04
#define REX_EXTEND 8	/* REX.R adds 8 to ModRM.reg */

/* Opcodes (SDM Vol. 2B "MOV", "MOVZX", "MOVSX"). */
#define OP_MOV_RM8_R8 0x88
#define OP_MOV_RM_R 0x89
#define OP_MOV_R8_RM8 0x8a
#define OP_MOV_R_RM 0x8b
#define OP_MOV_AL_MOFFS 0xa0
#define OP_MOV_AX_MOFFS 0xa1
#define OP_MOV_MOFFS_AL 0xa2
#define OP_MOV_MOFFS_AX 0xa3
#define OP_MOV_RM8_IMM 0xc6
#define OP_MOV_RM_IMM 0xc7
#define OP_ESCAPE 0x0f
#define OP2_MOVZX_RM8 0xb6
#define OP2_MOVZX_RM16 0xb7
#define OP2_MOVSX_RM8 0xbe
#define OP2_MOVSX_RM16 0xbf
#define OPEXT_MOV_IMM 0	/* C6 /0 and C7 /0; the other ModRM.reg values are not MOV */

/* ModRM and SIB (SDM Vol. 2A 2.1.5, Tables 2-1 to 2-3). */
#define MODRM_MOD(m) ((m) >> 6)
#define MODRM_REG(m) (((m) >> 3) & 7)
#define MODRM_RM(m) ((m) & 7)
#define SIB_BASE(s) ((s) & 7)
#define MOD_NO_DISP 0		/* no displacement but for the special cases below */
#define MOD_DISP8 1
#define MOD_DISP_FULL 2		/* disp16 or disp32, as the address size */
#define MOD_REGISTER 3		/* a register operand: no memory access */
#define RM16_DISP16 6		/* mod 00: [disp16] rather than [BP] */
#define RM32_SIB 4		/* a SIB byte follows */
#define RM32_DISP32 5		/* mod 00: [disp32], [RIP+disp32] in 64-bit mode */
#define SIB_BASE_DISP32 5	/* mod 00: no base, a disp32 instead */

/* Byte registers 4-7 without REX are AH, CH, DH, BH: bits 15:8 of 0-3 (SDM Vol. 1 3.4.1.1). */
#define REG_FIRST_HIGH_BYTE 4
#define HIGH_BYTE_SHIFT 8
#define BYTE_MASK 0xffULL

/* Operand, displacement and immediate widths in bytes. */
#define SIZE_BYTE 1
#define SIZE_WORD 2
#define SIZE_DWORD 4
#define SIZE_QWORD 8
#define DISP8_LEN 1
#define DISP16_LEN 2
#define DISP32_LEN 4
#define IMM_MAX_LEN 4		/* imm32 at most, sign-extended for 64-bit operands (2.2.1.5) */
#define BITS_PER_BYTE 8

#define WHAT_UNSUPPORTED "unsupported instruction"
#define HEX_CHARS_PER_BYTE 3	/* " %02x" */
#define DETAIL_MAX 64

struct decoder {
	const u8 *bytes;
	unsigned int avail;
	unsigned int pos;	/* the next byte to read */
	enum cpu_mode mode;
	bool opsize_prefix;
	bool addrsize_prefix;
	u8 group1;		/* the last LOCK, REPNE or REP prefix, or 0 */
	u8 rex;			/* the REX prefix in effect, or 0 */
	char *why;
	size_t why_size;
};

/* Offsets of the registers by number: the struct has rsp_unused and cr2 besides. */
static const size_t gpr_offset[GPR_NR] = {
	offsetof(struct guest_gprs, rax), offsetof(struct guest_gprs, rcx),
	offsetof(struct guest_gprs, rdx), offsetof(struct guest_gprs, rbx),
	offsetof(struct guest_gprs, rsp_unused), offsetof(struct guest_gprs, rbp),
	offsetof(struct guest_gprs, rsi), offsetof(struct guest_gprs, rdi),
	offsetof(struct guest_gprs, r8), offsetof(struct guest_gprs, r9),
	offsetof(struct guest_gprs, r10), offsetof(struct guest_gprs, r11),
	offsetof(struct guest_gprs, r12), offsetof(struct guest_gprs, r13),
	offsetof(struct guest_gprs, r14), offsetof(struct guest_gprs, r15),
};

/* Returns a pointer to register number reg (enum gpr_num) inside g. */
u64 *gpr_ptr(struct guest_gprs *g, unsigned int reg)
{
	CHECK(reg < GPR_NR);
	return (u64 *)((char *)g + gpr_offset[reg]);
}

static u64 gpr_read(const struct guest_gprs *g, unsigned int reg)
{
	CHECK(reg < GPR_NR);
	return *(const u64 *)((const char *)g + gpr_offset[reg]);
}

static u64 size_mask(unsigned int size)
{
	return size >= SIZE_QWORD ? ~0ULL : BIT(size * BITS_PER_BYTE) - 1;
}

/* v (already masked to size bytes) sign-extended to 64 bits. */
static u64 sign_extend(u64 v, unsigned int size)
{
	u64 sign = BIT(size * BITS_PER_BYTE - 1);

	return (v ^ sign) - sign;
}

/* How many of the bytes a message may show: those that exist and may be decoded. */
static unsigned int visible(const struct decoder *d, unsigned int n)
{
	return MIN(n, MIN(d->avail, (unsigned int)X86_MAX_INSN_LEN));
}

/* Fill d->why with "<what> <first shown bytes> at MMIO: <detail>" and return err. */
static __printf(5, 6) int decode_error(struct decoder *d, int err, const char *what,
				       unsigned int shown, const char *fmt, ...)
{
	char hex[X86_MAX_INSN_LEN * HEX_CHARS_PER_BYTE + 1] = "";
	char detail[DETAIL_MAX];
	unsigned int i, n = visible(d, shown);
	va_list ap;

	if (!d->why || !d->why_size) {
		return err;
	}
	for (i = 0; i < n; i++) {
		ksnprintf(hex + HEX_CHARS_PER_BYTE * i, sizeof(hex) - HEX_CHARS_PER_BYTE * i,
			  " %02x", d->bytes[i]);
	}
	va_start(ap, fmt);
	kvsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	ksnprintf(d->why, d->why_size, "%s%s at MMIO: %s", what, hex, detail);
	return err;
}

/* Fail unless n more bytes exist at d->pos and fit in an instruction. */
static int need(struct decoder *d, unsigned int n)
{
	unsigned int end = d->pos + n;

	if (end > X86_MAX_INSN_LEN) {
		return decode_error(d, -EINVAL, "overlong instruction", end,
				    "longer than %u bytes", X86_MAX_INSN_LEN);
	}
	if (end > d->avail) {
		return decode_error(d, -EINVAL, "truncated instruction", end,
				    "have %u of at least %u bytes", d->avail, end);
	}
	return 0;
}

static int fetch(struct decoder *d, u8 *byte)
{
	int err = need(d, 1);

	if (err) {
		return err;
	}
	*byte = d->bytes[d->pos++];
	return 0;
}

/* Consume n bytes whose value is not needed (a displacement or moffs). */
static int skip(struct decoder *d, unsigned int n)
{
	int err = need(d, n);

	if (err) {
		return err;
	}
	d->pos += n;
	return 0;
}

/* Consume an n-byte little-endian immediate, sign-extended to 64 bits (SDM Vol. 2A 2.2.1.5). */
static int fetch_imm(struct decoder *d, unsigned int n, u64 *imm)
{
	int err = need(d, n);
	u64 v = 0;
	unsigned int i;

	if (err) {
		return err;
	}
	for (i = 0; i < n; i++) {
		v |= (u64)d->bytes[d->pos + i] << (BITS_PER_BYTE * i);
	}
	d->pos += n;
	*imm = sign_extend(v, n);
	return 0;
}

/* The opcode byte or the bytes so far, plus the next (often a ModRM) for context. */
static int unsupported(struct decoder *d, const char *detail)
{
	return decode_error(d, -ENOTSUP, WHAT_UNSUPPORTED, d->pos + 1, "%s", detail);
}

static bool is_legacy_prefix(u8 b)
{
	switch (b) {
	case PFX_LOCK:
	case PFX_REPNE:
	case PFX_REP:
	case PFX_ES:
	case PFX_CS:
	case PFX_SS:
	case PFX_DS:
	case PFX_FS:
	case PFX_GS:
	case PFX_OPSIZE:
	case PFX_ADDRSIZE:
		return true;
	default:
		return false;
	}
}

/*
 * Consume the prefixes and return the first opcode byte in *op.  Segment
 * overrides only change the address, which the exit already gives.  A REX
 * counts only right before the opcode; one followed by another prefix is
 * ignored (SDM Vol. 2A 2.2.1).
 */
static int decode_prefixes(struct decoder *d, u8 *op)
{
	u8 b;
	int err;

	for (;;) {
		err = fetch(d, &b);
		if (err) {
			return err;
		}
		if (is_legacy_prefix(b)) {
			d->rex = 0;
			if (b == PFX_OPSIZE) {
				d->opsize_prefix = true;
			} else if (b == PFX_ADDRSIZE) {
				d->addrsize_prefix = true;
			} else if (b == PFX_LOCK || b == PFX_REPNE || b == PFX_REP) {
				d->group1 = b;
			}
		} else if (d->mode == CPU_MODE_LONG64 && (b & REX_MASK) == REX_BASE) {
			d->rex = b;
		} else {
			*op = b;
			return 0;
		}
	}
}

static bool mode_is_16bit(enum cpu_mode mode)
{
	return mode == CPU_MODE_REAL || mode == CPU_MODE_PROT16;
}

/* Operand size of a non-byte opcode: REX.W wins over 66 (SDM Vol. 1 3.6.1, Table 3-4). */
static unsigned int operand_size(const struct decoder *d)
{
	bool wide = !mode_is_16bit(d->mode);

	if (d->rex & REX_W) {
		return SIZE_QWORD;
	}
	return wide != d->opsize_prefix ? SIZE_DWORD : SIZE_WORD;
}

/* Address size: 67 toggles 16/32, or 64 to 32 in 64-bit mode (SDM Vol. 1 3.6, 3.6.1). */
static unsigned int address_size(const struct decoder *d)
{
	if (d->mode == CPU_MODE_LONG64) {
		return d->addrsize_prefix ? SIZE_DWORD : SIZE_QWORD;
	}
	return mode_is_16bit(d->mode) != d->addrsize_prefix ? SIZE_WORD : SIZE_DWORD;
}

/* Displacement bytes after a 16-bit ModRM (SDM Vol. 2A Table 2-1); there is no SIB. */
static unsigned int disp16_len(u8 modrm)
{
	switch (MODRM_MOD(modrm)) {
	case MOD_NO_DISP:
		return MODRM_RM(modrm) == RM16_DISP16 ? DISP16_LEN : 0;
	case MOD_DISP8:
		return DISP8_LEN;
	default:
		return DISP16_LEN;
	}
}

/*
 * Consume the SIB and displacement after a 32- or 64-bit ModRM (SDM Vol. 2A
 * Tables 2-2, 2-3).  The special cases look at the three bits only, so R12
 * and R13 behave as RSP and RBP here (Table 2-5); RIP-relative has the same
 * length as [disp32] (2.2.1.6).
 */
static int skip_sib_disp32(struct decoder *d, u8 modrm)
{
	unsigned int rm = MODRM_RM(modrm);
	u8 sib = 0;
	int err;

	if (rm == RM32_SIB) {
		err = fetch(d, &sib);
		if (err) {
			return err;
		}
	}
	switch (MODRM_MOD(modrm)) {
	case MOD_NO_DISP:
		if (rm == RM32_DISP32 || (rm == RM32_SIB && SIB_BASE(sib) == SIB_BASE_DISP32)) {
			return skip(d, DISP32_LEN);
		}
		return 0;
	case MOD_DISP8:
		return skip(d, DISP8_LEN);
	default:
		return skip(d, DISP32_LEN);
	}
}

/* Consume ModRM and the addressing bytes of a memory operand; *reg gets ModRM.reg. */
static int decode_modrm(struct decoder *d, unsigned int *reg)
{
	u8 modrm;
	int err = fetch(d, &modrm);

	if (err) {
		return err;
	}
	if (MODRM_MOD(modrm) == MOD_REGISTER) {
		return decode_error(d, -ENOTSUP, WHAT_UNSUPPORTED, d->pos,
				    "register operand, no memory access");
	}
	*reg = MODRM_REG(modrm);
	if (address_size(d) == SIZE_WORD) {
		return skip(d, disp16_len(modrm));
	}
	return skip_sib_disp32(d, modrm);
}

/* Record ModRM.reg (3 bits) as the register operand of reg_size bytes. */
static void set_reg(const struct decoder *d, struct mmio_insn *out, unsigned int reg,
		    unsigned int reg_size)
{
	out->reg_size = reg_size;
	if (d->rex & REX_R) {
		reg += REX_EXTEND;
	}
	/* Any REX, even 40, makes byte registers 4-7 SPL, BPL, SIL, DIL. */
	if (reg_size == SIZE_BYTE && !d->rex && reg >= REG_FIRST_HIGH_BYTE) {
		reg -= REG_FIRST_HIGH_BYTE;
		out->high_byte = true;
	}
	out->reg = reg;
}

/* 88-8B: MOV between a register and memory. */
static int decode_mov_reg(struct decoder *d, struct mmio_insn *out, bool write, unsigned int size)
{
	unsigned int reg;
	int err = decode_modrm(d, &reg);

	if (err) {
		return err;
	}
	out->write = write;
	out->size = size;
	set_reg(d, out, reg, size);
	return 0;
}

/* C6 /0 ib, C7 /0 iw/id: MOV of an immediate; for 8 bytes an imm32 sign-extended. */
static int decode_mov_imm(struct decoder *d, struct mmio_insn *out, unsigned int size)
{
	unsigned int reg;
	int err = decode_modrm(d, &reg);

	if (err) {
		return err;
	}
	if (reg != OPEXT_MOV_IMM) {
		return decode_error(d, -ENOTSUP, WHAT_UNSUPPORTED, d->pos,
				    "opcode extension /%u is not MOV", reg);
	}
	err = fetch_imm(d, MIN(size, (unsigned int)IMM_MAX_LEN), &out->imm);
	if (err) {
		return err;
	}
	out->imm &= size_mask(size);
	out->write = true;
	out->size = size;
	out->reg = MMIO_REG_IMM;
	out->reg_size = size;
	return 0;
}

/* A0-A3: MOV between AL/AX/EAX/RAX and an address-sized offset (SDM Vol. 2A 2.2.1.4). */
static int decode_moffs(struct decoder *d, struct mmio_insn *out, bool write, unsigned int size)
{
	int err = skip(d, address_size(d));

	if (err) {
		return err;
	}
	out->write = write;
	out->size = size;
	out->reg = GPR_RAX;
	out->reg_size = size;
	return 0;
}

/* 0F B6/B7/BE/BF: MOVZX and MOVSX from 8- or 16-bit memory into a wider register. */
static int decode_extend(struct decoder *d, struct mmio_insn *out, enum mmio_op kind,
			 unsigned int size)
{
	unsigned int reg;
	int err = decode_modrm(d, &reg);

	if (err) {
		return err;
	}
	out->kind = kind;
	out->size = size;
	set_reg(d, out, reg, operand_size(d));
	return 0;
}

static int decode_escape(struct decoder *d, struct mmio_insn *out)
{
	u8 op;
	int err = fetch(d, &op);

	if (err) {
		return err;
	}
	switch (op) {
	case OP2_MOVZX_RM8:
		return decode_extend(d, out, MMIO_OP_MOVZX, SIZE_BYTE);
	case OP2_MOVZX_RM16:
		return decode_extend(d, out, MMIO_OP_MOVZX, SIZE_WORD);
	case OP2_MOVSX_RM8:
		return decode_extend(d, out, MMIO_OP_MOVSX, SIZE_BYTE);
	case OP2_MOVSX_RM16:
		return decode_extend(d, out, MMIO_OP_MOVSX, SIZE_WORD);
	default:
		return unsupported(d, "not a MOV to or from memory");
	}
}

static int decode_opcode(struct decoder *d, u8 op, struct mmio_insn *out)
{
	switch (op) {
	case OP_MOV_RM8_R8:
		return decode_mov_reg(d, out, true, SIZE_BYTE);
	case OP_MOV_RM_R:
		return decode_mov_reg(d, out, true, operand_size(d));
	case OP_MOV_R8_RM8:
		return decode_mov_reg(d, out, false, SIZE_BYTE);
	case OP_MOV_R_RM:
		return decode_mov_reg(d, out, false, operand_size(d));
	case OP_MOV_AL_MOFFS:
		return decode_moffs(d, out, false, SIZE_BYTE);
	case OP_MOV_AX_MOFFS:
		return decode_moffs(d, out, false, operand_size(d));
	case OP_MOV_MOFFS_AL:
		return decode_moffs(d, out, true, SIZE_BYTE);
	case OP_MOV_MOFFS_AX:
		return decode_moffs(d, out, true, operand_size(d));
	case OP_MOV_RM8_IMM:
		return decode_mov_imm(d, out, SIZE_BYTE);
	case OP_MOV_RM_IMM:
		return decode_mov_imm(d, out, operand_size(d));
	case OP_ESCAPE:
		return decode_escape(d, out);
	default:
		return unsupported(d, "not a MOV to or from memory");
	}
}

/*
 * LOCK on MOV is #UD; F2/F3 on it are at most HLE hints (XACQUIRE/XRELEASE),
 * meaningless on MMIO, and no decoded opcode is a string instruction.
 */
static int check_group1(struct decoder *d)
{
	switch (d->group1) {
	case PFX_LOCK:
		return decode_error(d, -ENOTSUP, WHAT_UNSUPPORTED, d->pos, "LOCK prefix");
	case PFX_REPNE:
		return decode_error(d, -ENOTSUP, WHAT_UNSUPPORTED, d->pos, "REPNE prefix");
	case PFX_REP:
		return decode_error(d, -ENOTSUP, WHAT_UNSUPPORTED, d->pos, "REP prefix");
	default:
		return 0;
	}
}

/* Decodes the MOV/MOVZX/MOVSX at bytes into *out: 0, -ENOTSUP or -EINVAL with why set. */
int mmio_decode(const u8 *bytes, unsigned int avail, enum cpu_mode mode, struct mmio_insn *out,
		char *why, size_t why_size)
{
	struct decoder d = {
		.bytes = bytes,
		.avail = avail,
		.mode = mode,
		.why = why,
		.why_size = why_size,
	};
	u8 op = 0;
	int err;

	CHECK(mode <= CPU_MODE_LONG64);
	*out = (struct mmio_insn){ .kind = MMIO_OP_MOV };
	err = decode_prefixes(&d, &op);
	if (!err) {
		err = decode_opcode(&d, op, out);
	}
	if (!err) {
		err = check_group1(&d);
	}
	if (err) {
		*out = (struct mmio_insn){ .kind = MMIO_OP_MOV };
		return err;
	}
	out->len = d.pos;
	if (why && why_size) {
		why[0] = '\0';
	}
	return 0;
}

/* Returns the bytes a decoded store writes: the register (or AH..BH) or immediate, masked. */
u64 mmio_write_value(const struct mmio_insn *in, const struct guest_gprs *g)
{
	u64 v;

	if (in->reg == MMIO_REG_IMM) {
		v = in->imm;
	} else {
		v = gpr_read(g, in->reg);
		if (in->high_byte) {
			v >>= HIGH_BYTE_SHIFT;
		}
	}
	return v & size_mask(in->size);
}

/* Write v, reg_size bytes wide, to *r as a MOV to that register would. */
static void write_reg(u64 *r, u64 v, unsigned int reg_size, bool high_byte)
{
	u64 mask = size_mask(reg_size);

	if (high_byte) {
		*r = (*r & ~(BYTE_MASK << HIGH_BYTE_SHIFT)) | ((v & BYTE_MASK) << HIGH_BYTE_SHIFT);
	} else if (reg_size >= SIZE_DWORD) {
		/*
		 * A 32-bit result clears bits 63:32 in 64-bit mode (SDM Vol. 1
		 * 3.4.1.1); in the other modes those bits are undefined, so
		 * clearing them is right there too.
		 */
		*r = v & mask;
	} else {
		*r = (*r & ~mask) | (v & mask);
	}
}

/* Applies the data a decoded load read to its destination register, extending as x86 does. */
void mmio_complete_read(const struct mmio_insn *in, struct guest_gprs *g, u64 data)
{
	u64 v = data & size_mask(in->size);

	CHECK(!in->write && in->reg >= 0);
	if (in->kind == MMIO_OP_MOVSX) {
		v = sign_extend(v, in->size);
	}
	write_reg(gpr_ptr(g, in->reg), v, in->reg_size, in->high_byte);
}
