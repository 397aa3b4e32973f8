/*
 * The vCPU side of the instruction emulator (include/emulate/emulate.h):
 * its callbacks on a loaded VMCS, and the MMIO exits it makes.  An EPT
 * violation on a guest-physical address no memslot backs becomes
 * vcpu_emulate_mmio(): the instruction at CS:RIP is fetched through the
 * guest's paging, decoded and run; each MMIO fragment is one
 * VCPU_EXIT_MMIO exit, in order, before the guest runs again:
 *   - a read exits with exit.mmio.is_write clear; the next vcpu_run()
 *     takes exit.mmio.data and runs the instruction again from the start
 *     (vcpu_emulate_resume()), without entering the guest;
 *   - the posted writes exit one by one after the instruction completed.
 * The model is KVM's (x86.c: emulator_read_write(), complete_emulated_mmio()).
 */
#include "arch/x86/trap.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "memslot/memslot.h"
#include "memslot/metadata.h"
#include "vcpu_internal.h"
#include "vmx/page_walk.h"
#include "vmx/segment_ar.h"

#define PF_ERROR_WRITE BIT(1)	/* #PF error code (SDM Vol. 3A 4.7, Figure 4-12) */
#define PF_ERROR_USER BIT(2)
#define PF_ERROR_FETCH BIT(4)
#define PAGE_OFFSET_MASK 0xfffULL
#define XMM_BYTES 16
#define RFLAGS_VM BIT(17)	/* virtual-8086 mode (SDM Vol. 1 3.4.3.3) */
#define SS_DPL_USER 3

static struct vcpu *vcpu_of(struct x86_emulate_ctxt *ctxt)
{
	return ctxt->priv;
}

/*
 * The guest's page walk in its paging mode (vmx/guest_mem.c), with the
 * access's rights: a failed walk is the #PF (with the walk's error code) or
 * #GP (a non-canonical address) the CPU would raise; page tables outside
 * every slot, or a paging mode not walked, end the emulation naming them.
 */
static int emul_gva_to_gpa(struct x86_emulate_ctxt *ctxt, u64 la, u32 access, u64 *gpa,
			   struct x86_exception *fault)
{
	struct page_walk_result res = { 0 };
	u32 pw = vcpu_access_at_cpl();
	int err;

	if (access & EMUL_ACCESS_WRITE)
		pw |= PW_ACCESS_WRITE;
	if (access & EMUL_ACCESS_FETCH)
		pw = (pw | PW_ACCESS_FETCH) & ~PW_ACCESS_AC;	/* SMAP ignores AC for fetches */
	err = vcpu_gva_translate(vcpu_of(ctxt), la, pw, gpa, &res);
	switch (err) {
	case 0:
		return X86EMUL_CONTINUE;
	case -EFAULT:
		*fault = (struct x86_exception){ .vector = X86_TRAP_PF, .error_code_valid = true,
						 .error_code = (u16)res.error_code, .address = la };
		return X86EMUL_PROPAGATE_FAULT;
	case -EINVAL:	/* non-canonical: #GP(0) (SDM Vol. 3A 3.3.7.1) */
		*fault = (struct x86_exception){ .vector = X86_TRAP_GP, .error_code_valid = true };
		return X86EMUL_PROPAGATE_FAULT;
	case -EIO:
		ksnprintf(ctxt->why, sizeof(ctxt->why), "the guest's page tables for 0x%llx lie at "
			  "gpa 0x%llx, where no memory slot is", la, res.table_gpa);
		return X86EMUL_UNHANDLEABLE;
	default:
		ksnprintf(ctxt->why, sizeof(ctxt->why), "linear address 0x%llx under %s is not "
			  "emulated", la, res.why ? res.why : "this paging mode");
		return X86EMUL_UNHANDLEABLE;
	}
}

/* The APIC-access page is the xAPIC's, never RAM, whatever its slot (vmx/apic_access.c). */
static bool emul_read_ram(struct x86_emulate_ctxt *ctxt, u64 gpa, void *val, unsigned int len)
{
	struct vcpu *v = vcpu_of(ctxt);

	return !vcpu_apic_access_gpa(v, gpa) && !vcpu_read_guest(v, gpa, val, len);
}

