/*
 * The emulator's entry points (include/emulate/emulate.h): fetching and
 * decoding the instruction at CS:RIP, checking that it is the instruction
 * that faulted, running it, and answering its MMIO reads.
 */
#include "lib/string.h"
#include "emul_internal.h"

#define MAX_RANGES 2

/* The bytes at CS:RIP, one translation per page; a second page that faults ends the fetch. */
static int fetch(struct x86_emulate_ctxt *ctxt, bool *faulted_short)
{
	u64 la = emul_seg_base(ctxt, VCPU_SREG_CS) + ctxt->eip, gpa;
	struct x86_exception fault;
	unsigned int len;
	int r;

	if (ctxt->mode != X86EMUL_MODE_PROT64)
		la &= emul_mask(sizeof(u32));
	ctxt->nr_fetched = 0;
	*faulted_short = false;
	while (ctxt->nr_fetched < EMUL_MAX_INSN_LEN) {
		len = (unsigned int)MIN((u64)(EMUL_MAX_INSN_LEN - ctxt->nr_fetched),
					EMUL_PAGE_SIZE - la % EMUL_PAGE_SIZE);
		r = ctxt->ops->gva_to_gpa(ctxt, la, EMUL_ACCESS_FETCH, &gpa, &fault);
		if (r != X86EMUL_CONTINUE && !ctxt->nr_fetched) {
			ctxt->exception = fault;
			return r;
		}
		if (r != X86EMUL_CONTINUE) {
			ctxt->exception = fault;
			*faulted_short = true;
			return X86EMUL_CONTINUE;
		}
		if (!ctxt->ops->read_ram(ctxt, gpa, ctxt->fetched + ctxt->nr_fetched, len))
			return emul_refuse(ctxt, "instruction fetch from MMIO at gpa 0x%llx", gpa);
		ctxt->nr_fetched += len;
		la += len;
	}
	return X86EMUL_CONTINUE;
}

static void start_instruction(struct x86_emulate_ctxt *ctxt)
{
	ctxt->nr_mmio_reads = 0;
	ctxt->mmio_read_pos = 0;
	ctxt->nr_mmio_writes = 0;
	ctxt->mmio_pending = NULL;
	ctxt->rip_stays = false;
	ctxt->branch = false;
	ctxt->interruptibility = 0;
	ctxt->why[0] = '\0';
}

int emul_decode_insn_bytes(struct x86_emulate_ctxt *ctxt, const u8 *bytes, unsigned int len)
{
	enum emul_decode_result r;

	start_instruction(ctxt);
	r = emul_decode(bytes, len, ctxt->mode, &ctxt->insn, ctxt->why, sizeof(ctxt->why));
	if (r == EMUL_DECODE_OK)
		return X86EMUL_CONTINUE;
	if (r == EMUL_DECODE_INVALID)
		return emul_fault(ctxt, EMUL_UD_VECTOR, false, 0);
	return X86EMUL_UNHANDLEABLE;
}

int x86_decode_insn(struct x86_emulate_ctxt *ctxt)
{
	bool faulted_short;
	enum emul_decode_result d;
	int r;

	start_instruction(ctxt);
	r = fetch(ctxt, &faulted_short);
	if (r != X86EMUL_CONTINUE)
		return r;
	d = emul_decode(ctxt->fetched, ctxt->nr_fetched, ctxt->mode, &ctxt->insn, ctxt->why,
			sizeof(ctxt->why));
	if (d == EMUL_DECODE_TRUNCATED && faulted_short)
		return X86EMUL_PROPAGATE_FAULT;
	if (d == EMUL_DECODE_OK)
		return X86EMUL_CONTINUE;
	if (d == EMUL_DECODE_INVALID)
		return emul_fault(ctxt, EMUL_UD_VECTOR, false, 0);
	return X86EMUL_UNHANDLEABLE;
}

struct la_range {
	u64 la;
	unsigned int len;
};

static unsigned int string_ranges(struct x86_emulate_ctxt *ctxt, struct la_range *r)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 mask = emul_mask(insn->ad_bytes);
	unsigned int n = 0;

	if (insn->op != EMUL_OP_STOS && insn->op != EMUL_OP_SCAS)
		r[n++] = (struct la_range){ emul_seg_base(ctxt, insn->mem.seg) +
					    (ctxt->regs[EMUL_RSI] & mask), insn->op_bytes };
	if (insn->op != EMUL_OP_LODS)
		r[n++] = (struct la_range){ emul_seg_base(ctxt, VCPU_SREG_ES) +
					    (ctxt->regs[EMUL_RDI] & mask), insn->op_bytes };
	return n;
}

