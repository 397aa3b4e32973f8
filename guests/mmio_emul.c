/*
 * mmio_emul: every instruction class the emulator runs on MMIO, against a
 * page the VMM serves as plain memory (DEV) and the page just past the end
 * of RAM (the VMM gives 4 MiB).  The guest checks each result itself
 * (GUEST_ASSERT); GUEST_SYNC(stage) marks where the VMM checks the exits
 * an instruction made (tests/kernel/test_guest_exits.c, guest.mmio-emulate).
 * Last, LLDT with its selector on MMIO, which the emulator refuses: the VM
 * ends there.
 */
#include "guest.h"

#define DEV 0xc0000000ULL
#define RAM_END 0x400000ULL
#define CR4_OSFXSR (1ULL << 9)
#define RFLAGS_ARITH 0x8d5ULL	/* CF PF AF ZF SF OF */

enum {
	STAGE_STRINGS = 1,
	STAGE_RMW,
	STAGE_SSE_STORE,
	STAGE_SSE_LOAD,
	STAGE_STACK,
	STAGE_STRADDLE,
	STAGE_REFUSED,
};

static volatile uint64_t *dev64(unsigned int off)
{
	return (volatile uint64_t *)(DEV + off);
}

/* REP STOSB forward, REP MOVSQ from RAM with DF=1, REP MOVSL from MMIO to MMIO. */
static void strings(void)
{
	static const uint64_t src[4] = { 0x1111, 0x2222, 0x3333, 0x4444 };
	uint64_t di = DEV, cnt = 64, si;

	__asm__ __volatile__("cld; rep stosb" : "+D"(di), "+c"(cnt) : "a"(0xab) : "memory");
	GUEST_ASSERT(cnt == 0 && di == DEV + 64);
	GUEST_ASSERT(*dev64(0) == 0xababababababababULL && *dev64(56) == 0xababababababababULL);
	si = (uint64_t)&src[3];
	di = DEV + 0x100 + 24;
	cnt = 4;
	__asm__ __volatile__("std; rep movsq; cld" : "+S"(si), "+D"(di), "+c"(cnt) : : "memory");
	GUEST_ASSERT(si == (uint64_t)&src[0] - 8 && di == DEV + 0x100 - 8);
	for (unsigned int i = 0; i < 4; i++)
		GUEST_ASSERT(*dev64(0x100 + 8 * i) == src[i]);
	si = DEV + 0x100;
	di = DEV + 0x180;
	cnt = 8;
	__asm__ __volatile__("cld; rep movsl" : "+S"(si), "+D"(di), "+c"(cnt) : : "memory");
	GUEST_ASSERT(*dev64(0x180) == 0x1111 && *dev64(0x198) == 0x4444);
	GUEST_SYNC(STAGE_STRINGS);
}

/* The same ALU operation on MMIO and on RAM must give the same result and flags. */
static void alu_flags(void)
{
	uint64_t ram = 0x7ffffff0, fm, fr;

	*dev64(0x300) = 0x7ffffff0;
	__asm__ __volatile__("addl %2, %1; pushfq; popq %0"
			     : "=r"(fm), "+m"(*dev64(0x300)) : "r"(0x20) : "cc");
	__asm__ __volatile__("addl %2, %1; pushfq; popq %0" : "=r"(fr), "+m"(ram) : "r"(0x20) : "cc");
	GUEST_ASSERT(*dev64(0x300) == ram && (fm & RFLAGS_ARITH) == (fr & RFLAGS_ARITH));
	__asm__ __volatile__("subw %2, %1; pushfq; popq %0"
			     : "=r"(fm), "+m"(*dev64(0x300)) : "r"((uint16_t)0x20) : "cc");
	__asm__ __volatile__("subw %2, %1; pushfq; popq %0"
			     : "=r"(fr), "+m"(ram) : "r"((uint16_t)0x20) : "cc");
	GUEST_ASSERT(*dev64(0x300) == ram && (fm & RFLAGS_ARITH) == (fr & RFLAGS_ARITH));
}

