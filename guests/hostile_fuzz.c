/*
 * hostile_fuzz: random instruction streams (the hostile suite, issue 17;
 * tests/kernel/test_hostile_fuzz.c, `make fuzz`).  The VMM gives a seed
 * and a count in the struct hostile_arg at HOSTILE_ARG_GPA; stream i of
 * the VM is made from the PRNG seeded with (seed, i) alone, so a seed
 * replays exactly.  Each stream is FUZZ_STREAM_BYTES of instructions,
 * opcodes drawn half from the forms that reach memory, ports and system
 * state and half at random, with random prefixes and operand bytes, then
 * UD2s; every GPR starts as an address in RAM, in one of the VM's MMIO
 * ranges, where no slot is, above the identity map (no translation), a
 * port number or a random value.  Every vector goes through IST 1 to one
 * stub, which puts back the guest's control registers, descriptor tables
 * and segments and starts the next stream: a stream that faults (as
 * nearly all do, on a UD2 at the latest) goes on to the next.  A stream
 * that spins, halts or breaks what the stub needs (the IDT, the page
 * tables) ends the VM; the VMM's budget and a fresh VM take it from there.
 * The guest counts the streams started in arg->streams_done; when all
 * ran, it sets arg->finished and halts with interrupts off.  It makes no
 * ucall: its VM has none (vm->no_ucall), so that no stream can forge one.
 */
#include "guest.h"
#include "hostile_abi.h"

#define PAGE 4096
#define FUZZ_STREAM_BYTES 48
#define FUZZ_SCRATCH_PAGES 4
#define IDT_VECTORS 256
#define GATE_INTERRUPT 0x8e
#define IST_INDEX 1
#define TSS_IST1 0x24			/* SDM Vol. 3A 8.7, Figure 8-11 */
#define GUEST_CODE_SEL 0x08		/* the loader's GDT (loader/load64.c) */
#define GUEST_DATA_SEL 0x10
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define RFLAGS_FIXED 2ULL
#define RFLAGS_RANDOM 0x8d5ULL		/* CF PF AF ZF SF OF; DF below */
#define RFLAGS_DF 0x400ULL
#define UD2_0 0x0f
#define IDENTITY_MAP_END 0x100000000ULL	/* the loader maps the first 4 GiB */
#define UD2_1 0x0b

static volatile struct hostile_arg *const arg = (volatile struct hostile_arg *)HOSTILE_ARG_GPA;

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(PAGE)));
static uint8_t code[PAGE] __attribute__((aligned(PAGE)));
static uint8_t scratch[FUZZ_SCRATCH_PAGES * PAGE] __attribute__((aligned(PAGE)));
static uint8_t ist_stack[PAGE] __attribute__((aligned(PAGE)));
uint8_t fuzz_stack[4 * PAGE] __attribute__((aligned(PAGE)));
static uint64_t saved_cr0, saved_cr3, saved_cr4, stream, streams_end;
volatile uint32_t fuzz_vector;

/* SplitMix64 (Steele, Lea, Flood 2014): one state per stream. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* One stub per vector: record it, leave the (maybe broken) stack, start the next stream. */
__asm__(".pushsection .text\n"
	".altmacro\n"
	".macro FUZZ_STUB vec\n"
	"	.balign 16\n"
	"fuzz_stub_\\vec:\n"
	"	movl $\\vec, fuzz_vector(%rip)\n"
	"	jmp fuzz_entry\n"
	".endm\n"
	".macro FUZZ_ADDR vec\n"
	"	.quad fuzz_stub_\\vec\n"
	".endm\n"
	".set v, 0\n"
	".rept 256\n"
	"	FUZZ_STUB %v\n"
	"	.set v, v + 1\n"
	".endr\n"
	"fuzz_entry:\n"
	"	leaq fuzz_stack+16384(%rip), %rsp\n"
	"	cld\n"
	"	call fuzz_resume\n"
	"	ud2\n"
	".popsection\n"
	".pushsection .rodata\n"
	"fuzz_stub_table:\n"
	".set v, 0\n"
	".rept 256\n"
	"	FUZZ_ADDR %v\n"
	"	.set v, v + 1\n"
	".endr\n"
	".popsection\n");
extern const uint64_t fuzz_stub_table[IDT_VECTORS];

static void idt_install(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ __volatile__("lidt %0" : : "m"(idtr));
}

