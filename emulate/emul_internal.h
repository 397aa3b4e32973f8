/*
 * What emulate/'s files share: guest memory by linear address
 * (emulate/mem.c), registers and addresses (emulate/regs.c), and the
 * instruction classes' executors.
 */
#pragma once

#include <stdarg.h>

#include "compiler.h"
#include "emulate/emulate.h"

#define EMUL_PAGE_SIZE 4096ULL

/* Fill ctxt->why and return X86EMUL_UNHANDLEABLE. */
int emul_refuse(struct x86_emulate_ctxt *ctxt, const char *fmt, ...) __printf(2, 3);

/* Set ctxt->exception (vector, error code 0 where it has one) and return X86EMUL_PROPAGATE_FAULT. */
int emul_fault(struct x86_emulate_ctxt *ctxt, u8 vector, bool has_error_code, u16 error_code);

/* seg:ea (ea masked by the caller) checked against the segment, as a linear address. */
int emul_linear(struct x86_emulate_ctxt *ctxt, int seg, u64 ea, unsigned int size, u64 *la);

/* A 48-bit canonical address (SDM Vol. 1 3.3.7.1). */
bool emul_is_canonical(u64 la);

/* The segment's base for a linear address, without checks (the exit-address test). */
u64 emul_seg_base(struct x86_emulate_ctxt *ctxt, int seg);

/* size bytes (up to EMUL_VEC_BYTES) at la: RAM pages read, MMIO through the read log. */
int emul_read(struct x86_emulate_ctxt *ctxt, u64 la, void *val, unsigned int size, u32 access);

/* size bytes to la: RAM pages written, MMIO queued as posted write fragments. */
int emul_write(struct x86_emulate_ctxt *ctxt, u64 la, const void *val, unsigned int size);

/* Registers. */
u64 emul_mask(unsigned int bytes);
u64 emul_sign_extend(u64 v, unsigned int bytes);
u64 emul_reg_read(struct x86_emulate_ctxt *ctxt, int reg, unsigned int size, bool high_byte);
void emul_reg_write(struct x86_emulate_ctxt *ctxt, int reg, u64 v, unsigned int size,
		    bool high_byte);
/* reg += delta within the low bytes (an address-sized register update, as KVM's). */
void emul_reg_add_masked(struct x86_emulate_ctxt *ctxt, int reg, s64 delta, unsigned int bytes);

/* The ModRM/moffs operand's segment at ea, checked, as a linear address. */
int emul_operand_la(struct x86_emulate_ctxt *ctxt, u64 ea, unsigned int size, u64 *la);

/* The effective address of the ModRM/moffs operand, with rsp standing for RSP. */
u64 emul_modrm_ea(struct x86_emulate_ctxt *ctxt, u64 rsp);

/* The linear address of the ModRM memory operand, size bytes (the instruction's own RSP for SIB). */
int emul_modrm_la(struct x86_emulate_ctxt *ctxt, unsigned int size, u64 *la);

/* The stack pointer's width: 8 in 64-bit mode, else SS.B's 4 or 2 (SDM Vol. 3A 3.4.5). */
unsigned int emul_stack_bytes(struct x86_emulate_ctxt *ctxt);

/* The instruction classes (emulate/exec_*.c). */
int emul_exec_mov(struct x86_emulate_ctxt *ctxt);
int emul_exec_alu(struct x86_emulate_ctxt *ctxt);
int emul_exec_bt(struct x86_emulate_ctxt *ctxt);
/* BT*'s operand: a register bit offset reaches beyond it (SDM Vol. 2A "BT"). */
void emul_bt_operand(struct x86_emulate_ctxt *ctxt, u64 *ea, u64 *bit);
int emul_exec_stack(struct x86_emulate_ctxt *ctxt);
int emul_exec_string(struct x86_emulate_ctxt *ctxt);
int emul_exec_vec(struct x86_emulate_ctxt *ctxt);
int emul_exec_sys(struct x86_emulate_ctxt *ctxt);
int emul_exec_muldiv(struct x86_emulate_ctxt *ctxt);
/* Push size bytes of v at SS:RSP, RSP moved down (emulate/exec_stack.c). */
int emul_push(struct x86_emulate_ctxt *ctxt, u64 v, unsigned int size);
/* Read size bytes at SS:rsp; *new_sp is rsp after the pop, in the stack's width. */
int emul_pop_at(struct x86_emulate_ctxt *ctxt, u64 rsp, unsigned int size, u64 *v, u64 *new_sp);
int emul_exec_mov_sreg(struct x86_emulate_ctxt *ctxt);
int emul_exec_mmx(struct x86_emulate_ctxt *ctxt);
int emul_exec_branch(struct x86_emulate_ctxt *ctxt);
/*
 * Load CS from selector sel for a far JMP or CALL to offset ip; a CALL
 * pushes CS and the return RIP once every check passed (emulate/exec_seg.c).
 */
int emul_load_cs_far(struct x86_emulate_ctxt *ctxt, u16 sel, u64 ip, bool call);
/* Push two operand-sized values as one access, a far CALL's CS then RIP (emulate/exec_stack.c). */
int emul_push_pair(struct x86_emulate_ctxt *ctxt, u64 first, u64 second, unsigned int size);
/* LTR with its selector at la (emulate/exec_ltr.c). */
int emul_ltr(struct x86_emulate_ctxt *ctxt, u64 la);
