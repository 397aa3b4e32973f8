/*
 * The emulator's control transfers, segment loads, CMOVcc and MMX moves
 * against the fake vCPU ops (emulate_fake.h), each with its operand or
 * stack on MMIO: near RET, LEAVE, ENTER, JMP/CALL through memory and far
 * JMP/CALL through memory (SDM Vol. 2A "CALL", "ENTER", "JMP", Vol. 2B
 * "LEAVE", "RET"), MOV Sreg to and from memory (Vol. 2B "MOV"), CMOVcc
 * (Vol. 2A) and MMX MOVD/MOVQ (Vol. 2B), with the faults each raises.  The
 * instruction bytes are GNU as output (the comment on each is its source
 * line).
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
#define TARGET 0x1234ULL
#define NONCANONICAL 0x8000000000000000ULL
#define GDT 0x2000ULL
#define CODE_SEL 0x08
#define DATA_SEL 0x10
#define DESC_CODE64 0x00af9a000000ffffULL	/* 64-bit code, DPL 0, not yet accessed */
#define DESC_DATA 0x00cf92000000ffffULL		/* read/write data, DPL 0, not yet accessed */
#define DESC_P (1ULL << 47)
#define DESC_DPL3 (3ULL << 45)
#define TYPE_BYTE 5
#define AR_CODE64 0xa09bU			/* as loaded: accessed */
#define AR_DATA 0xc093U
#define GUEST_CR0 0x80050033ULL			/* PG, AM, WP, NE, ET, MP, PE */

static struct fake_vm vm_storage;

static struct fake_vm *vm_in(enum x86emul_mode mode)
{
	fake_init(&vm_storage, mode);
	vm_storage.cr0 = GUEST_CR0;
	vm_storage.ctxt.regs[EMUL_RBX] = MMIO;
	vm_storage.gdt_base = GDT;
	vm_storage.gdt_limit = 0x1f;
	memcpy(vm_storage.ram + GDT + CODE_SEL, &(u64){ DESC_CODE64 }, sizeof(u64));
	memcpy(vm_storage.ram + GDT + DATA_SEL, &(u64){ DESC_DATA }, sizeof(u64));
	return &vm_storage;
}

static void expect_fault(struct fake_vm *vm, int r, u8 vector, u16 error_code, u64 rsp)
{
	assert_int_equal(r, X86EMUL_PROPAGATE_FAULT);
	assert_int_equal(vm->ctxt.exception.vector, vector);
	assert_int_equal(vm->ctxt.exception.error_code, error_code);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE);
	assert_int_equal(vm->ctxt.regs[EMUL_RSP], rsp);
}

/* RET pops RIP from an MMIO stack; RET imm16 releases imm16 bytes more; a bad RIP is #GP(0). */
static void ret_pops_rip(void **state)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);

	vm->ctxt.regs[EMUL_RSP] = MMIO + 0x20;
	fake_mmio_put(vm, MMIO + 0x20, TARGET, 8);
	assert_int_equal(RUN(vm, 0xc3), X86EMUL_CONTINUE);	/* ret */
	assert_int_equal(vm->ctxt.eip, TARGET);
	assert_int_equal(vm->ctxt.regs[EMUL_RSP], MMIO + 0x28);
	assert_int_equal(vm->nr_log, 1);
	assert_int_equal(vm->log[0].len, 8);

	vm = vm_in(X86EMUL_MODE_PROT64);
	vm->ctxt.regs[EMUL_RSP] = MMIO + 0x20;
	fake_mmio_put(vm, MMIO + 0x20, TARGET, 8);
	assert_int_equal(RUN(vm, 0xc2, 0x10, 0x00), X86EMUL_CONTINUE);	/* ret $0x10 */
	assert_int_equal(vm->ctxt.eip, TARGET);
	assert_int_equal(vm->ctxt.regs[EMUL_RSP], MMIO + 0x38);

	vm = vm_in(X86EMUL_MODE_PROT64);
	vm->ctxt.regs[EMUL_RSP] = MMIO + 0x20;
	fake_mmio_put(vm, MMIO + 0x20, NONCANONICAL, 8);
	expect_fault(vm, RUN(vm, 0xc3), EMUL_GP_VECTOR, 0, MMIO + 0x20);

	/* 32-bit code: a RIP beyond CS's limit is #GP(0). */
	vm = vm_in(X86EMUL_MODE_PROT32);
	vm->seg[VCPU_SREG_CS].limit = 0xffff;
	vm->ctxt.regs[EMUL_RSP] = MMIO + 0x20;
	fake_mmio_put(vm, MMIO + 0x20, 0x10000, 4);
	expect_fault(vm, RUN(vm, 0xc3), EMUL_GP_VECTOR, 0, MMIO + 0x20);
}

