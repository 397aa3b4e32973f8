/*
 * The emulator's system instructions against the fake vCPU ops
 * (emulate_fake.h): SMSW and LMSW with a memory operand on MMIO (SDM Vol.
 * 2B "SMSW", Vol. 2A "LMSW"), the other group 7 forms refused by name, and
 * LTR with its selector on MMIO loading TR from the GDT.
 * The instruction bytes are GNU as output (the comment on each is its
 * source line).
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
#define CR0_ET 0x10ULL
#define CR0_MSW_BITS 0xeULL	/* MP, EM, TS */
#define GUEST_CR0 (FAKE_CR0_PG | 0x50033ULL)	/* PG, AM, WP, NE, ET, MP, PE */

static struct fake_vm vm_storage;

static struct fake_vm *vm_in(enum x86emul_mode mode)
{
	fake_init(&vm_storage, mode);
	vm_storage.cr0 = GUEST_CR0;
	vm_storage.ctxt.regs[EMUL_RBX] = MMIO;
	memset(vm_storage.mmio, 0xff, sizeof(vm_storage.mmio));
	return &vm_storage;
}

/* SMSW m16 writes two bytes whatever 66 or REX.W say; the bytes after stay. */
static void smsw_stores_cr0_low_word(void **state)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);

	assert_int_equal(RUN(vm, 0x0f, 0x01, 0x23), X86EMUL_CONTINUE);	/* smsw (%rbx) */
	assert_int_equal(fake_mmio_u64(vm, MMIO, 8), 0xffffffffffff0033ULL);
	assert_int_equal(vm->nr_log, 1);
	assert_true(vm->log[0].is_write);
	assert_int_equal(vm->log[0].len, 2);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE + 3);

	vm = vm_in(X86EMUL_MODE_PROT64);
	/* rex.W smsw 0x10(%rbx) */
	assert_int_equal(RUN(vm, 0x48, 0x0f, 0x01, 0x63, 0x10), X86EMUL_CONTINUE);
	assert_int_equal(fake_mmio_u64(vm, MMIO + 0x10, 8), 0xffffffffffff0033ULL);
	assert_int_equal(vm->log[0].len, 2);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE + 5);

	vm = vm_in(X86EMUL_MODE_PROT32);
	assert_int_equal(RUN(vm, 0x66, 0x0f, 0x01, 0x23), X86EMUL_CONTINUE);	/* data16 smsw (%ebx) */
	assert_int_equal(fake_mmio_u64(vm, MMIO, 4), 0xffff0033ULL);
	assert_int_equal(vm->log[0].len, 2);
}

/* LMSW loads MP, EM and TS, sets PE but never clears it, and ignores bits 15:4. */
static void lmsw_loads_low_bits(void **state)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);

	fake_mmio_put(vm, MMIO, 0xfffe, 2);
	assert_int_equal(RUN(vm, 0x0f, 0x01, 0x33), X86EMUL_CONTINUE);	/* lmsw (%rbx) */
	assert_int_equal(vm->cr0, (GUEST_CR0 & ~0xfULL) | CR0_MSW_BITS | EMUL_CR0_PE);
	assert_int_equal(vm->nr_log, 1);
	assert_false(vm->log[0].is_write);
	assert_int_equal(vm->log[0].len, 2);
	/* The read is answered and the instruction run again: CR0 is written once. */
	assert_int_equal(vm->runs, 2);
	assert_int_equal(vm->cr_writes, 1);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE + 3);

	/* From real mode: PE set, and nothing else of the word taken. */
	vm = vm_in(X86EMUL_MODE_REAL);
	vm->cr0 = CR0_ET;
	vm->ctxt.regs[EMUL_RBX] = 0;
	vm->seg[VCPU_SREG_DS].base = MMIO;
	fake_mmio_put(vm, MMIO, 0xfff1, 2);
	assert_int_equal(RUN(vm, 0x0f, 0x01, 0x37), X86EMUL_CONTINUE);	/* lmsw (%bx) */
	assert_int_equal(vm->cr0, CR0_ET | EMUL_CR0_PE);
}

