/*
 * A guest's general registers as vmx/entry.S saves them, in the x86
 * register-number order (ModRM/REX numbering, SDM Vol. 2A 2.1.5), so that
 * an instruction's register field indexes them directly; plus CR2, which
 * VM exits do not save.
 */
#pragma once

#include "types.h"

struct guest_gprs {
	u64 rax, rcx, rdx, rbx, rsp_unused, rbp, rsi, rdi;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 cr2;
};