/*
 * RAM the instruction writes: a valid, writable slot (a write to a
 * read-only slot is MMIO, as in KVM), dirty-logged.  Under mmu_lock, not
 * slots_lock, for vcpu_read_guest()'s reason (vmx/guest_mem.c).
 */
static bool emul_write_ram(struct x86_emulate_ctxt *ctxt, u64 gpa, const void *val,
			   unsigned int len)
{
	struct vcpu *v = vcpu_of(ctxt);
	gfn_t gfn = gpa >> GFN_SHIFT;
	struct kvm_memory_slot *slot;
	bool ok = false;

	if (vcpu_apic_access_gpa(v, gpa))
		return false;
	spin_lock(&v->kvm->mmu_lock);
	slot = gfn_to_memslot(v->kvm, v->as_id, gfn);
	if (slot && !(slot->flags & (KVM_MEMSLOT_INVALID | KVM_MEM_READONLY))) {
		memcpy((void *)(__gfn_to_hva_memslot(slot, gfn) + (gpa & PAGE_OFFSET_MASK)), val, len);
		mark_page_dirty_in_slot(slot, gfn);
		ok = true;
	}
	spin_unlock(&v->kvm->mmu_lock);
	return ok;
}

static const u32 seg_selector_field[EMUL_NR_SREGS + 1] = {
	GUEST_ES_SELECTOR, GUEST_CS_SELECTOR, GUEST_SS_SELECTOR, GUEST_DS_SELECTOR,
	GUEST_FS_SELECTOR, GUEST_GS_SELECTOR, [VCPU_SREG_TR] = GUEST_TR_SELECTOR,
};

static const u32 seg_base_field[EMUL_NR_SREGS] = {
	GUEST_ES_BASE, GUEST_CS_BASE, GUEST_SS_BASE, GUEST_DS_BASE, GUEST_FS_BASE, GUEST_GS_BASE,
};
static const u32 seg_limit_field[EMUL_NR_SREGS] = {
	GUEST_ES_LIMIT, GUEST_CS_LIMIT, GUEST_SS_LIMIT, GUEST_DS_LIMIT, GUEST_FS_LIMIT, GUEST_GS_LIMIT,
};
static const u32 seg_ar_field[EMUL_NR_SREGS] = {
	GUEST_ES_AR_BYTES, GUEST_CS_AR_BYTES, GUEST_SS_AR_BYTES, GUEST_DS_AR_BYTES,
	GUEST_FS_AR_BYTES, GUEST_GS_AR_BYTES,
};

/* Type bit 2 of a data segment: expand-down (SDM Vol. 3A 3.4.5.1, Table 3-1). */
#define AR_TYPE_EXPAND_DOWN BIT(2)

static void emul_get_segment(struct x86_emulate_ctxt *ctxt, int seg, struct emul_segment *out)
{
	u32 ar = vmcs_read32(seg_ar_field[seg]);

	out->sel = vmcs_read16(seg_selector_field[seg]);
	out->base = vmcs_readnat(seg_base_field[seg]);
	out->limit = vmcs_read32(seg_limit_field[seg]);
	out->unusable = ar & VMX_AR_UNUSABLE;
	out->big = ar & VMX_AR_DB;
	out->expand_down = !(ar & VMX_AR_TYPE_CODE) && (ar & AR_TYPE_EXPAND_DOWN);
}

/*
 * The guest's XMM/YMM registers are the CPU's while it owns this CPU
 * (vmx/guest_state.c): the hypervisor itself never uses them.
 */
