/* What vmx/'s files share about vCPUs; not for the VMM. */
#pragma once

#include "arch/x86/cpu.h"
#include "ept/spte.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_bits.h"

/* Make v's VMCS the current one on this CPU (VMPTRLD when it is not). */
void vcpu_load(struct vcpu *v);

/* A VPID no other vCPU uses (never 0, which is the host's; SDM Vol. 3C 29.1). */
u16 vcpu_alloc_vpid(void);

/* Add v to its VM's vCPUs (-EINVAL when it has KVM_MAX_VCPUS), and take it out. */
int vcpu_register(struct kvm *kvm, struct vcpu *v);
void vcpu_unregister(struct kvm *kvm, struct vcpu *v);

/* CR0/CR4 bits the guest may not change itself: VMX fixes them (guest/host masks). */
u64 vcpu_cr0_fixed_mask(void);
u64 vcpu_cr4_fixed_mask(void);
/*
 * CR4 bits reserved for v because its CPUID lacks the feature (PCIDE
 * without PCID; vmx/vcpu_cpuid.c): the guest/host mask owns them too, so
 * that setting one exits, and vmx/exit_cr.c refuses it with #GP.
 */
u64 vcpu_cr4_cpuid_reserved(const struct vcpu *v);
/* The value the CPU must hold for a guest that wants val (fixed bits applied). */
u64 vcpu_cr0_hw_value(u64 val);
/*
 * The CR0 the guest sees: the bits it owns (PE, PG, ...: outside the
 * guest/host mask) from GUEST_CR0, the others from its read shadow.
 */
u64 vcpu_guest_cr0(struct vcpu *v);
/*
 * CR0 <- val as a MOV to CR0 does it (vmx/exit_cr.c): 0 when written;
 * -EINVAL when it raises #GP(0) (nothing written, nothing injected); -EIO
 * when PAE paging would load its PDPTEs from *pdpt_gpa, where no slot is.
 */
int vcpu_set_cr0(struct vcpu *v, u64 val, u64 *pdpt_gpa);
/* ... and the CR4 (the mask's bits from the read shadow). */
u64 vcpu_guest_cr4(struct vcpu *v);
u64 vcpu_cr4_hw_value(u64 val);

/* Handle one VM exit: 1 to re-enter, 0 when v->exit holds an exit for the caller. */
int vmx_handle_exit(struct vcpu *v, u32 basic_reason);
/*
 * The exits with a fast handler (vmx/exit.c, where the table says which
 * and why they may be): 1 or 0 as above when it handled the exit, -1 when
 * the exit has none (then vmx_handle_exit()).  Inline, so that the fast
 * path is one indirect call.
 */
typedef int (*exit_handler_t)(struct vcpu *v);
extern const exit_handler_t vmx_fast_handlers[EXIT_REASON_MAX];

static inline int vmx_handle_exit_fast(struct vcpu *v, u32 reason)
{
	exit_handler_t h = likely(reason < EXIT_REASON_MAX) ? vmx_fast_handlers[reason] : NULL;

	if (!h)
		return -1;
	/*
	 * No VMWRITE of the entry's interruption field here, as in KVM's fast
	 * path: every VM exit clears its valid bit (SDM Vol. 3C 28.2,
	 * "Recording VM-Exit Information and Updating VM-Entry Control
	 * Fields"; Bochs does too), so an event the last entry injected is
	 * never injected again; vmx_handle_exit() writes it because it may
	 * re-queue an event there.
	 */
	return h(v);
}

