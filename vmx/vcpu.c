/*
 * vCPU creation and register access.  A vCPU's VMCS is made current
 * (VMPTRLD) on the CPU that touches it; a vCPU runs on one CPU at a time,
 * any CPU in VMX operation, and vcpu_put() lets another CPU take it
 * (docs/smp.md).
 */
#include "arch/memory.h"
#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "arch/x86/msr.h"
#include "arch/x86/percpu.h"
#include "ept/flush.h"
#include "ept/root.h"
#include "lib/errno.h"
#include "lib/panic.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "vmx/controls.h"
#include "vmx/msr_bitmap.h"
#include "vmx/vcpu.h"
#include "vcpu_internal.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

#define PAT_POWER_ON 0x0007040600070406ULL	/* SDM Vol. 3A 12.12.4 */
#define DR7_POWER_ON 0x400
#define RESET_CS_SELECTOR 0xf000
#define RESET_CS_BASE 0xffff0000
#define RESET_RIP 0xfff0
#define REAL_MODE_LIMIT 0xffff
/* Access rights after reset (SDM Vol. 3A 10.1.1, Table 10-1), VMX format. */
#define AR_CODE_RESET (SEG_TYPE_CODE_XR_ACCESSED | VMX_AR_S | VMX_AR_P)
#define AR_DATA_RESET (SEG_TYPE_DATA_RW_ACCESSED | VMX_AR_S | VMX_AR_P)
#define AR_LDT_RESET (SEG_TYPE_LDT | VMX_AR_P)
#define AR_TSS_RESET (SEG_TYPE_TSS_BUSY | VMX_AR_P)

extern char vmx_exit_entry[];
static struct vmx_controls controls;
static bool controls_ready;
/*
 * The MSR bitmap, one for every vCPU (vmx/msr_bitmap.c): what passes
 * through depends on this CPU's controls alone, never on the VM, and the
 * CPU only reads it (SDM Vol. 3C 25.6.9), so all VMCSs may point at one
 * page.  A choice that comes to depend on the VM (SPEC_CTRL once a guest's
 * CPUID may offer it) makes it per VM.
 */
static struct vmx_msr_bitmap *msr_bitmap, *msr_bitmap_x2apic;

static bool vmcs_setup_host(void);

/*
 * Make v's VMCS current here.  A VMCS that was VMCLEARed (vcpu_put) may move
 * to this CPU: its host state then names this CPU's TSS, GDT and GS, and
 * the next entry is a VMLAUNCH.
 */
void vcpu_load(struct vcpu *v)
{
	struct percpu *c = this_cpu();

	if (c->current_vmcs == v->vmcs)
		return;
	CHECK(v->cpu == -1 || v->cpu == (int)c->id);
	vmcs_load(v->vmcs);
	c->current_vmcs = v->vmcs;
	if (v->cpu != (int)c->id) {
		v->cpu = c->id;
		v->launched = false;
		vmcs_setup_host();
		/* Translations this CPU cached for the EPTP earlier are stale now. */
		vcpu_flush_ept(v);
	}
}

void vcpu_flush_ept(struct vcpu *v)
{
	v->flushed_gen = __atomic_load_n(&v->kvm->tlb_gen, __ATOMIC_SEQ_CST);
	ept_flush_eptp(v->kvm, v->eptp);
}

void vcpu_put(struct vcpu *v)
{
	struct percpu *c = this_cpu();

	if (v->cpu != (int)c->id)
		return;
	vcpu_put_guest_state(v);
	vmcs_clear(v->vmcs);
	if (c->current_vmcs == v->vmcs)
		c->current_vmcs = NULL;
	v->cpu = -1;
	v->launched = false;
}

static bool vmcs_setup_controls(struct vcpu *v)
{
	bool ok = true;

	ok &= vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, controls.pin);
	ok &= vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, controls.proc);
	ok &= vmcs_write32(SECONDARY_VM_EXEC_CONTROL, controls.proc2);
	ok &= vmcs_write32(VM_EXIT_CONTROLS, controls.exit);
	ok &= vmcs_write32(VM_ENTRY_CONTROLS, controls.entry);
	ok &= vmcs_write32(EXCEPTION_BITMAP, 0);
	ok &= vmcs_write32(CR3_TARGET_COUNT, 0);
	ok &= vmcs_write16(VIRTUAL_PROCESSOR_ID, v->vpid);
	ok &= vmcs_write64(EPT_POINTER, v->eptp);
	ok &= vmcs_write64(VMCS_LINK_POINTER, VMCS_LINK_POINTER_NONE);
	/*
	 * The guest may not clear the bits VMX operation fixes (SDM Vol. 3D
	 * A.7, A.8), nor set a CR4 bit its CPUID lacks (vmx/vcpu_cpuid.c).
	 */
	ok &= vmcs_writenat(CR0_GUEST_HOST_MASK, vcpu_cr0_fixed_mask());
	ok &= vmcs_writenat(CR4_GUEST_HOST_MASK, vcpu_cr4_fixed_mask() | vcpu_cr4_cpuid_reserved(v));
	return ok;
}