static unsigned int stack_range(struct x86_emulate_ctxt *ctxt, struct la_range *r)
{
	const struct emul_insn *insn = &ctxt->insn;
	u64 sp_mask = emul_mask(emul_stack_bytes(ctxt)), sp = ctxt->regs[EMUL_RSP];
	unsigned int len = insn->op_bytes;

	switch (insn->op) {
	case EMUL_OP_POP_REG:
	case EMUL_OP_POP_MEM:
	case EMUL_OP_RET:
		sp &= sp_mask;
		break;
	case EMUL_OP_LEAVE:
		sp = ctxt->regs[EMUL_RBP] & sp_mask;	/* LEAVE pops from RBP */
		break;
	case EMUL_OP_CALL_FAR:
		len = 2 * insn->op_bytes;		/* CS and RIP */
		sp = (sp - len) & sp_mask;
		break;
	default:
		sp = (sp - len) & sp_mask;
		break;
	}
	*r = (struct la_range){ emul_seg_base(ctxt, VCPU_SREG_SS) + sp, len };
	return 1;
}

static bool uses_stack(enum emul_op op)
{
	return (op >= EMUL_OP_PUSH_MEM && op <= EMUL_OP_POP_REG) || op == EMUL_OP_RET ||
	       op == EMUL_OP_LEAVE || op == EMUL_OP_ENTER || op == EMUL_OP_CALL_MEM ||
	       op == EMUL_OP_CALL_FAR;
}

/* The linear ranges the instruction accesses, computed without touching memory. */
static unsigned int access_ranges(struct x86_emulate_ctxt *ctxt, struct la_range r[MAX_RANGES])
{
	const struct emul_insn *insn = &ctxt->insn;
	unsigned int n = 0;
	u64 ea, bit, rsp = ctxt->regs[EMUL_RSP];

	if (insn->op >= EMUL_OP_MOVS && insn->op <= EMUL_OP_SCAS)
		return string_ranges(ctxt, r);
	if (uses_stack(insn->op))
		n = stack_range(ctxt, r);
	if (!insn->has_mem)
		return n;
	if (insn->op == EMUL_OP_POP_MEM)
		rsp = (rsp & ~emul_mask(emul_stack_bytes(ctxt))) |
		      ((rsp + insn->op_bytes) & emul_mask(emul_stack_bytes(ctxt)));
	ea = emul_modrm_ea(ctxt, rsp);
	if (insn->op == EMUL_OP_BT)
		emul_bt_operand(ctxt, &ea, &bit);
	r[n++] = (struct la_range){ emul_seg_base(ctxt, insn->mem.seg) + ea, insn->mem_bytes };
	return n;
}

/*
 * The exit's guest-linear address must lie in what the decoded instruction
 * accesses.  If it does not, the bytes at RIP are not what the CPU executed
 * (the guest changed its code, or a PTE without INVLPG): emulating them
 * would do another access (SDM Vol. 3C 28.2.1, GUEST_LINEAR_ADDRESS).
 */
static int check_gla(struct x86_emulate_ctxt *ctxt)
{
	struct la_range r[MAX_RANGES];
	unsigned int i, n;
	u64 mask = ctxt->mode == X86EMUL_MODE_PROT64 ? ~0ULL : emul_mask(sizeof(u32));

	if (!ctxt->gla_valid || ctxt->insn.op == EMUL_OP_CLFLUSH)
		return X86EMUL_CONTINUE;
	n = access_ranges(ctxt, r);
	for (i = 0; i < n; i++) {
		if (((ctxt->gla - r[i].la) & mask) < r[i].len)
			return X86EMUL_CONTINUE;
	}
	emul_refuse(ctxt, "the exit's linear address 0x%llx is not one that %s at RIP 0x%llx "
		    "accesses (0x%llx): the code or its page tables changed", ctxt->gla,
		    ctxt->insn.name, ctxt->eip, n ? r[0].la & mask : 0ULL);
	return X86EMUL_RETRY_INSTR;
}

