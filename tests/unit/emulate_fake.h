/*
 * Fake vCPU ops for the emulator's host tests: guest memory as an array
 * (RAM at 0-0xffff and 0x12000-0x13fff, MMIO at 0x10000-0x11fff that
 * answers reads from a byte array and records every access), identity
 * paging with one page that can be made to fault, flat or chosen segments,
 * and sixteen YMM registers.  fake_run() fetches, decodes and runs one
 * instruction the way the vCPU side does: each MMIO read answered and the
 * instruction run again, then the posted writes applied in order.
 * Header-only, as the other helpers here: each test binary is one file.
 */
#pragma once

#include <string.h>

#include "emulate/emulate.h"

#define FAKE_RAM_END 0x10000ULL
#define FAKE_MMIO_BASE 0x10000ULL
#define FAKE_MMIO_SIZE 0x2000ULL
#define FAKE_RAM2_BASE 0x12000ULL
#define FAKE_RAM2_END 0x14000ULL
#define FAKE_CODE 0x1000ULL
#define FAKE_MAX_LOG 64
#define FAKE_NO_FAULT (~0ULL)
#define FAKE_PAGE 4096ULL
#define FAKE_PF_WRITE 2	/* #PF error code bit 1: a write (SDM Vol. 3A 4.7) */

struct fake_access {
	u64 gpa;
	unsigned int len;
	bool is_write;
	u8 data[8];
};

struct fake_vm {
	struct x86_emulate_ctxt ctxt;
	u8 ram[FAKE_RAM2_END];
	u8 mmio[FAKE_MMIO_SIZE];
	struct fake_access log[FAKE_MAX_LOG];
	unsigned int nr_log;
	unsigned int runs;		/* x86_emulate_insn() calls for the last instruction */
	u64 fault_page;			/* a linear page whose translation faults */
	struct emul_segment seg[EMUL_NR_SREGS];
	u8 ymm[16][EMUL_VEC_BYTES];
	u64 cr0;			/* what ops->get_cr() gives and ops->set_cr() changes */
	unsigned int cr_writes;
	u64 gdt_base;			/* GDTR for ops->get_gdt() */
	u16 gdt_limit;
	struct {			/* TR as ops->set_segment() loaded it */
		u16 sel;
		u64 base;
		u32 limit, ar;
		unsigned int loads;
	} tr;
	struct {			/* ES..GS as ops->set_segment() loaded them */
		u16 sel;
		u64 base;
		u32 limit, ar;
		unsigned int loads;
	} sreg[EMUL_NR_SREGS];
	unsigned int cpl;		/* what ops->cpl() gives */
	u64 mm[8];			/* MMX registers */
	bool x87_pending;		/* what ops->x87_exception_pending() gives */
};



static struct fake_vm *vm_of(struct x86_emulate_ctxt *ctxt)
{
	return ctxt->priv;
}

static int fake_gva_to_gpa(struct x86_emulate_ctxt *ctxt, u64 la, u32 access, u64 *gpa,
			   struct x86_exception *fault)
{
	struct fake_vm *vm = vm_of(ctxt);

	if ((la & ~(FAKE_PAGE - 1)) == vm->fault_page || la >= FAKE_RAM2_END) {
		*fault = (struct x86_exception){
			.vector = EMUL_PF_VECTOR, .error_code_valid = true,
			.error_code = (access & EMUL_ACCESS_WRITE) ? FAKE_PF_WRITE : 0, .address = la,
		};
		return X86EMUL_PROPAGATE_FAULT;
	}
	*gpa = la;
	return X86EMUL_CONTINUE;
}

static bool is_ram(u64 gpa, unsigned int len)
{
	return gpa + len <= FAKE_RAM_END || (gpa >= FAKE_RAM2_BASE && gpa + len <= FAKE_RAM2_END);
}

static bool fake_read_ram(struct x86_emulate_ctxt *ctxt, u64 gpa, void *val, unsigned int len)
{
	if (!is_ram(gpa, len))
		return false;
	memcpy(val, vm_of(ctxt)->ram + gpa, len);
	return true;
}

