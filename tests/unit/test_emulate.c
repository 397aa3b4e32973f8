/*
 * The instruction emulator against fake vCPU ops (emulate_fake.h): every
 * instruction class on MMIO in each operand size, results and flags
 * against a reference written here from the SDM's definitions (not the
 * emulator's own native operation), REP string instructions with DF=0/1
 * and each address size one element per run, accesses that straddle RAM
 * and MMIO or two MMIO pages, the read-restart model, LOCK, the
 * wrong-instruction check, faults, and refusals naming the instruction.
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
#define L64 X86EMUL_MODE_PROT64
#define CF EMUL_FLAGS_CF
#define PF EMUL_FLAGS_PF
#define AF EMUL_FLAGS_AF
#define ZF EMUL_FLAGS_ZF
#define SF EMUL_FLAGS_SF
#define OF EMUL_FLAGS_OF
#define DF EMUL_FLAGS_DF
#define ARITH EMUL_FLAGS_ARITH

static struct fake_vm vm_storage;

static struct fake_vm *vm64(void)
{
	fake_init(&vm_storage, L64);
	return &vm_storage;
}

static u64 mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static u64 msb(unsigned int size)
{
	return 1ULL << (size * 8 - 1);
}

/* ---- the reference: flags from the SDM's definitions (Vol. 1 Appendix A) ---- */

static u64 szp(u64 res, unsigned int size)
{
	u64 f = 0;

	if (!(res & mask(size)))
		f |= ZF;
	if (res & msb(size))
		f |= SF;
	if (!(__builtin_popcountll(res & 0xff) & 1))
		f |= PF;
	return f;
}

/* res = a op b (op 0-7 as opcode bits 5:3), *flags in/out; AF of logic ops is undefined. */
static u64 ref_alu(unsigned int op, u64 a, u64 b, unsigned int size, u64 *flags, u64 *defined)
{
	u64 c = *flags & CF, m = mask(size), res, f;
	unsigned __int128 wide;

	a &= m;
	b &= m;
	*defined = ARITH;
	switch (op) {
	case EMUL_ALU_ADD:
	case EMUL_ALU_ADC:
		if (op == EMUL_ALU_ADD)
			c = 0;
		wide = (unsigned __int128)a + b + c;
		res = (u64)wide & m;
		f = szp(res, size) | (wide > m ? CF : 0) | (((a ^ res) & (b ^ res) & msb(size)) ? OF : 0) |
		    ((a ^ b ^ res) & 0x10 ? AF : 0);
		break;
	case EMUL_ALU_SUB:
	case EMUL_ALU_SBB:
	case EMUL_ALU_CMP:
		if (op != EMUL_ALU_SBB)
			c = 0;
		res = (a - b - c) & m;
		f = szp(res, size) | ((unsigned __int128)a < (unsigned __int128)b + c ? CF : 0) |
		    (((a ^ b) & (a ^ res) & msb(size)) ? OF : 0) | ((a ^ b ^ res) & 0x10 ? AF : 0);
		if (op == EMUL_ALU_CMP)
			res = a;
		break;
	default:
		res = op == EMUL_ALU_OR ? a | b : op == EMUL_ALU_AND ? a & b : a ^ b;
		f = szp(res, size);
		*defined = ARITH & ~AF;
		break;
	}
	*flags = (*flags & ~ARITH) | f;
	return res;
}

/* Encode "OP [rbx], rcx-sized" (to_mem) or "OP rcx, [rbx]" at size; returns the length. */
static unsigned int encode_alu(u8 *b, unsigned int op, unsigned int size, bool to_mem)
{
	unsigned int n = 0;

	if (size == 2)
		b[n++] = 0x66;
	if (size == 8)
		b[n++] = 0x48;
	b[n++] = (u8)(op * 8 + (to_mem ? 0 : 2) + (size == 1 ? 0 : 1));
	b[n++] = 0x0b;	/* ModRM: mod 00, reg 1 (rcx/cl), rm 3 ([rbx]) */
	return n;
}

static const u64 alu_values[] = {
	0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
	0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, 0x0123456789abcdefULL, 0xf0f0a5a5c3c30f0fULL,
};

static void alu_case(unsigned int op, unsigned int size, u64 a, u64 b, u64 cin, bool to_mem)
{
	struct fake_vm *vm = vm64();
	u64 want_flags = 2 | cin | (ARITH & ~CF & 0x8c4), defined, want, got;
	u8 code[8];
	unsigned int n = encode_alu(code, op, size, to_mem);

	vm->ctxt.eflags = want_flags;
	vm->ctxt.regs[EMUL_RBX] = MMIO + 0x100;
	vm->ctxt.regs[EMUL_RCX] = to_mem ? b : a;
	fake_mmio_put(vm, MMIO + 0x100, to_mem ? a : b, 8);
	fake_code(vm, code, n);
	want = to_mem || op != EMUL_ALU_CMP ? ref_alu(op, a, b, size, &want_flags, &defined)
					    : ref_alu(op, a, b, size, &want_flags, &defined);
	assert_int_equal(fake_run(vm), X86EMUL_CONTINUE);
	got = to_mem ? fake_mmio_u64(vm, MMIO + 0x100, size) : vm->ctxt.regs[EMUL_RCX] & mask(size);
	if (op == EMUL_ALU_CMP)
		want = a & mask(size);
	if (got != want || (vm->ctxt.eflags & defined) != (want_flags & defined)) {
		print_message("op %u size %u %s a %llx b %llx cf %llu: got %llx flags %llx, want %llx "
			      "flags %llx\n", op, size, to_mem ? "mem" : "reg", (unsigned long long)a,
			      (unsigned long long)b, (unsigned long long)cin, (unsigned long long)got,
			      (unsigned long long)vm->ctxt.eflags, (unsigned long long)want,
			      (unsigned long long)want_flags);
		fail();
	}
	assert_int_equal(vm->ctxt.eip, FAKE_CODE + n);
	/* A 32-bit register result clears bits 63:32 (SDM Vol. 1 3.4.1.1). */
	if (!to_mem && size == 4 && op != EMUL_ALU_CMP)
		assert_int_equal(vm->ctxt.regs[EMUL_RCX] >> 32, 0);
}

static void alu_flags_match_reference(void **state)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	unsigned int op, s, i, j;

	for (op = 0; op < 8; op++)
		for (s = 0; s < 4; s++)
			for (i = 0; i < ARRAY_SIZE(alu_values); i++)
				for (j = 0; j < ARRAY_SIZE(alu_values); j += 3) {
					alu_case(op, sizes[s], alu_values[i], alu_values[j], i & 1, true);
					alu_case(op, sizes[s], alu_values[j], alu_values[i], j & 1, false);
				}
}

