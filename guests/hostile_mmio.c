/*
 * hostile_mmio: MMIO with every instruction form the emulator knows, and
 * some it refuses (the hostile suite, issue 17; tests/kernel/
 * test_hostile_mmio.c).  The VMM says what to do in the struct hostile_arg
 * at HOSTILE_ARG_GPA (guests/lib/hostile_abi.h):
 *  - SWEEP: every class docs/emulator.md lists (moves, strings with REP
 *    and DF=1, ALU with a memory operand, XCHG/CMPXCHG/XADD with LOCK, BT*,
 *    BSF/BSR, MUL/IMUL/DIV/IDIV, SHLD/SHRD, PUSH/POP on an MMIO stack,
 *    SSE and AVX moves, CLFLUSH, SMSW/LMSW/LTR), an 8-byte store across
 *    the target's page end and one across the end of RAM, against
 *    arg.target.  A form may fault (a #DE from a divisor the device gave,
 *    a #GP from LTR's selector): the fault is recorded and the next form
 *    runs.  SYNC FORMS and VECTORS report them, then the guest is done.
 *  - LGDT, SIDT: the refused form against arg.target; the VM must end.
 *  - FETCH_STRADDLE: a jump to an instruction whose first bytes are the
 *    last of RAM and whose rest lies where no memory is; the VM must end.
 */
#include "guest.h"
#include "hostile_abi.h"

#define PAGE 0x1000ULL
#define CR0_MP (1ULL << 1)
#define CR0_EM (1ULL << 2)
#define CR0_TS (1ULL << 3)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define CR4_OSXSAVE (1ULL << 18)
#define CPUID1_ECX_XSAVE (1u << 26)
#define CPUID1_ECX_AVX (1u << 28)
#define XCR0_X87_SSE_AVX 7ULL
#define BT_FAR_BIT 100		/* a register bit offset past the 8-byte operand */

static volatile struct hostile_arg *const arg = (volatile struct hostile_arg *)HOSTILE_ARG_GPA;
static unsigned int forms;
static uint64_t vectors;
static uint8_t ram[64] __attribute__((aligned(16)));

/*
 * One form that may fault (GUEST_SAFE): counted, its vector recorded.  RAX,
 * RCX, RDX, RSI and RDI start as given and may change; %[p] is the target.
 */
#define FORM_REGS(insn, at, a, c, d, si, di)                                             \
	do {                                                                               \
		uint64_t a_ = (uint64_t)(a), c_ = (uint64_t)(c), d_ = (uint64_t)(d);       \
		uint64_t si_ = (uint64_t)(si), di_ = (uint64_t)(di);                       \
		int vec_ = GUEST_SAFE(insn, : "+a"(a_), "+c"(c_), "+d"(d_), "+S"(si_),    \
				      "+D"(di_) : [p] "r"(at) : "r11", "r12", "memory", "cc"); \
		forms++;                                                                   \
		if (vec_ >= 0)                                                             \
			vectors |= 1ULL << vec_;                                           \
		__asm__ __volatile__("cld");                                               \
	} while (0)
#define FORM(insn, at, a, c, d) FORM_REGS(insn, at, a, c, d, 0, 0)

/* MOV in each width and direction, immediates, MOVNTI, MOVZX/MOVSX/MOVSXD. */
static void moves(uint8_t *p)
{
	FORM("movb (%[p]), %%al", p, 0, 0, 0);
	FORM("movw 2(%[p]), %%ax", p, 0, 0, 0);
	FORM("movl 4(%[p]), %%eax", p, 0, 0, 0);
	FORM("movq 8(%[p]), %%rax", p, 0, 0, 0);
	FORM("movb %%cl, 1(%[p])", p, 0, 0x5a, 0);
	FORM("movw %%cx, 2(%[p])", p, 0, 0x1234, 0);
	FORM("movl %%ecx, 4(%[p])", p, 0, 0x89abcdef, 0);
	FORM("movq %%rcx, 8(%[p])", p, 0, 0x0123456789abcdefULL, 0);
	FORM("movb $0xa5, 3(%[p])", p, 0, 0, 0);
	FORM("movq $-2, 16(%[p])", p, 0, 0, 0);
	FORM("movnti %%rcx, 24(%[p])", p, 0, 7ULL, 0);
	FORM("movzbl 1(%[p]), %%eax", p, 0, 0, 0);
	FORM("movzwq 2(%[p]), %%rax", p, 0, 0, 0);
	FORM("movsbl 3(%[p]), %%eax", p, 0, 0, 0);
	FORM("movswq 2(%[p]), %%rax", p, 0, 0, 0);
	FORM("movslq 4(%[p]), %%rax", p, 0, 0, 0);
}

