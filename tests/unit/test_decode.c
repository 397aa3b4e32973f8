/*
 * The MMIO instruction decoder against real encodings.  Every row's bytes
 * came from GNU as (the row's text is what it assembled, in .code16 for
 * REAL and P16, .code32, .code64) or, for hand-made prefix orders, from
 * .byte lines checked against objdump's disassembly, which the text quotes.
 * Each row is decoded exactly, with trailing bytes, and cut short at every
 * length; then the errors, the stored values and the register rules of
 * completing a load.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "compiler.h"
#include "lib/errno.h"
#include "arch/x86/insn_decode.h"

#define REAL CPU_MODE_REAL
#define P16 CPU_MODE_PROT16
#define P32 CPU_MODE_PROT32
#define L64 CPU_MODE_LONG64
#define ST true
#define LD false
#define MOV MMIO_OP_MOV
#define MOVZX MMIO_OP_MOVZX
#define MOVSX MMIO_OP_MOVSX

/* The bytes of a row and their count, as the last initializers of a struct. */
#define B(...) .bytes = { __VA_ARGS__ }, .nbytes = sizeof((const u8[]){ __VA_ARGS__ })

/* Filler after an instruction: decoding must stop before it. */
#define TRAILING_BYTE 0xff
#define WHY_SIZE 160

static const char *const mode_names[] = {
	[CPU_MODE_REAL] = "real",
	[CPU_MODE_PROT16] = "prot16",
	[CPU_MODE_PROT32] = "prot32",
	[CPU_MODE_LONG64] = "long64",
};

/* An instruction that decodes, and what it must decode to. */
struct ok_case {
	const char *text;
	enum cpu_mode mode;
	bool write;
	unsigned int size;
	unsigned int reg_size;
	enum mmio_op kind;
	int reg;
	bool high_byte;
	u64 imm;
	u8 bytes[X86_MAX_INSN_LEN];
	unsigned int nbytes;
};

/* 88/89/8A/8B in real and 16-bit protected mode: 16-bit ModRM */
static const struct ok_case mov16_cases[] = {
	{ "mov %al,(%bx)", REAL, ST, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0x88, 0x07) },
	{ "mov %cl,(%si)", REAL, ST, 1, 1, MOV, GPR_RCX, 0, 0,
	  B(0x88, 0x0c) },
	{ "mov %ax,(%bx,%si)", REAL, ST, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0x89, 0x00) },
	{ "mov %edx,(%di)", REAL, ST, 4, 4, MOV, GPR_RDX, 0, 0,
	  B(0x66, 0x89, 0x15) },
	{ "mov (%bx),%dl", REAL, LD, 1, 1, MOV, GPR_RDX, 0, 0,
	  B(0x8a, 0x17) },
	{ "mov (%bp,%di),%sp", REAL, LD, 2, 2, MOV, GPR_RSP, 0, 0,
	  B(0x8b, 0x23) },
	{ "mov 0x1234,%bx", REAL, LD, 2, 2, MOV, GPR_RBX, 0, 0,
	  B(0x8b, 0x1e, 0x34, 0x12) },
	{ "mov 0x12(%bp),%esi", REAL, LD, 4, 4, MOV, GPR_RSI, 0, 0,
	  B(0x66, 0x8b, 0x76, 0x12) },
	{ "mov %di,0x1234(%bx,%di)", P16, ST, 2, 2, MOV, GPR_RDI, 0, 0,
	  B(0x89, 0xb9, 0x34, 0x12) },
	{ "mov (%bp),%al", P16, LD, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0x8a, 0x46, 0x00) },
	{ "mov %ebx,-0x2(%si)", P16, ST, 4, 4, MOV, GPR_RBX, 0, 0,
	  B(0x66, 0x89, 0x5c, 0xfe) },
	{ "mov -0x1000(%bp,%si),%cx", P16, LD, 2, 2, MOV, GPR_RCX, 0, 0,
	  B(0x8b, 0x8a, 0x00, 0xf0) },
};

/* 88/89/8A/8B in 32-bit mode: 32-bit ModRM and SIB */
static const struct ok_case mov32_cases[] = {
	{ "mov %al,(%eax)", P32, ST, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0x88, 0x00) },
	{ "mov %bx,(%ecx)", P32, ST, 2, 2, MOV, GPR_RBX, 0, 0,
	  B(0x66, 0x89, 0x19) },
	{ "mov %ecx,(%edx)", P32, ST, 4, 4, MOV, GPR_RCX, 0, 0,
	  B(0x89, 0x0a) },
	{ "mov (%ebx),%dl", P32, LD, 1, 1, MOV, GPR_RDX, 0, 0,
	  B(0x8a, 0x13) },
	{ "mov (%esi),%di", P32, LD, 2, 2, MOV, GPR_RDI, 0, 0,
	  B(0x66, 0x8b, 0x3e) },
	{ "mov 0x11223344,%ebx", P32, LD, 4, 4, MOV, GPR_RBX, 0, 0,
	  B(0x8b, 0x1d, 0x44, 0x33, 0x22, 0x11) },
	{ "mov (%esp),%ebp", P32, LD, 4, 4, MOV, GPR_RBP, 0, 0,
	  B(0x8b, 0x2c, 0x24) },
	{ "mov 0x10(%ebp),%esi", P32, LD, 4, 4, MOV, GPR_RSI, 0, 0,
	  B(0x8b, 0x75, 0x10) },
	{ "mov 0x12345678(%eax,%ecx,4),%edi", P32, LD, 4, 4, MOV, GPR_RDI, 0, 0,
	  B(0x8b, 0xbc, 0x88, 0x78, 0x56, 0x34, 0x12) },
	{ "mov %edi,0x10(,%ecx,4)", P32, ST, 4, 4, MOV, GPR_RDI, 0, 0,
	  B(0x89, 0x3c, 0x8d, 0x10, 0x00, 0x00, 0x00) },
	{ "mov %eax,-0x80(%ebx,%esi,8)", P32, ST, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x89, 0x44, 0xf3, 0x80) },
	{ "mov %esp,0x1000(%ebp)", P32, ST, 4, 4, MOV, GPR_RSP, 0, 0,
	  B(0x89, 0xa5, 0x00, 0x10, 0x00, 0x00) },
};

/* 88/89/8A/8B in 64-bit mode, every width, RIP-relative and SIB */
static const struct ok_case mov64_cases[] = {
	{ "mov %al,(%rax)", L64, ST, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0x88, 0x00) },
	{ "mov %ax,(%rbx)", L64, ST, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0x66, 0x89, 0x03) },
	{ "mov %eax,(%rcx)", L64, ST, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x89, 0x01) },
	{ "mov %rax,(%rdx)", L64, ST, 8, 8, MOV, GPR_RAX, 0, 0,
	  B(0x48, 0x89, 0x02) },
	{ "mov (%rsi),%cl", L64, LD, 1, 1, MOV, GPR_RCX, 0, 0,
	  B(0x8a, 0x0e) },
	{ "mov (%rdi),%dx", L64, LD, 2, 2, MOV, GPR_RDX, 0, 0,
	  B(0x66, 0x8b, 0x17) },
	{ "mov (%rbp),%ebx", L64, LD, 4, 4, MOV, GPR_RBX, 0, 0,
	  B(0x8b, 0x5d, 0x00) },
	{ "mov (%rsp),%rsi", L64, LD, 8, 8, MOV, GPR_RSI, 0, 0,
	  B(0x48, 0x8b, 0x34, 0x24) },
	{ "mov 0x12345678(%rip),%eax", L64, LD, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x8b, 0x05, 0x78, 0x56, 0x34, 0x12) },
	{ "mov %rcx,-0x10(%rip)", L64, ST, 8, 8, MOV, GPR_RCX, 0, 0,
	  B(0x48, 0x89, 0x0d, 0xf0, 0xff, 0xff, 0xff) },
	{ "mov 0x1000,%edx", L64, LD, 4, 4, MOV, GPR_RDX, 0, 0,
	  B(0x8b, 0x14, 0x25, 0x00, 0x10, 0x00, 0x00) },
	{ "mov %ebx,0x7f(%rax,%rbx,2)", L64, ST, 4, 4, MOV, GPR_RBX, 0, 0,
	  B(0x89, 0x5c, 0x58, 0x7f) },
	{ "mov %rdi,0x11223344(%rsp)", L64, ST, 8, 8, MOV, GPR_RDI, 0, 0,
	  B(0x48, 0x89, 0xbc, 0x24, 0x44, 0x33, 0x22, 0x11) },
};