/* ---- moves ---- */

static void mov_store_and_load_sizes(void **state)
{
	struct fake_vm *vm = vm64();

	vm->ctxt.regs[EMUL_RAX] = 0x1122334455667788ULL;
	vm->ctxt.regs[EMUL_RBX] = MMIO;
	assert_int_equal(RUN(vm, 0x88, 0x03), X86EMUL_CONTINUE);	/* mov %al,(%rbx) */
	assert_int_equal(vm->nr_log, 1);
	assert_true(vm->log[0].is_write);
	assert_int_equal(vm->log[0].len, 1);
	assert_int_equal(fake_mmio_u64(vm, MMIO, 8), 0x88);
	assert_int_equal(RUN(vm, 0x88, 0x23), X86EMUL_CONTINUE);	/* mov %ah,(%rbx) */
	assert_int_equal(fake_mmio_u64(vm, MMIO, 1), 0x77);
	assert_int_equal(RUN(vm, 0x66, 0x89, 0x43, 0x08), X86EMUL_CONTINUE);	/* mov %ax,8(%rbx) */
	assert_int_equal(fake_mmio_u64(vm, MMIO + 8, 8), 0x7788);
	assert_int_equal(RUN(vm, 0x48, 0x89, 0x43, 0x10), X86EMUL_CONTINUE);	/* mov %rax,16(%rbx) */
	assert_int_equal(fake_mmio_u64(vm, MMIO + 16, 8), 0x1122334455667788ULL);
	/* movq $-2,24(%rbx): imm32 sign-extended */
	assert_int_equal(RUN(vm, 0x48, 0xc7, 0x43, 0x18, 0xfe, 0xff, 0xff, 0xff), X86EMUL_CONTINUE);
	assert_int_equal(fake_mmio_u64(vm, MMIO + 24, 8), ~1ULL);
	/* movb $0x5a,32(%rbx) */
	assert_int_equal(RUN(vm, 0xc6, 0x43, 0x20, 0x5a), X86EMUL_CONTINUE);
	assert_int_equal(fake_mmio_u64(vm, MMIO + 32, 1), 0x5a);

	vm->ctxt.regs[EMUL_RCX] = ~0ULL;
	assert_int_equal(RUN(vm, 0x8b, 0x4b, 0x10), X86EMUL_CONTINUE);	/* mov 16(%rbx),%ecx */
	assert_int_equal(vm->ctxt.regs[EMUL_RCX], 0x55667788);	/* zero-extended */
	vm->ctxt.regs[EMUL_RCX] = ~0ULL;
	assert_int_equal(RUN(vm, 0x66, 0x8b, 0x4b, 0x10), X86EMUL_CONTINUE);	/* mov 16(%rbx),%cx */
	assert_int_equal(vm->ctxt.regs[EMUL_RCX], 0xffffffffffff7788ULL);	/* the rest kept */
	assert_int_equal(RUN(vm, 0x0f, 0xbe, 0x4b, 0x18), X86EMUL_CONTINUE);	/* movsbl 24(%rbx),%ecx */
	assert_int_equal(vm->ctxt.regs[EMUL_RCX], 0xfffffffe);
	assert_int_equal(RUN(vm, 0x48, 0x0f, 0xb7, 0x4b, 0x18), X86EMUL_CONTINUE);	/* movzwq */
	assert_int_equal(vm->ctxt.regs[EMUL_RCX], 0xfffe);
	assert_int_equal(RUN(vm, 0x48, 0x63, 0x4b, 0x18), X86EMUL_CONTINUE);	/* movslq 24(%rbx),%rcx */
	assert_int_equal(vm->ctxt.regs[EMUL_RCX], ~1ULL);
	/* movabs 0x10020,%eax (A1 with a 64-bit offset) */
	assert_int_equal(RUN(vm, 0xa1, 0x20, 0x00, 0x01, 0, 0, 0, 0, 0), X86EMUL_CONTINUE);
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0x5a);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE + 9);
	/* movnti %ecx,40(%rbx) */
	vm->ctxt.regs[EMUL_RCX] = 0xabcdef0123ULL;
	assert_int_equal(RUN(vm, 0x0f, 0xc3, 0x4b, 0x28), X86EMUL_CONTINUE);
	assert_int_equal(fake_mmio_u64(vm, MMIO + 40, 8), 0xcdef0123);
	/* mov %ecx,0x10(%rip): RIP-relative from the next instruction */
	memset(vm->mmio, 0, 64);
	vm->ctxt.regs[EMUL_RBX] = 0;
	fake_code(vm, (const u8[]){ 0x89, 0x0d, 0xfa, 0xef, 0x00, 0x00 }, 6);	/* 0x1006+0xeffa */
	assert_int_equal(fake_run(vm), X86EMUL_CONTINUE);
	assert_int_equal(fake_mmio_u64(vm, MMIO, 4), 0xcdef0123);
}

/* 16-bit code: [bx+si+disp8] in DS, and a segment override. */
static void real_mode_addressing(void **state)
{
	struct fake_vm *vm = &vm_storage;

	fake_init(vm, X86EMUL_MODE_REAL);
	vm->seg[VCPU_SREG_DS].base = 0x10000;
	vm->seg[VCPU_SREG_ES].base = 0x10100;
	vm->ctxt.regs[EMUL_RBX] = 0x10;
	vm->ctxt.regs[EMUL_RSI] = 0xfff8;	/* bx+si+4 wraps at 64 KiB to 0xc */
	vm->ctxt.regs[EMUL_RAX] = 0xbeef;
	assert_int_equal(RUN(vm, 0x89, 0x40, 0x04), X86EMUL_CONTINUE);	/* mov %ax,4(%bx,%si) */
	assert_int_equal(fake_mmio_u64(vm, MMIO + 0x0c, 2), 0xbeef);
	assert_int_equal(RUN(vm, 0x26, 0x89, 0x40, 0x04), X86EMUL_CONTINUE);	/* %es: */
	assert_int_equal(fake_mmio_u64(vm, MMIO + 0x10c, 2), 0xbeef);
	assert_int_equal(RUN(vm, 0x66, 0x89, 0x40, 0x04), X86EMUL_CONTINUE);	/* mov %eax */
	assert_int_equal(vm->log[vm->nr_log - 1].len, 4);
	/* An offset past the segment's 64 KiB limit is #GP(0). */
	vm->ctxt.regs[EMUL_RSI] = 0xffe0;
	vm->ctxt.regs[EMUL_RBX] = 0x1e;
	vm->nr_log = 0;
	assert_int_equal(RUN(vm, 0x66, 0x89, 0x00), X86EMUL_PROPAGATE_FAULT);	/* 0xfffe + 4 */
	assert_int_equal(vm->nr_log, 0);
	assert_int_equal(vm->ctxt.exception.vector, EMUL_GP_VECTOR);
}