static bool fake_write_ram(struct x86_emulate_ctxt *ctxt, u64 gpa, const void *val,
			   unsigned int len)
{
	if (!is_ram(gpa, len))
		return false;
	memcpy(vm_of(ctxt)->ram + gpa, val, len);
	return true;
}

static void fake_get_segment(struct x86_emulate_ctxt *ctxt, int seg, struct emul_segment *out)
{
	*out = vm_of(ctxt)->seg[seg];
}

static void fake_read_vec(struct x86_emulate_ctxt *ctxt, unsigned int reg, u8 val[EMUL_VEC_BYTES])
{
	memcpy(val, vm_of(ctxt)->ymm[reg & 15], EMUL_VEC_BYTES);
}

static void fake_write_vec(struct x86_emulate_ctxt *ctxt, unsigned int reg,
			   const u8 val[EMUL_VEC_BYTES])
{
	memcpy(vm_of(ctxt)->ymm[reg & 15], val, EMUL_VEC_BYTES);
}

static u64 fake_get_cr(struct x86_emulate_ctxt *ctxt, int cr)
{
	return cr == EMUL_CR0 ? vm_of(ctxt)->cr0 : 0;
}

/* A MOV to CR0's one check the fakes need: PG without PE is #GP(0) (SDM Vol. 3A 2.5). */
#define FAKE_CR0_PG (1ULL << 31)

static int fake_set_cr(struct x86_emulate_ctxt *ctxt, int cr, u64 val)
{
	struct fake_vm *vm = vm_of(ctxt);

	if (cr != EMUL_CR0)
		return X86EMUL_UNHANDLEABLE;
	if ((val & FAKE_CR0_PG) && !(val & EMUL_CR0_PE))
		return X86EMUL_PROPAGATE_FAULT;
	vm->cr0 = val;
	vm->cr_writes++;
	return X86EMUL_CONTINUE;
}

static void fake_get_gdt(struct x86_emulate_ctxt *ctxt, u64 *base, u16 *limit)
{
	*base = vm_of(ctxt)->gdt_base;
	*limit = vm_of(ctxt)->gdt_limit;
}

static int fake_set_segment(struct x86_emulate_ctxt *ctxt, int seg, u16 sel, u64 base,
			    u32 limit, u32 ar)
{
	struct fake_vm *vm = vm_of(ctxt);

	if (seg < EMUL_NR_SREGS) {
		vm->sreg[seg].sel = sel;
		vm->sreg[seg].base = base;
		vm->sreg[seg].limit = limit;
		vm->sreg[seg].ar = ar;
		vm->sreg[seg].loads++;
		return X86EMUL_CONTINUE;
	}
	vm->tr.sel = sel;
	vm->tr.base = base;
	vm->tr.limit = limit;
	vm->tr.ar = ar;
	vm->tr.loads++;
	return X86EMUL_CONTINUE;
}

static unsigned int fake_cpl(struct x86_emulate_ctxt *ctxt)
{
	return vm_of(ctxt)->cpl;
}

static u64 fake_read_mmx(struct x86_emulate_ctxt *ctxt, unsigned int reg)
{
	return vm_of(ctxt)->mm[reg & 7];
}

static void fake_write_mmx(struct x86_emulate_ctxt *ctxt, unsigned int reg, u64 val)
{
	vm_of(ctxt)->mm[reg & 7] = val;
}

static bool fake_x87_exception_pending(struct x86_emulate_ctxt *ctxt)
{
	return vm_of(ctxt)->x87_pending;
}

static const struct x86_emulate_ops fake_ops = {
	.cpl = fake_cpl,
	.read_mmx = fake_read_mmx,
	.write_mmx = fake_write_mmx,
	.x87_exception_pending = fake_x87_exception_pending,
	.get_gdt = fake_get_gdt,
	.set_segment = fake_set_segment,
	.get_cr = fake_get_cr,
	.set_cr = fake_set_cr,
	.gva_to_gpa = fake_gva_to_gpa,
	.read_ram = fake_read_ram,
	.write_ram = fake_write_ram,
	.get_segment = fake_get_segment,
	.read_vec = fake_read_vec,
	.write_vec = fake_write_vec,
};