static void idt_build(void)
{
	for (int i = 0; i < IDT_VECTORS; i++) {
		uint64_t h = fuzz_stub_table[i];

		idt[i] = (struct idt_gate){ (uint16_t)h, GUEST_CODE_SEL, IST_INDEX, GATE_INTERRUPT,
					    (uint16_t)(h >> 16), (uint32_t)(h >> 32), 0 };
	}
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/*
 * What the stub and the next stream need, put back: the IDT and its gates,
 * IST 1 in the TSS (at linear 0, the loader's TR), CR0/CR3/CR4, the data
 * segments and FS/GS bases, DR7, RFLAGS.
 */
static void restore(void)
{
	uint64_t ist = (uint64_t)ist_stack + sizeof(ist_stack);

	__asm__ __volatile__("mov %0, %%cr3; mov %1, %%cr4; mov %2, %%cr0"
			     : : "r"(saved_cr3), "r"(saved_cr4), "r"(saved_cr0) : "memory");
	__asm__ __volatile__("movq %0, %c1" : : "r"(ist), "i"(TSS_IST1) : "memory");
	idt_build();
	idt_install();
	__asm__ __volatile__("mov %0, %%ds; mov %0, %%es; mov %0, %%ss; mov %0, %%fs; mov %0, %%gs"
			     : : "r"(GUEST_DATA_SEL));
	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_GS_BASE, 0);
	__asm__ __volatile__("mov %0, %%dr7; push %1; popfq" : : "r"(0ULL), "r"(RFLAGS_FIXED)
			     : "cc");
}

/* Opcodes that reach memory, ports and system state (SDM Vol. 2, Table A-2). */
static const uint8_t one_byte[] = {
	0x00, 0x01, 0x02, 0x03, 0x08, 0x0b, 0x10, 0x19, 0x21, 0x23, 0x29, 0x2b, 0x31, 0x33,
	0x38, 0x39, 0x3a, 0x50, 0x58, 0x68, 0x6a, 0x6c, 0x6d, 0x6e, 0x6f, 0x80, 0x81, 0x83,
	0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8e, 0x8f, 0x9c, 0x9d, 0xa0,
	0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xc4,
	0xc5, 0xc6, 0xc7, 0xcc, 0xcd, 0xcf, 0xd0, 0xd3, 0xe4, 0xe5, 0xe6, 0xe7, 0xec, 0xed,
	0xee, 0xef, 0xf6, 0xf7, 0xfb, 0xfe, 0xff,
};
static const uint8_t two_byte[] = {
	0x00, 0x01, 0x05, 0x07, 0x08, 0x09, 0x0d, 0x10, 0x11, 0x18, 0x20, 0x22, 0x23, 0x28,
	0x29, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x6e, 0x6f, 0x7e, 0x7f, 0xa2, 0xa3, 0xa4,
	0xa5, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb3, 0xb6, 0xb7, 0xba, 0xbb, 0xbc,
	0xbd, 0xbe, 0xbf, 0xc0, 0xc1, 0xc3, 0xc7, 0xd6, 0xe7,
};
static const uint8_t prefixes[] = {
	0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x40, 0x41, 0x44,
	0x48, 0x49, 0x4c, 0x4f,
};

#define PICK(s, table) ((table)[rnd(s) % sizeof(table)])

/* The stream's bytes: instructions of prefixes, an opcode and six operand bytes, then UD2s. */
static void make_code(uint64_t *s)
{
	unsigned int n = 0;

	while (n < FUZZ_STREAM_BYTES) {
		while (rnd(s) % 4 == 0 && n < FUZZ_STREAM_BYTES)
			code[n++] = PICK(s, prefixes);
		if (rnd(s) % 2) {
			code[n++] = (uint8_t)rnd(s);
		} else if (rnd(s) % 3) {
			code[n++] = PICK(s, one_byte);
		} else {
			code[n++] = 0x0f;
			code[n++] = PICK(s, two_byte);
		}
		for (unsigned int i = 0; i < 6; i++)
			code[n++] = (uint8_t)rnd(s);
	}
	for (; n + 1 < PAGE; n += 2) {
		code[n] = UD2_0;
		code[n + 1] = UD2_1;
	}
}