/* ---- read-modify-write ---- */

static void xchg_cmpxchg_xadd(void **state)
{
	struct fake_vm *vm = vm64();

	vm->ctxt.regs[EMUL_RBX] = MMIO;
	fake_mmio_put(vm, MMIO, 0x1111, 8);
	vm->ctxt.regs[EMUL_RCX] = 0x2222;
	assert_int_equal(RUN(vm, 0x48, 0x87, 0x0b), X86EMUL_CONTINUE);	/* xchg %rcx,(%rbx) */
	assert_int_equal(vm->ctxt.regs[EMUL_RCX], 0x1111);
	assert_int_equal(fake_mmio_u64(vm, MMIO, 8), 0x2222);
	assert_int_equal(vm->nr_log, 2);	/* a read, then a write */
	assert_false(vm->log[0].is_write);
	assert_true(vm->log[1].is_write);

	/* lock cmpxchg %ecx,(%rbx): equal, so the source is stored and ZF set */
	vm->nr_log = 0;
	vm->ctxt.regs[EMUL_RAX] = 0x2222;
	vm->ctxt.regs[EMUL_RCX] = 0x3333;
	assert_int_equal(RUN(vm, 0xf0, 0x0f, 0xb1, 0x0b), X86EMUL_CONTINUE);
	assert_int_equal(fake_mmio_u64(vm, MMIO, 8), 0x3333);
	assert_true(vm->ctxt.eflags & ZF);
	/* not equal: the accumulator loaded, the old value written back, ZF clear */
	vm->nr_log = 0;
	vm->ctxt.regs[EMUL_RAX] = 0xffffffff00000001ULL;
	assert_int_equal(RUN(vm, 0xf0, 0x0f, 0xb1, 0x0b), X86EMUL_CONTINUE);
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0x3333);	/* zero-extended */
	assert_false(vm->ctxt.eflags & ZF);
	assert_int_equal(vm->nr_log, 2);
	assert_true(vm->log[1].is_write);
	assert_int_equal(fake_mmio_u64(vm, MMIO, 8), 0x3333);

	/* lock xadd %cx,(%rbx) */
	vm->ctxt.regs[EMUL_RCX] = 0xffff;
	assert_int_equal(RUN(vm, 0x66, 0xf0, 0x0f, 0xc1, 0x0b), X86EMUL_CONTINUE);
	assert_int_equal(fake_mmio_u64(vm, MMIO, 2), 0x3332);
	assert_int_equal(vm->ctxt.regs[EMUL_RCX], 0x3333);
	assert_true(vm->ctxt.eflags & CF);
}

static void unary_ops(void **state)
{
	struct fake_vm *vm = vm64();

	vm->ctxt.regs[EMUL_RBX] = MMIO;
	fake_mmio_put(vm, MMIO, 0x7f, 1);
	vm->ctxt.eflags = 2 | CF;
	assert_int_equal(RUN(vm, 0xfe, 0x03), X86EMUL_CONTINUE);	/* incb (%rbx) */
	assert_int_equal(fake_mmio_u64(vm, MMIO, 1), 0x80);
	assert_int_equal(vm->ctxt.eflags & ARITH, CF | OF | SF | AF);	/* CF kept */
	assert_int_equal(RUN(vm, 0xff, 0x0b), X86EMUL_CONTINUE);	/* decl (%rbx) */
	assert_int_equal(fake_mmio_u64(vm, MMIO, 4), 0x7f);
	assert_int_equal(vm->ctxt.eflags & ARITH, CF | AF);
	assert_int_equal(RUN(vm, 0xf7, 0x1b), X86EMUL_CONTINUE);	/* negl (%rbx) */
	assert_int_equal(fake_mmio_u64(vm, MMIO, 4), 0xffffff81);
	assert_true(vm->ctxt.eflags & CF);
	vm->ctxt.eflags = 2;
	assert_int_equal(RUN(vm, 0x48, 0xf7, 0x13), X86EMUL_CONTINUE);	/* notq (%rbx) */
	assert_int_equal(fake_mmio_u64(vm, MMIO, 8), 0xffffffff0000007eULL);
	assert_int_equal(vm->ctxt.eflags, 2);	/* NOT changes no flag */
	/* testl $0x80000000,(%rbx): memory unchanged, SF from the AND */
	vm->nr_log = 0;
	assert_int_equal(RUN(vm, 0xf7, 0x03, 0, 0, 0, 0x80), X86EMUL_CONTINUE);
	assert_true(vm->ctxt.eflags & ZF);	/* the low doubleword is 0x7e */
	assert_int_equal(vm->nr_log, 1);
	assert_false(vm->log[0].is_write);
	/* cmpl $-1,(%rbx) writes nothing either */
	vm->nr_log = 0;
	assert_int_equal(RUN(vm, 0x83, 0x3b, 0xff), X86EMUL_CONTINUE);
	assert_int_equal(vm->nr_log, 1);
	/* orw $0x100,(%rbx) with 81 /1 iw */
	assert_int_equal(RUN(vm, 0x66, 0x81, 0x0b, 0x00, 0x01), X86EMUL_CONTINUE);
	assert_int_equal(fake_mmio_u64(vm, MMIO, 2), 0x017e);
}

static void bit_tests(void **state)
{
	struct fake_vm *vm = vm64();

	vm->ctxt.regs[EMUL_RBX] = MMIO + 0x100;
	fake_mmio_put(vm, MMIO + 0x100, 0, 8);
	/* lock btsl $5,(%rbx) */
	assert_int_equal(RUN(vm, 0xf0, 0x0f, 0xba, 0x2b, 0x05), X86EMUL_CONTINUE);
	assert_int_equal(fake_mmio_u64(vm, MMIO + 0x100, 4), 0x20);
	assert_false(vm->ctxt.eflags & CF);
	assert_int_equal(RUN(vm, 0x0f, 0xba, 0x23, 0x25), X86EMUL_CONTINUE);	/* btl $37: 37 mod 32 */
	assert_true(vm->ctxt.eflags & CF);
	/* btr %rcx,(%rbx) with rcx = 69: the second quadword, bit 5 */
	fake_mmio_put(vm, MMIO + 0x108, ~0ULL, 8);
	vm->ctxt.regs[EMUL_RCX] = 69;
	assert_int_equal(RUN(vm, 0x48, 0x0f, 0xb3, 0x0b), X86EMUL_CONTINUE);
	assert_int_equal(fake_mmio_u64(vm, MMIO + 0x108, 8), ~0x20ULL);
	assert_true(vm->ctxt.eflags & CF);
	/* btc %ecx,(%rbx) with ecx = -1: bit 31 of the doubleword below */
	fake_mmio_put(vm, MMIO + 0xfc, 0, 4);
	vm->ctxt.regs[EMUL_RCX] = 0xffffffff;
	assert_int_equal(RUN(vm, 0x0f, 0xbb, 0x0b), X86EMUL_CONTINUE);
	assert_int_equal(fake_mmio_u64(vm, MMIO + 0xfc, 4), 0x80000000);
	assert_false(vm->ctxt.eflags & CF);
}

