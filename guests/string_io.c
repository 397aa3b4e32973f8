/*
 * string_io: string port I/O from 64-bit mode (vmx/exit_string_io.c), for
 * guest.string-io64: REP OUTSB with a 64-bit address size across a page
 * boundary, REP OUTSB with a 32-bit address size (0x67: ECX counts, RSI and
 * RCX are written zero-extended), REP INSD with DF=1 across a boundary,
 * INS at an unmapped address (#PF, CR2 the address) and at a non-canonical
 * one (#GP), REP INSW into MMIO across an MMIO page boundary, REP OUTSD from
 * MMIO with DF=1, and OUTSW from the last byte of RAM and the first of MMIO.
 * The test serves port 0x5f0 and the MMIO: it records what is written and
 * answers element i of an IN with (i + 1) * 0x11111111, an MMIO read of
 * gpa with the bytes (gpa + k) ^ 0x5a.
 */
#include "guest.h"

#define STR_PORT 0x5f0
#define PAGE 4096
#define UNMAPPED 0x0000008000000000ULL		/* PML4 entry 1: the loader maps 4 GiB */
#define NONCANONICAL 0x8000000000000000ULL
#define MMIO_GPA 0xc0000000ULL			/* no memslot: the loader maps it 1:1 */
#define RAM_END 0x400000ULL			/* the test's 4 MiB; MMIO above */
#define RAM_LAST_BYTE 0xa5
#define VECTOR_GP 13
#define VECTOR_PF 14

static uint8_t buf[3 * PAGE] __attribute__((aligned(PAGE)));

static uint32_t load32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

void guest_main(void)
{
	uint64_t si, di, cx;
	int vector;

	guest_idt_install();
	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 3 + 1);

	/* 1: 6 bytes from the end of page 0 into page 1 */
	si = (uint64_t)&buf[PAGE - 3];
	cx = 6;
	__asm__ __volatile__("rep outsb" : "+S"(si), "+c"(cx) : "d"(STR_PORT) : "memory");
	GUEST_ASSERT(si == (uint64_t)&buf[PAGE + 3] && cx == 0);
	GUEST_SYNC(1);

	/* 2: 32-bit address size: ECX = 3 counts, the upper halves come back 0 */
	si = 0xdead000000000000ULL | (uint32_t)(uint64_t)&buf[10];
	cx = 0xffffffff00000003ULL;
	__asm__ __volatile__(".byte 0x67\n\trep outsb"
			     : "+S"(si), "+c"(cx) : "d"(STR_PORT) : "memory");
	GUEST_ASSERT(si == (uint32_t)(uint64_t)&buf[13] && cx == 0);
	GUEST_SYNC(2);

	/* 3: REP INSD, DF=1, from buf + PAGE - 2 (across) down */
	di = (uint64_t)&buf[PAGE - 2];
	cx = 3;
	__asm__ __volatile__("std\n\trep insl\n\tcld" : "+D"(di), "+c"(cx) : "d"(STR_PORT) : "memory");
	GUEST_ASSERT(di == (uint64_t)&buf[PAGE - 14] && cx == 0);
	GUEST_ASSERT(load32(&buf[PAGE - 2]) == 0x11111111);
	GUEST_ASSERT(load32(&buf[PAGE - 6]) == 0x22222222);
	GUEST_ASSERT(load32(&buf[PAGE - 10]) == 0x33333333);
	GUEST_SYNC(3);

	/* 4: INSB at an address no page table maps: #PF, nothing moved */
	di = UNMAPPED;
	cx = 2;
	vector = GUEST_SAFE("rep insb", : "+D"(di), "+c"(cx) : "d"(STR_PORT) : "r11", "memory");
	GUEST_ASSERT(di == UNMAPPED && cx == 2);
	GUEST_SYNC2(4, vector);

	/* 5: a non-canonical address: #GP */
	di = NONCANONICAL;
	cx = 1;
	vector = GUEST_SAFE("rep insb", : "+D"(di), "+c"(cx) : "d"(STR_PORT) : "r11", "memory");
	GUEST_SYNC2(5, vector);

	/* 6: REP INSW into MMIO, its first element across two MMIO pages */
	di = MMIO_GPA + PAGE - 1;
	cx = 3;
	__asm__ __volatile__("rep insw" : "+D"(di), "+c"(cx) : "d"(STR_PORT) : "memory");
	GUEST_ASSERT(di == MMIO_GPA + PAGE + 5 && cx == 0);
	GUEST_SYNC(6);

	/* 7: REP OUTSL from MMIO, DF=1: the test checks the bytes it served came out */
	si = MMIO_GPA + 0x10;
	cx = 2;
	__asm__ __volatile__("std\n\trep outsl\n\tcld"
			     : "+S"(si), "+c"(cx) : "d"(STR_PORT) : "memory");
	GUEST_ASSERT(si == MMIO_GPA + 0x8 && cx == 0);
	GUEST_SYNC(7);

	/* 8: OUTSW from the last byte of RAM and the first of MMIO */
	*(volatile uint8_t *)(RAM_END - 1) = RAM_LAST_BYTE;
	si = RAM_END - 1;
	__asm__ __volatile__("outsw" : "+S"(si) : "d"(STR_PORT) : "memory");
	GUEST_ASSERT(si == RAM_END + 1);
	GUEST_SYNC(8);
}