/* REX.R, REX.X and REX.B: extended registers, R12/R13 as base */
static const struct ok_case rex_cases[] = {
	{ "mov %r8,(%rax)", L64, ST, 8, 8, MOV, GPR_R8, 0, 0,
	  B(0x4c, 0x89, 0x00) },
	{ "mov %r9,(%r10)", L64, ST, 8, 8, MOV, GPR_R9, 0, 0,
	  B(0x4d, 0x89, 0x0a) },
	{ "mov (%r11),%r15b", L64, LD, 1, 1, MOV, GPR_R15, 0, 0,
	  B(0x45, 0x8a, 0x3b) },
	{ "mov %r8w,(%rax)", L64, ST, 2, 2, MOV, GPR_R8, 0, 0,
	  B(0x66, 0x44, 0x89, 0x00) },
	{ "mov (%rax),%r12d", L64, LD, 4, 4, MOV, GPR_R12, 0, 0,
	  B(0x44, 0x8b, 0x20) },
	{ "mov (%r12),%eax", L64, LD, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x41, 0x8b, 0x04, 0x24) },
	{ "mov (%r13),%eax", L64, LD, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x41, 0x8b, 0x45, 0x00) },
	{ "mov %r14,(%rax,%r9,8)", L64, ST, 8, 8, MOV, GPR_R14, 0, 0,
	  B(0x4e, 0x89, 0x34, 0xc8) },
	{ "mov 0x10(%r13,%r12,1),%r11", L64, LD, 8, 8, MOV, GPR_R11, 0, 0,
	  B(0x4f, 0x8b, 0x5c, 0x25, 0x10) },
	{ "mov (%rax,%r12,1),%ecx", L64, LD, 4, 4, MOV, GPR_RCX, 0, 0,
	  B(0x42, 0x8b, 0x0c, 0x20) },
	{ "mov %r10b,0x0(%rip)", L64, ST, 1, 1, MOV, GPR_R10, 0, 0,
	  B(0x44, 0x88, 0x15, 0x00, 0x00, 0x00, 0x00) },
	{ "mov 0x11223344(,%rax,1),%eax", L64, LD, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x41, 0x8b, 0x04, 0x05, 0x44, 0x33, 0x22, 0x11) },
};

/* AH, CH, DH, BH without REX; SPL, BPL, SIL, DIL with any REX */
static const struct ok_case high_byte_cases[] = {
	{ "mov %ah,(%bx)", REAL, ST, 1, 1, MOV, GPR_RAX, 1, 0,
	  B(0x88, 0x27) },
	{ "mov (%bx),%bh", REAL, LD, 1, 1, MOV, GPR_RBX, 1, 0,
	  B(0x8a, 0x3f) },
	{ "mov %ch,(%si)", P16, ST, 1, 1, MOV, GPR_RCX, 1, 0,
	  B(0x88, 0x2c) },
	{ "mov (%di),%dh", P16, LD, 1, 1, MOV, GPR_RDX, 1, 0,
	  B(0x8a, 0x35) },
	{ "mov %dh,(%eax)", P32, ST, 1, 1, MOV, GPR_RDX, 1, 0,
	  B(0x88, 0x30) },
	{ "mov (%ecx),%ah", P32, LD, 1, 1, MOV, GPR_RAX, 1, 0,
	  B(0x8a, 0x21) },
	{ "mov %ah,(%rax)", L64, ST, 1, 1, MOV, GPR_RAX, 1, 0,
	  B(0x88, 0x20) },
	{ "mov (%rax),%bh", L64, LD, 1, 1, MOV, GPR_RBX, 1, 0,
	  B(0x8a, 0x38) },
	{ "mov %spl,(%rax)", L64, ST, 1, 1, MOV, GPR_RSP, 0, 0,
	  B(0x40, 0x88, 0x20) },
	{ "mov %bpl,(%rcx)", L64, ST, 1, 1, MOV, GPR_RBP, 0, 0,
	  B(0x40, 0x88, 0x29) },
	{ "mov %sil,(%rdx)", L64, ST, 1, 1, MOV, GPR_RSI, 0, 0,
	  B(0x40, 0x88, 0x32) },
	{ "mov (%rax),%dil", L64, LD, 1, 1, MOV, GPR_RDI, 0, 0,
	  B(0x40, 0x8a, 0x38) },
	{ "rex.W mov %spl,(%rax)", L64, ST, 1, 1, MOV, GPR_RSP, 0, 0,
	  B(0x48, 0x88, 0x20) },
	{ "rex mov %al,(%rax)", L64, ST, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0x40, 0x88, 0x00) },
};

/* C6 /0 and C7 /0: immediates */
static const struct ok_case imm_cases[] = {
	{ "movb $0x12,(%bx)", REAL, ST, 1, 1, MOV, MMIO_REG_IMM, 0, 0x12,
	  B(0xc6, 0x07, 0x12) },
	{ "movw $0x1234,(%bx)", REAL, ST, 2, 2, MOV, MMIO_REG_IMM, 0, 0x1234,
	  B(0xc7, 0x07, 0x34, 0x12) },
	{ "movl $0x12345678,(%bx)", REAL, ST, 4, 4, MOV, MMIO_REG_IMM, 0, 0x12345678,
	  B(0x66, 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12) },
	{ "movw $0xbeef,0x1234", REAL, ST, 2, 2, MOV, MMIO_REG_IMM, 0, 0xbeef,
	  B(0xc7, 0x06, 0x34, 0x12, 0xef, 0xbe) },
	{ "movb $0x80,0x10(%bp,%si)", REAL, ST, 1, 1, MOV, MMIO_REG_IMM, 0, 0x80,
	  B(0xc6, 0x42, 0x10, 0x80) },
	{ "movw $-1,0x1234(%bx)", P16, ST, 2, 2, MOV, MMIO_REG_IMM, 0, 0xffff,
	  B(0xc7, 0x87, 0x34, 0x12, 0xff, 0xff) },
	{ "movl $0x89abcdef,-0x10(%bp)", P16, ST, 4, 4, MOV, MMIO_REG_IMM, 0, 0x89abcdef,
	  B(0x66, 0xc7, 0x46, 0xf0, 0xef, 0xcd, 0xab, 0x89) },
	{ "movb $0x12,(%di)", P16, ST, 1, 1, MOV, MMIO_REG_IMM, 0, 0x12,
	  B(0xc6, 0x05, 0x12) },
	{ "movb $0xff,(%eax)", P32, ST, 1, 1, MOV, MMIO_REG_IMM, 0, 0xff,
	  B(0xc6, 0x00, 0xff) },
	{ "movw $0x8001,(%eax)", P32, ST, 2, 2, MOV, MMIO_REG_IMM, 0, 0x8001,
	  B(0x66, 0xc7, 0x00, 0x01, 0x80) },
	{ "movl $0x80000000,(%eax)", P32, ST, 4, 4, MOV, MMIO_REG_IMM, 0, 0x80000000,
	  B(0xc7, 0x00, 0x00, 0x00, 0x00, 0x80) },
	{ "movl $0x11223344,0x55667788", P32, ST, 4, 4, MOV, MMIO_REG_IMM, 0, 0x11223344,
	  B(0xc7, 0x05, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11) },
	{ "movl $1,0x12345678(%eax,%ebx,4)", P32, ST, 4, 4, MOV, MMIO_REG_IMM, 0, 1,
	  B(0xc7, 0x84, 0x98, 0x78, 0x56, 0x34, 0x12, 0x01, 0x00, 0x00, 0x00) },
	{ "movb $0x7f,(%rax)", L64, ST, 1, 1, MOV, MMIO_REG_IMM, 0, 0x7f,
	  B(0xc6, 0x00, 0x7f) },
	{ "movw $0xabcd,(%rbx)", L64, ST, 2, 2, MOV, MMIO_REG_IMM, 0, 0xabcd,
	  B(0x66, 0xc7, 0x03, 0xcd, 0xab) },
	{ "movl $0xdeadbeef,(%rcx)", L64, ST, 4, 4, MOV, MMIO_REG_IMM, 0, 0xdeadbeef,
	  B(0xc7, 0x01, 0xef, 0xbe, 0xad, 0xde) },
	{ "movq $-1,(%rdx)", L64, ST, 8, 8, MOV, MMIO_REG_IMM, 0, 0xffffffffffffffff,
	  B(0x48, 0xc7, 0x02, 0xff, 0xff, 0xff, 0xff) },
	{ "movq $0x7fffffff,(%rsi)", L64, ST, 8, 8, MOV, MMIO_REG_IMM, 0, 0x7fffffff,
	  B(0x48, 0xc7, 0x06, 0xff, 0xff, 0xff, 0x7f) },
	{ "movq $-0x80000000,(%rdi)", L64, ST, 8, 8, MOV, MMIO_REG_IMM, 0, 0xffffffff80000000,
	  B(0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80) },
	{ "movl $0x12345678,0x10(%rip)", L64, ST, 4, 4, MOV, MMIO_REG_IMM, 0, 0x12345678,
	  B(0xc7, 0x05, 0x10, 0x00, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12) },
	{ "movb $0x5a,0x11223344(%r12)", L64, ST, 1, 1, MOV, MMIO_REG_IMM, 0, 0x5a,
	  B(0x41, 0xc6, 0x84, 0x24, 0x44, 0x33, 0x22, 0x11, 0x5a) },
	{ "movw $0x8000,-0x8(%rip)", L64, ST, 2, 2, MOV, MMIO_REG_IMM, 0, 0x8000,
	  B(0x66, 0xc7, 0x05, 0xf8, 0xff, 0xff, 0xff, 0x00, 0x80) },
};