/* Encode prefix (for size) + opcode bytes (byte form, or +1 for the others) + ModRM. */
static unsigned int encode_sized(u8 *b, const u8 *op, unsigned int nop, u8 modrm,
				 unsigned int size)
{
	unsigned int n = 0, i;

	if (size == 2)
		b[n++] = 0x66;
	if (size == 8)
		b[n++] = 0x48;
	for (i = 0; i < nop; i++)
		b[n++] = op[i] + (i == nop - 1 && size != 1 ? 1 : 0);
	b[n++] = modrm;
	return n;
}

struct sized_case {
	const char *what;
	u8 op[2];
	unsigned int nop;
	u8 modrm;	/* [rbx] with reg rcx/cl, or the group's /n */
	bool no_byte;	/* BT* have no byte form */
};

/* Memory and RCX after the operation, from the SDM's definition; *m is [rbx], *r is RCX. */
static void sized_expect(unsigned int i, unsigned int size, u64 *m, u64 *r)
{
	u64 mk = mask(size), old = *m;

	switch (i) {
	case 0: *m = *r & mk; break;						/* mov store */
	case 1: *r = size >= 4 ? old : (*r & ~mk) | old; break;		/* mov load */
	case 2: *m = *r & mk; *r = size >= 4 ? old : (*r & ~mk) | old; break;	/* xchg */
	case 3: *m = (old + *r) & mk; *r = size >= 4 ? old : (*r & ~mk) | old; break;	/* xadd */
	case 4: *m = (old + 1) & mk; break;					/* inc */
	case 5: *m = (old - 1) & mk; break;					/* dec */
	case 6: *m = ~old & mk; break;						/* not */
	case 7: *m = (0 - old) & mk; break;					/* neg */
	case 8: *m = old | (1ULL << (*r & (size * 8 - 1))); break;		/* bts, offset < size */
	}
}

/* Every operand size of each read-modify-write and move form, RCX's upper bits as x86 leaves them. */
static void every_operand_size(void **state)
{
	static const struct sized_case cases[] = {
		{ "mov store", { 0x88 }, 1, 0x0b, false },
		{ "mov load", { 0x8a }, 1, 0x0b, false },
		{ "xchg", { 0x86 }, 1, 0x0b, false },
		{ "xadd", { 0x0f, 0xc0 }, 2, 0x0b, false },
		{ "inc", { 0xfe }, 1, 0x03, false },
		{ "dec", { 0xfe }, 1, 0x0b, false },
		{ "not", { 0xf6 }, 1, 0x13, false },
		{ "neg", { 0xf6 }, 1, 0x1b, false },
		{ "bts", { 0x0f, 0xaa }, 2, 0x0b, true },	/* 0F AB: +1 below */
	};
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	unsigned int i, s;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (s = 0; s < ARRAY_SIZE(sizes); s++) {
			struct fake_vm *vm = vm64();
			unsigned int size = sizes[s], n;
			u64 m = 0x8899aabbccddeef0ULL & mask(size), r = 0x1234567876543205ULL;
			u8 code[8];

			if (cases[i].no_byte && size == 1)
				continue;
			if (cases[i].no_byte)
				r = 5;	/* a register bit offset is signed and reaches past the operand */
			n = encode_sized(code, cases[i].op, cases[i].nop, cases[i].modrm, size);
			vm->ctxt.regs[EMUL_RBX] = MMIO + 0x40;
			vm->ctxt.regs[EMUL_RCX] = r;
			fake_mmio_put(vm, MMIO + 0x40, m, 8);
			fake_code(vm, code, n);
			if (fake_run(vm) != X86EMUL_CONTINUE) {
				print_message("%s, %u bytes: %s (vector %u)\n", cases[i].what, size,
					      vm->ctxt.why, vm->ctxt.exception.vector);
				fail();
			}
			sized_expect(i, size, &m, &r);
			if (fake_mmio_u64(vm, MMIO + 0x40, 8) != m || vm->ctxt.regs[EMUL_RCX] != r) {
				print_message("%s, %u bytes: memory %llx rcx %llx, want %llx %llx\n",
					      cases[i].what, size,
					      (unsigned long long)fake_mmio_u64(vm, MMIO + 0x40, 8),
					      (unsigned long long)vm->ctxt.regs[EMUL_RCX],
					      (unsigned long long)m, (unsigned long long)r);
				fail();
			}
			assert_int_equal(vm->log[0].len, size);
		}
	}
}

/* ---- the stack ---- */