/* End the VM with an internal error: message printed and kept in v->exit. */
int vcpu_internal_error(struct vcpu *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * INVEPT v's EPTP on this CPU, noting the tables' generation it covers
 * (read first: a change after that read asks for another flush).
 */
void vcpu_flush_ept(struct vcpu *v);

/* PML (vmx/pml.c): the log page and the VMCS fields, once the VMCS is current. */
#define PML_ENTITY_NUM 512
#define PML_START_INDEX (PML_ENTITY_NUM - 1)	/* the CPU logs downwards from here */
int vcpu_pml_setup(struct vcpu *v);
void vcpu_pml_free(struct vcpu *v);
/* Empty v's log into the dirty bitmaps (v outside its guest, its VMCS current). */
void vcpu_flush_pml(struct vcpu *v);

/*
 * The guest state the CPU does not switch (vmx/guest_state.c): load v's on
 * this CPU before it enters, keep it when it leaves the CPU.
 */
void vcpu_load_guest_state(struct vcpu *v);
void vcpu_put_guest_state(struct vcpu *v);
/* DR0-DR3 and DR6 as after RESET and INIT, in v and, where they are live, in the CPU. */
void vcpu_reset_debugregs(struct vcpu *v);
/*
 * Load v's XCR0 right before an entry; give the hypervisor's (returned by
 * the first) back right after the exit.  Inline, with the hypervisor's
 * XCR0 read once (vcpu_host_xcr0, vmx/guest_state.c): on the exit fast
 * path they are two compares when the guest's XCR0 is the host's.
 */
extern u64 vcpu_host_xcr0;

static inline u64 vcpu_xcr0_enter(struct vcpu *v)
{
	u64 host = vcpu_host_xcr0;

	if (host && v->xcr0 != host)
		xsetbv(0, v->xcr0);
	return host;
}

static inline void vcpu_xcr0_exit(struct vcpu *v, u64 host)
{
	if (host && v->xcr0 != host)
		xsetbv(0, host);
}
/* v's FPU save area, in the state of a CPU after reset: 0 or -ENOMEM. */
int vcpu_fpu_alloc(struct vcpu *v);
void vcpu_fpu_free(struct vcpu *v);
/* Forget v on every CPU (vCPU destruction). */
void vcpu_forget_guest_state(struct vcpu *v);
/*
 * The SYSCALL, SWAPGS and RDTSCP MSRs (vmx/shared_msrs.c): v's go onto
 * this CPU (the host's kept) before vcpu_run()'s first entry, and come
 * back into v, the host's put back, when it returns.
 */
void vcpu_load_shared_msrs(struct vcpu *v);
void vcpu_put_shared_msrs(struct vcpu *v);
/* The vcpu_shared_msr slot of msr, or -1; and the guest's value in it. */
int vcpu_shared_msr_slot(u32 msr);
u64 vcpu_get_shared_msr(struct vcpu *v, int slot);
void vcpu_set_shared_msr(struct vcpu *v, int slot, u64 val);

/* IA32_MISC_ENABLE of a new vCPU (vmx/exit_msr.c). */
u64 vcpu_misc_enable_reset(void);
/* Which CPUID leaves v sees changed, after its IA32_MISC_ENABLE changed (vmx/exit_cpuid.c). */
void vcpu_cpuid_update(struct vcpu *v);

/*
 * The mode that sets the default operand and address size (SDM Vol. 1 3.6,
 * Table 3-3).  Long mode with CS.L=1 is CPU_MODE_LONG64; protected mode and
 * compatibility mode are CPU_MODE_PROT32 when CS.D=1, else CPU_MODE_PROT16;
 * real and virtual-8086 mode are CPU_MODE_REAL.
 */
enum cpu_mode {
	CPU_MODE_REAL,
	CPU_MODE_PROT16,
	CPU_MODE_PROT32,
	CPU_MODE_LONG64,
};

/* The loaded guest's execution mode: real, 16/32-bit protected, or 64-bit (CS.L in IA-32e mode). */
enum cpu_mode vcpu_cpu_mode(void);

/*
 * The instruction emulator on MMIO (vmx/emulate_ops.c), with v's VMCS and
 * guest state loaded: emulate the instruction behind an EPT violation at
 * gpa (gla: the exit's guest-linear address, when gla_valid); go on with
 * it on the next vcpu_run() while vcpu_emulate_pending().  1 to enter the
 * guest, 0 when v->exit holds an exit for the VMM.
 */
int vcpu_emulate_mmio(struct vcpu *v, u64 gpa, bool gla_valid, u64 gla);
/* APIC virtualization (vmx/apic_access.c). */
bool vmx_apic_access_supported(void);
/* ... and of the x2APIC's MSRs, with virtual-interrupt delivery (SDM Vol. 3C 30.5). */
bool vmx_x2apic_virt_supported(void);
/*
 * The MSR bitmap's address for a vCPU with x2APIC virtualization on or off
 * (vmx/vcpu.c: one of each, shared); 0 without MSR bitmaps.
 */
u64 vcpu_msr_bitmap_pa(bool x2apic_virt);
/* Whether vCPUs have the x2APIC MSR bitmap: the CPU's controls, with MSR bitmaps in use. */
bool vcpu_has_x2apic_msr_bitmap(void);
int kvm_alloc_apic_access_page(struct kvm *kvm);
/* Whether gpa is on the APIC-access page: never RAM to the emulator, whatever its slot. */
bool vcpu_apic_access_gpa(const struct vcpu *v, u64 gpa);
/*
 * Before a slow entry, in this order: the controls for the APIC's mode now
 * (before the interrupt controllers are asked, which virtual-interrupt
 * delivery changes), then the page filled from the xAPIC.  (After a slow
 * exit with virtual-interrupt delivery on, vmx/run.c has the xAPIC take
 * the page's IRR and ISR back: irqchip_lapic_sync_page().)
 */
void vcpu_apicv_update_mode(struct vcpu *v);
void vcpu_apicv_fill(struct vcpu *v);
bool vcpu_emulate_pending(const struct vcpu *v);
int vcpu_emulate_resume(struct vcpu *v);

/* Interrupt-window handling (vmx/interrupt.c), with v's VMCS current. */
void vcpu_inject_pending_event(struct vcpu *v);
int vcpu_arm_irq_window(struct vcpu *v);
void vcpu_update_ready_for_interrupt(struct vcpu *v);

/* The EPTP v enters with: its root, with A/D flags on where the VM logs with PML. */
static inline u64 vcpu_make_eptp(const struct vcpu *v)
{
	return ept_make_eptp(v->root_hpa, v->kvm->cpu_dirty_log_size != 0);
}

/* Move the guest past the instruction that caused the exit (inline: CPUID's fast path). */
static inline void vcpu_skip_instruction(struct vcpu *v)
{
	u32 intr;

	vmcs_writenat(GUEST_RIP, vmcs_readnat(GUEST_RIP) + vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	/*
	 * Stepping over an instruction ends STI and MOV-SS blocking (SDM Vol.
	 * 3A 6.8.3); written only when there is some to end, which is rare
	 * (KVM's vmx_set_interrupt_shadow() does the same).
	 */
	intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     intr & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

/* Inject a hardware exception at the next entry (SDM Vol. 3C 27.6). */
void vcpu_inject_exception(struct vcpu *v, u8 vector, bool has_error, u32 error);

/*
 * Guest-linear accesses (vmx/guest_mem.c), with v's VMCS current.  The
 * access bits of an access at the guest's CPL (PW_ACCESS_USER at CPL 3,
 * PW_ACCESS_AC with RFLAGS.AC), include/vmx/page_walk.h.
 */
u32 vcpu_access_at_cpl(void);
/* The guest's MAXPHYADDR (CPUID.80000008H:EAX[7:0], the host's, which it is shown). */
unsigned int vcpu_guest_maxphyaddr(void);
/* Forget the translations of the last exit (at every exit: the guest may change its tables). */
void vcpu_gva_cache_reset(struct vcpu *v);
struct page_walk_result;
/*
 * Translate gva for access through the exit's translation cache, one walk
 * per page and access: 0 and *gpa, or vmx_page_walk()'s error with res.
 */
int vcpu_gva_translate(struct vcpu *v, u64 gva, u32 access, u64 *gpa,
		       struct page_walk_result *res);
/*
 * What the guest gets for a failed translation of gva: #PF with CR2 or
 * #GP(0) injected (1: resume it), or the VM ended naming the table with no
 * memory or the paging mode (0).  A handler's return value.
 */
int vcpu_gva_fault(struct vcpu *v, u64 gva, int err, const struct page_walk_result *res);
/*
 * Fetch up to max instruction bytes at linear gva, one translation per
 * page: how many were read (fewer where the next page fails), -EFAULT
 * when the first page faulted (#PF injected), -EIO when the VM ended.
 */
int vcpu_fetch_insn(struct vcpu *v, u64 gva, u8 *buf, unsigned int max);
/* Whether gpa lies in a memslot the guest may write (not an MMIO hole, not READONLY). */
bool vcpu_guest_writable(struct vcpu *v, u64 gpa);

/*
 * INS/OUTS (vmx/exit_string_io.c): one element as a VCPU_EXIT_IO (0) or,
 * for OUTS from MMIO, first as the MMIO reads of its parts there (0); or
 * resume (1: a REP count of 0, or a #PF injected).  What is left of the
 * element (an INS's store, its MMIO writes; an OUTS's next read, its port
 * write) is done by vcpu_complete_string_io() on the next runs: 1 when it
 * made the next exit (or ended the VM), 0 when the element is done.
 */
enum vcpu_string_io_state {
	STRING_IO_IDLE,
	STRING_IO_IN_DATA,	/* INS: the port's data is in exit.io.data, to store */
	STRING_IO_IN_WRITE,	/* INS: the MMIO write of part .part was handed out */
	STRING_IO_OUT_READ,	/* OUTS: exit.mmio.data answers the read of part .part */
};
int vmx_handle_string_io(struct vcpu *v, u16 port, u8 size, bool in, bool rep);
int vcpu_complete_string_io(struct vcpu *v);
/* Make v->exit the MMIO access of len bytes at gpa (data: a write's bytes) (vmx/emulate_ops.c). */
void vcpu_mmio_exit(struct vcpu *v, u64 gpa, u8 len, bool is_write, const void *data);
