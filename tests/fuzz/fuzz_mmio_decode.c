/*
 * The MMIO instruction decoder (arch/x86/insn_decode.c) on the bytes a
 * guest executes when it touches memory no slot backs: vmx/exit_ept.c
 * fetches up to 15 of them and decodes them in the guest's CPU mode.  The
 * input is those bytes, decoded in every mode.  Invariants: a decoded
 * instruction is no longer than the bytes given (and 15), moves 1, 2, 4 or
 * 8 bytes, names a general register or an immediate store (a load always
 * a register), and a MOVZX/MOVSX is a load that does not narrow (0F B7
 * with a 16-bit operand size moves a word to a word); a refusal says why and leaves
 * *out zeroed.  Completing the access (mmio_write_value(),
 * mmio_complete_read()) touches only the register it names.
 */
#include "arch/x86/insn_decode.h"
#include "lib/errno.h"
#include "fuzz.h"

#define WHY_LEN 120

static const enum cpu_mode modes[] = {
	CPU_MODE_REAL, CPU_MODE_PROT16, CPU_MODE_PROT32, CPU_MODE_LONG64,
};

static bool valid_size(unsigned int size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

static void check_insn(const struct mmio_insn *in, unsigned int avail, enum cpu_mode mode)
{
	FUZZ_CHECK(in->len >= 1 && in->len <= avail && in->len <= X86_MAX_INSN_LEN,
		   "length %u of %u bytes", in->len, avail);
	FUZZ_CHECK(valid_size(in->size) && valid_size(in->reg_size), "size %u, register size %u",
		   in->size, in->reg_size);
	FUZZ_CHECK(in->size != 8 || mode == CPU_MODE_LONG64, "an 8-byte access in mode %d", mode);
	FUZZ_CHECK((in->reg >= 0 && in->reg < GPR_NR) || (in->reg == MMIO_REG_IMM && in->write),
		   "register %d (%s)", in->reg, in->write ? "store" : "load");
	FUZZ_CHECK(!in->high_byte || (in->reg >= GPR_RAX && in->reg <= GPR_RBX && in->size == 1),
		   "high byte of register %d, size %u", in->reg, in->size);
	if (in->kind == MMIO_OP_MOV)
		FUZZ_CHECK(in->reg_size == in->size, "MOV of %u bytes into a %u-byte register",
			   in->size, in->reg_size);
	else
		FUZZ_CHECK(!in->write && in->reg_size >= in->size, "MOVZX/MOVSX %u to %u bytes, %s",
			   in->size, in->reg_size, in->write ? "a store" : "a load");
}

/* Completing the access changes only the register the instruction names. */
static void check_complete(const struct mmio_insn *in)
{
	struct guest_gprs g, before;
	u64 *regs = (u64 *)&g, *old = (u64 *)&before;

	memset(&g, 0xa5, sizeof(g));
	before = g;
	if (in->write) {
		u64 v = mmio_write_value(in, &g);

		FUZZ_CHECK(in->size == 8 || v < 1ULL << (8 * in->size), "a %u-byte store of 0x%llx",
			   in->size, (unsigned long long)v);
		FUZZ_CHECK(!memcmp(&g, &before, sizeof(g)), "a store changed a register");
		return;
	}
	mmio_complete_read(in, &g, ~0ULL);
	for (unsigned int i = 0; i < sizeof(g) / sizeof(u64); i++)
		FUZZ_CHECK(regs[i] == old[i] || &regs[i] == gpr_ptr(&g, (unsigned int)in->reg),
			   "a load into register %d changed word %u of the registers", in->reg, i);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	unsigned int avail = size < X86_MAX_INSN_LEN ? (unsigned int)size : X86_MAX_INSN_LEN;

	for (unsigned int m = 0; m < ARRAY_SIZE(modes); m++) {
		struct mmio_insn in;
		char why[WHY_LEN] = "";
		int ret = mmio_decode(data, avail, modes[m], &in, why, sizeof(why));

		if (ret) {
			static const struct mmio_insn zero;

			FUZZ_CHECK(ret == -ENOTSUP || ret == -EINVAL, "error %d", ret);
			FUZZ_CHECK(why[0] && strnlen(why, sizeof(why)) < sizeof(why),
				   "refused silently");
			FUZZ_CHECK(!memcmp(&in, &zero, sizeof(in)), "refused with *out not zeroed");
			continue;
		}
		check_insn(&in, avail, modes[m]);
		check_complete(&in);
	}
	return 0;
}
