/*
 * Native ALU operations for their flags (emulate/fastop.h).  Each runs
 * between POPF and PUSHF: the host's RFLAGS with the guest's arithmetic
 * flags put in, then the result's arithmetic flags taken out; the other
 * host flags (IF, DF, AC) are what they were.  The stack pointer first
 * steps over the 128-byte red zone, which the host tests' code may use
 * (System V AMD64 ABI 3.2.2); the kernel has none (-mno-red-zone).
 */
#include "compiler.h"
#include "emulate/emulate.h"
#include "fastop.h"

#define RED_ZONE "128"
#define BITS_PER_BYTE 8

/* Run INSN on d (and s) with the guest's arithmetic flags in fl, then fl = the flags after. */
#define FASTOP(insn, ops, ...)                                                           \
	__asm__ __volatile__("lea -" RED_ZONE "(%%rsp), %%rsp\n\t"                         \
			     "pushfq\n\t"                                                  \
			     "and %[keep], (%%rsp)\n\t"                                    \
			     "or %[fl], (%%rsp)\n\t"                                       \
			     "popfq\n\t" insn " " ops "\n\t"                               \
			     "pushfq\n\t"                                                  \
			     "pop %[fl]\n\t"                                               \
			     "lea " RED_ZONE "(%%rsp), %%rsp"                              \
			     : [d] "+r"(d), [fl] "+r"(fl)                                  \
			     : [keep] "r"(keep), ##__VA_ARGS__                             \
			     : "cc", "memory")

#define SIZED2(insn)                                                     \
	do {                                                             \
		switch (size) {                                          \
		case 1:                                                  \
			FASTOP(insn "b", "%b[s], %b[d]", [s] "r"(s));      \
			break;                                           \
		case 2:                                                  \
			FASTOP(insn "w", "%w[s], %w[d]", [s] "r"(s));      \
			break;                                           \
		case 4:                                                  \
			FASTOP(insn "l", "%k[s], %k[d]", [s] "r"(s));      \
			break;                                           \
		default:                                                 \
			FASTOP(insn "q", "%q[s], %q[d]", [s] "r"(s));      \
			break;                                           \
		}                                                        \
	} while (0)

/* BT*, BSF, BSR, IMUL r, r/m have no byte form: the emulator never asks for one. */
#define SIZED_BT(insn)                                                   \
	do {                                                             \
		switch (size) {                                          \
		case 2:                                                  \
			FASTOP(insn "w", "%w[s], %w[d]", [s] "r"(s));      \
			break;                                           \
		case 4:                                                  \
			FASTOP(insn "l", "%k[s], %k[d]", [s] "r"(s));      \
			break;                                           \
		default:                                                 \
			FASTOP(insn "q", "%q[s], %q[d]", [s] "r"(s));      \
			break;                                           \
		}                                                        \
	} while (0)

#define SIZED1(insn)                                    \
	do {                                            \
		switch (size) {                         \
		case 1:                                 \
			FASTOP(insn "b", "%b[d]");        \
			break;                          \
		case 2:                                 \
			FASTOP(insn "w", "%w[d]");        \
			break;                          \
		case 4:                                 \
			FASTOP(insn "l", "%k[d]");        \
			break;                          \
		default:                                \
			FASTOP(insn "q", "%q[d]");        \
			break;                          \
		}                                       \
	} while (0)

static u64 size_mask(unsigned int size)
{
	return size >= sizeof(u64) ? ~0ULL : BIT(size * BITS_PER_BYTE) - 1;
}

static u64 merge_flags(u64 guest, u64 fl)
{
	return (guest & ~(u64)EMUL_FLAGS_ARITH) | (fl & EMUL_FLAGS_ARITH);
}

u64 emul_fastop2(enum emul_alu op, u64 dst, u64 src, unsigned int size, u64 *flags)
{
	u64 d = dst & size_mask(size), s = src & size_mask(size), r;
	u64 fl = *flags & EMUL_FLAGS_ARITH, keep = ~(u64)EMUL_FLAGS_ARITH;

	switch (op) {
	case EMUL_ALU_ADD: SIZED2("add"); break;
	case EMUL_ALU_OR: SIZED2("or"); break;
	case EMUL_ALU_ADC: SIZED2("adc"); break;
	case EMUL_ALU_SBB: SIZED2("sbb"); break;
	case EMUL_ALU_AND: SIZED2("and"); break;
	case EMUL_ALU_SUB: SIZED2("sub"); break;
	case EMUL_ALU_XOR: SIZED2("xor"); break;
	case EMUL_ALU_CMP: SIZED2("cmp"); break;
	case EMUL_ALU_TEST: SIZED2("test"); break;
	case EMUL_ALU_BT: SIZED_BT("bt"); break;
	case EMUL_ALU_BTS: SIZED_BT("bts"); break;
	case EMUL_ALU_BTR: SIZED_BT("btr"); break;
	case EMUL_ALU_BTC: SIZED_BT("btc"); break;
	case EMUL_ALU_BSF: SIZED_BT("bsf"); break;
	case EMUL_ALU_BSR: SIZED_BT("bsr"); break;
	case EMUL_ALU_IMUL: SIZED_BT("imul"); break;
	default: break;
	}
	r = d & size_mask(size);
	*flags = merge_flags(*flags, fl);
	return r;
}