/* A CR0 value the MOV's checks refuse is #GP(0), the registers and RIP unchanged. */
static void lmsw_refused_write_is_gp(void **state)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);

	vm->cr0 = FAKE_CR0_PG;	/* PE clear: LMSW cannot set a valid CR0 without setting it */
	fake_mmio_put(vm, MMIO, 0, 2);
	assert_int_equal(RUN(vm, 0x0f, 0x01, 0x33), X86EMUL_PROPAGATE_FAULT);
	assert_int_equal(vm->ctxt.exception.vector, EMUL_GP_VECTOR);
	assert_true(vm->ctxt.exception.error_code_valid);
	assert_int_equal(vm->ctxt.exception.error_code, 0);
	assert_int_equal(vm->cr0, FAKE_CR0_PG);
	assert_int_equal(vm->cr_writes, 0);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE);
}

/* The descriptor-table forms and INVLPG are refused by name; a register SMSW has no access. */
static void group7_refusals(void **state)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);

	assert_int_equal(RUN(vm, 0x0f, 0x01, 0x03), X86EMUL_UNHANDLEABLE);	/* sgdt (%rbx) */
	assert_non_null(strstr(vm->ctxt.why, "sgdt"));
	assert_int_equal(RUN(vm, 0x0f, 0x01, 0x13), X86EMUL_UNHANDLEABLE);	/* lgdt (%rbx) */
	assert_non_null(strstr(vm->ctxt.why, "lgdt"));
	assert_int_equal(RUN(vm, 0x0f, 0x01, 0x3b), X86EMUL_UNHANDLEABLE);	/* invlpg (%rbx) */
	assert_non_null(strstr(vm->ctxt.why, "invlpg"));
	assert_int_equal(RUN(vm, 0x0f, 0x01, 0xe0), X86EMUL_UNHANDLEABLE);	/* smsw %eax */
	assert_non_null(strstr(vm->ctxt.why, "register operand"));
	assert_int_equal(vm->nr_log, 0);
	assert_int_equal(vm->cr_writes, 0);
}

/* ---- LTR (SDM Vol. 2A "LTR"; descriptors Vol. 3A 8.2.2, 8.2.3) ---- */

#define GDT 0x2000ULL
#define TSS_SEL 0x20
#define TSS_LO 0x1200893456780067ULL	/* base 31:0 0x12345678, limit 0x67, P, type 9 */
#define TSS_HI 0xffff8000ULL		/* base 63:32 */
#define TYPE_BYTE 5

static struct fake_vm *vm_ltr(enum x86emul_mode mode, u16 sel, u64 lo, u64 hi)
{
	struct fake_vm *vm = vm_in(mode);

	vm->gdt_base = GDT;
	vm->gdt_limit = 0x3f;
	memcpy(vm->ram + GDT + TSS_SEL, &lo, sizeof(lo));
	memcpy(vm->ram + GDT + TSS_SEL + 8, &hi, sizeof(hi));
	fake_mmio_put(vm, MMIO, sel, 2);
	return vm;
}