static void stack_on_mmio(void **state)
{
	struct fake_vm *vm = vm64();

	vm->ctxt.regs[EMUL_RSP] = MMIO + 0x200;
	vm->ctxt.regs[EMUL_RBP] = 0x1234;
	assert_int_equal(RUN(vm, 0x55), X86EMUL_CONTINUE);	/* push %rbp */
	assert_int_equal(vm->ctxt.regs[EMUL_RSP], MMIO + 0x1f8);
	assert_int_equal(fake_mmio_u64(vm, MMIO + 0x1f8, 8), 0x1234);
	assert_int_equal(RUN(vm, 0x6a, 0xf0), X86EMUL_CONTINUE);	/* push $-16 */
	assert_int_equal(fake_mmio_u64(vm, MMIO + 0x1f0, 8), ~0xfULL);
	assert_int_equal(RUN(vm, 0x66, 0x6a, 0x01), X86EMUL_CONTINUE);	/* pushw $1 */
	assert_int_equal(vm->ctxt.regs[EMUL_RSP], MMIO + 0x1ee);
	assert_int_equal(RUN(vm, 0x66, 0x58), X86EMUL_CONTINUE);	/* pop %ax */
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 1);
	/* pushq 8(%rsp): the operand is read from MMIO, then pushed */
	assert_int_equal(RUN(vm, 0xff, 0x74, 0x24, 0x08), X86EMUL_CONTINUE);
	assert_int_equal(fake_mmio_u64(vm, MMIO + 0x1e8, 8), 0x1234);
	/* popq (%rsp): the address is computed after RSP is incremented */
	assert_int_equal(RUN(vm, 0x8f, 0x04, 0x24), X86EMUL_CONTINUE);
	assert_int_equal(vm->ctxt.regs[EMUL_RSP], MMIO + 0x1f0);
	assert_int_equal(fake_mmio_u64(vm, MMIO + 0x1f0, 8), 0x1234);
	assert_int_equal(RUN(vm, 0x5c), X86EMUL_CONTINUE);	/* pop %rsp: the popped value stays */
	assert_int_equal(vm->ctxt.regs[EMUL_RSP], 0x1234);

	/* 32-bit code with a 16-bit stack (SS.B=0): SP wraps, the rest of ESP kept. */
	fake_init(vm, X86EMUL_MODE_PROT32);
	vm->seg[VCPU_SREG_SS] = (struct emul_segment){ .base = MMIO - 0xff00, .limit = 0xffff };
	vm->ctxt.regs[EMUL_RSP] = 0xabcd0000;
	vm->ctxt.regs[EMUL_RAX] = 0xdeadbeef;
	assert_int_equal(RUN(vm, 0x50), X86EMUL_CONTINUE);	/* push %eax: SP 0 - 4 wraps */
	assert_int_equal(vm->ctxt.regs[EMUL_RSP], 0xabcdfffc);
	assert_int_equal(fake_mmio_u64(vm, MMIO + 0xfc, 4), 0xdeadbeef);
	/* Below an SS limit of 0xfff0 the push is #SS(0). */
	vm->seg[VCPU_SREG_SS].limit = 0xfff0;
	assert_int_equal(RUN(vm, 0x50), X86EMUL_PROPAGATE_FAULT);
	assert_int_equal(vm->ctxt.exception.vector, EMUL_SS_VECTOR);
	assert_int_equal(vm->ctxt.regs[EMUL_RSP], 0xabcdfffc);
}

/* ---- strings ---- */

/* Run a REP instruction to its end: how many runs it took. */
static unsigned int run_rep(struct fake_vm *vm, const u8 *code, unsigned int len)
{
	unsigned int runs = 0;

	fake_code(vm, code, len);
	assert_int_equal(x86_decode_insn(&vm->ctxt), X86EMUL_CONTINUE);
	do {
		assert_int_equal(fake_again(vm), X86EMUL_CONTINUE);
		runs++;
		assert_true(runs < 100);
	} while (vm->ctxt.eip == FAKE_CODE);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE + len);
	return runs;
}

static void rep_movs_stos_directions(void **state)
{
	static const u8 rep_movsl[] = { 0xf3, 0xa5 };
	static const u8 rep_stosw[] = { 0xf3, 0x66, 0xab };
	static const u8 rep_movsq_a32[] = { 0xf3, 0x67, 0x48, 0xa5 };
	struct fake_vm *vm = vm64();
	unsigned int i;

	for (i = 0; i < 4; i++)
		fake_mmio_put(vm, MMIO + 4 * i, 0xa0 + i, 4);
	/* MMIO to MMIO, DF=0: four elements, one per run, a read and a write each */
	vm->ctxt.regs[EMUL_RSI] = MMIO;
	vm->ctxt.regs[EMUL_RDI] = MMIO + 0x100;
	vm->ctxt.regs[EMUL_RCX] = 4;
	assert_int_equal(run_rep(vm, rep_movsl, 2), 4);
	assert_int_equal(vm->ctxt.regs[EMUL_RCX], 0);
	assert_int_equal(vm->ctxt.regs[EMUL_RSI], MMIO + 16);
	assert_int_equal(vm->ctxt.regs[EMUL_RDI], MMIO + 0x110);
	assert_int_equal(vm->nr_log, 8);
	for (i = 0; i < 4; i++)
		assert_int_equal(fake_mmio_u64(vm, MMIO + 0x100 + 4 * i, 4), 0xa0 + i);
	/* DF=1: downwards from the last element */
	vm->ctxt.eflags |= DF;
	vm->ctxt.regs[EMUL_RSI] = MMIO + 12;
	vm->ctxt.regs[EMUL_RDI] = MMIO + 0x20c;
	vm->ctxt.regs[EMUL_RCX] = 4;
	vm->nr_log = 0;
	assert_int_equal(run_rep(vm, rep_movsl, 2), 4);
	assert_int_equal(vm->log[0].gpa, MMIO + 12);
	assert_int_equal(vm->log[1].gpa, MMIO + 0x20c);
	assert_int_equal(vm->ctxt.regs[EMUL_RDI], MMIO + 0x1fc);
	for (i = 0; i < 4; i++)
		assert_int_equal(fake_mmio_u64(vm, MMIO + 0x200 + 4 * i, 4), 0xa0 + i);
	/* rep stosw, DF=1, from RAM's AX to MMIO */
	vm->ctxt.regs[EMUL_RAX] = 0x5151;
	vm->ctxt.regs[EMUL_RDI] = MMIO + 0x306;
	vm->ctxt.regs[EMUL_RCX] = 3;
	assert_int_equal(run_rep(vm, rep_stosw, 3), 3);
	assert_int_equal(fake_mmio_u64(vm, MMIO + 0x302, 6), 0x515151515151ULL);
	/* 32-bit addresses in 64-bit code: RSI/RDI/RCX wrap in their low halves */
	vm->ctxt.eflags &= ~DF;
	vm->ctxt.regs[EMUL_RSI] = 0xffffffff00000000ULL | MMIO;
	vm->ctxt.regs[EMUL_RDI] = MMIO + 0x400;
	vm->ctxt.regs[EMUL_RCX] = 0x100000002ULL;
	assert_int_equal(run_rep(vm, rep_movsq_a32, 4), 2);
	assert_int_equal(vm->ctxt.regs[EMUL_RCX], 0x100000000ULL);
	assert_int_equal(vm->ctxt.regs[EMUL_RSI], 0xffffffff00000000ULL | (MMIO + 16));
	/* A count of zero does nothing but step over the instruction. */
	vm->nr_log = 0;
	vm->ctxt.regs[EMUL_RCX] = 0;
	assert_int_equal(run_rep(vm, rep_movsl, 2), 1);
	assert_int_equal(vm->nr_log, 0);
}