/* LOCK CMPXCHG (equal and not), XCHG, LOCK BTS, LOCK XADD. */
static void rmw(void)
{
	uint64_t old = 5, v = 9;
	uint8_t zf, cf;

	*dev64(0x308) = 5;
	__asm__ __volatile__("lock cmpxchgq %3, %1; setz %2"
			     : "+a"(old), "+m"(*dev64(0x308)), "=r"(zf) : "r"(7ULL) : "cc");
	GUEST_ASSERT(zf && *dev64(0x308) == 7);
	old = 5;
	__asm__ __volatile__("lock cmpxchgq %3, %1; setz %2"
			     : "+a"(old), "+m"(*dev64(0x308)), "=r"(zf) : "r"(8ULL) : "cc");
	GUEST_ASSERT(!zf && old == 7 && *dev64(0x308) == 7);
	__asm__ __volatile__("xchgq %0, %1" : "+r"(v), "+m"(*dev64(0x308)));
	GUEST_ASSERT(v == 7 && *dev64(0x308) == 9);
	*dev64(0x310) = 0;
	__asm__ __volatile__("lock btsq $37, %1; setc %0" : "=r"(cf), "+m"(*dev64(0x310)) : : "cc");
	GUEST_ASSERT(!cf && *dev64(0x310) == (1ULL << 37));
	__asm__ __volatile__("lock btsq $37, %1; setc %0" : "=r"(cf), "+m"(*dev64(0x310)) : : "cc");
	GUEST_ASSERT(cf);
	v = 3;
	__asm__ __volatile__("lock xaddq %0, %1" : "+r"(v), "+m"(*dev64(0x308)) : : "cc");
	GUEST_ASSERT(v == 9 && *dev64(0x308) == 12);
	alu_flags();
	GUEST_SYNC(STAGE_RMW);
}

/* MOVDQU store (two 8-byte fragments) and load (two reads, the instruction run again). */
static void sse(void)
{
	static const uint64_t pattern[2] = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };
	uint64_t cr4, lo, hi;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4 | CR4_OSFXSR));
	__asm__ __volatile__("movdqu %0, %%xmm0" : : "m"(pattern));
	__asm__ __volatile__("movdqu %%xmm0, %0" : "=m"(*(volatile uint8_t (*)[16])(DEV + 0x400)));
	GUEST_SYNC(STAGE_SSE_STORE);
	__asm__ __volatile__("pxor %%xmm1, %%xmm1; movdqu %2, %%xmm1; movq %%xmm1, %0;"
			     "psrldq $8, %%xmm1; movq %%xmm1, %1"
			     : "=r"(lo), "=r"(hi) : "m"(*(volatile uint8_t (*)[16])(DEV + 0x400)));
	GUEST_ASSERT(lo == pattern[0] && hi == pattern[1]);
	GUEST_SYNC(STAGE_SSE_LOAD);
}

/* PUSH and POP with RSP in the MMIO page. */
static void stack(void)
{
	uint64_t a, b;

	__asm__ __volatile__("mov %%rsp, %%r12; mov %2, %%rsp;"
			     "pushq $0x1234; push %%r12; popq %1; popq %0; mov %%r12, %%rsp"
			     : "=r"(a), "=r"(b) : "r"(DEV + 0x800) : "r12", "memory");
	GUEST_ASSERT(a == 0x1234 && *dev64(0x7f8) == 0x1234);
	GUEST_ASSERT(b == *dev64(0x7f0));
	GUEST_SYNC(STAGE_STACK);
}

/* An 8-byte store across the end of RAM: 4 bytes to RAM, 4 to MMIO; then read back. */
static void straddle(void)
{
	volatile uint64_t *p = (volatile uint64_t *)(RAM_END - 4);

	*p = 0x1122334455667788ULL;
	GUEST_ASSERT(*(volatile uint32_t *)(RAM_END - 4) == 0x55667788);
	GUEST_SYNC(STAGE_STRADDLE);
	GUEST_ASSERT(*p == 0x1122334455667788ULL);
}

/* LLDT from MMIO is not emulated (docs/emulator.md): the VM must end naming it. */
static void refused(void)
{
	GUEST_SYNC(STAGE_REFUSED);
	__asm__ __volatile__("lldt %0" : : "m"(*(volatile uint16_t *)(DEV + 0x900)) : "memory");
	GUEST_ASSERT(0);
}

void guest_main(void)
{
	strings();
	rmw();
	sse();
	stack();
	straddle();
	refused();
}
