/*
 * libFuzzer harness for the instruction emulator: arbitrary bytes are
 * decoded and run against the host tests' fake vCPU ops
 * (tests/unit/emulate_fake.h: RAM, MMIO that answers reads, a faulting
 * page).  It must never crash, hang or trip ASan/UBSan; every result must
 * be one of the documented codes, and a refusal must say why.
 *
 * Input: byte 0 picks the mode, DF (bit 7), an exit address (bit 6, from
 * byte 1) and a faulting MMIO page (bit 5); bytes 1-8 pick
 * what each of RAX, RCX, RBX, RSP, RBP, RSI, RDI and R8 points at (MMIO,
 * the end of RAM, an MMIO page boundary, a non-canonical or faulting
 * address, or the byte itself); the rest is the instruction.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *     -Iinclude -Iarch/fake -Itests/unit \
 *     tests/fuzz/fuzz_emulate.c emulate/[a-z]*.c lib/printf.c -o fuzz_emulate
 *   ./fuzz_emulate tests/fuzz/corpus/emulate
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "emulate_fake.h"

#define HEADER_BYTES 9
#define REG_SEEDS 8
#define MAX_REP_RUNS 64
#define MODES 4

static const int seeded_regs[REG_SEEDS] = {
	EMUL_RAX, EMUL_RCX, EMUL_RBX, EMUL_RSP, EMUL_RBP, EMUL_RSI, EMUL_RDI, EMUL_R8,
};

static u64 reg_value(u8 seed)
{
	switch (seed >> 5) {
	case 0:
		return FAKE_MMIO_BASE + (seed & 0x1f) * 8;
	case 1:
		return FAKE_RAM_END - (seed & 0x1f);
	case 2:
		return FAKE_MMIO_BASE + 0x1000 - (seed & 0x1f);
	case 3:
		return 0x0000800000000000ULL + seed;
	case 4:
		return FAKE_RAM2_END - (seed & 0x1f);
	case 5:
		return (u64)(s64)(s8)seed;
	default:
		return seed;
	}
}

static struct fake_vm vm;

static void check_result(int r)
{
	switch (r) {
	case X86EMUL_CONTINUE:
	case X86EMUL_PROPAGATE_FAULT:
	case X86EMUL_RETRY_INSTR:
	case -1:	/* a fragment outside the fake MMIO window */
		return;
	case X86EMUL_UNHANDLEABLE:
		if (!vm.ctxt.why[0])
			abort();	/* a refusal must say why */
		return;
	default:
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum x86emul_mode modes[MODES] = {
		X86EMUL_MODE_REAL, X86EMUL_MODE_PROT16, X86EMUL_MODE_PROT32, X86EMUL_MODE_PROT64,
	};
	unsigned int i, runs;
	int r;

	if (size < HEADER_BYTES)
		return 0;
	fake_init(&vm, modes[data[0] % MODES]);
	if (data[0] & 0x80)
		vm.ctxt.eflags |= EMUL_FLAGS_DF;
	if (data[0] & 0x40) {
		vm.ctxt.gla_valid = true;
		vm.ctxt.gla = reg_value(data[1]);
	}
	if (data[0] & 0x20)
		vm.fault_page = FAKE_MMIO_BASE + 0x1000;
	for (i = 0; i < REG_SEEDS; i++)
		vm.ctxt.regs[seeded_regs[i]] = reg_value(data[1 + i]);
	for (i = 0; i < FAKE_MMIO_SIZE; i++)
		vm.mmio[i] = (u8)(i * 7);
	/* The decoder straight on the fuzzer's buffer, whose end ASan guards. */
	r = emul_decode_insn_bytes(&vm.ctxt, data + HEADER_BYTES, (unsigned int)(size - HEADER_BYTES));
	check_result(r);
	fake_code(&vm, data + HEADER_BYTES,
		  (unsigned int)(size - HEADER_BYTES < EMUL_MAX_INSN_LEN ? size - HEADER_BYTES
									  : EMUL_MAX_INSN_LEN));
	r = fake_run(&vm);
	check_result(r);
	for (runs = 0; r == X86EMUL_CONTINUE && vm.ctxt.eip == FAKE_CODE && runs < MAX_REP_RUNS;
	     runs++) {
		r = fake_again(&vm);
		check_result(r);
	}
	return 0;
}
