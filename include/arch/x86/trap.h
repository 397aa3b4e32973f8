/* Exception and interrupt entry: the saved register frame and its handlers. */
#pragma once

#include "types.h"

/* Exception vectors (SDM Vol. 3A 6.3.1). */
#define X86_TRAP_DE 0
#define X86_TRAP_DB 1
#define X86_TRAP_NMI 2
#define X86_TRAP_BP 3
#define X86_TRAP_OF 4
#define X86_TRAP_UD 6
#define X86_TRAP_DF 8
#define X86_TRAP_GP 13
#define X86_TRAP_PF 14
#define X86_TRAP_MC 18
#define X86_NR_EXCEPTIONS 32

/* Laid out by trap_common in arch/x86/isr.S: pushed GPRs, then vector, error code, the CPU's frame. */
struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_frame must match isr.S");

/* Where a fault was recovered through the fixup table (see extable.h). */
struct trap_record {
	u64 vector;
	u64 error_code;
	u64 rip;
	u64 cr2;
};

/* Called from isr.S for every vector. */
void trap_dispatch(struct trap_frame *f);

/* The last fault recovered through the fixup table, and how many dumps were printed. */
extern struct trap_record trap_last_recovered;
extern unsigned long trap_dump_count;

/* Short mnemonic of an exception vector ("#PF"), or "INT" for other vectors. */
const char *trap_name(u64 vector);

/* Print the frame-pointer chain starting at rip/rbp. */
void stack_trace_print(u64 rip, u64 rbp);
