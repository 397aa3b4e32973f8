/*
 * A guest's general registers by their ModRM/REX number (arch/x86/gprs.c):
 * vmx/exit_cr.c reaches MOV CR's register through it, and
 * vmx/emulate_ops.c copies guest_gprs as the emulator's register file in
 * the same order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "compiler.h"
#include "arch/x86/gprs.h"

static void gpr_numbering(void **state)
{
	struct guest_gprs g;
	u64 *const want[GPR_NR] = {
		&g.rax, &g.rcx, &g.rdx, &g.rbx, &g.rsp_unused, &g.rbp, &g.rsi, &g.rdi,
		&g.r8, &g.r9, &g.r10, &g.r11, &g.r12, &g.r13, &g.r14, &g.r15,
	};
	unsigned int i;

	for (i = 0; i < GPR_NR; i++) {
		assert_ptr_equal(gpr_ptr(&g, i), want[i]);
		/* ... which is also the position in the struct: register i is the i-th u64. */
		assert_ptr_equal(gpr_ptr(&g, i), (u64 *)&g + i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gpr_numbering),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