/* MOVS both ways and MMIO to MMIO, STOS with DF=1, LODS, CMPS, SCAS, with REP. */
static void strings(uint8_t *p)
{
	FORM_REGS("rep movsb", p, 0, 16, 0, p, ram);
	FORM_REGS("std; rep movsq", p, 0, 2, 0, ram + 8, p + 24);
	FORM_REGS("rep movsl", p, 0, 4, 0, p, p + 32);
	FORM_REGS("std; rep stosw", p, 0xbeef, 4, 0, 0, p + 14);
	FORM_REGS("lodsq", p, 0, 0, 0, p, 0);
	FORM_REGS("repe cmpsb", p, 0, 8, 0, ram, p);
	FORM_REGS("repne scasw", p, 0x1234, 8, 0, 0, p);
}

/*
 * The ALU operations with the memory operand as destination and source;
 * TEST, NOT, NEG, INC, DEC.
 */
static void alu(uint8_t *p)
{
	FORM("addl %%ecx, (%[p])", p, 0, 3, 0);
	FORM("orq %%rcx, 8(%[p])", p, 0, 0x10, 0);
	FORM("stc; adcb %%cl, 1(%[p])", p, 0, 1, 0);
	FORM("stc; sbbw %%cx, 2(%[p])", p, 0, 1, 0);
	FORM("andl $0xff00ff, 4(%[p])", p, 0, 0, 0);
	FORM("subq $1, 8(%[p])", p, 0, 0, 0);
	FORM("xorl %%ecx, 12(%[p])", p, 0, 0xffff, 0);
	FORM("cmpl $5, (%[p])", p, 0, 0, 0);
	FORM("addq (%[p]), %%rcx", p, 0, 1, 0);
	FORM("cmpb 3(%[p]), %%cl", p, 0, 1, 0);
	FORM("testl %%ecx, (%[p])", p, 0, 0xf0, 0);
	FORM("testb $1, 1(%[p])", p, 0, 0, 0);
	FORM("notl 4(%[p])", p, 0, 0, 0);
	FORM("negq 8(%[p])", p, 0, 0, 0);
	FORM("incb 1(%[p])", p, 0, 0, 0);
	FORM("decw 2(%[p])", p, 0, 0, 0);
}

/* XCHG, CMPXCHG with and without LOCK, LOCK XADD; the BT family and BSF/BSR. */
static void rmw_bits(uint8_t *p)
{
	FORM("xchgq %%rcx, 8(%[p])", p, 0, 9ULL, 0);
	FORM("lock cmpxchgl %%ecx, 4(%[p])", p, 0, 1, 0);
	FORM("cmpxchgw %%cx, 2(%[p])", p, 0x1234, 2, 0);
	FORM("lock xaddq %%rcx, 8(%[p])", p, 0, 5ULL, 0);
	FORM("btl $3, (%[p])", p, 0, 0, 0);
	FORM("btsq %%rcx, (%[p])", p, 0, (uint64_t)BT_FAR_BIT, 0);
	FORM("lock btrl $5, 4(%[p])", p, 0, 0, 0);
	FORM("btcw %%cx, 2(%[p])", p, 0, 7, 0);
	FORM("bsfl (%[p]), %%eax", p, 0, 0, 0);
	FORM("bsrq 8(%[p]), %%rax", p, 0, 0, 0);
}

/* MUL, IMUL in its three forms, DIV, IDIV (a zero divisor is the guest's #DE), SHLD, SHRD. */
static void muldiv(uint8_t *p)
{
	FORM("mull (%[p])", p, 3, 0, 0);
	FORM("imulq 8(%[p])", p, -3LL, 0, 0);
	FORM("imulq 8(%[p]), %%rcx", p, 0, 5ULL, 0);
	FORM("imull $7, 4(%[p]), %%ecx", p, 0, 0, 0);
	FORM("imulq $1000, 8(%[p]), %%rcx", p, 0, 0, 0);
	FORM("divl 4(%[p])", p, 100, 0, 0);
	FORM("idivq 8(%[p])", p, -100LL, 0, -1LL);
	FORM("divb 1(%[p])", p, 0x7fff, 0, 0);
	FORM("shldl $3, %%ecx, (%[p])", p, 0, 0x80000001, 0);
	FORM("shrdq %%cl, %%rax, 8(%[p])", p, ~0ULL, 9, 0);
}

/* PUSH and POP with RSP in the target: immediate, register, memory from and to MMIO. */
static void stack(uint8_t *p)
{
	FORM("mov %%rsp, %%r12; lea 64(%[p]), %%rsp; pushq $0x77; pushq 8(%[p]); push %%rcx;"
	     "pop %%rax; popq 16(%[p]); pop %%rdx; mov %%r12, %%rsp", p, 0, 0x42, 0);
	FORM("pushq (%[p]); popq %%rax", p, 0, 0, 0);
}

static void enable_sse_avx(void)
{
	uint32_t a, b, c, d;
	uint64_t cr4;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	guest_cpuid(1, &a, &b, &c, &d);
	if ((c & CPUID1_ECX_XSAVE) && (c & CPUID1_ECX_AVX))
		cr4 |= CR4_OSXSAVE;
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4));
	if (cr4 & CR4_OSXSAVE)
		FORM("xsetbv", 0, (uint32_t)XCR0_X87_SSE_AVX, 0, 0);
}