/* LEAVE: RSP takes RBP, then RBP is popped from the MMIO frame. */
static void leave_pops_rbp(void **state)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);

	vm->ctxt.regs[EMUL_RSP] = 0x8000;
	vm->ctxt.regs[EMUL_RBP] = MMIO + 0x40;
	fake_mmio_put(vm, MMIO + 0x40, 0x778899, 8);
	assert_int_equal(RUN(vm, 0xc9), X86EMUL_CONTINUE);	/* leave */
	assert_int_equal(vm->ctxt.regs[EMUL_RSP], MMIO + 0x48);
	assert_int_equal(vm->ctxt.regs[EMUL_RBP], 0x778899);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE + 1);
}

/* ENTER size, 0 pushes RBP (here across the end of RAM into MMIO), then moves RBP and RSP. */
static void enter_level0(void **state)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);
	u64 rsp = MMIO + 4;

	vm->ctxt.regs[EMUL_RSP] = rsp;
	vm->ctxt.regs[EMUL_RBP] = 0x1122334455667788ULL;
	/* enter $0x1234,$0 */
	assert_int_equal(RUN(vm, 0xc8, 0x34, 0x12, 0x00), X86EMUL_CONTINUE);
	assert_int_equal(vm->ctxt.regs[EMUL_RBP], rsp - 8);
	assert_int_equal(vm->ctxt.regs[EMUL_RSP], rsp - 8 - 0x1234);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE + 4);
	assert_memory_equal(vm->ram + MMIO - 4, "\x88\x77\x66\x55", 4);
	assert_int_equal(fake_mmio_u64(vm, MMIO, 4), 0x11223344);
	assert_int_equal(vm->nr_log, 1);
	assert_true(vm->log[0].is_write);
	assert_int_equal(vm->log[0].len, 4);

	vm = vm_in(X86EMUL_MODE_PROT64);
	vm->ctxt.regs[EMUL_RSP] = MMIO + 0x100;
	/* enter $8,$1 */
	assert_int_equal(RUN(vm, 0xc8, 0x08, 0x00, 0x01), X86EMUL_UNHANDLEABLE);
	assert_non_null(strstr(vm->ctxt.why, "nesting level 1"));
	assert_int_equal(vm->nr_log, 0);
}

/* JMP *(%rbx) and CALL *(%rbx) with the target on MMIO; a non-canonical one is #GP(0). */
static void near_indirect(void **state)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);

	fake_mmio_put(vm, MMIO, TARGET, 8);
	assert_int_equal(RUN(vm, 0xff, 0x23), X86EMUL_CONTINUE);	/* jmp *(%rbx) */
	assert_int_equal(vm->ctxt.eip, TARGET);

	vm = vm_in(X86EMUL_MODE_PROT64);
	vm->ctxt.regs[EMUL_RSP] = 0x8000;
	fake_mmio_put(vm, MMIO, TARGET, 8);
	assert_int_equal(RUN(vm, 0xff, 0x13), X86EMUL_CONTINUE);	/* call *(%rbx) */
	assert_int_equal(vm->ctxt.eip, TARGET);
	assert_int_equal(vm->ctxt.regs[EMUL_RSP], 0x7ff8);
	assert_memory_equal(vm->ram + 0x7ff8, &(u64){ FAKE_CODE + 2 }, 8);

	vm = vm_in(X86EMUL_MODE_PROT64);
	vm->ctxt.regs[EMUL_RSP] = 0x8000;
	fake_mmio_put(vm, MMIO, NONCANONICAL, 8);
	expect_fault(vm, RUN(vm, 0xff, 0x13), EMUL_GP_VECTOR, 0, 0x8000);	/* call *(%rbx) */
	assert_memory_equal(vm->ram + 0x7ff8, "\0\0\0\0\0\0\0\0", 8);
	expect_fault(vm, RUN(vm, 0xff, 0x23), EMUL_GP_VECTOR, 0, 0x8000);	/* jmp *(%rbx) */
}

