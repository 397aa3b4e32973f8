/*
 * Segment and control-register state of a vCPU, and its VPID.
 *
 * CR0 and CR4: the VMCS holds what the CPU runs with (fixed bits applied,
 * SDM Vol. 3D A.7-A.8) and the read shadows hold what the guest wrote; the
 * guest/host masks make the guest read its own value and exit when it
 * tries to change a fixed bit (SDM Vol. 3C 25.6.6).  Unrestricted guest
 * frees CR0.PE and CR0.PG (SDM Vol. 3C 27.3.1.1).
 */
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/msr.h"
#include "arch/x86/percpu.h"
#include "ept/mmu.h"
#include "lib/errno.h"
#include "lib/panic.h"
#include "vcpu_internal.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

#define EFER_LMA_BIT EFER_LMA

static u16 next_vpid = 1;

/* Atomic: vCPUs may be created on several CPUs at once. */
u16 vcpu_alloc_vpid(void)
{
	u16 vpid;

	do {
		vpid = __atomic_fetch_add(&next_vpid, 1, __ATOMIC_RELAXED);
	} while (vpid == 0);	/* wrapped: 0 belongs to the host */
	return vpid;
}

u64 vcpu_cr0_fixed_mask(void)
{
	u64 fixed0 = vmx_caps.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);

	return fixed0 | (~vmx_caps.cr0_fixed1 & 0xffffffffULL);
}

u64 vcpu_guest_cr0(struct vcpu *v)
{
	return (vmcs_readnat(GUEST_CR0) & ~vcpu_cr0_fixed_mask()) |
	       (v->cr0_shadow & vcpu_cr0_fixed_mask());
}

u64 vcpu_cr4_fixed_mask(void)
{
	return vmx_caps.cr4_fixed0 | (~vmx_caps.cr4_fixed1 & 0xffffffffULL);
}

u64 vcpu_guest_cr4(struct vcpu *v)
{
	return (vmcs_readnat(GUEST_CR4) & ~vcpu_cr4_fixed_mask()) |
	       (v->cr4_shadow & vcpu_cr4_fixed_mask());
}

u64 vcpu_cr0_hw_value(u64 val)
{
	u64 fixed0 = vmx_caps.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);

	return (val | fixed0) & vmx_caps.cr0_fixed1;
}

u64 vcpu_cr4_hw_value(u64 val)
{
	return (val | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1;
}

#define SEG_FIELDS(s) GUEST_##s##_SELECTOR, GUEST_##s##_BASE, GUEST_##s##_LIMIT, GUEST_##s##_AR_BYTES

struct seg_fields {
	enum vmcs_field sel, base, limit, ar;
};

static const struct seg_fields seg_es = { SEG_FIELDS(ES) }, seg_cs = { SEG_FIELDS(CS) },
			       seg_ss = { SEG_FIELDS(SS) }, seg_ds = { SEG_FIELDS(DS) },
			       seg_fs = { SEG_FIELDS(FS) }, seg_gs = { SEG_FIELDS(GS) },
			       seg_tr = { SEG_FIELDS(TR) }, seg_ldtr = { SEG_FIELDS(LDTR) };

static void seg_write(const struct seg_fields *f, const struct vcpu_segment *s)
{
	__vmcs_write(f->sel, s->selector);
	__vmcs_write(f->base, s->base);
	__vmcs_write(f->limit, s->limit);
	__vmcs_write(f->ar, s->ar);
}

static void seg_read(const struct seg_fields *f, struct vcpu_segment *s)
{
	s->selector = __vmcs_read(f->sel);
	s->base = __vmcs_read(f->base);
	s->limit = __vmcs_read(f->limit);
	s->ar = __vmcs_read(f->ar);
}

void vcpu_set_sregs(struct vcpu *v, const struct vcpu_sregs *s)
{
	u32 entry;

	vcpu_load(v);
	entry = vmcs_read32(VM_ENTRY_CONTROLS) & ~VM_ENTRY_IA32E_MODE_GUEST;
	seg_write(&seg_cs, &s->cs);
	seg_write(&seg_ds, &s->ds);
	seg_write(&seg_es, &s->es);
	seg_write(&seg_fs, &s->fs);
	seg_write(&seg_gs, &s->gs);
	seg_write(&seg_ss, &s->ss);
	seg_write(&seg_tr, &s->tr);
	seg_write(&seg_ldtr, &s->ldt);
	vmcs_writenat(GUEST_GDTR_BASE, s->gdt.base);
	vmcs_write32(GUEST_GDTR_LIMIT, s->gdt.limit);
	vmcs_writenat(GUEST_IDTR_BASE, s->idt.base);
	vmcs_write32(GUEST_IDTR_LIMIT, s->idt.limit);
	v->cr0_shadow = s->cr0;
	v->cr4_shadow = s->cr4;
	vmcs_writenat(CR0_READ_SHADOW, s->cr0);
	vmcs_writenat(CR4_READ_SHADOW, s->cr4);
	vmcs_writenat(GUEST_CR0, vcpu_cr0_hw_value(s->cr0));
	vmcs_writenat(GUEST_CR4, vcpu_cr4_hw_value(s->cr4));
	vmcs_writenat(GUEST_CR3, s->cr3);
	vmcs_write64(GUEST_IA32_EFER, s->efer);
	/* IA-32e mode guest must equal EFER.LMA (SDM Vol. 3C 27.3.1.1). */
	if (s->efer & EFER_LMA_BIT)
		entry |= VM_ENTRY_IA32E_MODE_GUEST;
	vmcs_write32(VM_ENTRY_CONTROLS, entry);
}

void vcpu_get_sregs(struct vcpu *v, struct vcpu_sregs *s)
{
	vcpu_load(v);
	seg_read(&seg_cs, &s->cs);
	seg_read(&seg_ds, &s->ds);
	seg_read(&seg_es, &s->es);
	seg_read(&seg_fs, &s->fs);
	seg_read(&seg_gs, &s->gs);
	seg_read(&seg_ss, &s->ss);
	seg_read(&seg_tr, &s->tr);
	seg_read(&seg_ldtr, &s->ldt);
	s->gdt.base = vmcs_readnat(GUEST_GDTR_BASE);
	s->gdt.limit = vmcs_read32(GUEST_GDTR_LIMIT);
	s->idt.base = vmcs_readnat(GUEST_IDTR_BASE);
	s->idt.limit = vmcs_read32(GUEST_IDTR_LIMIT);
	s->cr0 = vcpu_guest_cr0(v);
	s->cr4 = vcpu_guest_cr4(v);
	s->cr3 = vmcs_readnat(GUEST_CR3);
	s->efer = vmcs_read64(GUEST_IA32_EFER);
}