/* The SSE moves, and the VEX ones where the CPU has AVX (else #UD, recorded). */
static void vectors_sse(uint8_t *p)
{
	enable_sse_avx();
	FORM("movups (%[p]), %%xmm0", p, 0, 0, 0);
	FORM("movupd %%xmm0, 16(%[p])", p, 0, 0, 0);
	FORM("movaps (%[p]), %%xmm1", p, 0, 0, 0);
	FORM("movapd %%xmm1, 16(%[p])", p, 0, 0, 0);
	FORM("movdqa (%[p]), %%xmm2", p, 0, 0, 0);
	FORM("movdqu %%xmm2, 1(%[p])", p, 0, 0, 0);
	FORM("movd 4(%[p]), %%xmm3", p, 0, 0, 0);
	FORM("movd %%xmm3, 4(%[p])", p, 0, 0, 0);
	FORM("movq 8(%[p]), %%xmm4", p, 0, 0, 0);
	FORM("movq %%xmm4, 8(%[p])", p, 0, 0, 0);
	FORM("movss 4(%[p]), %%xmm5", p, 0, 0, 0);
	FORM("movsd %%xmm5, 8(%[p])", p, 0, 0, 0);
	FORM("movntps %%xmm0, (%[p])", p, 0, 0, 0);
	FORM("movntdq %%xmm1, 16(%[p])", p, 0, 0, 0);
	FORM("vmovdqu (%[p]), %%ymm0", p, 0, 0, 0);
	FORM("vmovups %%ymm0, (%[p])", p, 0, 0, 0);
	FORM("vmovdqa 16(%[p]), %%xmm1", p, 0, 0, 0);
}

/* CLFLUSH, CLFLUSHOPT; SMSW, LMSW (CR0 put back after), LTR with a selector from the device. */
static void system_forms(uint8_t *p)
{
	uint64_t cr0;

	FORM("clflush (%[p])", p, 0, 0, 0);
	FORM("clflushopt 8(%[p])", p, 0, 0, 0);
	FORM("smsw (%[p])", p, 0, 0, 0);
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
	FORM("lmsw 2(%[p])", p, 0, 0, 0);
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(cr0 & ~(CR0_EM | CR0_TS)));
	FORM("ltr 2(%[p])", p, 0, 0, 0);
}

/* 8-byte stores and loads across the target's page end and across the end of RAM. */
static void straddles(uint8_t *p)
{
	uint8_t *end = (uint8_t *)((uintptr_t)p | (PAGE - 1)) - 3;

	FORM("movq %%rcx, (%[p])", end, 0, 0x1122334455667788ULL, 0);
	FORM("movq (%[p]), %%rax", end, 0, 0, 0);
	FORM("movq %%rcx, (%[p])", HOSTILE_RAM_END - 4, 0, 0x1122334455667788ULL, 0);
	FORM("addq %%rcx, (%[p])", HOSTILE_RAM_END - 4, 0, 1, 0);
}

static void sweep(uint8_t *p)
{
	moves(p);
	strings(p);
	alu(p);
	rmw_bits(p);
	muldiv(p);
	stack(p);
	vectors_sse(p);
	system_forms(p);
	straddles(p);
}

/*
 * MOV RAX, [RIP] (48 8b 05 disp32) placed so that its first two bytes are
 * RAM's last: fetching the rest reaches where no memory is (an EPT
 * violation on an instruction fetch, which is never emulated).
 */
static void fetch_straddle(void)
{
	static const uint8_t insn[] = { 0x48, 0x8b, 0x05, 0, 0, 0, 0, 0xc3 };
	volatile uint8_t *at = (volatile uint8_t *)(HOSTILE_RAM_END - 2);

	for (unsigned int i = 0; i < 2; i++)
		at[i] = insn[i];
	__asm__ __volatile__("call *%0" : : "r"(at) : "rax", "memory");
}

void guest_main(void)
{
	uint8_t *p = (uint8_t *)(uintptr_t)arg->target;

	guest_idt_install();
	switch (arg->mode) {
	case HOSTILE_MMIO_SWEEP:
		sweep(p);
		break;
	case HOSTILE_MMIO_LGDT:
		__asm__ __volatile__("lgdt (%0)" : : "r"(p) : "memory");
		GUEST_ASSERT(!"LGDT from MMIO ran");
		break;
	case HOSTILE_MMIO_SIDT:
		__asm__ __volatile__("sidt (%0)" : : "r"(p) : "memory");
		GUEST_ASSERT(!"SIDT to MMIO ran");
		break;
	case HOSTILE_MMIO_FETCH_STRADDLE:
		fetch_straddle();
		GUEST_ASSERT(!"an instruction fetched from where no memory is ran");
		break;
	default:
		GUEST_ASSERT(!"an unknown mode");
	}
	GUEST_SYNC2(HOSTILE_REPORT_FORMS, forms);
	GUEST_SYNC2(HOSTILE_REPORT_VECTORS, vectors);
}