/* A0-A3: moffs as wide as the address size */
static const struct ok_case moffs_cases[] = {
	{ "mov 0x1234,%al", REAL, LD, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0xa0, 0x34, 0x12) },
	{ "mov 0x1234,%ax", REAL, LD, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0xa1, 0x34, 0x12) },
	{ "mov 0x1234,%eax", REAL, LD, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x66, 0xa1, 0x34, 0x12) },
	{ "mov %al,0x1234", REAL, ST, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0xa2, 0x34, 0x12) },
	{ "mov %ax,0x1234", REAL, ST, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0xa3, 0x34, 0x12) },
	{ "mov %eax,0x1234", REAL, ST, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x66, 0xa3, 0x34, 0x12) },
	{ "addr32 mov 0x12345678,%al", REAL, LD, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0x67, 0xa0, 0x78, 0x56, 0x34, 0x12) },
	{ "mov %es:0x1234,%ax", P16, LD, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0x26, 0xa1, 0x34, 0x12) },
	{ "mov 0x1234,%al", P16, LD, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0xa0, 0x34, 0x12) },
	{ "mov %al,0x1234", P16, ST, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0xa2, 0x34, 0x12) },
	{ "addr32 mov %eax,0x12345678", P16, ST, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x67, 0x66, 0xa3, 0x78, 0x56, 0x34, 0x12) },
	{ "mov 0x11223344,%al", P32, LD, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0xa0, 0x44, 0x33, 0x22, 0x11) },
	{ "mov 0x11223344,%ax", P32, LD, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0x66, 0xa1, 0x44, 0x33, 0x22, 0x11) },
	{ "mov 0x11223344,%eax", P32, LD, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0xa1, 0x44, 0x33, 0x22, 0x11) },
	{ "mov %al,0x11223344", P32, ST, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0xa2, 0x44, 0x33, 0x22, 0x11) },
	{ "mov %eax,0x11223344", P32, ST, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0xa3, 0x44, 0x33, 0x22, 0x11) },
	{ "addr16 mov 0x1234,%eax", P32, LD, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x67, 0xa1, 0x34, 0x12) },
	{ "movabs 0x1122334455667788,%al", L64, LD, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11) },
	{ "movabs 0x1122334455667788,%ax", L64, LD, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0x66, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11) },
	{ "movabs 0x1122334455667788,%eax", L64, LD, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11) },
	{ "movabs 0x1122334455667788,%rax", L64, LD, 8, 8, MOV, GPR_RAX, 0, 0,
	  B(0x48, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11) },
	{ "movabs %al,0x1122334455667788", L64, ST, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0xa2, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11) },
	{ "movabs %rax,0x1122334455667788", L64, ST, 8, 8, MOV, GPR_RAX, 0, 0,
	  B(0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11) },
	{ "movabs %gs:0x1122334455667788,%eax", L64, LD, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x65, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11) },
	{ "addr32 mov 0x11223344,%eax", L64, LD, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x67, 0xa1, 0x44, 0x33, 0x22, 0x11) },
	{ "addr32 mov %rax,0x11223344", L64, ST, 8, 8, MOV, GPR_RAX, 0, 0,
	  B(0x67, 0x48, 0xa3, 0x44, 0x33, 0x22, 0x11) },
};

