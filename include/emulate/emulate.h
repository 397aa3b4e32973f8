/*
 * The instruction emulator, in KVM's shape (arch/x86/kvm/emulate.c,
 * kvm_emulate.h): a context with the registers, the mode and the decoded
 * instruction; callbacks the vCPU side implements; x86_decode_insn() and
 * x86_emulate_insn() with KVM's result codes.
 *
 * Memory is reached by linear address: the emulator applies segmentation,
 * asks ops->gva_to_gpa() once per page an access touches, and gives each
 * page's part to ops->read_ram()/write_ram(); a part no RAM backs is MMIO.
 * MMIO goes to the VMM in fragments of at most 8 bytes (each page's part cut
 * into 8-byte pieces from its start, as KVM's complete_emulated_mmio()):
 *   - a read fragment stops the emulation with X86EMUL_IO_NEEDED and
 *     ctxt->mmio_pending set; once the VMM has answered it
 *     (emul_complete_read()), x86_emulate_insn() runs the instruction
 *     again from the start, and the reads it made before are answered from
 *     ctxt's read log (KVM's mem_read cache) in order;
 *   - write fragments are posted: the instruction completes, and
 *     ctxt->mmio_writes[] holds them, in order, for the VMM.
 * Reads always come before writes in an instruction, so a restart never
 * repeats a write.  REP string instructions do one element per call and
 * leave RIP on the instruction until the count is done (as KVM), so the
 * guest runs, and takes interrupts, between elements.
 */
#pragma once

#include "compiler.h"
#include "types.h"
#include "emulate/insn.h"

/* KVM's result codes (arch/x86/kvm/kvm_emulate.h). */
#define X86EMUL_CONTINUE 0		/* done: write back the registers, deliver the MMIO writes */
#define X86EMUL_UNHANDLEABLE 1		/* refused: ctxt->why names the instruction */
#define X86EMUL_PROPAGATE_FAULT 2	/* inject ctxt->exception; the registers are unchanged */
#define X86EMUL_IO_NEEDED 5		/* answer ctxt->mmio_pending, then call x86_emulate_insn() again */
#define X86EMUL_RETRY_INSTR 6		/* the instruction is not the one that faulted: re-enter */

/* Exception vectors (SDM Vol. 3A 6.3.1, Table 6-1). */
#define EMUL_DE_VECTOR 0
#define EMUL_UD_VECTOR 6
#define EMUL_NM_VECTOR 7
#define EMUL_NP_VECTOR 11
#define EMUL_SS_VECTOR 12
#define EMUL_GP_VECTOR 13
#define EMUL_PF_VECTOR 14
#define EMUL_MF_VECTOR 16

/* Access types for ops->gva_to_gpa(). */
#define EMUL_ACCESS_READ 0
#define EMUL_ACCESS_WRITE BIT(0)
#define EMUL_ACCESS_FETCH BIT(1)

/* RFLAGS bits the emulator reads or writes (SDM Vol. 1 3.4.3). */
#define EMUL_FLAGS_CF BIT(0)
#define EMUL_FLAGS_PF BIT(2)
#define EMUL_FLAGS_AF BIT(4)
#define EMUL_FLAGS_ZF BIT(6)
#define EMUL_FLAGS_SF BIT(7)
#define EMUL_FLAGS_DF BIT(10)
#define EMUL_FLAGS_OF BIT(11)
/* Control register 0 for ops->get_cr/set_cr, and the bits LMSW and SMSW reach (SDM Vol. 3A 2.5). */
#define EMUL_CR0 0
#define EMUL_CR0_PE BIT(0)
#define EMUL_CR0_EM BIT(2)
#define EMUL_CR0_TS BIT(3)
#define EMUL_CR0_MSW_LOAD 0xfULL	/* LMSW: PE, MP, EM, TS */
#define EMUL_FLAGS_ARITH (EMUL_FLAGS_CF | EMUL_FLAGS_PF | EMUL_FLAGS_AF | EMUL_FLAGS_ZF | \
			  EMUL_FLAGS_SF | EMUL_FLAGS_OF)

