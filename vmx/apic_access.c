/*
 * The xAPIC's hot writes without the instruction emulator (issue 16):
 * "virtualize APIC accesses" with "APIC-register virtualization" (SDM
 * Vol. 3C 30.4), where the CPU has both.
 *
 * The guest's xAPIC page (gpa 0xfee00000) is the VM's APIC-access page:
 * a private slot (KVM's APIC_ACCESS_PAGE_PRIVATE_MEMSLOT) backed by one
 * frame that the CPU never lets the guest read or write while the
 * controls are on.  A guest read of a register the CPU virtualizes comes
 * from the vCPU's virtual-APIC page (the one TPR shadow uses), which
 * vcpu_apicv_fill() fills from the emulated xAPIC (irq/vlapic.c) before
 * every slow entry; a write of TPR or ICR2 lands in that page without an
 * exit (TPR: TPR virtualization, the threshold as with CR8); a write of
 * any other register the CPU virtualizes (EOI, ICR, LVTs, the timer, SVR,
 * ESR, LDR, DFR, ID) lands there too and then exits trap-like, RIP past
 * the instruction (APIC-write, exit 56): vmx_handle_apic_write() hands the
 * value to the xAPIC, no instruction fetched, walked or decoded.  The rest
 * (PPR, ARBPRI, the timer's current count, reserved offsets, accesses not
 * 32 bits wide where the CPU refuses them) exits fault-like (APIC access,
 * exit 44) and goes through the emulator as an MMIO access did before.
 *
 * The controls are on only while the vCPU's APIC is enabled, in xAPIC
 * mode, at its default base: in x2APIC mode the page is not the APIC's
 * (SDM Vol. 3A 11.12.1.2), and a moved base is not this page.  Then a
 * vCPU's access there is emulated as MMIO, as before, never the frame's
 * memory (KVM's kvm_faultin_pfn() does the same while APICv is off): its
 * EPT violation is not mapped (vmx/exit_ept.c), and the leaf a vCPU with
 * the controls on mapped is zapped when it turns them off.  A VM
 * on a CPU without the controls (or with the test switch no_apicv set
 * before vm_lapic_enable()) has no slot there: every access is an EPT
 * violation and the emulator's MMIO path, as before.
 */
#include "arch/memory.h"
#include "ept/zap.h"
#include "irq/irq.h"
#include "irq/vlapic.h"
#include "kvm/kvm.h"
#include "lib/errno.h"
#include "memslot/kvm_arch.h"
#include "exit_handlers.h"
#include "vcpu_internal.h"
#include "vmx/caps.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "vmx/vmx_bits.h"

#define APICV_CONTROLS (SECONDARY_VIRT_APIC_ACCESSES | SECONDARY_APIC_REGISTER_VIRT)
/* x2APIC mode's: "virtualize APIC accesses" must then be 0 (SDM Vol. 3C 26.2.1.1). */
#define X2APICV_CONTROLS (SECONDARY_VIRT_X2APIC_MODE | SECONDARY_APIC_REGISTER_VIRT | \
			  SECONDARY_VIRT_INTR_DELIVERY)
#define ALL_APICV_CONTROLS (APICV_CONTROLS | X2APICV_CONTROLS)
/* Guest interrupt status (SDM Vol. 3C 25.4.2): RVI in bits 7:0, SVI in bits 15:8. */
#define GUEST_INTR_STATUS_SVI_SHIFT 8
#define EOI_EXIT_BITMAPS 4
#define EOI_QUAL_VECTOR_MASK 0xffULL	/* an EOI-induced exit's qualification (SDM Vol. 3C 28.2.1) */
/* No bitmap holds it: vectors 0-15 are never accepted, so never level-triggered. */
#define VID_EOI_EXIT_UNWRITTEN (~0ULL)
/* Exit qualification of APIC-access and APIC-write exits (SDM Vol. 3C 28.2.1, Table 28-6). */
#define APIC_QUAL_OFFSET_MASK 0xfffULL
#define APIC_QUAL_TYPE_SHIFT 12
#define APIC_QUAL_TYPE_MASK 0xfULL
#define APIC_ACCESS_LINEAR_READ 0
#define APIC_ACCESS_LINEAR_WRITE 1
#define VAPIC_ICR2 (APIC_ICR2 / sizeof(u32))
#define APIC_PAGE_SIZE 0x1000ULL