static inline void fake_init(struct fake_vm *vm, enum x86emul_mode mode)
{
	unsigned int i;

	memset(vm, 0, sizeof(*vm));
	vm->ctxt.ops = &fake_ops;
	vm->ctxt.priv = vm;
	vm->ctxt.mode = mode;
	vm->ctxt.eflags = 2;	/* bit 1 is always set */
	vm->fault_page = FAKE_NO_FAULT;
	for (i = 0; i < EMUL_NR_SREGS; i++)
		vm->seg[i] = (struct emul_segment){
			.limit = mode == X86EMUL_MODE_REAL ? 0xffff : 0xffffffff,
			.big = mode == X86EMUL_MODE_PROT32,
		};
}

static inline void fake_code(struct fake_vm *vm, const u8 *bytes, unsigned int len)
{
	memcpy(vm->ram + FAKE_CODE, bytes, len);
	vm->ctxt.eip = FAKE_CODE - vm->seg[VCPU_SREG_CS].base;
}

static void log_access(struct fake_vm *vm, const struct emul_mmio_frag *f, bool is_write)
{
	struct fake_access *a;

	if (vm->nr_log == FAKE_MAX_LOG)
		return;
	a = &vm->log[vm->nr_log++];
	a->gpa = f->gpa;
	a->len = f->len;
	a->is_write = is_write;
	memcpy(a->data, f->data, f->len);
}

static bool in_mmio(u64 gpa, unsigned int len)
{
	return gpa >= FAKE_MMIO_BASE && gpa + len <= FAKE_MMIO_BASE + FAKE_MMIO_SIZE;
}

static inline int fake_again(struct fake_vm *vm)
{
	struct x86_emulate_ctxt *ctxt = &vm->ctxt;
	unsigned int i;
	int r;

	vm->runs = 0;
	for (;;) {
		vm->runs++;
		r = x86_emulate_insn(ctxt);
		if (r != X86EMUL_IO_NEEDED)
			break;
		if (!in_mmio(ctxt->mmio_pending->gpa, ctxt->mmio_pending->len))
			return -1;	/* the test layout has no such MMIO */
		memcpy(ctxt->mmio_pending->data, vm->mmio + (ctxt->mmio_pending->gpa - FAKE_MMIO_BASE),
		       ctxt->mmio_pending->len);
		log_access(vm, ctxt->mmio_pending, false);
		emul_complete_read(ctxt, ctxt->mmio_pending->data);
	}
	for (i = 0; r == X86EMUL_CONTINUE && i < ctxt->nr_mmio_writes; i++) {
		const struct emul_mmio_frag *f = &ctxt->mmio_writes[i];

		if (!in_mmio(f->gpa, f->len))
			return -1;
		memcpy(vm->mmio + (f->gpa - FAKE_MMIO_BASE), f->data, f->len);
		log_access(vm, f, true);
	}
	return r;
}

static inline int fake_run(struct fake_vm *vm)
{
	int r = x86_decode_insn(&vm->ctxt);

	if (r != X86EMUL_CONTINUE)
		return r;
	return fake_again(vm);
}

/* Run the instruction bytes given as the remaining arguments: fake_run()'s result. */
#define RUN(vm, ...)                                                  \
	({                                                            \
		const u8 code_[] = { __VA_ARGS__ };                   \
		fake_code((vm), code_, sizeof(code_));                \
		fake_run(vm);                                         \
	})

static inline u64 fake_mmio_u64(const struct fake_vm *vm, u64 gpa, unsigned int len)
{
	u64 v = 0;

	memcpy(&v, vm->mmio + (gpa - FAKE_MMIO_BASE), len);
	return v;
}

static inline void fake_mmio_put(struct fake_vm *vm, u64 gpa, u64 v, unsigned int len)
{
	memcpy(vm->mmio + (gpa - FAKE_MMIO_BASE), &v, len);
}