static void put_far_pointer(struct fake_vm *vm, u64 ip, u16 sel)
{
	fake_mmio_put(vm, MMIO, ip, 8);
	fake_mmio_put(vm, MMIO + 8, sel, 2);
}

/* REX.W LJMP *(%rbx): m16:64 on MMIO, CS loaded from the GDT and marked accessed. */
static void far_jmp_loads_cs(void **state)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);

	put_far_pointer(vm, TARGET, CODE_SEL);
	assert_int_equal(RUN(vm, 0x48, 0xff, 0x2b), X86EMUL_CONTINUE);	/* rex.W ljmp *(%rbx) */
	assert_int_equal(vm->ctxt.eip, TARGET);
	assert_int_equal(vm->sreg[VCPU_SREG_CS].loads, 1);
	assert_int_equal(vm->sreg[VCPU_SREG_CS].sel, CODE_SEL);
	assert_int_equal(vm->sreg[VCPU_SREG_CS].ar, AR_CODE64);
	assert_int_equal(vm->ram[GDT + CODE_SEL + TYPE_BYTE], 0x9b);
	assert_int_equal(vm->nr_log, 2);	/* 10 bytes: an 8-byte and a 2-byte fragment */
}

static void far_jmp_fault(u64 desc, u16 sel, u64 ip, u8 vector, u16 error_code)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);

	memcpy(vm->ram + GDT + CODE_SEL, &desc, sizeof(desc));
	put_far_pointer(vm, ip, sel);
	expect_fault(vm, RUN(vm, 0x48, 0xff, 0x2b), vector, error_code, 0);
	assert_int_equal(vm->sreg[VCPU_SREG_CS].loads, 0);
	assert_int_equal(vm->ram[GDT + CODE_SEL + TYPE_BYTE], (u8)(desc >> 40));
}

static void far_jmp_faults(void **state)
{
	struct fake_vm *vm;

	far_jmp_fault(DESC_CODE64, 0, TARGET, EMUL_GP_VECTOR, 0);		/* null */
	far_jmp_fault(DESC_CODE64, 0x20, TARGET, EMUL_GP_VECTOR, 0x20);		/* past the limit */
	far_jmp_fault(DESC_DATA, CODE_SEL, TARGET, EMUL_GP_VECTOR, CODE_SEL);	/* not code */
	far_jmp_fault(DESC_CODE64 | DESC_DPL3, CODE_SEL, TARGET, EMUL_GP_VECTOR, CODE_SEL);
	/* RPL > CPL */
	far_jmp_fault(DESC_CODE64, CODE_SEL | 3, TARGET, EMUL_GP_VECTOR, CODE_SEL);
	far_jmp_fault(DESC_CODE64 | (1ULL << 54), CODE_SEL, TARGET, EMUL_GP_VECTOR, CODE_SEL);
	far_jmp_fault(DESC_CODE64 & ~DESC_P, CODE_SEL, TARGET, EMUL_NP_VECTOR, CODE_SEL);
	far_jmp_fault(DESC_CODE64, CODE_SEL, NONCANONICAL, EMUL_GP_VECTOR, 0);

	/* A call gate (S clear) is refused by name. */
	vm = vm_in(X86EMUL_MODE_PROT64);
	memcpy(vm->ram + GDT + CODE_SEL, &(u64){ 0x00008c0000000000ULL }, sizeof(u64));
	put_far_pointer(vm, TARGET, CODE_SEL);
	assert_int_equal(RUN(vm, 0x48, 0xff, 0x2b), X86EMUL_UNHANDLEABLE);
	assert_non_null(strstr(vm->ctxt.why, "gate"));
}