/* 0F B6/B7 (MOVZX) and 0F BE/BF (MOVSX) */
static const struct ok_case extend_cases[] = {
	{ "movzbw (%bx),%ax", REAL, LD, 1, 2, MOVZX, GPR_RAX, 0, 0,
	  B(0x0f, 0xb6, 0x07) },
	{ "movzbl (%bx),%ecx", REAL, LD, 1, 4, MOVZX, GPR_RCX, 0, 0,
	  B(0x66, 0x0f, 0xb6, 0x0f) },
	{ "movzwl (%bx),%edx", REAL, LD, 2, 4, MOVZX, GPR_RDX, 0, 0,
	  B(0x66, 0x0f, 0xb7, 0x17) },
	{ "movsbw (%si),%bx", REAL, LD, 1, 2, MOVSX, GPR_RBX, 0, 0,
	  B(0x0f, 0xbe, 0x1c) },
	{ "movswl (%bx),%eax", REAL, LD, 2, 4, MOVSX, GPR_RAX, 0, 0,
	  B(0x66, 0x0f, 0xbf, 0x07) },
	{ "movzbw (%bx),%ax", P16, LD, 1, 2, MOVZX, GPR_RAX, 0, 0,
	  B(0x0f, 0xb6, 0x07) },
	{ "movzwl 0x10(%bp,%si),%ecx", P16, LD, 2, 4, MOVZX, GPR_RCX, 0, 0,
	  B(0x66, 0x0f, 0xb7, 0x4a, 0x10) },
	{ "movsww (%bx),%dx", P16, LD, 2, 2, MOVSX, GPR_RDX, 0, 0,
	  B(0x0f, 0xbf, 0x17) },
	{ "movsbl 0x10(%bp),%esi", P16, LD, 1, 4, MOVSX, GPR_RSI, 0, 0,
	  B(0x66, 0x0f, 0xbe, 0x76, 0x10) },
	{ "movswl 0x1234,%edi", P16, LD, 2, 4, MOVSX, GPR_RDI, 0, 0,
	  B(0x66, 0x0f, 0xbf, 0x3e, 0x34, 0x12) },
	{ "movzbl (%eax),%eax", P32, LD, 1, 4, MOVZX, GPR_RAX, 0, 0,
	  B(0x0f, 0xb6, 0x00) },
	{ "movzbw (%eax),%ax", P32, LD, 1, 2, MOVZX, GPR_RAX, 0, 0,
	  B(0x66, 0x0f, 0xb6, 0x00) },
	{ "movzwl (%eax),%ebx", P32, LD, 2, 4, MOVZX, GPR_RBX, 0, 0,
	  B(0x0f, 0xb7, 0x18) },
	{ "movsbl (%eax),%ecx", P32, LD, 1, 4, MOVSX, GPR_RCX, 0, 0,
	  B(0x0f, 0xbe, 0x08) },
	{ "movsbw (%eax),%dx", P32, LD, 1, 2, MOVSX, GPR_RDX, 0, 0,
	  B(0x66, 0x0f, 0xbe, 0x10) },
	{ "movswl (%esp),%ebp", P32, LD, 2, 4, MOVSX, GPR_RBP, 0, 0,
	  B(0x0f, 0xbf, 0x2c, 0x24) },
	{ "movzww (%eax),%ax", P32, LD, 2, 2, MOVZX, GPR_RAX, 0, 0,
	  B(0x66, 0x0f, 0xb7, 0x00) },
	{ "movzbl (%rax),%eax", L64, LD, 1, 4, MOVZX, GPR_RAX, 0, 0,
	  B(0x0f, 0xb6, 0x00) },
	{ "movzbq (%rax),%rax", L64, LD, 1, 8, MOVZX, GPR_RAX, 0, 0,
	  B(0x48, 0x0f, 0xb6, 0x00) },
	{ "movzwq (%rax),%r9", L64, LD, 2, 8, MOVZX, GPR_R9, 0, 0,
	  B(0x4c, 0x0f, 0xb7, 0x08) },
	{ "movsbq 0x10(%rip),%rdx", L64, LD, 1, 8, MOVSX, GPR_RDX, 0, 0,
	  B(0x48, 0x0f, 0xbe, 0x15, 0x10, 0x00, 0x00, 0x00) },
	{ "movswq (%rax),%rax", L64, LD, 2, 8, MOVSX, GPR_RAX, 0, 0,
	  B(0x48, 0x0f, 0xbf, 0x00) },
	{ "movsbw (%rax),%r15w", L64, LD, 1, 2, MOVSX, GPR_R15, 0, 0,
	  B(0x66, 0x44, 0x0f, 0xbe, 0x38) },
	{ "movzbl (%r12),%r13d", L64, LD, 1, 4, MOVZX, GPR_R13, 0, 0,
	  B(0x45, 0x0f, 0xb6, 0x2c, 0x24) },
	{ "movswl (%rax),%eax", L64, LD, 2, 4, MOVSX, GPR_RAX, 0, 0,
	  B(0x0f, 0xbf, 0x00) },
};

/* Segment overrides (consumed), 0x66 and 0x67, prefix order and repeats */
static const struct ok_case prefix_cases[] = {
	{ "mov %es:(%bx),%al", REAL, LD, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0x26, 0x8a, 0x07) },
	{ "mov %cs:(%bx),%al", REAL, LD, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0x2e, 0x8a, 0x07) },
	{ "mov %ss:(%bx),%ax", P16, LD, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0x36, 0x8b, 0x07) },
	{ "mov %ds:(%bx),%ax", P16, LD, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0x3e, 0x8b, 0x07) },
	{ "mov %fs:(%eax),%eax", P32, LD, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x64, 0x8b, 0x00) },
	{ "mov %gs:0x10(%eax),%ax", P32, LD, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0x65, 0x66, 0x8b, 0x40, 0x10) },
	{ "mov %fs:0x28,%rax", L64, LD, 8, 8, MOV, GPR_RAX, 0, 0,
	  B(0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00) },
	{ "mov %gs:(%rax),%ecx", L64, LD, 4, 4, MOV, GPR_RCX, 0, 0,
	  B(0x65, 0x8b, 0x08) },
	{ "mov %cs:(%rax),%al", L64, LD, 1, 1, MOV, GPR_RAX, 0, 0,
	  B(0x2e, 0x8a, 0x00) },
	{ "mov (%eax),%ax", REAL, LD, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0x67, 0x8b, 0x00) },
	{ "mov 0x12345678(%eax,%ebx,4),%ax", REAL, LD, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0x67, 0x8b, 0x84, 0x98, 0x78, 0x56, 0x34, 0x12) },
	{ "addr32 mov 0x12345678,%bx", REAL, LD, 2, 2, MOV, GPR_RBX, 0, 0,
	  B(0x67, 0x8b, 0x1d, 0x78, 0x56, 0x34, 0x12) },
	{ "mov %eax,(%eax)", REAL, ST, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x67, 0x66, 0x89, 0x00) },
	{ "addr16 mov (%bx,%si),%eax", P32, LD, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x67, 0x8b, 0x00) },
	{ "addr16 mov 0x1234,%ebx", P32, LD, 4, 4, MOV, GPR_RBX, 0, 0,
	  B(0x67, 0x8b, 0x1e, 0x34, 0x12) },
	{ "mov 0x1234(%bp),%ecx", P32, LD, 4, 4, MOV, GPR_RCX, 0, 0,
	  B(0x67, 0x8b, 0x8e, 0x34, 0x12) },
	{ "mov %ax,(%si)", P32, ST, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0x67, 0x66, 0x89, 0x04) },
	{ "mov (%eax),%eax", L64, LD, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x67, 0x8b, 0x00) },
	{ "mov 0x10(%eip),%eax", L64, LD, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x67, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00) },
	{ "mov (%r8d,%r9d,2),%rax", L64, LD, 8, 8, MOV, GPR_RAX, 0, 0,
	  B(0x67, 0x4b, 0x8b, 0x04, 0x48) },
	{ "mov %ax,(%esp)", L64, ST, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0x67, 0x66, 0x89, 0x04, 0x24) },
	{ "data32 mov %eax,(%bx)", REAL, ST, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x66, 0x66, 0x89, 0x07) },
	{ "es mov %ax,%cs:(%bx)", P32, ST, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0x26, 0x66, 0x2e, 0x67, 0x89, 0x07) },
	{ "data16 mov %rax,(%rax)", L64, ST, 8, 8, MOV, GPR_RAX, 0, 0,
	  B(0x66, 0x48, 0x89, 0x00) },
	{ "rex.W (ignored) mov %ax,(%rax)", L64, ST, 2, 2, MOV, GPR_RAX, 0, 0,
	  B(0x48, 0x66, 0x89, 0x00) },
	{ "rex.R (ignored) cs mov %eax,(%rax)", L64, ST, 4, 4, MOV, GPR_RAX, 0, 0,
	  B(0x44, 0x2e, 0x89, 0x00) },
	{ "rex (ignored) cs mov %ah,(%rax)", L64, ST, 1, 1, MOV, GPR_RAX, 1, 0,
	  B(0x40, 0x2e, 0x88, 0x20) },
	{ "rex.R (ignored) mov %rax,(%rax)", L64, ST, 8, 8, MOV, GPR_RAX, 0, 0,
	  B(0x44, 0x48, 0x89, 0x00) },
	{ "rex.W (ignored) mov %r8d,(%rax)", L64, ST, 4, 4, MOV, GPR_R8, 0, 0,
	  B(0x48, 0x44, 0x89, 0x00) },
	{ "rex.R movl $0x1,0x10(%rax)", L64, ST, 4, 4, MOV, MMIO_REG_IMM, 0, 1,
	  B(0x44, 0xc7, 0x40, 0x10, 0x01, 0x00, 0x00, 0x00) },
	{ "movq $0x12345678,%fs:0x11223344(%eax,%ebx,4)", L64,
	  ST, 8, 8, MOV, MMIO_REG_IMM, 0, 0x12345678,
	  B(0x64, 0x67, 0x48, 0xc7, 0x84, 0x98, 0x44, 0x33, 0x22, 0x11, 0x78, 0x56, 0x34, 0x12) },
	{ "cs movq $0x12345678,%fs:0x11223344(%eax,%ebx,4)", L64,
	  ST, 8, 8, MOV, MMIO_REG_IMM, 0, 0x12345678,
	  B(0x2e, 0x64, 0x67, 0x48, 0xc7, 0x84, 0x98, 0x44,
	    0x33, 0x22, 0x11, 0x78, 0x56, 0x34, 0x12) },
};