static void string_16bit_and_compare(void **state)
{
	static const u8 rep_stosb16[] = { 0xf3, 0xaa };
	static const u8 repe_cmpsb[] = { 0xf3, 0xa6 };
	static const u8 repne_scasb[] = { 0xf2, 0xae };
	static const u8 lodsl[] = { 0xad };
	struct fake_vm *vm = &vm_storage;

	fake_init(vm, X86EMUL_MODE_REAL);
	vm->seg[VCPU_SREG_ES].base = MMIO;
	vm->ctxt.regs[EMUL_RDI] = 0x1fffe;	/* DI is 0xfffe: 16-bit addressing */
	vm->seg[VCPU_SREG_ES].limit = 0xffff;
	vm->ctxt.regs[EMUL_RDI] = 0x10;
	vm->ctxt.regs[EMUL_RCX] = 0x10003;	/* CX = 3 */
	vm->ctxt.regs[EMUL_RAX] = 0x77;
	assert_int_equal(run_rep(vm, rep_stosb16, 2), 3);
	assert_int_equal(vm->ctxt.regs[EMUL_RCX], 0x10000);
	assert_int_equal(fake_mmio_u64(vm, MMIO + 0x10, 4), 0x777777);

	fake_init(vm, L64);
	memcpy(vm->mmio, "abcdxf", 6);
	memcpy(vm->mmio + 0x40, "abcdyf", 6);
	vm->ctxt.regs[EMUL_RSI] = MMIO;
	vm->ctxt.regs[EMUL_RDI] = MMIO + 0x40;
	vm->ctxt.regs[EMUL_RCX] = 6;
	assert_int_equal(run_rep(vm, repe_cmpsb, 2), 5);	/* stops at the mismatch */
	assert_int_equal(vm->ctxt.regs[EMUL_RCX], 1);
	assert_false(vm->ctxt.eflags & ZF);
	assert_true(vm->ctxt.eflags & CF);	/* 'x' < 'y' */
	vm->ctxt.regs[EMUL_RDI] = MMIO;
	vm->ctxt.regs[EMUL_RCX] = 6;
	vm->ctxt.regs[EMUL_RAX] = 'd';
	assert_int_equal(run_rep(vm, repne_scasb, 2), 4);	/* stops on the match */
	assert_true(vm->ctxt.eflags & ZF);
	assert_int_equal(vm->ctxt.regs[EMUL_RDI], MMIO + 4);
	vm->ctxt.regs[EMUL_RSI] = MMIO;
	vm->ctxt.regs[EMUL_RAX] = ~0ULL;
	fake_code(vm, lodsl, 1);
	assert_int_equal(fake_run(vm), X86EMUL_CONTINUE);
	assert_int_equal(vm->ctxt.regs[EMUL_RAX], 0x64636261);
	assert_int_equal(vm->ctxt.regs[EMUL_RSI], MMIO + 4);
}

/* ---- vector moves, fragments, the read restart ---- */

static void vector_moves(void **state)
{
	struct fake_vm *vm = vm64();
	unsigned int i;

	vm->ctxt.regs[EMUL_RBX] = MMIO + 0x100;
	for (i = 0; i < 32; i++) {
		vm->ymm[1][i] = (u8)(0x10 + i);
		vm->mmio[0x200 + i] = (u8)(0x80 + i);
	}
	/* movdqu %xmm1,(%rbx): two 8-byte write fragments in order */
	assert_int_equal(RUN(vm, 0xf3, 0x0f, 0x7f, 0x0b), X86EMUL_CONTINUE);
	assert_int_equal(vm->nr_log, 2);
	assert_int_equal(vm->log[0].gpa, MMIO + 0x100);
	assert_int_equal(vm->log[1].gpa, MMIO + 0x108);
	assert_memory_equal(vm->mmio + 0x100, vm->ymm[1], 16);
	/* vmovdqu 0x100(%rbx),%ymm2: four reads, the instruction run once per read and once more */
	memset(vm->ymm[2], 0xee, 32);
	vm->nr_log = 0;
	assert_int_equal(RUN(vm, 0xc5, 0xfe, 0x6f, 0x93, 0x00, 0x01, 0x00, 0x00), X86EMUL_CONTINUE);
	assert_int_equal(vm->runs, 5);
	assert_int_equal(vm->nr_log, 4);
	assert_memory_equal(vm->ymm[2], vm->mmio + 0x200, 32);
	/* vmovdqu (%rbx),%xmm2 (VEX.128) clears bits 255:128 */
	assert_int_equal(RUN(vm, 0xc5, 0xfa, 0x6f, 0x13), X86EMUL_CONTINUE);
	assert_memory_equal(vm->ymm[2], vm->ymm[1], 16);
	for (i = 16; i < 32; i++)
		assert_int_equal(vm->ymm[2][i], 0);
	/* movdqu 0x100(%rbx),%xmm1 (legacy SSE) keeps bits 255:128 */
	assert_int_equal(RUN(vm, 0xf3, 0x0f, 0x6f, 0x8b, 0x00, 0x01, 0, 0), X86EMUL_CONTINUE);
	assert_memory_equal(vm->ymm[1], vm->mmio + 0x200, 16);
	assert_int_equal(vm->ymm[1][16], 0x20);
	/* movd (%rbx),%xmm3 clears the XMM register above 32 bits */
	memset(vm->ymm[3], 0xee, 32);
	assert_int_equal(RUN(vm, 0x66, 0x0f, 0x6e, 0x1b), X86EMUL_CONTINUE);
	assert_memory_equal(vm->ymm[3], vm->mmio + 0x100, 4);
	assert_int_equal(vm->ymm[3][4], 0);
	assert_int_equal(vm->ymm[3][15], 0);
	assert_int_equal(vm->ymm[3][16], 0xee);
	/* movq %xmm3,8(%rbx) (66 0F D6): 8 bytes */
	vm->nr_log = 0;
	assert_int_equal(RUN(vm, 0x66, 0x0f, 0xd6, 0x5b, 0x08), X86EMUL_CONTINUE);
	assert_int_equal(vm->nr_log, 1);
	assert_int_equal(vm->log[0].len, 8);
	/* movaps 4(%rbx),%xmm0: misaligned, #GP(0) and no access */
	vm->nr_log = 0;
	assert_int_equal(RUN(vm, 0x0f, 0x28, 0x43, 0x04), X86EMUL_PROPAGATE_FAULT);
	assert_int_equal(vm->ctxt.exception.vector, EMUL_GP_VECTOR);
	assert_int_equal(vm->nr_log, 0);
	/* movntdq %xmm1,0x10(%rbx) and clflush (%rbx), clflushopt (%rbx) */
	assert_int_equal(RUN(vm, 0x66, 0x0f, 0xe7, 0x4b, 0x10), X86EMUL_CONTINUE);
	vm->nr_log = 0;
	assert_int_equal(RUN(vm, 0x0f, 0xae, 0x3b), X86EMUL_CONTINUE);
	assert_int_equal(RUN(vm, 0x66, 0x0f, 0xae, 0x3b), X86EMUL_CONTINUE);
	assert_int_equal(vm->nr_log, 0);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE + 4);
}