/* Access rights in the VMCS layout, as ops->set_segment() takes them (SDM Vol. 3C 25.4.1). */
#define EMUL_AR_UNUSABLE BIT(16)

/* ctxt->interruptibility: the instruction blocks interrupts for one more (KVM's shadow). */
#define EMUL_SHADOW_MOV_SS BIT(1)

/* MMIO fragments of one instruction: a 32-byte access over two pages makes five. */
#define EMUL_MMIO_FRAG_BYTES 8
#define EMUL_MAX_MMIO_FRAGS 8
#define EMUL_VEC_BYTES 32		/* a YMM register */
#define EMUL_WHY_BYTES 160

/* An exception to inject (KVM's struct x86_exception). */
struct x86_exception {
	u8 vector;
	bool error_code_valid;
	u16 error_code;
	u64 address;		/* CR2 of a #PF */
};

/* A segment register: selector and hidden part, as the VMCS keeps them (SDM Vol. 3A 3.4.5). */
struct emul_segment {
	u16 sel;
	u64 base;
	u32 limit;		/* in bytes, granularity applied */
	bool expand_down;	/* a data segment of type expand-down */
	bool big;		/* D/B: an expand-down segment's upper bound is 4 GiB - 1 */
	bool unusable;
};

/* One MMIO access of at most 8 bytes (KVM's struct kvm_mmio_fragment, one exit each). */
struct emul_mmio_frag {
	u64 gpa;
	u8 len;
	bool is_write;
	bool done;		/* a read the VMM has answered */
	u8 data[EMUL_MMIO_FRAG_BYTES];
};

struct x86_emulate_ctxt;

/*
 * What the vCPU side implements.  Every callback gets the context; ctxt->priv
 * is the caller's.
 */
struct x86_emulate_ops {
	/*
	 * Translate linear address la for access (EMUL_ACCESS_*) through the
	 * guest's paging: X86EMUL_CONTINUE with *gpa, or
	 * X86EMUL_PROPAGATE_FAULT with *fault filled in (a #PF with its error
	 * code and address).  Called once per page an access touches.
	 */
	int (*gva_to_gpa)(struct x86_emulate_ctxt *ctxt, u64 la, u32 access, u64 *gpa,
			  struct x86_exception *fault);
	/* RAM at gpa (len bytes, within one page): true if a memslot backs it and it was done. */
	bool (*read_ram)(struct x86_emulate_ctxt *ctxt, u64 gpa, void *val, unsigned int len);
	/* True if writable RAM backs it and it was written (and dirty-logged). */
	bool (*write_ram)(struct x86_emulate_ctxt *ctxt, u64 gpa, const void *val,
			  unsigned int len);
	void (*get_segment)(struct x86_emulate_ctxt *ctxt, int seg, struct emul_segment *out);
	/* The whole YMM register reg (16 bytes of XMM, then the upper half). */
	void (*read_vec)(struct x86_emulate_ctxt *ctxt, unsigned int reg, u8 val[EMUL_VEC_BYTES]);
	void (*write_vec)(struct x86_emulate_ctxt *ctxt, unsigned int reg,
			  const u8 val[EMUL_VEC_BYTES]);
	/* Control register cr as the guest sees it (KVM's get_cr); SMSW needs CR0. */
	u64 (*get_cr)(struct x86_emulate_ctxt *ctxt, int cr);
	/*
	 * Write control register cr with the checks of a MOV to it (KVM's
	 * set_cr): X86EMUL_CONTINUE, X86EMUL_PROPAGATE_FAULT for a value that
	 * raises #GP(0) (nothing written), or X86EMUL_UNHANDLEABLE with
	 * ctxt->why.  Called last, after every read of the instruction.
	 */
	int (*set_cr)(struct x86_emulate_ctxt *ctxt, int cr, u64 val);
	/* GDTR: its base (a linear address) and limit (KVM's get_gdt). */
	void (*get_gdt)(struct x86_emulate_ctxt *ctxt, u64 *base, u16 *limit);
	/*
	 * Load segment register seg (VCPU_SREG_*, or VCPU_SREG_TR) from a
	 * descriptor the emulator checked: selector, base, limit with the
	 * granularity applied, and access rights in the VMCS layout (SDM Vol.
	 * 3C 25.4.1, Table 25-2; EMUL_AR_UNUSABLE for a null selector).
	 * Called last, after every read of the instruction.
	 * X86EMUL_CONTINUE, or X86EMUL_UNHANDLEABLE with ctxt->why.
	 */
	int (*set_segment)(struct x86_emulate_ctxt *ctxt, int seg, u16 sel, u64 base, u32 limit,
			   u32 ar);
	/* The current privilege level (KVM's cpl): SS.DPL. */
	unsigned int (*cpl)(struct x86_emulate_ctxt *ctxt);
	/* MMX register reg (0-7), the low 64 bits of the x87 register it aliases. */
	u64 (*read_mmx)(struct x86_emulate_ctxt *ctxt, unsigned int reg);
	void (*write_mmx)(struct x86_emulate_ctxt *ctxt, unsigned int reg, u64 val);
	/*
	 * An unmasked x87 exception is pending (FSW.ES): the next MMX
	 * instruction raises #MF before it does anything (SDM Vol. 1 8.6, 12.5).
	 */
	bool (*x87_exception_pending)(struct x86_emulate_ctxt *ctxt);
};