#define EXPECT_FIELD(c, name, got, want)                                                   \
	do {                                                                               \
		if ((u64)(got) != (u64)(want)) {                                           \
			fail_msg("%s (%s): %s is %#llx, want %#llx", (c)->text,            \
				 mode_names[(c)->mode], name, (u64)(got), (u64)(want));    \
		}                                                                          \
	} while (0)

static void expect_decoded(const struct ok_case *c, const struct mmio_insn *in)
{
	EXPECT_FIELD(c, "len", in->len, c->nbytes);
	EXPECT_FIELD(c, "write", in->write, c->write);
	EXPECT_FIELD(c, "size", in->size, c->size);
	EXPECT_FIELD(c, "reg_size", in->reg_size, c->reg_size);
	EXPECT_FIELD(c, "kind", in->kind, c->kind);
	EXPECT_FIELD(c, "reg", in->reg, c->reg);
	EXPECT_FIELD(c, "high_byte", in->high_byte, c->high_byte);
	EXPECT_FIELD(c, "imm", in->imm, c->imm);
}

static void expect_zeroed(const struct ok_case *c, const struct mmio_insn *in)
{
	EXPECT_FIELD(c, "len after an error", in->len, 0);
	EXPECT_FIELD(c, "size after an error", in->size, 0);
	EXPECT_FIELD(c, "reg after an error", in->reg, 0);
}

/* Decode c exactly, followed by filler, and cut short at every length. */
static void check_case(const struct ok_case *c)
{
	u8 buf[X86_MAX_INSN_LEN + 8];
	char why[WHY_SIZE];
	struct mmio_insn in;
	unsigned int avail;
	int err;

	err = mmio_decode(c->bytes, c->nbytes, c->mode, &in, why, sizeof(why));
	if (err) {
		fail_msg("%s (%s): %s: %s", c->text, mode_names[c->mode], errno_name(err), why);
	}
	assert_string_equal(why, "");
	expect_decoded(c, &in);

	memset(buf, TRAILING_BYTE, sizeof(buf));
	memcpy(buf, c->bytes, c->nbytes);
	assert_int_equal(mmio_decode(buf, sizeof(buf), c->mode, &in, why, sizeof(why)), 0);
	expect_decoded(c, &in);

	for (avail = 0; avail < c->nbytes; avail++) {
		memset(&in, TRAILING_BYTE, sizeof(in));
		err = mmio_decode(buf, avail, c->mode, &in, why, sizeof(why));
		if (err != -EINVAL || strncmp(why, "truncated instruction", 21) != 0) {
			fail_msg("%s (%s) cut to %u bytes: %s: %s", c->text, mode_names[c->mode],
				 avail, errno_name(err), why);
		}
		expect_zeroed(c, &in);
	}
}

static void check_cases(const struct ok_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		check_case(&cases[i]);
	}
}