static void straddles(void **state)
{
	struct fake_vm *vm = vm64();

	/* An 8-byte store across the end of RAM: 4 bytes to RAM, 4 to MMIO. */
	vm->ctxt.regs[EMUL_RBX] = FAKE_RAM_END - 4;
	vm->ctxt.regs[EMUL_RAX] = 0x1122334455667788ULL;
	assert_int_equal(RUN(vm, 0x48, 0x89, 0x03), X86EMUL_CONTINUE);
	assert_int_equal(vm->nr_log, 1);
	assert_int_equal(vm->log[0].gpa, MMIO);
	assert_int_equal(vm->log[0].len, 4);
	assert_int_equal(fake_mmio_u64(vm, MMIO, 4), 0x11223344);
	assert_memory_equal(vm->ram + FAKE_RAM_END - 4, "\x88\x77\x66\x55", 4);
	/* And read back: the RAM half from RAM, the MMIO half from the device. */
	fake_mmio_put(vm, MMIO, 0xaabbccdd, 4);
	vm->nr_log = 0;
	assert_int_equal(RUN(vm, 0x48, 0x8b, 0x0b), X86EMUL_CONTINUE);
	assert_int_equal(vm->ctxt.regs[EMUL_RCX], 0xaabbccdd55667788ULL);
	assert_int_equal(vm->nr_log, 1);
	/* Across two MMIO pages: a fragment per page. */
	vm->ctxt.regs[EMUL_RBX] = MMIO + 0xffe;
	vm->nr_log = 0;
	assert_int_equal(RUN(vm, 0x48, 0x89, 0x03), X86EMUL_CONTINUE);
	assert_int_equal(vm->nr_log, 2);
	assert_int_equal(vm->log[0].len, 2);
	assert_int_equal(vm->log[1].gpa, MMIO + 0x1000);
	assert_int_equal(vm->log[1].len, 6);
	/* MMIO into RAM: a locked add whose high half is RAM */
	vm->ctxt.regs[EMUL_RBX] = FAKE_RAM2_BASE - 2;
	fake_mmio_put(vm, FAKE_RAM2_BASE - 2, 0xffff, 2);
	memset(vm->ram + FAKE_RAM2_BASE, 0, 2);
	vm->ctxt.regs[EMUL_RCX] = 1;
	assert_int_equal(RUN(vm, 0xf0, 0x01, 0x0b), X86EMUL_CONTINUE);	/* lock add %ecx,(%rbx) */
	assert_int_equal(fake_mmio_u64(vm, FAKE_RAM2_BASE - 2, 2), 0);
	assert_int_equal(vm->ram[FAKE_RAM2_BASE], 1);
}

/* A read answered, then the instruction run again from the start with nothing changed before. */
static void read_restart_model(void **state)
{
	struct fake_vm *vm = vm64();
	struct x86_emulate_ctxt *c = &vm->ctxt;

	vm->ctxt.regs[EMUL_RBX] = MMIO;
	vm->ctxt.regs[EMUL_RCX] = 5;
	fake_mmio_put(vm, MMIO, 10, 8);
	fake_code(vm, (const u8[]){ 0x48, 0x0f, 0xc1, 0x0b }, 4);	/* xadd %rcx,(%rbx) */
	assert_int_equal(x86_decode_insn(c), X86EMUL_CONTINUE);
	assert_int_equal(x86_emulate_insn(c), X86EMUL_IO_NEEDED);
	assert_non_null(c->mmio_pending);
	assert_int_equal(c->mmio_pending->gpa, MMIO);
	assert_int_equal(c->mmio_pending->len, 8);
	assert_int_equal(c->regs[EMUL_RCX], 5);		/* nothing done yet */
	assert_int_equal(c->eip, FAKE_CODE);
	assert_int_equal(c->nr_mmio_writes, 0);
	emul_complete_read(c, (const u8[]){ 10, 0, 0, 0, 0, 0, 0, 0 });
	assert_int_equal(x86_emulate_insn(c), X86EMUL_CONTINUE);
	assert_int_equal(c->regs[EMUL_RCX], 10);
	assert_int_equal(c->nr_mmio_writes, 1);
	assert_int_equal(c->mmio_writes[0].data[0], 15);
	assert_int_equal(c->eip, FAKE_CODE + 4);
	/* A run whose reads differ from the logged ones is refused, not answered wrongly. */
	c->eip = FAKE_CODE;
	assert_int_equal(x86_decode_insn(c), X86EMUL_CONTINUE);
	assert_int_equal(x86_emulate_insn(c), X86EMUL_IO_NEEDED);
	emul_complete_read(c, (const u8[]){ 1, 0, 0, 0, 0, 0, 0, 0 });
	c->regs[EMUL_RBX] = MMIO + 8;
	assert_int_equal(x86_emulate_insn(c), X86EMUL_UNHANDLEABLE);
	assert_non_null(strstr(c->why, "changed between runs"));
}

/* ---- faults, refusals, the exit's address ---- */

static void faults(void **state)
{
	struct fake_vm *vm = vm64();

	/* A store straddling into a faulting page: #PF with W, nothing written on either side. */
	vm->fault_page = MMIO + 0x1000;
	vm->ctxt.regs[EMUL_RBX] = MMIO + 0xffc;
	vm->ctxt.regs[EMUL_RAX] = ~0ULL;
	assert_int_equal(RUN(vm, 0x48, 0x89, 0x03), X86EMUL_PROPAGATE_FAULT);
	assert_int_equal(vm->ctxt.exception.vector, EMUL_PF_VECTOR);
	assert_int_equal(vm->ctxt.exception.error_code, FAKE_PF_WRITE);
	assert_int_equal(vm->ctxt.exception.address, MMIO + 0x1000);
	assert_int_equal(vm->nr_log, 0);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE);
	/* Non-canonical: #GP(0); through RSP: #SS(0). */
	vm->ctxt.regs[EMUL_RBX] = 0x0000800000000000ULL;
	assert_int_equal(RUN(vm, 0x48, 0x89, 0x03), X86EMUL_PROPAGATE_FAULT);
	assert_int_equal(vm->ctxt.exception.vector, EMUL_GP_VECTOR);
	vm->ctxt.regs[EMUL_RSP] = 0x0000800000000000ULL;
	assert_int_equal(RUN(vm, 0x48, 0x89, 0x04, 0x24), X86EMUL_PROPAGATE_FAULT);
	assert_int_equal(vm->ctxt.exception.vector, EMUL_SS_VECTOR);
	/* LOCK on MOV is #UD. */
	assert_int_equal(RUN(vm, 0xf0, 0x89, 0x03), X86EMUL_PROPAGATE_FAULT);
	assert_int_equal(vm->ctxt.exception.vector, EMUL_UD_VECTOR);
	/* The instruction crossing into a page that faults: #PF on the fetch. */
	vm->fault_page = FAKE_CODE + 0x1000;
	memcpy(vm->ram + FAKE_CODE + 0xffe, (const u8[]){ 0x48, 0x89 }, 2);
	vm->ctxt.eip = FAKE_CODE + 0xffe;
	assert_int_equal(fake_run(vm), X86EMUL_PROPAGATE_FAULT);
	assert_int_equal(vm->ctxt.exception.address, FAKE_CODE + 0x1000);
	/* Code in MMIO is refused. */
	vm->fault_page = FAKE_NO_FAULT;
	vm->ctxt.eip = MMIO;
	assert_int_equal(fake_run(vm), X86EMUL_UNHANDLEABLE);
	assert_non_null(strstr(vm->ctxt.why, "fetch from MMIO"));
}