/* REX.W LCALL *(%rbx): CS and the return RIP pushed as one access, then CS loaded. */
static void far_call_pushes_and_loads_cs(void **state)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);
	u64 rsp = MMIO + 8;	/* the pushes straddle the end of RAM and MMIO */

	vm->seg[VCPU_SREG_CS].sel = CODE_SEL;
	vm->ctxt.regs[EMUL_RSP] = rsp;
	put_far_pointer(vm, TARGET, CODE_SEL);
	assert_int_equal(RUN(vm, 0x48, 0xff, 0x1b), X86EMUL_CONTINUE);	/* rex.W lcall *(%rbx) */
	assert_int_equal(vm->ctxt.eip, TARGET);
	assert_int_equal(vm->ctxt.regs[EMUL_RSP], rsp - 16);
	assert_memory_equal(vm->ram + MMIO - 8, &(u64){ FAKE_CODE + 3 }, 8);	/* RIP in RAM */
	assert_int_equal(fake_mmio_u64(vm, MMIO, 8), CODE_SEL);		/* CS on MMIO */
	assert_int_equal(vm->sreg[VCPU_SREG_CS].sel, CODE_SEL);
	assert_int_equal(vm->sreg[VCPU_SREG_CS].ar, AR_CODE64);

	/* A fault in the checks pushes nothing. */
	vm = vm_in(X86EMUL_MODE_PROT64);
	vm->ctxt.regs[EMUL_RSP] = 0x8000;
	memcpy(vm->ram + GDT + CODE_SEL, &(u64){ DESC_CODE64 | DESC_DPL3 }, sizeof(u64));
	put_far_pointer(vm, TARGET, CODE_SEL);
	expect_fault(vm, RUN(vm, 0x48, 0xff, 0x1b), EMUL_GP_VECTOR, CODE_SEL, 0x8000);
	assert_memory_equal(vm->ram + 0x7ff0, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_int_equal(vm->sreg[VCPU_SREG_CS].loads, 0);
	/* A #PF on the lower page of the pushes: the CS slot above is not written either. */
	vm = vm_in(X86EMUL_MODE_PROT64);
	vm->seg[VCPU_SREG_CS].sel = CODE_SEL;
	vm->ctxt.regs[EMUL_RSP] = 0x9008;
	vm->fault_page = 0x8000;
	put_far_pointer(vm, TARGET, CODE_SEL);
	expect_fault(vm, RUN(vm, 0x48, 0xff, 0x1b), EMUL_PF_VECTOR, FAKE_PF_WRITE, 0x9008);
	assert_memory_equal(vm->ram + 0x9000, "\0\0\0\0\0\0\0\0", 8);
	assert_int_equal(vm->sreg[VCPU_SREG_CS].loads, 0);
}