static int dispatch(struct x86_emulate_ctxt *ctxt)
{
	switch (ctxt->insn.op) {
	case EMUL_OP_MOV_STORE:
	case EMUL_OP_MOV_LOAD:
	case EMUL_OP_MOVZX:
	case EMUL_OP_MOVSX:
	case EMUL_OP_CLFLUSH:
		return emul_exec_mov(ctxt);
	case EMUL_OP_ALU_MEM_DST:
	case EMUL_OP_ALU_REG_DST:
	case EMUL_OP_TEST:
	case EMUL_OP_NOT:
	case EMUL_OP_NEG:
	case EMUL_OP_INC:
	case EMUL_OP_DEC:
	case EMUL_OP_XCHG:
	case EMUL_OP_CMPXCHG:
	case EMUL_OP_XADD:
	case EMUL_OP_SHIFT_DOUBLE:
		return emul_exec_alu(ctxt);
	case EMUL_OP_BT:
		return emul_exec_bt(ctxt);
	case EMUL_OP_MULDIV:
		return emul_exec_muldiv(ctxt);
	case EMUL_OP_PUSH_MEM:
	case EMUL_OP_POP_MEM:
	case EMUL_OP_PUSH_REG:
	case EMUL_OP_PUSH_IMM:
	case EMUL_OP_POP_REG:
		return emul_exec_stack(ctxt);
	case EMUL_OP_MOVS:
	case EMUL_OP_CMPS:
	case EMUL_OP_STOS:
	case EMUL_OP_LODS:
	case EMUL_OP_SCAS:
		return emul_exec_string(ctxt);
	case EMUL_OP_VEC_LOAD:
	case EMUL_OP_VEC_STORE:
		return emul_exec_vec(ctxt);
	case EMUL_OP_SMSW:
	case EMUL_OP_LMSW:
	case EMUL_OP_LTR:
		return emul_exec_sys(ctxt);
	case EMUL_OP_CMOV:
		return emul_exec_mov(ctxt);
	case EMUL_OP_MOV_SREG:
	case EMUL_OP_STORE_SREG:
		return emul_exec_mov_sreg(ctxt);
	case EMUL_OP_MMX_LOAD:
	case EMUL_OP_MMX_STORE:
		return emul_exec_mmx(ctxt);
	case EMUL_OP_RET:
	case EMUL_OP_LEAVE:
	case EMUL_OP_ENTER:
	case EMUL_OP_JMP_MEM:
	case EMUL_OP_CALL_MEM:
	case EMUL_OP_JMP_FAR:
	case EMUL_OP_CALL_FAR:
		return emul_exec_branch(ctxt);
	default:
		return emul_refuse(ctxt, "unsupported instruction %s",
				   ctxt->insn.name ? ctxt->insn.name : "(not decoded)");
	}
}

/*
 * Registers change only on X86EMUL_CONTINUE: the classes write them after
 * their last read, and a run that stops (a fault, a read to answer) is
 * undone here by restoring the copy taken before it.
 */
int x86_emulate_insn(struct x86_emulate_ctxt *ctxt)
{
	u64 regs[EMUL_NR_GPRS], eflags = ctxt->eflags;
	int r;

	memcpy(regs, ctxt->regs, sizeof(regs));
	ctxt->mmio_read_pos = 0;
	ctxt->nr_mmio_writes = 0;
	ctxt->mmio_pending = NULL;
	ctxt->rip_stays = false;
	ctxt->branch = false;
	ctxt->interruptibility = 0;
	r = check_gla(ctxt);
	if (r == X86EMUL_CONTINUE)
		r = dispatch(ctxt);
	if (r != X86EMUL_CONTINUE) {
		memcpy(ctxt->regs, regs, sizeof(regs));
		ctxt->eflags = eflags;
		ctxt->nr_mmio_writes = 0;
		return r;
	}
	if (ctxt->branch) {
		ctxt->eip = ctxt->branch_ip;	/* checked against CS by the branch */
	} else if (!ctxt->rip_stays) {
		/* IP is 16 bits wide in 16-bit code, EIP 32 in 32-bit code. */
		ctxt->eip += ctxt->insn.len;
		if (ctxt->mode == X86EMUL_MODE_PROT32)
			ctxt->eip &= emul_mask(sizeof(u32));
		else if (ctxt->mode != X86EMUL_MODE_PROT64)
			ctxt->eip &= emul_mask(sizeof(u16));
	}
	ctxt->nr_mmio_reads = 0;
	return X86EMUL_CONTINUE;
}

void emul_complete_read(struct x86_emulate_ctxt *ctxt, const void *data)
{
	struct emul_mmio_frag *f = ctxt->mmio_pending;

	if (!f)
		return;
	memcpy(f->data, data, f->len);
	f->done = true;
	ctxt->mmio_pending = NULL;
}