/* The state VM exits return to (SDM Vol. 3C 28.5 "Loading Host State"). */
static bool vmcs_setup_host(void)
{
	struct desc_ptr gdtr, idtr;
	bool ok = true;

	__asm__ __volatile__("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
	ok &= vmcs_writenat(HOST_CR0, read_cr0());
	ok &= vmcs_writenat(HOST_CR3, read_cr3());
	ok &= vmcs_writenat(HOST_CR4, read_cr4());
	ok &= vmcs_write16(HOST_CS_SELECTOR, GDT_KERNEL_CS);
	ok &= vmcs_write16(HOST_SS_SELECTOR, GDT_KERNEL_DS);
	ok &= vmcs_write16(HOST_DS_SELECTOR, GDT_KERNEL_DS);
	ok &= vmcs_write16(HOST_ES_SELECTOR, GDT_KERNEL_DS);
	ok &= vmcs_write16(HOST_FS_SELECTOR, 0);
	ok &= vmcs_write16(HOST_GS_SELECTOR, 0);
	ok &= vmcs_write16(HOST_TR_SELECTOR, GDT_TSS);
	ok &= vmcs_writenat(HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	ok &= vmcs_writenat(HOST_GS_BASE, rdmsr(MSR_GS_BASE));
	ok &= vmcs_writenat(HOST_TR_BASE, (u64)gdt_this_cpu_tss());
	ok &= vmcs_writenat(HOST_GDTR_BASE, gdtr.base);
	ok &= vmcs_writenat(HOST_IDTR_BASE, idtr.base);
	ok &= vmcs_write32(HOST_IA32_SYSENTER_CS, 0);
	ok &= vmcs_writenat(HOST_IA32_SYSENTER_ESP, 0);
	ok &= vmcs_writenat(HOST_IA32_SYSENTER_EIP, 0);
	ok &= vmcs_write64(HOST_IA32_EFER, rdmsr(MSR_EFER));
	ok &= vmcs_write64(HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	ok &= vmcs_writenat(HOST_RIP, (u64)vmx_exit_entry);
	return ok;
}

static struct vcpu_segment seg(u16 sel, u64 base, u32 limit, u32 ar)
{
	return (struct vcpu_segment){ .base = base, .limit = limit, .selector = sel, .ar = ar };
}

/* The architectural state after RESET (SDM Vol. 3A 10.1.1, Table 10-1). */
static bool vcpu_reset(struct vcpu *v)
{
	struct vcpu_sregs s = {
		.cs = seg(RESET_CS_SELECTOR, RESET_CS_BASE, REAL_MODE_LIMIT, AR_CODE_RESET),
		.ds = seg(0, 0, REAL_MODE_LIMIT, AR_DATA_RESET),
		.ldt = seg(0, 0, REAL_MODE_LIMIT, AR_LDT_RESET),
		.tr = seg(0, 0, REAL_MODE_LIMIT, AR_TSS_RESET),
		.gdt = { 0, REAL_MODE_LIMIT },
		.idt = { 0, REAL_MODE_LIMIT },
		.cr0 = X86_CR0_ET,
	};
	struct vcpu_regs r = { .rip = RESET_RIP, .rflags = X86_RFLAGS_FIXED };
	bool ok = true;

	s.es = s.fs = s.gs = s.ss = s.ds;
	vcpu_set_sregs(v, &s);
	vcpu_set_regs(v, &r);
	ok &= vmcs_writenat(GUEST_DR7, DR7_POWER_ON);
	vcpu_reset_debugregs(v);
	ok &= vmcs_write64(GUEST_IA32_PAT, PAT_POWER_ON);
	ok &= vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	ok &= vmcs_write32(GUEST_SYSENTER_CS, 0);
	ok &= vmcs_writenat(GUEST_SYSENTER_ESP, 0);
	ok &= vmcs_writenat(GUEST_SYSENTER_EIP, 0);
	ok &= vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	ok &= vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	ok &= vmcs_writenat(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	ok &= vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	return ok;
}

void vcpu_init_event(struct vcpu *v)
{
	vcpu_load(v);
	memset(&v->gprs, 0, sizeof(v->gprs));
	vcpu_reset(v);
	v->nmi_pending = 0;	/* INIT drops NMIs not yet delivered, as KVM's vCPU reset does */
	v->mp_state = v->vcpu_idx == 0 ? VCPU_MP_RUNNABLE : VCPU_MP_INIT_RECEIVED;
}

void kvm_vcpu_deliver_sipi_vector(struct vcpu *v, u8 vector)
{
	struct vcpu_sregs s;
	struct vcpu_regs r;

	vcpu_get_sregs(v, &s);
	s.cs.selector = (u16)vector << 8;
	s.cs.base = (u64)vector << 12;
	vcpu_set_sregs(v, &s);
	vcpu_get_regs(v, &r);
	r.rip = 0;
	vcpu_set_regs(v, &r);
	v->mp_state = VCPU_MP_RUNNABLE;
}

/* The bitmap every vCPU uses, made once with the controls (none without the control). */
static int vcpu_msr_bitmap_setup(void)
{
	if (!(controls.proc & CPU_BASED_USE_MSR_BITMAPS) || msr_bitmap)
		return 0;
	msr_bitmap = frame_alloc(ORDER_4K);
	if (!msr_bitmap)
		return -ENOMEM;
	vmx_msr_bitmap_fill(msr_bitmap, controls.proc2 & SECONDARY_RDTSCP);
	if (!vmx_x2apic_virt_supported())
		return 0;
	msr_bitmap_x2apic = frame_alloc(ORDER_4K);
	if (!msr_bitmap_x2apic)
		return -ENOMEM;
	vmx_msr_bitmap_fill_x2apic(msr_bitmap_x2apic, msr_bitmap);
	return 0;
}

bool vcpu_has_x2apic_msr_bitmap(void)
{
	return msr_bitmap_x2apic;
}

u64 vcpu_msr_bitmap_pa(bool x2apic_virt)
{
	if (x2apic_virt && msr_bitmap_x2apic)
		return virt_to_phys(msr_bitmap_x2apic);
	return msr_bitmap ? virt_to_phys(msr_bitmap) : 0;
}

static int vcpu_setup_vmcs(struct vcpu *v)
{
	int err;

	if (!controls_ready) {
		err = vmx_controls_compute(&vmx_caps, &controls);
		err = err ?: vcpu_msr_bitmap_setup();
		if (err)
			return err;
		controls_ready = true;
	}
	err = kvm_mmu_load(v->kvm, v->as_id, &v->root_hpa);
	if (err)
		return err;
	v->eptp = vcpu_make_eptp(v);
	if (vmcs_clear(v->vmcs) || vmcs_load(v->vmcs))
		return -EIO;
	this_cpu()->current_vmcs = v->vmcs;
	v->cpu = this_cpu()->id;
	if (!vmcs_setup_controls(v) || !vmcs_setup_host() || !vcpu_reset(v))
		return -EIO;
	if (msr_bitmap && !vmcs_write64(MSR_BITMAP, virt_to_phys(msr_bitmap)))
		return -EIO;
	if (v->kvm->cpu_dirty_log_size) {
		err = vcpu_pml_setup(v);
		if (err)
			return err;
	}
	if (controls.proc & CPU_BASED_TPR_SHADOW) {
		v->vapic = frame_zalloc(ORDER_4K);
		if (!v->vapic)
			return -ENOMEM;
		if (!vmcs_write64(VIRTUAL_APIC_PAGE_ADDR, virt_to_phys(v->vapic)) ||
		    !vmcs_write32(TPR_THRESHOLD, 0))
			return -EIO;
	}
	vcpu_flush_ept(v);
	return 0;
}

int vcpu_create(struct kvm *kvm, unsigned int id, struct vcpu **out)
{
	struct vcpu *v;
	int err;

	if (!vmx_cpu_enabled())
		return -ENODEV;
	v = kzalloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->kvm = kvm;
	v->id = id;
	if (kvm->cpu_dirty_log_size && !vmx_pml_supported()) {
		kfree(v);
		return -ENODEV;
	}
	/* Never map a leaf larger than this CPU's EPT supports (SDM Vol. 3D A.10). */
	if (!(vmx_caps.ept_vpid & EPT_CAP_1G))
		kvm->tdp_max_level = MIN(kvm->tdp_max_level, PG_LEVEL_2M);
	if (!(vmx_caps.ept_vpid & EPT_CAP_2M))
		kvm->tdp_max_level = PG_LEVEL_4K;
	v->vpid = vcpu_alloc_vpid();
	v->xcr0 = XCR0_X87;
	v->misc_enable = vcpu_misc_enable_reset();
	vcpu_cpuid_update(v);
	vcpu_mce_reset(&v->mce);
	v->tpr = &v->tpr_alone;
	v->root_hpa = INVALID_HPA;
	v->cpu = -1;
	v->vcpu_idx = KVM_MAX_VCPUS;	/* not in kvm->vcpus yet */
	v->vmcs = vmcs_alloc();
	err = v->vmcs ? vcpu_fpu_alloc(v) : -ENOMEM;
	err = err ?: vcpu_setup_vmcs(v);
	v->preempt_timer_saved = controls.exit & VM_EXIT_SAVE_PREEMPTION_TIMER;
	err = err ?: vcpu_register(kvm, v);
	if (err) {
		vcpu_destroy(v);
		return err;
	}
	*out = v;
	return 0;
}

void vcpu_destroy(struct vcpu *v)
{
	if (!v)
		return;
	vcpu_unregister(v->kvm, v);
	vcpu_forget_guest_state(v);
	if (v->root_hpa != INVALID_HPA) {
		kvm_mmu_unload(v->kvm, v->root_hpa);
	}
	if (v->vmcs) {
		CHECK(v->cpu == -1 || v->cpu == (int)this_cpu()->id);
		if (v->cpu == -1)
			vmcs_clear(v->vmcs);	/* never loaded, or put: clearing again is harmless */
		vcpu_put(v);
		vmcs_free(v->vmcs);
	}
	vcpu_pml_free(v);
	vcpu_fpu_free(v);
	if (v->vapic)
		frame_free(v->vapic);
	kfree(v);
}

void vcpu_get_regs(struct vcpu *v, struct vcpu_regs *r)
{
	vcpu_load(v);
	r->gprs = v->gprs;
	r->rsp = vmcs_readnat(GUEST_RSP);
	r->rip = vmcs_readnat(GUEST_RIP);
	r->rflags = vmcs_readnat(GUEST_RFLAGS);
}

void vcpu_set_regs(struct vcpu *v, const struct vcpu_regs *r)
{
	vcpu_load(v);
	v->gprs = r->gprs;
	vmcs_writenat(GUEST_RSP, r->rsp);
	vmcs_writenat(GUEST_RIP, r->rip);
	vmcs_writenat(GUEST_RFLAGS, r->rflags | X86_RFLAGS_FIXED);
}

#ifdef CONFIG_SLOTVISOR_TEST
bool vcpu_debug_vmcs_write(struct vcpu *v, unsigned int field, u64 value)
{
	vcpu_load(v);
	return __vmcs_write(field, value);
}
#endif

const char *vcpu_exit_name(const struct vcpu *v)
{
	static const char *const names[] = {
		[VCPU_EXIT_NONE] = "NONE", [VCPU_EXIT_MMIO] = "MMIO", [VCPU_EXIT_IO] = "IO",
		[VCPU_EXIT_HLT] = "HLT", [VCPU_EXIT_SHUTDOWN] = "SHUTDOWN",
		[VCPU_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[VCPU_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR", [VCPU_EXIT_BUDGET] = "BUDGET",
		[VCPU_EXIT_STOPPED] = "STOPPED", [VCPU_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
		[VCPU_EXIT_INTR] = "INTR",
	};

	return v->exit.reason < ARRAY_SIZE(names) && names[v->exit.reason] ?
	       names[v->exit.reason] : "?";
}

void vcpu_exit_describe(const struct vcpu *v, char *buf, size_t size)
{
	switch (v->exit.reason) {
	case VCPU_EXIT_SHUTDOWN:
		ksnprintf(buf, size, "a triple fault");
		break;
	case VCPU_EXIT_INTERNAL_ERROR:
		ksnprintf(buf, size, "an internal error: %s", v->exit.internal.msg);
		break;
	case VCPU_EXIT_FAIL_ENTRY:
		ksnprintf(buf, size, "a failed VM entry (exit reason %u, VM-instruction error %u)",
			  v->exit.fail_entry.hardware_reason, v->exit.fail_entry.insn_error);
		break;
	default:
		ksnprintf(buf, size, "exit %s", vcpu_exit_name(v));
		break;
	}
}