/* MOV (%rbx), %ss: a data segment, a null selector in 64-bit mode, and the faults. */
static void mov_ss_from_memory(void **state)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);

	fake_mmio_put(vm, MMIO, DATA_SEL, 2);
	assert_int_equal(RUN(vm, 0x8e, 0x13), X86EMUL_CONTINUE);	/* mov (%rbx),%ss */
	assert_int_equal(vm->sreg[VCPU_SREG_SS].sel, DATA_SEL);
	assert_int_equal(vm->sreg[VCPU_SREG_SS].ar, AR_DATA);
	assert_int_equal(vm->sreg[VCPU_SREG_SS].limit, 0xffffffff);
	assert_int_equal(vm->ram[GDT + DATA_SEL + TYPE_BYTE], 0x93);
	assert_int_equal(vm->ctxt.interruptibility, EMUL_SHADOW_MOV_SS);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE + 2);

	/* Null, RPL = CPL = 0: a flat writable SS at DPL 0. */
	vm = vm_in(X86EMUL_MODE_PROT64);
	fake_mmio_put(vm, MMIO, 0, 2);
	assert_int_equal(RUN(vm, 0x8e, 0x13), X86EMUL_CONTINUE);
	assert_int_equal(vm->sreg[VCPU_SREG_SS].sel, 0);
	assert_int_equal(vm->sreg[VCPU_SREG_SS].ar, AR_DATA);

	vm = vm_in(X86EMUL_MODE_PROT64);
	fake_mmio_put(vm, MMIO, 3, 2);		/* null with RPL 3 != CPL */
	expect_fault(vm, RUN(vm, 0x8e, 0x13), EMUL_GP_VECTOR, 0, 0);
	assert_int_equal(vm->ctxt.interruptibility, 0);

	vm = vm_in(X86EMUL_MODE_PROT32);
	fake_mmio_put(vm, MMIO, 0, 2);		/* null outside 64-bit mode */
	expect_fault(vm, RUN(vm, 0x8e, 0x13), EMUL_GP_VECTOR, 0, 0);

	vm = vm_in(X86EMUL_MODE_PROT64);
	fake_mmio_put(vm, MMIO, DATA_SEL | 3, 2);	/* RPL != CPL */
	expect_fault(vm, RUN(vm, 0x8e, 0x13), EMUL_GP_VECTOR, DATA_SEL, 0);
	assert_int_equal(vm->sreg[VCPU_SREG_SS].loads, 0);

	vm = vm_in(X86EMUL_MODE_PROT64);
	fake_mmio_put(vm, MMIO, CODE_SEL, 2);	/* a code segment */
	expect_fault(vm, RUN(vm, 0x8e, 0x13), EMUL_GP_VECTOR, CODE_SEL, 0);

	vm = vm_in(X86EMUL_MODE_PROT64);
	memcpy(vm->ram + GDT + DATA_SEL, &(u64){ DESC_DATA & ~DESC_P }, sizeof(u64));
	fake_mmio_put(vm, MMIO, DATA_SEL, 2);
	expect_fault(vm, RUN(vm, 0x8e, 0x13), EMUL_SS_VECTOR, DATA_SEL, 0);
}

/* MOV to DS: null makes it unusable; a DPL-0 segment at CPL 3 is #GP; MOV to CS is #UD. */
static void mov_ds_and_cs(void **state)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);

	fake_mmio_put(vm, MMIO, 0, 2);
	assert_int_equal(RUN(vm, 0x8e, 0x1b), X86EMUL_CONTINUE);	/* mov (%rbx),%ds */
	assert_int_equal(vm->sreg[VCPU_SREG_DS].ar, EMUL_AR_UNUSABLE);
	assert_int_equal(vm->ctxt.interruptibility, 0);

	vm = vm_in(X86EMUL_MODE_PROT64);
	vm->cpl = 3;
	fake_mmio_put(vm, MMIO, DATA_SEL | 3, 2);
	expect_fault(vm, RUN(vm, 0x8e, 0x1b), EMUL_GP_VECTOR, DATA_SEL, 0);

	vm = vm_in(X86EMUL_MODE_PROT64);
	expect_fault(vm, RUN(vm, 0x8e, 0x0b), EMUL_UD_VECTOR, 0, 0);	/* mov (%rbx),%cs */
	expect_fault(vm, RUN(vm, 0x44, 0x8e, 0x1b), EMUL_UD_VECTOR, 0, 0);	/* REX.R: Sreg 11 */
	assert_int_equal(vm->nr_log, 0);
}

/* MOV %cs, (%rbx) stores the 16-bit selector whatever 66 says. */
static void mov_from_sreg(void **state)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);

	vm->seg[VCPU_SREG_CS].sel = CODE_SEL;
	fake_mmio_put(vm, MMIO, 0xffffffff, 4);
	assert_int_equal(RUN(vm, 0x66, 0x8c, 0x0b), X86EMUL_CONTINUE);	/* data16 mov %cs,(%rbx) */
	assert_int_equal(fake_mmio_u64(vm, MMIO, 4), 0xffff0000 | CODE_SEL);
	assert_int_equal(vm->log[0].len, 2);
}