#define XMM_READ(n) case n: __asm__ __volatile__("movdqu %%xmm" #n ", %0" : "=m"(*x)); break
#define XMM_WRITE(n) case n: __asm__ __volatile__("movdqu %0, %%xmm" #n : : "m"(*x)); break
#define YMM_HI_READ(n)                                                                  \
	case n: __asm__ __volatile__("vextractf128 $1, %%ymm" #n ", %0" : "=m"(*x)); break
#define YMM_HI_WRITE(n)                                                                  \
	case n: __asm__ __volatile__("vinsertf128 $1, %0, %%ymm" #n ", %%ymm" #n : : "m"(*x)); break
#define ALL_REGS(M)                                                                       \
	M(0); M(1); M(2); M(3); M(4); M(5); M(6); M(7); M(8); M(9); M(10); M(11); M(12); \
	M(13); M(14); M(15)

static bool host_has_avx(void)
{
	return (read_cr4() & X86_CR4_OSXSAVE) && (xgetbv(0) & XCR0_AVX);
}

static void emul_read_vec(struct x86_emulate_ctxt *ctxt, unsigned int reg, u8 val[EMUL_VEC_BYTES])
{
	u8 (*x)[XMM_BYTES] = (u8 (*)[XMM_BYTES])val;

	memset(val, 0, EMUL_VEC_BYTES);
	switch (reg) {
	ALL_REGS(XMM_READ);
	}
	if (!host_has_avx())
		return;
	x = (u8 (*)[XMM_BYTES])(val + XMM_BYTES);
	switch (reg) {
	ALL_REGS(YMM_HI_READ);
	}
}

static void emul_write_vec(struct x86_emulate_ctxt *ctxt, unsigned int reg,
			   const u8 val[EMUL_VEC_BYTES])
{
	const u8 (*x)[XMM_BYTES] = (const u8 (*)[XMM_BYTES])val;

	switch (reg) {
	ALL_REGS(XMM_WRITE);
	}
	if (!host_has_avx())
		return;
	x = (const u8 (*)[XMM_BYTES])(val + XMM_BYTES);
	switch (reg) {
	ALL_REGS(YMM_HI_WRITE);
	}
}

/* CR0 as the guest reads it: its read shadow where the mask owns the bit (vmx/vcpu_state.c). */
static u64 emul_get_cr(struct x86_emulate_ctxt *ctxt, int cr)
{
	return cr == EMUL_CR0 ? vcpu_guest_cr0(vcpu_of(ctxt)) : vcpu_guest_cr4(vcpu_of(ctxt));
}

/* LMSW's CR0 write through the checks of a MOV to CR0 (vmx/exit_cr.c). */
static int emul_set_cr(struct x86_emulate_ctxt *ctxt, int cr, u64 val)
{
	u64 pdpt_gpa = 0;
	int r;

	if (cr != EMUL_CR0) {
		ksnprintf(ctxt->why, sizeof(ctxt->why), "a write to CR%d", cr);
		return X86EMUL_UNHANDLEABLE;
	}
	r = vcpu_set_cr0(vcpu_of(ctxt), val, &pdpt_gpa);
	if (r == -EINVAL)
		return X86EMUL_PROPAGATE_FAULT;
	if (r) {
		ksnprintf(ctxt->why, sizeof(ctxt->why), "PAE paging turned on with its PDPT at gpa "
			  "0x%llx, where no memory slot is", pdpt_gpa);
		return X86EMUL_UNHANDLEABLE;
	}
	return X86EMUL_CONTINUE;
}

static void emul_get_gdt(struct x86_emulate_ctxt *ctxt, u64 *base, u16 *limit)
{
	*base = vmcs_readnat(GUEST_GDTR_BASE);
	*limit = (u16)vmcs_read32(GUEST_GDTR_LIMIT);
}

/*
 * A segment register the emulator loaded (LTR's TR, MOV Sreg, a far JMP's
 * CS): the guest-state fields a VM entry loads it from (SDM Vol. 3C 25.4.1).
 */
static int emul_set_segment(struct x86_emulate_ctxt *ctxt, int seg, u16 sel, u64 base,
			    u32 limit, u32 ar)
{
	if (seg == VCPU_SREG_TR) {
		vmcs_writenat(GUEST_TR_BASE, base);
		vmcs_write32(GUEST_TR_LIMIT, limit);
		vmcs_write32(GUEST_TR_AR_BYTES, ar);
	} else {
		vmcs_writenat(seg_base_field[seg], base);
		vmcs_write32(seg_limit_field[seg], limit);
		vmcs_write32(seg_ar_field[seg], ar);
	}
	vmcs_write16(seg_selector_field[seg], sel);
	return X86EMUL_CONTINUE;
}

/* The CPL is SS.DPL in VMX guest state (SDM Vol. 3C 25.4.1, "SS.DPL ... the CPL"). */
static unsigned int emul_cpl(struct x86_emulate_ctxt *ctxt)
{
	return (unsigned int)VMX_AR_DPL(vmcs_read32(GUEST_SS_AR_BYTES));
}

/*
 * The guest's MMX registers are the CPU's x87 registers while it owns this
 * CPU, as its XMM registers are; MOVQ to or from one sets the x87 tags
 * valid and TOS to 0, as the guest's own MMX instruction would (SDM Vol. 1
 * 9.5.1).
 */
#define MMX_READ(n) case n: __asm__ __volatile__("movq %%mm" #n ", %0" : "=m"(v)); break
#define MMX_WRITE(n) case n: __asm__ __volatile__("movq %0, %%mm" #n : : "m"(v)); break
#define MMX_REGS(M) M(0); M(1); M(2); M(3); M(4); M(5); M(6); M(7)
#define FSW_ES BIT(7)	/* x87 status word: an unmasked exception is pending (SDM Vol. 1 8.1.3) */

static u64 emul_read_mmx(struct x86_emulate_ctxt *ctxt, unsigned int reg)
{
	u64 v = 0;

	switch (reg) {
	MMX_REGS(MMX_READ);
	}
	return v;
}

static void emul_write_mmx(struct x86_emulate_ctxt *ctxt, unsigned int reg, u64 v)
{
	switch (reg) {
	MMX_REGS(MMX_WRITE);
	}
}

/* FNSTSW does not wait, so reading ES never raises the pending #MF in the hypervisor. */
static bool emul_x87_exception_pending(struct x86_emulate_ctxt *ctxt)
{
	u16 fsw;

	__asm__ __volatile__("fnstsw %0" : "=m"(fsw));
	return fsw & FSW_ES;
}

static const struct x86_emulate_ops vcpu_emulate_ops = {
	.cpl = emul_cpl,
	.read_mmx = emul_read_mmx,
	.write_mmx = emul_write_mmx,
	.x87_exception_pending = emul_x87_exception_pending,
	.get_gdt = emul_get_gdt,
	.set_segment = emul_set_segment,
	.get_cr = emul_get_cr,
	.set_cr = emul_set_cr,
	.gva_to_gpa = emul_gva_to_gpa,
	.read_ram = emul_read_ram,
	.write_ram = emul_write_ram,
	.get_segment = emul_get_segment,
	.read_vec = emul_read_vec,
	.write_vec = emul_write_vec,
};

static enum x86emul_mode emul_mode(void)
{
	switch (vcpu_cpu_mode()) {
	case CPU_MODE_LONG64:
		return X86EMUL_MODE_PROT64;
	case CPU_MODE_PROT32:
		return X86EMUL_MODE_PROT32;
	case CPU_MODE_PROT16:
		return X86EMUL_MODE_PROT16;
	default:
		return (vmcs_readnat(GUEST_RFLAGS) & RFLAGS_VM) ? X86EMUL_MODE_VM86
								 : X86EMUL_MODE_REAL;
	}
}

/* The guest's registers into the context; guest_gprs is in ModRM order (arch/x86/gprs.h). */
static void load_context(struct vcpu *v, struct x86_emulate_ctxt *ctxt)
{
	_Static_assert(offsetof(struct guest_gprs, r15) == (EMUL_NR_GPRS - 1) * sizeof(u64),
		       "guest_gprs is the register file in ModRM order");
	memcpy(ctxt->regs, &v->gprs, sizeof(ctxt->regs));
	ctxt->regs[EMUL_RSP] = vmcs_readnat(GUEST_RSP);
	ctxt->eip = vmcs_readnat(GUEST_RIP);
	ctxt->eflags = vmcs_readnat(GUEST_RFLAGS);
	ctxt->mode = emul_mode();
}

/*
 * After the emulated instruction an STI or MOV SS shadow before it has
 * ended; a MOV to SS starts its own (SDM Vol. 3A 6.8.3; KVM's
 * toggle_interruptibility()).
 */
static void store_interruptibility(const struct x86_emulate_ctxt *ctxt)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	intr &= ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
	if (ctxt->interruptibility & EMUL_SHADOW_MOV_SS)
		intr |= GUEST_INTR_STATE_MOV_SS;
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, intr);
}

