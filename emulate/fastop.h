/*
 * ALU operations executed natively on the operands' values, so that the
 * flags are exactly the CPU's (KVM's "fastop" idea, emulate.c): the guest's
 * arithmetic flags go in (CF for ADC, SBB; all of them kept by INC, DEC,
 * NOT), the operation runs on registers, and its flags come out.
 */
#pragma once

#include "types.h"
#include "emulate/insn.h"

/*
 * dst op src at size bytes (1, 2, 4, 8; BT*, BSF, BSR and IMUL need 2, 4
 * or 8; BT* take the bit number in src; BSF/BSR scan src and leave dst when
 * it is 0) with *flags the guest's RFLAGS: returns the result (dst for CMP,
 * TEST and BT) and updates the arithmetic flags in *flags.
 */
u64 emul_fastop2(enum emul_alu op, u64 dst, u64 src, unsigned int size, u64 *flags);

/* The one-operand operations: NOT, NEG, INC, DEC (enum emul_op). */
u64 emul_fastop1(enum emul_op op, u64 dst, unsigned int size, u64 *flags);

/* SHLD/SHRD dst, src, count at size bytes (2, 4, 8): the shifted dst, *flags updated. */
u64 emul_fastop_shift_double(enum emul_alu op, u64 dst, u64 src, u8 count, unsigned int size,
			     u64 *flags);

/*
 * MUL, IMUL, DIV, IDIV (EMUL_ALU_MUL..IDIV) of rDX:rAX, or AX for size 1,
 * by src: *ax and *dx updated as the CPU updates RAX and RDX.  DIV and IDIV
 * must not raise #DE: the caller checks the divisor and the quotient first.
 */
void emul_fastop_muldiv(enum emul_alu op, u64 *ax, u64 *dx, u64 src, unsigned int size,
			u64 *flags);