static void refusals_name_the_instruction(void **state)
{
	static const struct {
		u8 bytes[8];
		unsigned int n;
		const char *says;
	} cases[] = {
		/* lldt (%rbx), then stosb */
		{ { 0x0f, 0x00, 0x13, 0xaa }, 4, "lldt (bytes 0f 00 13)" },
		{ { 0x0f, 0xae, 0x13 }, 3, "ldmxcsr" },		/* ldmxcsr (%rbx) */
		{ { 0x0f, 0xae, 0x03 }, 3, "fxsave" },		/* fxsave (%rbx) */
		{ { 0x0f, 0x0b }, 2, "bytes 0f 0b" },		/* ud2 */
		{ { 0x0f, 0x38, 0x00, 0x03 }, 4, "bytes 0f 38 00" },	/* pshufb */
		{ { 0x89, 0xc3 }, 2, "register operand" },	/* mov %eax,%ebx */
		{ { 0xf2, 0x0f, 0x6f, 0x03 }, 4, "vector" },	/* F2 0F 6F: no such move */
		{ { 0xc4, 0xe2, 0x79, 0x18, 0x03 }, 5, "VEX" },	/* vbroadcastss */
		{ { 0xf3, 0x0f, 0xb8, 0x03 }, 4, "bytes f3 0f b8" },	/* popcnt (%rbx),%eax */
		{ { 0xf3, 0x0f, 0xb6, 0x03 }, 4, "movzx with an F2/F3" },
	};
	struct fake_vm *vm = vm64();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fake_code(vm, cases[i].bytes, cases[i].n);
		assert_int_equal(fake_run(vm), X86EMUL_UNHANDLEABLE);
		if (!strstr(vm->ctxt.why, cases[i].says)) {
			print_message("case %u: \"%s\" lacks \"%s\"\n", i, vm->ctxt.why, cases[i].says);
			fail();
		}
	}
}

/* Every instruction cut short at every length is "truncated", never read past the end. */
static void truncated_bytes(void **state)
{
	static const u8 full[] = { 0x66, 0x67, 0x48, 0x81, 0x84, 0x24, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct fake_vm *vm = vm64();
	unsigned int n;

	for (n = 0; n < sizeof(full); n++) {
		u8 *copy = malloc(n ? n : 1);

		memcpy(copy, full, n);
		assert_int_equal(emul_decode_insn_bytes(&vm->ctxt, copy, n), X86EMUL_UNHANDLEABLE);
		assert_non_null(strstr(vm->ctxt.why, "truncated"));
		free(copy);
	}
	assert_int_equal(emul_decode_insn_bytes(&vm->ctxt, full, sizeof(full)), X86EMUL_CONTINUE);
	assert_int_equal(vm->ctxt.insn.len, sizeof(full));
	/* 15 prefixes and an opcode: longer than 15 bytes is #UD. */
	{
		u8 longer[16];

		memset(longer, 0x66, 15);
		longer[15] = 0x90;
		assert_int_equal(emul_decode_insn_bytes(&vm->ctxt, longer, 16), X86EMUL_PROPAGATE_FAULT);
		assert_int_equal(vm->ctxt.exception.vector, EMUL_UD_VECTOR);
	}
}

/* The exit's linear address must be one the decoded instruction accesses. */
static void exit_address_must_match(void **state)
{
	struct fake_vm *vm = vm64();

	vm->ctxt.regs[EMUL_RBX] = MMIO + 0x40;
	vm->ctxt.gla_valid = true;
	vm->ctxt.gla = MMIO + 0x44;
	assert_int_equal(RUN(vm, 0x48, 0x89, 0x03), X86EMUL_CONTINUE);	/* 8 bytes at 0x40 */
	vm->ctxt.gla = MMIO + 0x48;
	vm->nr_log = 0;
	assert_int_equal(RUN(vm, 0x48, 0x89, 0x03), X86EMUL_RETRY_INSTR);
	assert_int_equal(vm->nr_log, 0);
	assert_int_equal(vm->ctxt.eip, FAKE_CODE);
	assert_non_null(strstr(vm->ctxt.why, "changed"));
	/* MOVS: either operand may be the one that faulted. */
	vm->ctxt.regs[EMUL_RSI] = 0x100;
	vm->ctxt.regs[EMUL_RDI] = MMIO + 0x80;
	vm->ctxt.gla = MMIO + 0x80;
	assert_int_equal(RUN(vm, 0xa4), X86EMUL_CONTINUE);
	/* PUSH: the stack slot. */
	vm->ctxt.regs[EMUL_RSP] = MMIO + 0x100;
	vm->ctxt.gla = MMIO + 0xf8;
	assert_int_equal(RUN(vm, 0x53), X86EMUL_CONTINUE);
	vm->ctxt.gla = MMIO + 0x100;
	assert_int_equal(RUN(vm, 0x53), X86EMUL_RETRY_INSTR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alu_flags_match_reference),
		cmocka_unit_test(mov_store_and_load_sizes),
		cmocka_unit_test(real_mode_addressing),
		cmocka_unit_test(xchg_cmpxchg_xadd),
		cmocka_unit_test(unary_ops),
		cmocka_unit_test(bit_tests),
		cmocka_unit_test(every_operand_size),
		cmocka_unit_test(stack_on_mmio),
		cmocka_unit_test(rep_movs_stos_directions),
		cmocka_unit_test(string_16bit_and_compare),
		cmocka_unit_test(vector_moves),
		cmocka_unit_test(straddles),
		cmocka_unit_test(read_restart_model),
		cmocka_unit_test(faults),
		cmocka_unit_test(refusals_name_the_instruction),
		cmocka_unit_test(truncated_bytes),
		cmocka_unit_test(exit_address_must_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