bool vmx_apic_access_supported(void)
{
	return vmx_ctl_allows(vmx_caps.procbased, CPU_BASED_TPR_SHADOW) &&
	       vmx_ctl_allows(vmx_caps.procbased2, APICV_CONTROLS);
}

bool vmx_x2apic_virt_supported(void)
{
	return vmx_ctl_allows(vmx_caps.procbased, CPU_BASED_TPR_SHADOW | CPU_BASED_USE_MSR_BITMAPS) &&
	       vmx_ctl_allows(vmx_caps.procbased2, X2APICV_CONTROLS);
}

/* KVM's: the private slot of the APIC-access page, once per VM. */
int kvm_alloc_apic_access_page(struct kvm *kvm)
{
	struct kvm_userspace_memory_region r = {
		.slot = APIC_ACCESS_PAGE_PRIVATE_MEMSLOT,
		.guest_phys_addr = VLAPIC_DEFAULT_BASE,
		.memory_size = APIC_PAGE_SIZE,
	};
	hva_t hva;
	int err = 0;

	spin_lock(&kvm->slots_lock);
	if (kvm->apic_access_page_hpa)
		goto out;
	err = memslot_backing_alloc(kvm, APIC_PAGE_SIZE, &hva);
	if (err)
		goto out;
	r.userspace_addr = hva;
	err = __kvm_set_memory_region(kvm, &r);
	if (!err)
		kvm->apic_access_page_hpa = virt_to_phys((void *)hva);
out:
	spin_unlock(&kvm->slots_lock);
	return err;
}

static enum vmx_vid_verdict vid_verdict;

void vmx_vid_set_verdict(enum vmx_vid_verdict verdict)
{
	__atomic_store_n(&vid_verdict, verdict, __ATOMIC_RELEASE);
}

enum vmx_vid_verdict vmx_vid_verdict(void)
{
	return __atomic_load_n(&vid_verdict, __ATOMIC_ACQUIRE);
}

bool vmx_vid_supported(void)
{
	return vmx_apic_access_supported() &&
	       vmx_ctl_allows(vmx_caps.procbased2, SECONDARY_VIRT_INTR_DELIVERY);
}

/* Virtual-interrupt delivery for v: where the CPU has it and delivers right (or a test says). */
static bool vcpu_wants_vid(const struct vcpu *v)
{
	if (!vmx_vid_supported() || TEST_SWITCH(v, no_vid))
		return false;
	return v->apicv_vid_probe || vmx_vid_verdict() != VMX_VID_BROKEN || TEST_SWITCH(v, vid);
}

int vcpu_apicv_enable(struct vcpu *v)
{
	int err;

	if (!v->vapic || !v->apic || !vmx_apic_access_supported() || TEST_SWITCH(v, no_apicv))
		return 0;	/* the emulator's path, as on a CPU without the controls */
	err = kvm_alloc_apic_access_page(v->kvm);
	if (err)
		return err;
	v->apicv = true;
	v->apicv_vid = vcpu_wants_vid(v);
	/* Its own MSR bitmap exists where the CPU has the controls and MSR bitmaps are used (vmx/vcpu.c). */
	v->apicv_x2 = v->apicv_vid && vcpu_has_x2apic_msr_bitmap() && !TEST_SWITCH(v, no_x2apicv);
	return 0;
}