static const uint16_t ports[] = {
	0x20, 0x21, 0x40, 0x43, 0x61, 0x70, 0x71, 0xa0, 0xe0, 0xe4, 0xe8, 0x3f8, 0x3fd, 0x510,
	0x511, 0xcf8, 0xcfc, 0xf4, 0x2000, 0xffff,
};
static const uint64_t mmio_bases[] = {
	HOSTILE_MMIO_UNBACKED, HOSTILE_MMIO_IORAM, HOSTILE_MMIO_XAPIC, HOSTILE_MMIO_IOAPIC,
	HOSTILE_MMIO_VIRTIO_BASE, HOSTILE_MMIO_VIRTIO_BASE + HOSTILE_MMIO_VIRTIO_STRIDE,
	HOSTILE_RAM_END,
};

/* An operand a GPR starts with: what reaches RAM, MMIO, no slot, no translation, ports. */
static uint64_t pick_value(uint64_t *s)
{
	uint64_t r = rnd(s), off = rnd(s) % PAGE;

	switch (r % 8) {
	case 0:
	case 1:
		return (uint64_t)scratch + rnd(s) % sizeof(scratch);
	case 2:
	case 3:
		return PICK(s, mmio_bases) + off;
	case 4:
		return HOSTILE_RAM_END + rnd(s) % (0x100000000ULL - HOSTILE_RAM_END);
	case 5:
		return IDENTITY_MAP_END + (rnd(s) & 0xffffffffffULL);	/* no translation */
	case 6:
		return ports[rnd(s) % (sizeof(ports) / sizeof(ports[0]))];
	default:
		return rnd(s);
	}
}

struct fuzz_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rsp, rflags;
};

/* Load every GPR and RFLAGS, then jump to the stream; it comes back only through the IDT. */
static void __attribute__((noreturn)) run_code(const struct fuzz_regs *r)
{
	__asm__ __volatile__("mov %0, %%rsp\n\t"
			     "pushq 128(%%rsp); popfq\n\t"
			     "mov 0(%%rsp), %%rax; mov 8(%%rsp), %%rbx; mov 16(%%rsp), %%rcx\n\t"
			     "mov 24(%%rsp), %%rdx; mov 32(%%rsp), %%rsi; mov 40(%%rsp), %%rdi\n\t"
			     "mov 48(%%rsp), %%rbp; mov 56(%%rsp), %%r8; mov 64(%%rsp), %%r9\n\t"
			     "mov 72(%%rsp), %%r10; mov 80(%%rsp), %%r11; mov 88(%%rsp), %%r12\n\t"
			     "mov 96(%%rsp), %%r13; mov 104(%%rsp), %%r14\n\t"
			     "mov 112(%%rsp), %%r15\n\t"
			     "mov 120(%%rsp), %%rsp\n\t"
			     "jmp *%1"
			     : : "r"(r), "m"(*(uint64_t *)(code + PAGE - 8)) : "memory");
	__builtin_unreachable();
}

static void __attribute__((noreturn)) run_stream(uint64_t i)
{
	static struct fuzz_regs regs;
	uint64_t s = arg->seed ^ (i * 0xd1b54a32d192ed03ULL);
	uint64_t *gpr = &regs.rax;

	make_code(&s);
	*(uint64_t *)(code + PAGE - 8) = (uint64_t)code;	/* the jump's target */
	for (unsigned int k = 0; k < 15; k++)
		gpr[k] = pick_value(&s);
	regs.rsp = rnd(&s) % 4 ? (uint64_t)scratch + sizeof(scratch) - PAGE : pick_value(&s);
	regs.rflags = RFLAGS_FIXED | (rnd(&s) & (RFLAGS_RANDOM | RFLAGS_DF));
	run_code(&regs);
}

/* Each stream's end (the stub), and the first start. */
void __attribute__((noreturn)) fuzz_resume(void)
{
	restore();
	if (stream)
		arg->vectors |= 1ULL << (fuzz_vector < 32 ? fuzz_vector : 32);
	if (stream < streams_end) {
		arg->streams_done = ++stream;
		run_stream(stream - 1);
	}
	arg->finished = 1;
	for (;;)
		__asm__ __volatile__("cli; hlt");
}

void guest_main(void)
{
	__asm__ __volatile__("mov %%cr0, %0; mov %%cr3, %1; mov %%cr4, %2"
			     : "=r"(saved_cr0), "=r"(saved_cr3), "=r"(saved_cr4));
	streams_end = arg->streams;
	arg->streams_done = 0;
	fuzz_resume();
}
