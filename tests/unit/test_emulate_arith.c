/*
 * BSF, BSR, IMUL (two and three operands) and SHLD/SHRD with their memory
 * operand on MMIO, against the fake vCPU ops (emulate_fake.h).  Expected
 * results are worked out here from the SDM's definitions (Vol. 2A "BSF",
 * "BSR", "IMUL"; Vol. 2B "SHLD", "SHRD"), some of them the values
 * kvm-unit-tests' x86/emulator.c checks.  The instruction bytes are GNU as
 * output (the comment on each is its source line).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "compiler.h"
#include "emulate_fake.h"

#define MMIO FAKE_MMIO_BASE
#define CF EMUL_FLAGS_CF
#define ZF EMUL_FLAGS_ZF
#define OF EMUL_FLAGS_OF

static struct fake_vm vm_storage;

/* 64-bit code, RBX at the MMIO window holding v. */
static struct fake_vm *vm_with(u64 v)
{
	fake_init(&vm_storage, X86EMUL_MODE_PROT64);
	vm_storage.ctxt.regs[EMUL_RBX] = MMIO;
	fake_mmio_put(&vm_storage, MMIO, v, 8);
	return &vm_storage;
}

static void bsf_bsr(void **state)
{
	struct fake_vm *vm = vm_with(0xc000);

	vm->ctxt.regs[EMUL_RAX] = 0x1111111111111111ULL;
	vm->ctxt.eflags |= ZF;
	assert_int_equal(RUN(vm, 0x66, 0x0f, 0xbc, 0x03), X86EMUL_CONTINUE);	/* bsf (%rbx),%ax */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0x111111111111000eULL);
	assert_false(vm->ctxt.eflags & ZF);
	assert_int_equal(vm->log[0].len, 2);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE + 4);

	vm = vm_with(0xc0000000);
	assert_int_equal(RUN(vm, 0x0f, 0xbd, 0x03), X86EMUL_CONTINUE);	/* bsr (%rbx),%eax */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 31);

	vm = vm_with(0xc00000000000ULL);
	assert_int_equal(RUN(vm, 0x48, 0x0f, 0xbc, 0x03), X86EMUL_CONTINUE);	/* bsf (%rbx),%rax */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 46);
	assert_int_equal(RUN(vm, 0x48, 0x0f, 0xbd, 0x03), X86EMUL_CONTINUE);	/* bsr (%rbx),%rax */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 47);
	assert_false(vm->ctxt.eflags & ZF);

	/* A zero source sets ZF; the 64-bit destination keeps its value. */
	vm = vm_with(0);
	vm->ctxt.regs[EMUL_RAX] = 0x1234;
	assert_int_equal(RUN(vm, 0x48, 0x0f, 0xbd, 0x03), X86EMUL_CONTINUE);	/* bsr (%rbx),%rax */
	assert_true(vm->ctxt.eflags & ZF);
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0x1234);

	/* F3 0F BC is TZCNT, another instruction: refused, not run as BSF. */
	assert_int_equal(RUN(vm, 0xf3, 0x0f, 0xbc, 0x03), X86EMUL_UNHANDLEABLE);
}

static void imul_forms(void **state)
{
	struct fake_vm *vm = vm_with(51);

	vm->ctxt.regs[EMUL_RAX] = 0x1234567812345678ULL;
	assert_int_equal(RUN(vm, 0x66, 0x0f, 0xaf, 0x03), X86EMUL_CONTINUE);	/* imul (%rbx),%ax */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0x12345678123439e8ULL);
	assert_int_equal(vm->ctxt.eflags & (CF | OF), CF | OF);	/* 0x1139e8 does not fit */

	vm->ctxt.regs[EMUL_RAX] = 0x1234567812345678ULL;
	assert_int_equal(RUN(vm, 0x0f, 0xaf, 0x03), X86EMUL_CONTINUE);	/* imul (%rbx),%eax */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0xa06d39e8ULL);

	vm->ctxt.regs[EMUL_RAX] = 0x1234567812345678ULL;
	assert_int_equal(RUN(vm, 0x48, 0x0f, 0xaf, 0x03), X86EMUL_CONTINUE);	/* imul (%rbx),%rax */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0xa06d39eba06d39e8ULL);

	/* Three operands: the register gets memory * imm, its old value unused. */
	vm = vm_with(0x1234567812345678ULL);
	vm->ctxt.regs[EMUL_RAX] = 0x8765432187654321ULL;
	/* imul $0x137,(%rbx),%ax */
	assert_int_equal(RUN(vm, 0x66, 0x69, 0x03, 0x37, 0x01), X86EMUL_CONTINUE);
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0x8765432187650bc8ULL);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE + 5);
	/* imul $0x33,(%rbx),%rax */
	assert_int_equal(RUN(vm, 0x48, 0x6b, 0x03, 0x33), X86EMUL_CONTINUE);
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0xa06d39eba06d39e8ULL);
	/* imul $0x137,(%rbx),%ecx */
	assert_int_equal(RUN(vm, 0x69, 0x0b, 0x37, 0x01, 0x00, 0x00), X86EMUL_CONTINUE);
	assert_int_equal(vm->ctxt.regs[EMUL_RCX], 0x1d950bc8ULL);

	/* A product that fits clears CF and OF; a negative imm8 is sign-extended. */
	vm = vm_with(3);
	vm->ctxt.eflags |= CF | OF;
	assert_int_equal(RUN(vm, 0x6b, 0x03, 0xfb), X86EMUL_CONTINUE);	/* imul $-5,(%rbx),%eax */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0xfffffff1ULL);
	assert_int_equal(vm->ctxt.eflags & (CF | OF), 0);
	assert_int_equal(vm->nr_log, 1);
	assert_false(vm->log[0].is_write);
}