/* The emulator's state for one instruction (KVM's struct x86_emulate_ctxt). */
struct x86_emulate_ctxt {
	const struct x86_emulate_ops *ops;
	void *priv;
	enum x86emul_mode mode;
	u64 regs[EMUL_NR_GPRS];
	u64 eip;		/* RIP: of the instruction before, of the next one after */
	u64 eflags;
	/* The exit's guest-linear address, when the CPU gave one (SDM Vol. 3C 28.2.1). */
	bool gla_valid;
	u64 gla;

	/* The decoded instruction and its bytes. */
	struct emul_insn insn;
	u8 fetched[EMUL_MAX_INSN_LEN];
	unsigned int nr_fetched;

	/* Results. */
	bool rip_stays;		/* a REP instruction with elements left: RIP stays on it */
	bool branch;		/* a branch: RIP becomes branch_ip, not the next instruction's */
	u64 branch_ip;
	u8 interruptibility;	/* EMUL_SHADOW_MOV_SS after a MOV to SS */
	struct x86_exception exception;
	char why[EMUL_WHY_BYTES];
	struct emul_mmio_frag *mmio_pending;	/* the read to answer on X86EMUL_IO_NEEDED */
	struct emul_mmio_frag mmio_writes[EMUL_MAX_MMIO_FRAGS];
	unsigned int nr_mmio_writes;

	/* The read log: this instruction's MMIO reads so far, answered or not. */
	struct emul_mmio_frag mmio_reads[EMUL_MAX_MMIO_FRAGS];
	unsigned int nr_mmio_reads;
	unsigned int mmio_read_pos;	/* the next read of this run of the instruction */
};

/*
 * Fetch the instruction at CS:RIP (through the guest's paging, one
 * translation per page) and decode it into ctxt->insn: X86EMUL_CONTINUE,
 * X86EMUL_PROPAGATE_FAULT (the fetch faulted) or X86EMUL_UNHANDLEABLE with
 * ctxt->why.  Starts a new instruction: the read log is emptied.
 */
int x86_decode_insn(struct x86_emulate_ctxt *ctxt);

/* Decode from bytes instead of guest memory (the host tests and the fuzzer). */
int emul_decode_insn_bytes(struct x86_emulate_ctxt *ctxt, const u8 *bytes, unsigned int len);

/* Execute ctxt->insn (see the top of this file for the results and MMIO). */
int x86_emulate_insn(struct x86_emulate_ctxt *ctxt);

/* The VMM's answer to ctxt->mmio_pending (len bytes of data). */
void emul_complete_read(struct x86_emulate_ctxt *ctxt, const void *data);