#define CASES_TEST(name)                                     \
	static void name(void **state)                       \
	{                                                    \
		check_cases(name##_cases, ARRAY_SIZE(name##_cases)); \
	}

CASES_TEST(mov16)
CASES_TEST(mov32)
CASES_TEST(mov64)
CASES_TEST(rex)
CASES_TEST(high_byte)
CASES_TEST(imm)
CASES_TEST(moffs)
CASES_TEST(extend)
CASES_TEST(prefix)

/* The opcode byte of c: the first that is not a prefix (REX only in 64-bit mode). */
static u8 opcode_of(const struct ok_case *c)
{
	static const u8 prefixes[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67 };
	unsigned int i = 0;

	while (memchr(prefixes, c->bytes[i], sizeof(prefixes)) ||
	       (c->mode == L64 && (c->bytes[i] & 0xf0) == 0x40)) {
		i++;
	}
	return c->bytes[i] == 0x0f ? c->bytes[i + 1] : c->bytes[i];
}

/* Every mode, width, opcode and kind appears in the tables above. */
static void tables_cover_every_form(void **state)
{
	static const struct {
		const struct ok_case *cases;
		size_t n;
	} tables[] = {
		{ mov16_cases, ARRAY_SIZE(mov16_cases) },
		{ mov32_cases, ARRAY_SIZE(mov32_cases) },
		{ mov64_cases, ARRAY_SIZE(mov64_cases) },
		{ rex_cases, ARRAY_SIZE(rex_cases) },
		{ high_byte_cases, ARRAY_SIZE(high_byte_cases) },
		{ imm_cases, ARRAY_SIZE(imm_cases) },
		{ moffs_cases, ARRAY_SIZE(moffs_cases) },
		{ extend_cases, ARRAY_SIZE(extend_cases) },
		{ prefix_cases, ARRAY_SIZE(prefix_cases) },
	};
	static const u8 opcodes[] = { 0x88, 0x89, 0x8a, 0x8b, 0xa0, 0xa1, 0xa2,
				      0xa3, 0xc6, 0xc7, 0xb6, 0xb7, 0xbe, 0xbf };
	unsigned int seen_opcode[4][ARRAY_SIZE(opcodes)] = { 0 };
	unsigned int seen_size[4][9] = { 0 };
	unsigned int seen_kind[4][3] = { 0 };
	size_t t, i, o;

	for (t = 0; t < ARRAY_SIZE(tables); t++) {
		for (i = 0; i < tables[t].n; i++) {
			const struct ok_case *c = &tables[t].cases[i];

			seen_size[c->mode][c->size]++;
			seen_kind[c->mode][c->kind]++;
			for (o = 0; o < ARRAY_SIZE(opcodes); o++) {
				seen_opcode[c->mode][o] += opcode_of(c) == opcodes[o];
			}
		}
	}
	for (t = CPU_MODE_REAL; t <= CPU_MODE_LONG64; t++) {
		for (o = 0; o < ARRAY_SIZE(opcodes); o++) {
			if (!seen_opcode[t][o]) {
				fail_msg("no opcode %02x in %s mode", opcodes[o], mode_names[t]);
			}
		}
		assert_true(seen_size[t][1] && seen_size[t][2] && seen_size[t][4]);
		assert_true(seen_kind[t][MOV] && seen_kind[t][MOVZX] && seen_kind[t][MOVSX]);
	}
	assert_true(seen_size[L64][8] > 0);
}

/* An instruction that must not decode, and the message naming it. */
struct bad_case {
	const char *text;
	enum cpu_mode mode;
	int err;
	const char *why;
	u8 bytes[X86_MAX_INSN_LEN + 1];
	unsigned int nbytes;
};

#define NOT_MOV "not a MOV to or from memory"
#define REG_FORM "register operand, no memory access"

static const struct bad_case bad_cases[] = {
	{ "movsb %ds:(%si),%es:(%di)", REAL, -ENOTSUP,
	  "unsupported instruction a4 at MMIO: " NOT_MOV, B(0xa4) },
	{ "rep movsb %ds:(%si),%es:(%di)", REAL, -ENOTSUP,
	  "unsupported instruction f3 a4 at MMIO: " NOT_MOV, B(0xf3, 0xa4) },
	{ "stos %al,%es:(%di)", REAL, -ENOTSUP,
	  "unsupported instruction aa at MMIO: " NOT_MOV, B(0xaa) },
	{ "dec %ax (48 is no REX outside 64-bit mode)", REAL, -ENOTSUP,
	  "unsupported instruction 48 89 at MMIO: " NOT_MOV, B(0x48, 0x89, 0x07) },
	{ "addr32 mov %eax,%eax", REAL, -ENOTSUP,
	  "unsupported instruction 66 67 89 c0 at MMIO: " REG_FORM, B(0x66, 0x67, 0x89, 0xc0) },
	{ "add %ax,(%bx)", P16, -ENOTSUP,
	  "unsupported instruction 01 07 at MMIO: " NOT_MOV, B(0x01, 0x07) },
	{ "rep stos %eax,%es:(%edi)", P32, -ENOTSUP,
	  "unsupported instruction f3 ab at MMIO: " NOT_MOV, B(0xf3, 0xab) },
	{ "add %eax,(%edi)", P32, -ENOTSUP,
	  "unsupported instruction 01 07 at MMIO: " NOT_MOV, B(0x01, 0x07) },
	{ "addb $0x1,(%eax)", P32, -ENOTSUP,
	  "unsupported instruction 80 00 at MMIO: " NOT_MOV, B(0x80, 0x00, 0x01) },
	{ "mov %eax,%ebx", P32, -ENOTSUP,
	  "unsupported instruction 89 c3 at MMIO: " REG_FORM, B(0x89, 0xc3) },
	{ "mov %ebx,%eax", P32, -ENOTSUP,
	  "unsupported instruction 8b c3 at MMIO: " REG_FORM, B(0x8b, 0xc3) },
	{ "movzbl %al,%eax", P32, -ENOTSUP,
	  "unsupported instruction 0f b6 c0 at MMIO: " REG_FORM, B(0x0f, 0xb6, 0xc0) },
	{ "mov $0x1,%al", P32, -ENOTSUP,
	  "unsupported instruction c6 c0 at MMIO: " REG_FORM, B(0xc6, 0xc0, 0x01) },
	{ "(bad): c6 /1", P32, -ENOTSUP,
	  "unsupported instruction c6 08 at MMIO: opcode extension /1 is not MOV",
	  B(0xc6, 0x08, 0x12) },
	{ "(bad): c7 /1 with a disp8", P32, -ENOTSUP,
	  "unsupported instruction c7 48 10 at MMIO: opcode extension /1 is not MOV",
	  B(0xc7, 0x48, 0x10, 0x78, 0x56, 0x34, 0x12) },
	{ "lock mov %eax,(%edi)", P32, -ENOTSUP,
	  "unsupported instruction f0 89 07 at MMIO: LOCK prefix", B(0xf0, 0x89, 0x07) },
	{ "repnz mov %eax,(%edi)", P32, -ENOTSUP,
	  "unsupported instruction f2 89 07 at MMIO: REPNE prefix", B(0xf2, 0x89, 0x07) },
	{ "xrelease movl $0x1,(%eax)", P32, -ENOTSUP,
	  "unsupported instruction f3 c7 00 01 00 00 00 at MMIO: REP prefix",
	  B(0xf3, 0xc7, 0x00, 0x01, 0x00, 0x00, 0x00) },
	{ "vmmcall", P32, -ENOTSUP,
	  "unsupported instruction 0f 01 d9 at MMIO: " NOT_MOV, B(0x0f, 0x01, 0xd9) },
	{ "movups %xmm0,(%eax)", P32, -ENOTSUP,
	  "unsupported instruction 0f 11 00 at MMIO: " NOT_MOV, B(0x0f, 0x11, 0x00) },
	{ "movups (%eax),%xmm0", P32, -ENOTSUP,
	  "unsupported instruction 0f 10 00 at MMIO: " NOT_MOV, B(0x0f, 0x10, 0x00) },
	{ "xchg %eax,(%edi)", P32, -ENOTSUP,
	  "unsupported instruction 87 07 at MMIO: " NOT_MOV, B(0x87, 0x07) },
	{ "inc %eax (40 is no REX outside 64-bit mode)", P32, -ENOTSUP,
	  "unsupported instruction 40 89 at MMIO: " NOT_MOV, B(0x40, 0x89, 0x07) },
	{ "arpl %ax,(%edi)", P32, -ENOTSUP,
	  "unsupported instruction 63 07 at MMIO: " NOT_MOV, B(0x63, 0x07) },
	{ "incl (%edi)", P32, -ENOTSUP,
	  "unsupported instruction ff 07 at MMIO: " NOT_MOV, B(0xff, 0x07) },
	{ "mov %es,(%edi)", P32, -ENOTSUP,
	  "unsupported instruction 8c 07 at MMIO: " NOT_MOV, B(0x8c, 0x07) },
	{ "movsq %ds:(%rsi),%es:(%rdi)", L64, -ENOTSUP,
	  "unsupported instruction 48 a5 at MMIO: " NOT_MOV, B(0x48, 0xa5) },
	{ "stos %rax,%es:(%rdi)", L64, -ENOTSUP,
	  "unsupported instruction 48 ab at MMIO: " NOT_MOV, B(0x48, 0xab) },
	{ "add %rax,(%rdi)", L64, -ENOTSUP,
	  "unsupported instruction 48 01 07 at MMIO: " NOT_MOV, B(0x48, 0x01, 0x07) },
	{ "lock mov %rax,(%rdi)", L64, -ENOTSUP,
	  "unsupported instruction f0 48 89 07 at MMIO: LOCK prefix", B(0xf0, 0x48, 0x89, 0x07) },
	{ "mov %eax,%r8d", L64, -ENOTSUP,
	  "unsupported instruction 41 89 c0 at MMIO: " REG_FORM, B(0x41, 0x89, 0xc0) },
	{ "mov %r8,%rax", L64, -ENOTSUP,
	  "unsupported instruction 4c 89 c0 at MMIO: " REG_FORM, B(0x4c, 0x89, 0xc0) },
	{ "vmovd %xmm0,(%rdi)", L64, -ENOTSUP,
	  "unsupported instruction c5 f9 at MMIO: " NOT_MOV, B(0xc5, 0xf9, 0x7e, 0x07) },
	{ "movslq (%rdi),%rax", L64, -ENOTSUP,
	  "unsupported instruction 48 63 07 at MMIO: " NOT_MOV, B(0x48, 0x63, 0x07) },
	{ "cmpxchg %eax,(%rdi)", L64, -ENOTSUP,
	  "unsupported instruction 0f b1 07 at MMIO: " NOT_MOV, B(0x0f, 0xb1, 0x07) },
	{ "movnti %eax,(%rdi)", L64, -ENOTSUP,
	  "unsupported instruction 0f c3 07 at MMIO: " NOT_MOV, B(0x0f, 0xc3, 0x07) },
	{ "mov 0x12345678(%eax,%ebx,4),%eax cut after the SIB", P32, -EINVAL,
	  "truncated instruction 8b 84 98 at MMIO: have 3 of at least 7 bytes",
	  B(0x8b, 0x84, 0x98) },
	{ "nothing", L64, -EINVAL,
	  "truncated instruction at MMIO: have 0 of at least 1 bytes", .nbytes = 0 },
	{ "a lone REX", L64, -EINVAL,
	  "truncated instruction 48 at MMIO: have 1 of at least 2 bytes", B(0x48) },
	{ "movabs 0x1122334455667788,%al cut in the moffs", L64, -EINVAL,
	  "truncated instruction a0 88 77 66 55 at MMIO: have 5 of at least 9 bytes",
	  B(0xa0, 0x88, 0x77, 0x66, 0x55) },
	{ "movq $-1,(%rdx) cut in the immediate", L64, -EINVAL,
	  "truncated instruction 48 c7 02 ff ff at MMIO: have 5 of at least 7 bytes",
	  B(0x48, 0xc7, 0x02, 0xff, 0xff) },
	{ "cs cs movq $0x12345678,%fs:0x11223344(%eax,%ebx,4): 16 bytes", L64, -EINVAL,
	  "overlong instruction 2e 2e 64 67 48 c7 84 98 44 33 22 11 78 56 34 at MMIO: "
	  "longer than 15 bytes",
	  B(0x2e, 0x2e, 0x64, 0x67, 0x48, 0xc7, 0x84, 0x98, 0x44, 0x33, 0x22, 0x11, 0x78, 0x56,
	    0x34, 0x12) },
	{ "14 x data16, mov %eax,(%bx): 16 bytes", REAL, -EINVAL,
	  "overlong instruction 66 66 66 66 66 66 66 66 66 66 66 66 66 66 89 at MMIO: "
	  "longer than 15 bytes",
	  B(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x89, 0x07) },
	{ "15 prefixes and no opcode", P32, -EINVAL,
	  "overlong instruction 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 at MMIO: "
	  "longer than 15 bytes",
	  B(0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26,
	    0x26, 0x26) },
};

/* Rejected forms fail with the errno and the message that names their bytes. */
static void errors(void **state)
{
	char why[WHY_SIZE];
	struct mmio_insn in;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];

		memset(&in, TRAILING_BYTE, sizeof(in));
		err = mmio_decode(c->bytes, c->nbytes, c->mode, &in, why, sizeof(why));
		if (err != c->err || strcmp(why, c->why) != 0) {
			fail_msg("%s (%s): %s \"%s\", want %s \"%s\"", c->text,
				 mode_names[c->mode], errno_name(err), why, errno_name(c->err),
				 c->why);
		}
		assert_int_equal(in.len, 0);
		assert_int_equal(in.reg, 0);
	}
}