static void shld_shrd(void **state)
{
	struct fake_vm *vm = vm_with(0x12345678);

	vm->ctxt.regs[EMUL_RDX] = 0xaaaaaaaa;
	vm->ctxt.regs[EMUL_RCX] = 3;
	assert_int_equal(RUN(vm, 0x0f, 0xa5, 0x13), X86EMUL_CONTINUE);	/* shld %cl,%edx,(%rbx) */
	assert_int_equal(fake_mmio_u64(vm, MMIO, 4), (0x12345678U << 3) | 5);
	assert_int_equal(vm->nr_log, 2);
	assert_true(vm->log[1].is_write);

	fake_mmio_put(vm, MMIO, 0x12345678, 4);
	vm->ctxt.regs[EMUL_RDX] = 0x55555555;
	assert_int_equal(RUN(vm, 0x0f, 0xad, 0x13), X86EMUL_CONTINUE);	/* shrd %cl,%edx,(%rbx) */
	assert_int_equal(fake_mmio_u64(vm, MMIO, 4), (0x12345678U >> 3) | (5U << 29));

	/* The imm8 count, 64 bits: CF is the last bit shifted out (bit 3 of 0x88). */
	vm = vm_with(0x1122334455667788ULL);
	vm->ctxt.regs[EMUL_RDX] = 0xf;
	/* shrd $4,%rdx,(%rbx) */
	assert_int_equal(RUN(vm, 0x48, 0x0f, 0xac, 0x13, 0x04), X86EMUL_CONTINUE);
	assert_int_equal(fake_mmio_u64(vm, MMIO, 8), 0xf112233445566778ULL);
	assert_true(vm->ctxt.eflags & CF);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE + 5);
	/* shld $8,%dx,(%rbx): 16 bits, the bytes above untouched */
	assert_int_equal(RUN(vm, 0x66, 0x0f, 0xa4, 0x13, 0x08), X86EMUL_CONTINUE);
	assert_int_equal(fake_mmio_u64(vm, MMIO, 8), 0xf112233445567800ULL);
	assert_int_equal(vm->log[vm->nr_log - 1].len, 2);

	/* A count of 0 (CL masked to 5 bits: 32) changes neither memory nor flags. */
	vm = vm_with(0x12345678);
	vm->ctxt.regs[EMUL_RCX] = 32;
	vm->ctxt.eflags |= CF;
	assert_int_equal(RUN(vm, 0x0f, 0xa5, 0x13), X86EMUL_CONTINUE);	/* shld %cl,%edx,(%rbx) */
	assert_int_equal(fake_mmio_u64(vm, MMIO, 4), 0x12345678);
	assert_true(vm->ctxt.eflags & CF);
}

static void mul_one_operand(void **state)
{
	struct fake_vm *vm = vm_with(3);

	vm->ctxt.regs[EMUL_RAX] = 0x1111111111111180ULL;
	assert_int_equal(RUN(vm, 0xf6, 0x23), X86EMUL_CONTINUE);	/* mulb (%rbx) */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0x1111111111110180ULL);
	assert_int_equal(vm->ctxt.eflags & (CF | OF), CF | OF);

	vm = vm_with(4);
	vm->ctxt.regs[EMUL_RAX] = 0xffffffff80000000ULL;
	vm->ctxt.regs[EMUL_RDX] = ~0ULL;
	assert_int_equal(RUN(vm, 0xf7, 0x23), X86EMUL_CONTINUE);	/* mull (%rbx) */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0);
	assert_int_equal(vm->ctxt.regs[EMUL_RDX], 2);

	vm = vm_with(5);
	vm->ctxt.regs[EMUL_RAX] = 3;
	vm->ctxt.regs[EMUL_RDX] = 9;
	vm->ctxt.eflags |= CF | OF;
	assert_int_equal(RUN(vm, 0x48, 0xf7, 0x23), X86EMUL_CONTINUE);	/* mulq (%rbx) */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 15);
	assert_int_equal(vm->ctxt.regs[EMUL_RDX], 0);
	assert_int_equal(vm->ctxt.eflags & (CF | OF), 0);

	vm->ctxt.regs[EMUL_RAX] = (u64)-2;
	vm->nr_log = 0;
	assert_int_equal(RUN(vm, 0x48, 0xf7, 0x2b), X86EMUL_CONTINUE);	/* imulq (%rbx) */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], (u64)-10);
	assert_int_equal(vm->ctxt.regs[EMUL_RDX], ~0ULL);
	assert_int_equal(vm->nr_log, 1);
}