bool vcpu_apic_access_gpa(const struct vcpu *v, u64 gpa)
{
	return v->kvm->apic_access_page_hpa &&
	       (gpa & ~(APIC_PAGE_SIZE - 1)) == VLAPIC_DEFAULT_BASE;
}

static enum vcpu_apicv_mode apicv_mode_wanted(const struct vcpu *v)
{
	u64 mode = v->apic_base & (MSR_APIC_BASE_ENABLE | MSR_APIC_BASE_EXTD);

	if (mode == MSR_APIC_BASE_ENABLE &&
	    (v->apic_base & ~(APIC_PAGE_SIZE - 1)) == VLAPIC_DEFAULT_BASE)
		return APICV_MODE_XAPIC;
	if (mode == (MSR_APIC_BASE_ENABLE | MSR_APIC_BASE_EXTD) && v->apicv_x2)
		return APICV_MODE_X2APIC;
	return APICV_MODE_OFF;
}

/*
 * The controls go off: the guest's next access to the page must fault and
 * be emulated, so its leaf goes, on every CPU (as pc-testdev's flush page
 * in vm/pc.c).  The flush request reaches this vCPU before its entry.
 */
static void apic_access_page_unmap(struct kvm *kvm)
{
	gfn_t gfn = gpa_to_gfn(VLAPIC_DEFAULT_BASE);

	spin_lock(&kvm->mmu_lock);
	if (kvm_tdp_mmu_zap_leafs(kvm, 0, gfn, gfn + 1))
		kvm_flush_remote_tlbs(kvm);
	spin_unlock(&kvm->mmu_lock);
}

static u32 apicv_controls(const struct vcpu *v, enum vcpu_apicv_mode mode)
{
	switch (mode) {
	case APICV_MODE_XAPIC:
		return APICV_CONTROLS | (v->apicv_vid ? SECONDARY_VIRT_INTR_DELIVERY : 0);
	case APICV_MODE_X2APIC:
		return X2APICV_CONTROLS;
	default:
		return 0;
	}
}

/*
 * The controls for the APIC's mode now.  The x2APIC bitmap passes x2APIC
 * MSRs only while "virtualize x2APIC mode" is on: with it off they would
 * reach the host's own APIC, so both change together, before the entry
 * (a mode change is a WRMSR of IA32_APIC_BASE, which exits).
 */
void vcpu_apicv_update_mode(struct vcpu *v)
{
	enum vcpu_apicv_mode want = apicv_mode_wanted(v), now = v->apicv_mode;
	u32 proc2;

	if (want == now)
		return;
	if (now == APICV_MODE_XAPIC)
		apic_access_page_unmap(v->kvm);
	proc2 = vmcs_read32(SECONDARY_VM_EXEC_CONTROL) & ~ALL_APICV_CONTROLS;
	if (want == APICV_MODE_XAPIC) {
		vmcs_write64(APIC_ACCESS_ADDR, v->kvm->apic_access_page_hpa);
		v->apicv_icr2 = v->vapic[VAPIC_ICR2];	/* the page's old words are no guest write */
	}
	if (want != APICV_MODE_OFF)	/* no vector's EOI exits yet: vid_load() writes them all */
		for (unsigned int i = 0; i < EOI_EXIT_BITMAPS; i++)
			v->vid_eoi_exit[i] = VID_EOI_EXIT_UNWRITTEN;
	if ((want == APICV_MODE_X2APIC) != (now == APICV_MODE_X2APIC))
		vmcs_write64(MSR_BITMAP, vcpu_msr_bitmap_pa(want == APICV_MODE_X2APIC));
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, proc2 | apicv_controls(v, want));
	v->apicv_mode = want;
}

/*
 * Virtual-interrupt delivery's VMCS state with the filled page: RVI and
 * SVI, and the EOI-exit bitmap (written only when it changed).
 */