static void store_context(struct vcpu *v, const struct x86_emulate_ctxt *ctxt)
{
	u64 cr2 = v->gprs.cr2;

	memcpy(&v->gprs, ctxt->regs, sizeof(ctxt->regs));
	v->gprs.cr2 = cr2;
	vmcs_writenat(GUEST_RSP, ctxt->regs[EMUL_RSP]);
	vmcs_writenat(GUEST_RIP, ctxt->eip);
	vmcs_writenat(GUEST_RFLAGS, ctxt->eflags);
	store_interruptibility(ctxt);
}

void vcpu_mmio_exit(struct vcpu *v, u64 gpa, u8 len, bool is_write, const void *data)
{
	v->exit.reason = VCPU_EXIT_MMIO;
	v->exit.mmio.gpa = gpa;
	v->exit.mmio.len = len;
	v->exit.mmio.is_write = is_write;
	v->exit.mmio.data = 0;
	if (is_write)
		memcpy(&v->exit.mmio.data, data, len);
}

static int mmio_exit(struct vcpu *v, const struct emul_mmio_frag *f)
{
	vcpu_mmio_exit(v, f->gpa, f->len, f->is_write, f->data);
	return 0;
}

/* The next posted write as an exit (0), or 1 when none is left. */
static int next_write(struct vcpu *v)
{
	struct x86_emulate_ctxt *ctxt = &v->emul;

	if (v->emul_next_write >= ctxt->nr_mmio_writes) {
		v->emul_next_write = 0;
		ctxt->nr_mmio_writes = 0;
		return 1;
	}
	return mmio_exit(v, &ctxt->mmio_writes[v->emul_next_write++]);
}