static void ltr_loads_and_marks_busy(void **state)
{
	struct fake_vm *vm = vm_ltr(X86EMUL_MODE_PROT64, TSS_SEL, TSS_LO, TSS_HI);

	assert_int_equal(RUN(vm, 0x0f, 0x00, 0x1b), X86EMUL_CONTINUE);	/* ltr (%rbx) */
	assert_int_equal(vm->tr.loads, 1);
	assert_int_equal(vm->tr.sel, TSS_SEL);
	assert_int_equal(vm->tr.base, 0xffff800012345678ULL);
	assert_int_equal(vm->tr.limit, 0x67);
	assert_int_equal(vm->tr.ar, 0x8b);	/* P, busy 64-bit TSS */
	assert_int_equal(vm->ram[GDT + TSS_SEL + TYPE_BYTE], 0x8b);
	assert_int_equal(vm->nr_log, 1);
	assert_int_equal(vm->log[0].len, 2);
	assert_int_equal(vm->runs, 2);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE + 3);

	/* 32-bit code: 8-byte descriptors, a 16-bit TSS is allowed, G scales the limit. */
	vm = vm_ltr(X86EMUL_MODE_PROT32, TSS_SEL | 3, 0x0080810000000001ULL, 0);
	assert_int_equal(RUN(vm, 0x0f, 0x00, 0x1b), X86EMUL_CONTINUE);	/* ltr (%ebx) */
	assert_int_equal(vm->tr.sel, TSS_SEL | 3);
	assert_int_equal(vm->tr.base, 0);
	assert_int_equal(vm->tr.limit, 0x1fff);
	assert_int_equal(vm->tr.ar, 0x8083);
	assert_int_equal(vm->ram[GDT + TSS_SEL + TYPE_BYTE], 0x83);
}

static void expect_fault(struct fake_vm *vm, u8 vector, u16 error_code)
{
	u8 type_byte = vm->ram[GDT + TSS_SEL + TYPE_BYTE];

	assert_int_equal(RUN(vm, 0x0f, 0x00, 0x1b), X86EMUL_PROPAGATE_FAULT);
	assert_int_equal(vm->ctxt.exception.vector, vector);
	assert_int_equal(vm->ctxt.exception.error_code, error_code);
	assert_int_equal(vm->tr.loads, 0);
	assert_int_equal(vm->ram[GDT + TSS_SEL + TYPE_BYTE], type_byte);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE);
}

static void ltr_faults(void **state)
{
	const u64 busy = TSS_LO | (2ULL << 40), absent = TSS_LO & ~(1ULL << 47);

	expect_fault(vm_ltr(X86EMUL_MODE_PROT64, 3, TSS_LO, TSS_HI), EMUL_GP_VECTOR, 0);
	expect_fault(vm_ltr(X86EMUL_MODE_PROT64, TSS_SEL | 4, TSS_LO, TSS_HI), EMUL_GP_VECTOR,
		     TSS_SEL | 4);	/* TI: an LDT selector */
	expect_fault(vm_ltr(X86EMUL_MODE_PROT64, 0x38, TSS_LO, TSS_HI), EMUL_GP_VECTOR, 0x38);
	expect_fault(vm_ltr(X86EMUL_MODE_PROT64, TSS_SEL, busy, TSS_HI), EMUL_GP_VECTOR, TSS_SEL);
	expect_fault(vm_ltr(X86EMUL_MODE_PROT64, TSS_SEL, TSS_LO & ~(8ULL << 40), TSS_HI),
		     EMUL_GP_VECTOR, TSS_SEL);	/* a 16-bit TSS in IA-32e mode */
	expect_fault(vm_ltr(X86EMUL_MODE_PROT64, TSS_SEL, TSS_LO, 0x8000), EMUL_GP_VECTOR,
		     TSS_SEL);	/* a non-canonical base */
	expect_fault(vm_ltr(X86EMUL_MODE_PROT64, TSS_SEL, TSS_LO, TSS_HI | (1ULL << 40)),
		     EMUL_GP_VECTOR, TSS_SEL);	/* the upper half's type bits */
	expect_fault(vm_ltr(X86EMUL_MODE_PROT64, TSS_SEL | 1, absent, TSS_HI), EMUL_NP_VECTOR,
		     TSS_SEL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(smsw_stores_cr0_low_word),
		cmocka_unit_test(lmsw_loads_low_bits),
		cmocka_unit_test(lmsw_refused_write_is_gp),
		cmocka_unit_test(group7_refusals),
		cmocka_unit_test(ltr_loads_and_marks_busy),
		cmocka_unit_test(ltr_faults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