/* The message is optional, and a short buffer truncates it. */
static void why_buffer(void **state)
{
	static const u8 vmmcall[] = { 0x0f, 0x01, 0xd9 };
	static const u8 mov[] = { 0x89, 0x07 };
	char why[12];
	struct mmio_insn in;

	assert_int_equal(mmio_decode(vmmcall, sizeof(vmmcall), P32, &in, NULL, 0), -ENOTSUP);
	assert_int_equal(mmio_decode(vmmcall, 1, P32, &in, NULL, 0), -EINVAL);
	assert_int_equal(mmio_decode(mov, sizeof(mov), P32, &in, NULL, 0), 0);
	assert_int_equal(in.len, 2);
	assert_int_equal(mmio_decode(vmmcall, sizeof(vmmcall), P32, &in, why, sizeof(why)),
			 -ENOTSUP);
	assert_string_equal(why, "unsupported");
	memset(why, 'x', sizeof(why));
	assert_int_equal(mmio_decode(mov, sizeof(mov), P32, &in, why, sizeof(why)), 0);
	assert_string_equal(why, "");
}

/* gpr_ptr follows the ModRM numbering; RSP is the struct's rsp_unused slot. */
static void gpr_numbering(void **state)
{
	struct guest_gprs g;

	assert_ptr_equal(gpr_ptr(&g, GPR_RAX), &g.rax);
	assert_ptr_equal(gpr_ptr(&g, GPR_RCX), &g.rcx);
	assert_ptr_equal(gpr_ptr(&g, GPR_RDX), &g.rdx);
	assert_ptr_equal(gpr_ptr(&g, GPR_RBX), &g.rbx);
	assert_ptr_equal(gpr_ptr(&g, GPR_RSP), &g.rsp_unused);
	assert_ptr_equal(gpr_ptr(&g, GPR_RBP), &g.rbp);
	assert_ptr_equal(gpr_ptr(&g, GPR_RSI), &g.rsi);
	assert_ptr_equal(gpr_ptr(&g, GPR_RDI), &g.rdi);
	assert_ptr_equal(gpr_ptr(&g, GPR_R8), &g.r8);
	assert_ptr_equal(gpr_ptr(&g, GPR_R9), &g.r9);
	assert_ptr_equal(gpr_ptr(&g, GPR_R10), &g.r10);
	assert_ptr_equal(gpr_ptr(&g, GPR_R11), &g.r11);
	assert_ptr_equal(gpr_ptr(&g, GPR_R12), &g.r12);
	assert_ptr_equal(gpr_ptr(&g, GPR_R13), &g.r13);
	assert_ptr_equal(gpr_ptr(&g, GPR_R14), &g.r14);
	assert_ptr_equal(gpr_ptr(&g, GPR_R15), &g.r15);
}

/* Register n holds 0x8n7n6n5n4n3n2n1n: every byte of every register differs. */
static void fill_gprs(struct guest_gprs *g)
{
	unsigned int r;

	memset(g, 0, sizeof(*g));
	for (r = 0; r < GPR_NR; r++) {
		*gpr_ptr(g, r) = 0x8070605040302010ULL + r * 0x0101010101010101ULL;
	}
}

/* A decoded access and the value it stores or the register it leaves. */
struct value_case {
	const char *text;
	enum cpu_mode mode;
	u64 data;	/* for a load: what the MMIO read returns */
	int reg;	/* for a load: the register to check */
	u64 want;	/* the value stored, or the register after the load */
	u8 bytes[X86_MAX_INSN_LEN];
	unsigned int nbytes;
};

static struct mmio_insn decode_value_case(const struct value_case *c)
{
	struct mmio_insn in;
	char why[WHY_SIZE];
	int err = mmio_decode(c->bytes, c->nbytes, c->mode, &in, why, sizeof(why));

	if (err) {
		fail_msg("%s (%s): %s: %s", c->text, mode_names[c->mode], errno_name(err), why);
	}
	return in;
}

static const struct value_case store_cases[] = {
	{ "mov %al,(%bx)", REAL, 0, 0, 0x10, B(0x88, 0x07) },
	{ "mov %ah,(%bx)", REAL, 0, 0, 0x20, B(0x88, 0x27) },
	{ "mov %ch,(%si)", P16, 0, 0, 0x21, B(0x88, 0x2c) },
	{ "mov %dh,(%eax)", P32, 0, 0, 0x22, B(0x88, 0x30) },
	{ "mov %ah,(%rax)", L64, 0, 0, 0x20, B(0x88, 0x20) },
	{ "mov %spl,(%rax)", L64, 0, 0, 0x14, B(0x40, 0x88, 0x20) },
	{ "mov %sil,(%rdx)", L64, 0, 0, 0x16, B(0x40, 0x88, 0x32) },
	{ "mov %r10b,0x0(%rip)", L64, 0, 0, 0x1a, B(0x44, 0x88, 0x15, 0x00, 0x00, 0x00, 0x00) },
	{ "mov %ax,(%bx,%si)", REAL, 0, 0, 0x2010, B(0x89, 0x00) },
	{ "mov %edx,(%di)", REAL, 0, 0, 0x42322212, B(0x66, 0x89, 0x15) },
	{ "mov %bx,(%ecx)", P32, 0, 0, 0x2313, B(0x66, 0x89, 0x19) },
	{ "mov %r8w,(%rax)", L64, 0, 0, 0x2818, B(0x66, 0x44, 0x89, 0x00) },
	{ "mov %eax,(%rcx)", L64, 0, 0, 0x40302010, B(0x89, 0x01) },
	{ "mov %rax,(%rdx)", L64, 0, 0, 0x8070605040302010, B(0x48, 0x89, 0x02) },
	{ "mov %r9,(%r10)", L64, 0, 0, 0x8979695949392919, B(0x4d, 0x89, 0x0a) },
	{ "mov %ax,0x1234", REAL, 0, 0, 0x2010, B(0xa3, 0x34, 0x12) },
	{ "movabs %rax,0x1122334455667788", L64, 0, 0, 0x8070605040302010,
	  B(0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11) },
	{ "movb $0x80,0x10(%bp,%si)", REAL, 0, 0, 0x80, B(0xc6, 0x42, 0x10, 0x80) },
	{ "movw $0xffff,0x1234(%bx)", P16, 0, 0, 0xffff, B(0xc7, 0x87, 0x34, 0x12, 0xff, 0xff) },
	{ "movl $0x80000000,(%eax)", P32, 0, 0, 0x80000000,
	  B(0xc7, 0x00, 0x00, 0x00, 0x00, 0x80) },
	{ "movq $0xffffffffffffffff,(%rdx)", L64, 0, 0, 0xffffffffffffffff,
	  B(0x48, 0xc7, 0x02, 0xff, 0xff, 0xff, 0xff) },
	{ "movq $0xffffffff80000000,(%rdi)", L64, 0, 0, 0xffffffff80000000,
	  B(0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80) },
	{ "movq $0x7fffffff,(%rsi)", L64, 0, 0, 0x7fffffff,
	  B(0x48, 0xc7, 0x06, 0xff, 0xff, 0xff, 0x7f) },
};