static int inject_fault(struct vcpu *v, const struct x86_exception *e)
{
	if (e->vector == X86_TRAP_PF)
		v->gprs.cr2 = e->address;
	vcpu_inject_exception(v, e->vector, e->error_code_valid, e->error_code);
	return 1;
}

/*
 * The decoded instruction is not the one that faulted (the guest changed
 * its code or a PTE without INVLPG): enter again, and the CPU faults with
 * the instruction it really runs.  Twice in a row at one RIP ends the VM.
 */
static int retry(struct vcpu *v, u64 gpa)
{
	u64 rip = vmcs_readnat(GUEST_RIP);

	if (v->emul_retry_pending && v->emul_retry_rip == rip)
		return vcpu_internal_error(v, "MMIO at gpa 0x%llx, RIP 0x%llx, twice: %s", gpa, rip,
					   v->emul.why);
	v->emul_retry_pending = true;
	v->emul_retry_rip = rip;
	return 1;
}

/* Run the decoded instruction once more: 1 to enter the guest, 0 for an exit. */
static int step(struct vcpu *v)
{
	struct x86_emulate_ctxt *ctxt = &v->emul;
	int r = x86_emulate_insn(ctxt);

	switch (r) {
	case X86EMUL_CONTINUE:
		v->emul_retry_pending = false;
		store_context(v, ctxt);
		return next_write(v);
	case X86EMUL_IO_NEEDED:
		v->emul_read_pending = true;
		return mmio_exit(v, ctxt->mmio_pending);
	case X86EMUL_PROPAGATE_FAULT:
		return inject_fault(v, &ctxt->exception);
	case X86EMUL_RETRY_INSTR:
		return retry(v, v->emul_gpa);
	default:
		return vcpu_internal_error(v, "%s on MMIO at gpa 0x%llx, RIP 0x%llx", ctxt->why,
					   v->emul_gpa, ctxt->eip);
	}
}

int vcpu_emulate_mmio(struct vcpu *v, u64 gpa, bool gla_valid, u64 gla)
{
	struct x86_emulate_ctxt *ctxt = &v->emul;
	int r;

	ctxt->ops = &vcpu_emulate_ops;
	ctxt->priv = v;
	ctxt->gla_valid = gla_valid;
	ctxt->gla = gla;
	v->emul_gpa = gpa;
	v->emul_next_write = 0;
	load_context(v, ctxt);
	r = x86_decode_insn(ctxt);
	if (r == X86EMUL_PROPAGATE_FAULT)
		return inject_fault(v, &ctxt->exception);
	if (r != X86EMUL_CONTINUE)
		return vcpu_internal_error(v, "%s on MMIO at gpa 0x%llx, RIP 0x%llx", ctxt->why, gpa,
					   ctxt->eip);
	return step(v);
}

bool vcpu_emulate_pending(const struct vcpu *v)
{
	return v->emul_read_pending || v->emul_next_write;
}

int vcpu_emulate_resume(struct vcpu *v)
{
	if (v->emul_read_pending) {
		v->emul_read_pending = false;
		emul_complete_read(&v->emul, &v->exit.mmio.data);
		return step(v);
	}
	return next_write(v);
}