static void div_one_operand(void **state)
{
	struct fake_vm *vm = vm_with(2);

	vm->ctxt.regs[EMUL_RDX] = 1;
	vm->ctxt.regs[EMUL_RAX] = 0;
	assert_int_equal(RUN(vm, 0x48, 0xf7, 0x33), X86EMUL_CONTINUE);	/* divq (%rbx) */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0x8000000000000000ULL);
	assert_int_equal(vm->ctxt.regs[EMUL_RDX], 0);

	vm->ctxt.regs[EMUL_RDX] = 0xffffffff00000000ULL;
	vm->ctxt.regs[EMUL_RAX] = 0xffffffff00000007ULL;
	assert_int_equal(RUN(vm, 0xf7, 0x33), X86EMUL_CONTINUE);	/* divl (%rbx) */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 3);
	assert_int_equal(vm->ctxt.regs[EMUL_RDX], 1);

	vm = vm_with(0x10);
	vm->ctxt.regs[EMUL_RAX] = 0x0107;
	assert_int_equal(RUN(vm, 0xf6, 0x33), X86EMUL_CONTINUE);	/* divb (%rbx) */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0x0710);

	vm = vm_with(2);
	vm->ctxt.regs[EMUL_RDX] = ~0ULL;
	vm->ctxt.regs[EMUL_RAX] = (u64)-7;
	assert_int_equal(RUN(vm, 0x48, 0xf7, 0x3b), X86EMUL_CONTINUE);	/* idivq (%rbx) */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], (u64)-3);
	assert_int_equal(vm->ctxt.regs[EMUL_RDX], (u64)-1);

	/* -128 / -1 in a byte: 128 does not fit; 128 / -1 does. */
	vm = vm_with(0xff);
	vm->ctxt.regs[EMUL_RAX] = 0x0080;
	assert_int_equal(RUN(vm, 0xf6, 0x3b), X86EMUL_CONTINUE);	/* idivb (%rbx) */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0x0080);
}

/* #DE is found before the native division: injected, the registers as they were. */
static void expect_de(u64 m, u64 rdx, u64 rax, u8 b0, u8 b1, u8 b2)
{
	struct fake_vm *vm = vm_with(m);

	vm->ctxt.regs[EMUL_RDX] = rdx;
	vm->ctxt.regs[EMUL_RAX] = rax;
	assert_int_equal(RUN(vm, b0, b1, b2), X86EMUL_PROPAGATE_FAULT);
	assert_int_equal(vm->ctxt.exception.vector, EMUL_DE_VECTOR);
	assert_false(vm->ctxt.exception.error_code_valid);
	assert_int_equal(vm->ctxt.regs[EMUL_RDX], rdx);
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], rax);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE);
}

static void divide_errors(void **state)
{
	expect_de(0, 0, 1, 0x48, 0xf7, 0x33);			/* divq by 0 */
	expect_de(2, 2, 0, 0x48, 0xf7, 0x33);			/* divq: quotient 2^64 */
	expect_de(0x100000000ULL, 0, 1, 0xf7, 0x7b, 0x00);	/* idivl 0(%rbx): its 32 bits are 0 */
	expect_de(0, 0, 0x100, 0xf6, 0x73, 0x00);		/* divb 0(%rbx) by 0 */
}

static void divide_overflows(void **state)
{
	/* INT128_MIN / -1, C's own overflow, and the CPU's #DE. */
	expect_de(~0ULL, 0x8000000000000000ULL, 0, 0x48, 0xf7, 0x3b);	/* idivq */
	expect_de(1, 0, 0x80000000ULL, 0xf7, 0x7b, 0x00);	/* idivl 0(%rbx): 2^31 */
	expect_de(0xff, 0, 0xff80, 0xf6, 0x7b, 0x00);		/* idivb 0(%rbx): -128 / -1 */
	expect_de(0x10, 0, 0x1000, 0xf6, 0x73, 0x00);		/* divb 0(%rbx): 256 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bsf_bsr),
		cmocka_unit_test(imul_forms),
		cmocka_unit_test(shld_shrd),
		cmocka_unit_test(mul_one_operand),
		cmocka_unit_test(div_one_operand),
		cmocka_unit_test(divide_errors),
		cmocka_unit_test(divide_overflows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