static void vid_load(struct vcpu *v, const struct vlapic_vid *vid)
{
	static const u32 bitmap_field[EOI_EXIT_BITMAPS] = {
		EOI_EXIT_BITMAP0, EOI_EXIT_BITMAP1, EOI_EXIT_BITMAP2, EOI_EXIT_BITMAP3,
	};

	vmcs_write16(GUEST_INTR_STATUS, (u16)(vid->svi << GUEST_INTR_STATUS_SVI_SHIFT | vid->rvi));
	for (unsigned int i = 0; i < EOI_EXIT_BITMAPS; i++) {
		if (vid->eoi_exit[i] == v->vid_eoi_exit[i])
			continue;
		vmcs_write64(bitmap_field[i], vid->eoi_exit[i]);
		v->vid_eoi_exit[i] = vid->eoi_exit[i];
	}
}

void vcpu_apicv_fill(struct vcpu *v)
{
	struct vlapic_vid vid;

	if (v->apicv_mode == APICV_MODE_OFF)
		return;
	/* The guest wrote ICR2, which does not exit (xAPIC mode; x2APIC's ICR write exits whole). */
	if (v->apicv_mode == APICV_MODE_XAPIC && v->vapic[VAPIC_ICR2] != v->apicv_icr2)
		irqchip_lapic_page_write(v, APIC_ICR2, v->vapic);
	if (!irqchip_lapic_fill_page(v, v->vapic, vcpu_vid_active(v) ? &vid : NULL))
		return;
	v->apicv_icr2 = v->vapic[VAPIC_ICR2];
	if (vcpu_vid_active(v))
		vid_load(v, &vid);
}

/* Trap-like (SDM Vol. 3C 30.4.3.3): the value is in the page, RIP past the write. */
int vmx_handle_apic_write(struct vcpu *v)
{
	u32 offset = vmcs_readnat(EXIT_QUALIFICATION) & APIC_QUAL_OFFSET_MASK;

	irqchip_lapic_page_write(v, offset, v->vapic);
	v->apicv_icr2 = v->vapic[VAPIC_ICR2];	/* taken with an ICR write, if it changed */
	return 1;
}

/*
 * Trap-like (SDM Vol. 3C 30.1.4): the CPU ended the service of a vector
 * whose bit the EOI-exit bitmap sets (a level-triggered one) and updated
 * ISR and SVI; the xAPIC has the page's ISR back (irqchip_lapic_sync_page()), and
 * the bus learns of the EOI (the I/O APIC's remote IRR).
 */
int vmx_handle_eoi_induced(struct vcpu *v)
{
	irqchip_lapic_eoi_induced(v, (u8)(vmcs_readnat(EXIT_QUALIFICATION) & EOI_QUAL_VECTOR_MASK));
	return 1;
}

/*
 * Fault-like (SDM Vol. 3C 30.4.2, 30.4.3.1): a read or write the CPU does
 * not virtualize, emulated on the xAPIC's MMIO path.  An access while
 * delivering an event (the guest's IDT or stack on its APIC page) or a
 * fetch from it cannot be emulated: the VM ends, naming it.
 */
int vmx_handle_apic_access(struct vcpu *v)
{
	u64 q = vmcs_readnat(EXIT_QUALIFICATION);
	u32 type = (q >> APIC_QUAL_TYPE_SHIFT) & APIC_QUAL_TYPE_MASK;
	u64 gpa = VLAPIC_DEFAULT_BASE + (q & APIC_QUAL_OFFSET_MASK);

	if (type == APIC_ACCESS_LINEAR_READ || type == APIC_ACCESS_LINEAR_WRITE)
		return vcpu_emulate_mmio(v, gpa, false, 0);
	return vcpu_internal_error(v, "the guest's APIC page at gpa 0x%llx was reached by an "
				      "access of type %u (SDM Vol. 3C Table 28-6: a fetch or an "
				      "event delivery), RIP 0x%llx", gpa, type,
				   vmcs_readnat(GUEST_RIP));
}