u64 emul_fastop1(enum emul_op op, u64 dst, unsigned int size, u64 *flags)
{
	u64 d = dst & size_mask(size);
	u64 fl = *flags & EMUL_FLAGS_ARITH, keep = ~(u64)EMUL_FLAGS_ARITH;

	switch (op) {
	case EMUL_OP_NOT: SIZED1("not"); break;
	case EMUL_OP_NEG: SIZED1("neg"); break;
	case EMUL_OP_INC: SIZED1("inc"); break;
	case EMUL_OP_DEC: SIZED1("dec"); break;
	default: break;
	}
	*flags = merge_flags(*flags, fl);
	return d & size_mask(size);
}

/* SHLD/SHRD: the count in CL, which the CPU masks to 5 bits (6 for 64-bit operands). */
#define SIZED_SHIFT_DOUBLE(insn)                                                       \
	do {                                                                           \
		switch (size) {                                                        \
		case 2:                                                                \
			FASTOP(insn "w", "%%cl, %w[s], %w[d]", [s] "r"(s), "c"(count));  \
			break;                                                         \
		case 4:                                                                \
			FASTOP(insn "l", "%%cl, %k[s], %k[d]", [s] "r"(s), "c"(count));  \
			break;                                                         \
		default:                                                               \
			FASTOP(insn "q", "%%cl, %q[s], %q[d]", [s] "r"(s), "c"(count));  \
			break;                                                         \
		}                                                                      \
	} while (0)

u64 emul_fastop_shift_double(enum emul_alu op, u64 dst, u64 src, u8 count, unsigned int size,
			     u64 *flags)
{
	u64 d = dst & size_mask(size), s = src & size_mask(size);
	u64 fl = *flags & EMUL_FLAGS_ARITH, keep = ~(u64)EMUL_FLAGS_ARITH;

	if (op == EMUL_ALU_SHLD)
		SIZED_SHIFT_DOUBLE("shld");
	else
		SIZED_SHIFT_DOUBLE("shrd");
	*flags = merge_flags(*flags, fl);
	return d & size_mask(size);
}

/* MUL, IMUL, DIV, IDIV on rDX:rAX (AX for bytes) by s: the caller ruled out #DE. */
#define FASTOP_AD(insn, sreg)                                                            \
	__asm__ __volatile__("lea -" RED_ZONE "(%%rsp), %%rsp\n\t"                         \
			     "pushfq\n\t"                                                  \
			     "and %[keep], (%%rsp)\n\t"                                    \
			     "or %[fl], (%%rsp)\n\t"                                       \
			     "popfq\n\t" insn " %" sreg "[s]\n\t"                         \
			     "pushfq\n\t"                                                  \
			     "pop %[fl]\n\t"                                               \
			     "lea " RED_ZONE "(%%rsp), %%rsp"                              \
			     : "+a"(a), "+d"(dx), [fl] "+r"(fl)                            \
			     : [keep] "r"(keep), [s] "r"(s)                                \
			     : "cc", "memory")

#define SIZED_AD(insn)                                   \
	do {                                             \
		switch (size) {                          \
		case 1:                                  \
			FASTOP_AD(insn "b", "b");          \
			break;                           \
		case 2:                                  \
			FASTOP_AD(insn "w", "w");          \
			break;                           \
		case 4:                                  \
			FASTOP_AD(insn "l", "k");          \
			break;                           \
		default:                                 \
			FASTOP_AD(insn "q", "q");          \
			break;                           \
		}                                        \
	} while (0)

void emul_fastop_muldiv(enum emul_alu op, u64 *ax, u64 *dx_io, u64 src, unsigned int size,
			u64 *flags)
{
	u64 a = *ax, dx = *dx_io, s = src & size_mask(size);
	u64 fl = *flags & EMUL_FLAGS_ARITH, keep = ~(u64)EMUL_FLAGS_ARITH;

	switch (op) {
	case EMUL_ALU_MUL: SIZED_AD("mul"); break;
	case EMUL_ALU_IMUL1: SIZED_AD("imul"); break;
	case EMUL_ALU_DIV: SIZED_AD("div"); break;
	case EMUL_ALU_IDIV: SIZED_AD("idiv"); break;
	default: break;
	}
	*ax = a;
	*dx_io = dx;
	*flags = merge_flags(*flags, fl);
}
