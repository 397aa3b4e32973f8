/* A guest's general registers by number (include/arch/x86/gprs.h). */
#include "compiler.h"
#include "lib/panic.h"
#include "arch/x86/gprs.h"

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

u64 *gpr_ptr(struct guest_gprs *g, unsigned int reg)
{
	CHECK(reg < GPR_NR);
	return (u64 *)((char *)g + gpr_offset[reg]);
}