/* CMOVNE reads MMIO either way; false, a 32-bit destination is still zero-extended. */
static void cmov_reads_and_zero_extends(void **state)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);

	vm->ctxt.eflags |= EMUL_FLAGS_ZF;
	vm->ctxt.regs[EMUL_RAX] = 0x1234567812345678ULL;
	fake_mmio_put(vm, MMIO, 0xabcdef12, 4);
	assert_int_equal(RUN(vm, 0x0f, 0x45, 0x03), X86EMUL_CONTINUE);	/* cmovne (%rbx),%eax */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0x12345678);
	assert_int_equal(vm->nr_log, 1);

	vm->ctxt.eflags &= ~EMUL_FLAGS_ZF;
	vm->nr_log = 0;
	assert_int_equal(RUN(vm, 0x0f, 0x45, 0x03), X86EMUL_CONTINUE);
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0xabcdef12);

	/* CMOVLE: ZF clear but SF != OF. */
	vm->ctxt.eflags |= EMUL_FLAGS_SF;
	vm->ctxt.regs[EMUL_RAX] = 0;
	/* cmovle (%rbx),%rax */
	assert_int_equal(RUN(vm, 0x48, 0x0f, 0x4e, 0x03), X86EMUL_CONTINUE);
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0xabcdef12);
}

/* MOVQ between MM registers and MMIO; #UD with CR0.EM, #NM with CR0.TS, #MF when pending. */
static void mmx_moves(void **state)
{
	struct fake_vm *vm = vm_in(X86EMUL_MODE_PROT64);

	vm->mm[0] = 0x0102030405060708ULL;
	assert_int_equal(RUN(vm, 0x0f, 0x7f, 0x03), X86EMUL_CONTINUE);	/* movq %mm0,(%rbx) */
	assert_int_equal(fake_mmio_u64(vm, MMIO, 8), 0x0102030405060708ULL);
	fake_mmio_put(vm, MMIO, 0x8070605040302010ULL, 8);
	assert_int_equal(RUN(vm, 0x0f, 0x6f, 0x0b), X86EMUL_CONTINUE);	/* movq (%rbx),%mm1 */
	assert_int_equal(vm->mm[1], 0x8070605040302010ULL);
	assert_int_equal(RUN(vm, 0x0f, 0x6e, 0x13), X86EMUL_CONTINUE);	/* movd (%rbx),%mm2 */
	assert_int_equal(vm->mm[2], 0x40302010);

	vm = vm_in(X86EMUL_MODE_PROT64);
	vm->cr0 |= EMUL_CR0_EM | EMUL_CR0_TS;
	expect_fault(vm, RUN(vm, 0x0f, 0x7f, 0x03), EMUL_UD_VECTOR, 0, 0);
	vm->cr0 &= ~EMUL_CR0_EM;
	expect_fault(vm, RUN(vm, 0x0f, 0x7f, 0x03), EMUL_NM_VECTOR, 0, 0);
	vm->cr0 &= ~EMUL_CR0_TS;
	vm->x87_pending = true;
	expect_fault(vm, RUN(vm, 0x0f, 0x6f, 0x0b), EMUL_MF_VECTOR, 0, 0);
	assert_int_equal(vm->nr_log, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ret_pops_rip),
		cmocka_unit_test(leave_pops_rbp),
		cmocka_unit_test(enter_level0),
		cmocka_unit_test(near_indirect),
		cmocka_unit_test(far_jmp_loads_cs),
		cmocka_unit_test(far_jmp_faults),
		cmocka_unit_test(far_call_pushes_and_loads_cs),
		cmocka_unit_test(mov_ss_from_memory),
		cmocka_unit_test(mov_ds_and_cs),
		cmocka_unit_test(mov_from_sreg),
		cmocka_unit_test(cmov_reads_and_zero_extends),
		cmocka_unit_test(mmx_moves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