/* A store writes the register (AH..BH: bits 15:8) or the immediate, as wide as the access. */
static void write_value(void **state)
{
	struct guest_gprs g;
	size_t i;

	fill_gprs(&g);
	for (i = 0; i < ARRAY_SIZE(store_cases); i++) {
		const struct value_case *c = &store_cases[i];
		struct mmio_insn in = decode_value_case(c);
		u64 got = mmio_write_value(&in, &g);

		assert_true(in.write);
		if (got != c->want) {
			fail_msg("%s (%s): stores %#llx, want %#llx", c->text, mode_names[c->mode],
				 got, c->want);
		}
	}
}

static const struct value_case load_cases[] = {
	/* MOV: 8 and 16 bits keep the rest, 32 bits zero-extend, 64 bits replace */
	{ "mov (%bx),%dl", REAL, 0xaa, GPR_RDX, 0x82726252423222aa, B(0x8a, 0x17) },
	{ "mov (%bx),%bh", REAL, 0xaa, GPR_RBX, 0x837363534333aa13, B(0x8a, 0x3f) },
	{ "mov (%rax),%bh", L64, 0xaa, GPR_RBX, 0x837363534333aa13, B(0x8a, 0x38) },
	{ "mov (%ecx),%ah", P32, 0x1ff, GPR_RAX, 0x807060504030ff10, B(0x8a, 0x21) },
	{ "mov (%rax),%dil", L64, 0xaa, GPR_RDI, 0x87776757473727aa, B(0x40, 0x8a, 0x38) },
	{ "mov (%r11),%r15b", L64, 0x1234, GPR_R15, 0x8f7f6f5f4f3f2f34, B(0x45, 0x8a, 0x3b) },
	{ "mov (%rdi),%dx", L64, 0xbeef, GPR_RDX, 0x827262524232beef, B(0x66, 0x8b, 0x17) },
	{ "mov 0x1234,%bx", REAL, 0xffffbeef, GPR_RBX, 0x837363534333beef,
	  B(0x8b, 0x1e, 0x34, 0x12) },
	{ "mov 0x0(%rbp),%ebx", L64, 0xdeadbeef, GPR_RBX, 0xdeadbeef, B(0x8b, 0x5d, 0x00) },
	{ "mov (%esp),%ebp", P32, 0xffffffffcafef00d, GPR_RBP, 0xcafef00d, B(0x8b, 0x2c, 0x24) },
	{ "mov (%rax),%r12d", L64, 0xffffffff, GPR_R12, 0xffffffff, B(0x44, 0x8b, 0x20) },
	{ "mov (%rsp),%rsi", L64, 0x0123456789abcdef, GPR_RSI, 0x0123456789abcdef,
	  B(0x48, 0x8b, 0x34, 0x24) },
	{ "mov 0x1234,%ax", REAL, 0x5678, GPR_RAX, 0x8070605040305678, B(0xa1, 0x34, 0x12) },
	{ "movabs 0x1122334455667788,%al", L64, 0x99, GPR_RAX, 0x8070605040302099,
	  B(0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11) },
	{ "movabs 0x1122334455667788,%rax", L64, 0xfedcba9876543210, GPR_RAX, 0xfedcba9876543210,
	  B(0x48, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11) },
	/* MOVZX: zero-extend to the destination, then the MOV rules */
	{ "movzbw (%bx),%ax", REAL, 0x80, GPR_RAX, 0x8070605040300080, B(0x0f, 0xb6, 0x07) },
	{ "movzbl (%eax),%eax", P32, 0xff, GPR_RAX, 0xff, B(0x0f, 0xb6, 0x00) },
	{ "movzbq (%rax),%rax", L64, 0x1ff, GPR_RAX, 0xff, B(0x48, 0x0f, 0xb6, 0x00) },
	{ "movzwq (%rax),%r9", L64, 0xffff, GPR_R9, 0xffff, B(0x4c, 0x0f, 0xb7, 0x08) },
	{ "movzww (%eax),%ax", P32, 0x8001, GPR_RAX, 0x8070605040308001,
	  B(0x66, 0x0f, 0xb7, 0x00) },
	/* MOVSX: sign-extend to the destination, then the MOV rules */
	{ "movsbw (%si),%bx", REAL, 0x80, GPR_RBX, 0x837363534333ff80, B(0x0f, 0xbe, 0x1c) },
	{ "movsbl 0x10(%bp),%esi", P16, 0xfe, GPR_RSI, 0xfffffffe,
	  B(0x66, 0x0f, 0xbe, 0x76, 0x10) },
	{ "movsbl (%eax),%ecx", P32, 0x80, GPR_RCX, 0xffffff80, B(0x0f, 0xbe, 0x08) },
	{ "movsbq 0x10(%rip),%rdx", L64, 0x80, GPR_RDX, 0xffffffffffffff80,
	  B(0x48, 0x0f, 0xbe, 0x15, 0x10, 0x00, 0x00, 0x00) },
	{ "movswq (%rax),%rax", L64, 0x8000, GPR_RAX, 0xffffffffffff8000,
	  B(0x48, 0x0f, 0xbf, 0x00) },
	{ "movswq (%rax),%rax", L64, 0x7fff, GPR_RAX, 0x7fff, B(0x48, 0x0f, 0xbf, 0x00) },
	{ "movswl (%rax),%eax", L64, 0xfffe, GPR_RAX, 0xfffffffe, B(0x0f, 0xbf, 0x00) },
	{ "movsbw (%rax),%r15w", L64, 0x7f, GPR_R15, 0x8f7f6f5f4f3f007f,
	  B(0x66, 0x44, 0x0f, 0xbe, 0x38) },
	{ "movsbw (%rax),%r15w", L64, 0x180, GPR_R15, 0x8f7f6f5f4f3fff80,
	  B(0x66, 0x44, 0x0f, 0xbe, 0x38) },
};

/* A load changes its destination register by x86's rules and no other register. */
static void complete_read(void **state)
{
	struct guest_gprs g, before;
	unsigned int r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(load_cases); i++) {
		const struct value_case *c = &load_cases[i];
		struct mmio_insn in = decode_value_case(c);

		assert_false(in.write);
		fill_gprs(&g);
		before = g;
		mmio_complete_read(&in, &g, c->data);
		for (r = 0; r < GPR_NR; r++) {
			u64 want = (int)r == c->reg ? c->want : *gpr_ptr(&before, r);

			if (*gpr_ptr(&g, r) != want) {
				fail_msg("%s (%s) reading %#llx: register %u is %#llx, want %#llx",
					 c->text, mode_names[c->mode], c->data, r, *gpr_ptr(&g, r),
					 want);
			}
		}
		assert_true(g.cr2 == before.cr2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mov16),
		cmocka_unit_test(mov32),
		cmocka_unit_test(mov64),
		cmocka_unit_test(rex),
		cmocka_unit_test(high_byte),
		cmocka_unit_test(imm),
		cmocka_unit_test(moffs),
		cmocka_unit_test(extend),
		cmocka_unit_test(prefix),
		cmocka_unit_test(tables_cover_every_form),
		cmocka_unit_test(errors),
		cmocka_unit_test(why_buffer),
		cmocka_unit_test(gpr_numbering),
		cmocka_unit_test(write_value),
		cmocka_unit_test(complete_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
