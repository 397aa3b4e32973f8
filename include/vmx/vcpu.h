/*
 * A virtual CPU and the KVM-like interface to run it.  vmx/ owns the VMCS
 * and handles the exits it can (CPUID, EPT faults it can map, MSRs, CRs);
 * everything the device model must see comes back from vcpu_run() as a
 * struct vcpu_exit, the way KVM fills struct kvm_run.
 */
#pragma once

#include <stdarg.h>

#include "arch/x86/lapic.h"
#include "arch/x86/gprs.h"
#include "kvm/kvm.h"
#include "compiler.h"
#include "types.h"
#include "emulate/emulate.h"
#include "vmx/cpuid_flags.h"
#include "vmx/exit_reason.h"
#include "vmx/mce.h"
#include "vmx/segment_ar.h"

struct vmcs;
struct vlapic;

/*
 * MSRs no VMCS field switches: loaded on the vCPU's CPU while it is in
 * vcpu_run(), kept here outside it (vmx/shared_msrs.c).
 */
enum vcpu_shared_msr {
	VCPU_MSR_STAR,
	VCPU_MSR_LSTAR,
	VCPU_MSR_CSTAR,
	VCPU_MSR_SFMASK,
	VCPU_MSR_KERNEL_GS_BASE,
	VCPU_MSR_TSC_AUX,
	VCPU_NR_SHARED_MSRS
};

#define INVALID_HPA (~0ULL)

enum vcpu_exit_reason {
	VCPU_EXIT_NONE,
	VCPU_EXIT_MMIO,			/* mmio: complete a read by filling data */
	VCPU_EXIT_IO,			/* io: complete an IN by filling data */
	VCPU_EXIT_HLT,
	VCPU_EXIT_SHUTDOWN,		/* triple fault: the VM is over */
	VCPU_EXIT_FAIL_ENTRY,		/* fail_entry: the VM is over */
	VCPU_EXIT_INTERNAL_ERROR,	/* internal: the VM is over */
	VCPU_EXIT_BUDGET,		/* the run's budget of TSC ticks ran out */
	VCPU_EXIT_STOPPED,		/* vcpu_request_stop() was honoured before an entry */
	VCPU_EXIT_IRQ_WINDOW_OPEN,	/* request_interrupt_window: the guest can take one now */
	/*
	 * An interrupt for the VMM (the console's input, arch/x86/uart_irq.c)
	 * arrived on this CPU: the VMM reads it, then runs the vCPU again
	 * (KVM's KVM_EXIT_INTR, for a signal).
	 */
	VCPU_EXIT_INTR,
};

/* Whether a vCPU runs or waits for a STARTUP IPI (KVM's KVM_MP_STATE_*; SDM Vol. 3A 9.4). */
enum vcpu_mp_state {
	VCPU_MP_RUNNABLE,
	VCPU_MP_INIT_RECEIVED,	/* after INIT: wait-for-SIPI */
};

#define VCPU_OUTSIDE_GUEST 0
#define VCPU_IN_GUEST 1
#define VCPU_HALTED 2		/* its CPU halts in vcpu_block() until an interrupt */

/* The vector of the IPI that forces a vCPU out of its guest, or out of its halt. */
#define VCPU_KICK_VECTOR LAPIC_WAKE_VECTOR

#define VCPU_REPORTS_PRINTED 8

/*
 * Count one of a vCPU's refusals in *count; whether to print it (the first
 * VCPU_REPORTS_PRINTED), and *last true for the one after which printing
 * stops.
 */
static inline bool vcpu_report(u64 *count, bool *last)
{
	u64 n = (*count)++;

	*last = n + 1 == VCPU_REPORTS_PRINTED;
	return n < VCPU_REPORTS_PRINTED;
}

struct vcpu_exit {
	enum vcpu_exit_reason reason;
	union {
		struct {
			u64 gpa;
			u32 len;
			bool is_write;
			u64 data;
		} mmio;
		struct {
			u16 port;
			u8 size;
			bool is_write;	/* OUT */
			u32 data;
		} io;
		struct {
			u32 hardware_reason;	/* the exit reason, or 0 when VMLAUNCH failed */
			u32 insn_error;		/* VM-instruction error, 0 if none */
			u32 field;		/* the first field the checker rejects, ~0 if none */
			u64 value;
			const char *rule;
		} fail_entry;
		struct {
			char msg[160];
		} internal;
	};
};

/* General registers plus what the VMCS keeps. */
struct vcpu_regs {
	struct guest_gprs gprs;
	u64 rsp, rip, rflags;
};

struct vcpu_segment {
	u64 base;
	u32 limit;
	u16 selector;
	u32 ar;		/* VMX access-rights format (SDM Vol. 3C 25.4.1) */
};

struct vcpu_dtable {
	u64 base;
	u16 limit;
};

struct vcpu_sregs {
	struct vcpu_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct vcpu_dtable gdt, idt;
	u64 cr0, cr3, cr4, efer;
};

/* The debug registers (KVM_GET_DEBUGREGS' struct kvm_debugregs, less its flags). */
#define VCPU_NR_DB 4
struct vcpu_debugregs {
	u64 db[VCPU_NR_DB];	/* DR0-DR3: breakpoint addresses */
	u64 dr6, dr7;
};

/* Pages one exit's emulation touches: an instruction's two, a string element's two. */
#define VCPU_GVA_CACHE_SIZE 4
#define VCPU_IO_PORTS_COUNTED 0x400

/* The APIC-virtualization controls a vCPU runs with (vmx/apic_access.c). */
enum vcpu_apicv_mode {
	APICV_MODE_OFF,
	APICV_MODE_XAPIC,	/* enabled, at the default base: the APIC-access page */
	APICV_MODE_X2APIC,	/* enabled in x2APIC mode: its MSRs, with the x2APIC bitmap */
};

struct vcpu {
	/*
	 * First: vmx/entry.S hands vmx_exit_fast() &gprs, which is then the
	 * vCPU itself, with no register spent on converting it.
	 */
	struct guest_gprs gprs;
	struct kvm *kvm;
	unsigned int id;
	unsigned int vcpu_idx;	/* its index in kvm->vcpus (KVM's vcpu_idx) */
	u16 vpid;
	u16 as_id;
	struct vmcs *vmcs;
	bool launched;
	/*
	 * Exits on the fast path (vmx/run.c): HOST_RSP as this VMCS holds it
	 * (vmx/entry.S writes it only when the stack pointer differs); whether
	 * the CPU saves the preemption timer's count at exit (then the fast
	 * path need not arm it again); profile_exits: count handler_ticks.
	 */
	u64 host_rsp;
	bool preempt_timer_saved;
	bool profile_exits;
	u64 run_deadline;	/* vcpu_run()'s deadline (0: none), for the fast path */
	/*
	 * Fast exits left before the fast path looks at run_deadline again,
	 * and what it starts from each time it has looked: 0 with a deadline
	 * vcpu_run() must keep (every exit looks), VCPU_LOOSE_CHECK_EVERY - 1
	 * with one vcpu_run_loose() may overrun by that many exits' handling,
	 * all ones without a deadline.
	 */
	u32 fast_unchecked, fast_unchecked_reload;
	u64 fast_looks;		/* fast exits that looked at the deadline (a statistic, for tests) */
	int fast_result;	/* a fast handler's result the slow path must act on, or -1 */
	bool fast_ok;		/* the slow path left nothing for the fast path to wait for */
	bool dead;		/* the VM ended: vcpu_run() refuses to enter again */
	hpa_t root_hpa;		/* the root this vCPU holds (kvm_mmu_load) */
	u64 eptp;
	u64 flushed_gen;	/* kvm->tlb_gen when this vCPU last flushed its EPTP on its CPU */
	unsigned long requests;	/* enum vcpu_request bits (include/kvm/requests.h), atomic */
	int mode;		/* VCPU_IN_GUEST while between the request check and the exit */
	int cpu;		/* the CPU its VMCS is loaded on, or -1 (VMCLEARed) */
	bool in_run;		/* inside vcpu_run() (atomic): it will see its requests */
	u64 *pml_log;		/* PML: the page-modification log, or NULL (vmx/pml.c) */
	/*
	 * Interrupts from the VMM's interrupt controller (vmx/interrupt.c):
	 * the VMM sets request_interrupt_window to get VCPU_EXIT_IRQ_WINDOW_OPEN
	 * once the guest can take an interrupt; ready_for_interrupt says, when
	 * vcpu_run() returns, whether it can now (vcpu_interrupt() succeeds).
	 */
	bool request_interrupt_window;
	bool ready_for_interrupt;
	bool irq_window_armed;
	u64 irqs_injected;
	u64 nmis_injected;
	/*
	 * What the guest did that the hypervisor refused or could not serve,
	 * counted (`stats`); only the first VCPU_REPORTS_PRINTED of each are
	 * printed, so that a guest cannot flood the console with them.
	 */
	u64 msr_refused;	/* RDMSR/WRMSR answered with #GP */
	u64 mmio_unbacked;	/* MMIO that no memslot or device backs */
	u8 nmi_pending;		/* NMIs taken from the irqchip, not injected yet (at most 2) */
	u64 cr0_shadow, cr4_shadow;	/* what the guest believes CR0/CR4 hold */
	u64 shared_msrs[VCPU_NR_SHARED_MSRS];	/* vmx/guest_state.c */
	u64 xcr0;		/* the guest's XCR0 (XSETBV) */
	void *fpu;		/* its x87/SSE/AVX state while another vCPU owns the CPU */
	/*
	 * Its DR0-DR3 and DR6 while another vCPU owns the CPU (no VMCS field
	 * switches them: vmx/guest_state.c); its DR7 is GUEST_DR7.
	 */
	u64 db[VCPU_NR_DB], dr6;
	u64 misc_enable;	/* the guest's IA32_MISC_ENABLE (emulated) */
	u32 cpuid_adjusted_low;	/* CPUID leaves below 32 its CPUID exit changes (exit_cpuid.c) */
	/* The CPUID features its VMM showed or hid (vcpu_set_cpuid_flags(), vmx/vcpu_cpuid.c). */
	struct vcpu_cpuid_flags cpuid_flags;
	struct vcpu_mce mce;	/* its machine-check MSRs (vmx/mce.c) */
	u64 tsc_adjust;		/* its IA32_TSC_ADJUST (emulated): 0 at reset, kept by INIT */
	/*
	 * A local APIC irq/ emulates (irq/vlapic.c), given before the first
	 * run: CPUID then reports an APIC and IA32_APIC_BASE is apic_base,
	 * which the guest may disable and enable again (never the host's
	 * APIC).  Without it the guest sees no APIC and its PIC-mode view.
	 */
	struct vlapic *apic;	/* irq/'s xAPIC of this vCPU, or NULL (KVM's vcpu->arch.apic) */
	enum vcpu_mp_state mp_state;	/* written by the vCPU's own thread only */
	u64 apic_base;
	/*
	 * The task priority a MOV to or from CR8 reaches (bits 7:4 are CR8,
	 * SDM Vol. 3A 11.8.6): the emulated APIC's TPR register when the VMM
	 * points it there, else tpr_alone.  Never the host's TPR.
	 */
	u32 *tpr;
	u32 tpr_alone;
	/*
	 * With TPR shadow (vmx/controls.c): the virtual-APIC page, whose VTPR
	 * (offset 0x80) MOV to and from CR8 reach without an exit.  *tpr is
	 * the vCPU's TPR outside its guest: vcpu_run() copies it into VTPR
	 * before an entry and back after the exit (vmx/run.c), so the emulated
	 * APIC and CR8 show one TPR.  NULL without TPR shadow.
	 */
	u32 *vapic;
	u32 tpr_threshold;	/* what TPR_THRESHOLD holds */
	/*
	 * APIC virtualization (vmx/apic_access.c): apicv when the VMM gave the
	 * vCPU its xAPIC on a CPU with the APIC-access page and APIC-register
	 * virtualization; apicv_mode the controls it runs with now (xAPIC
	 * mode, enabled, at the default base: the page then showing the
	 * xAPIC's registers; or x2APIC mode); apicv_icr2 is the ICR2 the page
	 * was last given, to see a guest's write of it, which does not exit.
	 */
	bool apicv;
	enum vcpu_apicv_mode apicv_mode;
	u32 apicv_icr2;
	/*
	 * Virtual-interrupt delivery with it (vmx/apic_access.c), where the CPU
	 * has the control: apicv_vid for the vCPU, on in xAPIC mode
	 * (vcpu_vid_active()); vid_eoi_exit is the EOI-exit bitmap the VMCS
	 * holds.  While active the CPU, not the emulated xAPIC, delivers the
	 * xAPIC's interrupts and ends them at EOI; its IRR and ISR are taken
	 * back after every slow exit.  apicv_vid_probe, set before
	 * vm_lapic_enable(), gives it whatever vmx_vid_verdict() says (the
	 * probe's vCPU, vm/vid_probe.c).
	 */
	bool apicv_vid, apicv_vid_probe;
	u64 vid_eoi_exit[4];
	/*
	 * x2APIC virtualization (vmx/apic_access.c), with virtual-interrupt
	 * delivery, where the CPU has "virtualize x2APIC mode": apicv_x2 for
	 * the vCPU, on in x2APIC mode (APICV_MODE_X2APIC): the page then in
	 * x2APIC's layout and the x2APIC bitmap in MSR_BITMAP.
	 */
	bool apicv_x2;
	bool io_in_pending;
	/*
	 * The instruction emulator on MMIO (vmx/emulate_ops.c): its context,
	 * a read the VMM answers in exit.mmio.data before the instruction runs
	 * again, the next posted write to hand out, and the exit-address
	 * mismatch seen at emul_retry_rip (a second one at once ends the VM).
	 */
	struct x86_emulate_ctxt emul;
	u64 emul_gpa;
	bool emul_read_pending;
	unsigned int emul_next_write;
	bool emul_retry_pending;
	u64 emul_retry_rip;
	/*
	 * A string I/O element still on its way (vmx/exit_string_io.c): an
	 * INS element whose data the VMM supplies, then writes to the parts
	 * on MMIO; an OUTS element whose parts on MMIO the VMM reads first.
	 */
	struct vcpu_string_io {
		u8 state;		/* enum vcpu_string_io_state */
		u8 size;		/* bytes of the element */
		u8 first;		/* of them, in the page at gpa[0]; the rest at gpa[1] */
		u8 part;		/* the part (0 or 1) the next step handles */
		u16 port;
		u32 data;		/* the element, little-endian */
		u64 gpa[2];
	} string_io;
	/*
	 * The translations made while handling the current exit
	 * (vmx/guest_mem.c), one per page and access: forgotten at every exit,
	 * since the guest may change its tables whenever it runs.
	 */
	struct vcpu_gva_cache {
		u64 gva_page, gpa_page;
		u32 access;
	} gva_cache[VCPU_GVA_CACHE_SIZE];
	unsigned int gva_cache_used;
	u64 gva_walks;		/* page walks made, cached ones not counted (tests) */
	struct vcpu_exit exit;
	u64 exit_count[EXIT_REASON_MAX];
	/*
	 * I/O exits by port, for the ISA range that legacy devices decode
	 * (10 bits); every port above it counts in the last entry.
	 */
	u32 io_exit_count[VCPU_IO_PORTS_COUNTED + 1];
#ifdef CONFIG_SLOTVISOR_TEST
	struct {
		bool skip_precheck;	/* let the CPU's own entry checks fail */
		bool skip_flush;	/* this vCPU alone is left out of flushes: no request, kick or wait */
		bool skip_tlb_check;	/* ... and enters without vcpu_tlb_check()'s look */
		bool long_slice;	/* ... and is forced out every 100 ms, not 10 */
		bool no_tpr_threshold;	/* TPR shadow without the threshold: CR8 lowered never exits */
		bool no_msr_bitmap;	/* every RDMSR/WRMSR exits, as without MSR bitmaps */
		bool no_apicv;		/* before vm_lapic_enable(): no APIC-access page */
		bool vid;		/* ... with virtual-interrupt delivery, even where the probe found it broken */
		bool no_vid;		/* ... without it, where the CPU has it (docs/vmx.md) */
		bool no_x2apicv;	/* ... and no x2APIC virtualization: its MSRs all exit */
		u32 keep_guest_msr;	/* this shared MSR stays the guest's after vcpu_run() */
	} debug;		/* the test image's switches (TEST_SWITCH) */
#endif
	u64 entries;
	u64 kicks_sent;		/* IPIs other CPUs sent to force it out of its guest */
	/*
	 * TSC ticks from VM exit to the next entry, for exits vmx/ handled
	 * itself; counted only while profile_exits (make bench) is set.
	 */
	u64 handler_ticks;
	u64 handled_exits;
};

/* The CPU delivers v's xAPIC interrupts now (virtual-interrupt delivery on). */
static inline bool vcpu_vid_active(const struct vcpu *v)
{
	return v->apicv_mode == APICV_MODE_X2APIC ||
	       (v->apicv_mode == APICV_MODE_XAPIC && v->apicv_vid);
}

/*
 * Make vCPU id of kvm (VMX must be on: vmx_cpu_enable()), in the state of
 * a CPU after reset (real mode, CS:IP = F000:FFF0).  -ENOMEM, -ENODEV when a
 * control slotvisor needs is missing (printed), -EIO on a VMX failure.
 */
int vcpu_create(struct kvm *kvm, unsigned int id, struct vcpu **out);

/*
 * The CPUID features f shows or hides, for v from now on (KVM_SET_CPUID2's
 * part of it): its CPUID answers and what it enforces (the "enable INVPCID"
 * control, CR4.PCIDE, IA32_APIC_BASE.EXTD; vmx/vcpu_cpuid.c).  Before v
 * first runs, on the CPU that created it.  -ENOTSUP, printed with the
 * flag and why, when this CPU cannot show a feature f asks for.
 */
int vcpu_set_cpuid_flags(struct vcpu *v, const struct vcpu_cpuid_flags *f);
void vcpu_destroy(struct vcpu *v);

void vcpu_get_regs(struct vcpu *v, struct vcpu_regs *r);
void vcpu_set_regs(struct vcpu *v, const struct vcpu_regs *r);
void vcpu_get_sregs(struct vcpu *v, struct vcpu_sregs *s);
/* Set segments and control registers; IA-32e mode follows EFER.LMA. */
void vcpu_set_sregs(struct vcpu *v, const struct vcpu_sregs *s);
/*
 * The debug registers, with v loaded on this CPU (vcpu_load()) or on none;
 * vcpu_set_debugregs() returns -EINVAL for a DR6 or DR7 with bits 63:32
 * set, as MOV to DR6/DR7 would #GP (SDM Vol. 3B 18.2.4, 18.2.6).
 */
void vcpu_get_debugregs(struct vcpu *v, struct vcpu_debugregs *d);
int vcpu_set_debugregs(struct vcpu *v, const struct vcpu_debugregs *d);

/*
 * Run until an exit the caller must see; budget is in TSC ticks (0: no
 * limit), enforced with the VMX preemption timer.  Fills v->exit; returns
 * 0, or -EINVAL once the VM has ended (v->dead).
 */
int vcpu_run(struct vcpu *v, u64 budget);

/*
 * vcpu_run() for a budget that is the caller's own bound, not a device's
 * deadline: the exit fast path looks at the clock only every
 * VCPU_LOOSE_CHECK_EVERY exits it handles, so the run may end later than
 * budget by the handling of that many exits (their guest time is counted
 * exactly by the preemption timer).  vm_run() runs its guest so when no
 * device event is due first (docs/vmx.md, "The exit fast path").
 */
#define VCPU_LOOSE_CHECK_EVERY 32
int vcpu_run_loose(struct vcpu *v, u64 budget);

/*
 * End v's VM with a message: formatted into v->exit.internal.msg, the exit
 * VCPU_EXIT_INTERNAL_ERROR, v dead (vcpu_run() then returns -EINVAL).  The
 * caller prints what it wants; vmx/'s own errors add a register dump.
 */
void vcpu_end_va(struct vcpu *v, const char *fmt, va_list ap);

/*
 * VMCLEAR v's VMCS on this CPU, so that another CPU may run it next
 * (SDM Vol. 3C 25.11.1: a VMCS is active on one CPU at a time).
 */
void vcpu_put(struct vcpu *v);

/*
 * Deliver external interrupt vector at the next entry; -EBUSY unless the
 * guest can take it now (ready_for_interrupt).  The VMM acknowledges its
 * interrupt controller when this succeeds.
 */
int vcpu_interrupt(struct vcpu *v, u8 vector);
/* Deliver an NMI at the next entry; -EBUSY while the guest blocks NMIs or another event waits. */
int vcpu_nmi(struct vcpu *v);

/* The name of v's last exit ("SHUTDOWN", "INTERNAL_ERROR", ...). */
const char *vcpu_exit_name(const struct vcpu *v);

/*
 * What ended v's last run, in words, into buf: "a triple fault",
 * "an internal error: <its message>", "a failed VM entry (exit reason N,
 * VM-instruction error N)", or the exit's name.
 */
void vcpu_exit_describe(const struct vcpu *v, char *buf, size_t size);
#define VCPU_EXIT_WHY_LEN 224	/* holds any of them (internal.msg is 160) */

/* Ask v to return from vcpu_run() (VCPU_EXIT_STOPPED) before its next entry. */
void vcpu_request_stop(struct vcpu *v);

/*
 * Make v see what was just made pending for it (KVM's kvm_vcpu_kick()):
 * a vCPU in its guest on another CPU exits, one halted in vcpu_block()
 * on another CPU wakes.  Safe from any CPU, with any lock held.
 */
void kvm_vcpu_kick(struct vcpu *v);

/*
 * The vCPU halted (KVM's kvm_vcpu_block()): halt this CPU until something
 * is pending for v (an interrupt its controllers hold, a request), a kick,
 * or TSC deadline (0: none).  It may return early; callers check again.
 */
void vcpu_block(struct vcpu *v, u64 deadline);

/*
 * INIT (SDM Vol. 3A 10.1.1, Table 10-1): v's registers in their
 * power-up state (real mode at F000:FFF0, paging and protection off),
 * and, but for vCPU 0, waiting for a STARTUP IPI (VCPU_MP_INIT_RECEIVED).
 */
void vcpu_init_event(struct vcpu *v);

/*
 * A STARTUP IPI with vector to a vCPU waiting for one: real mode at
 * vector:0000, i.e. CS.selector = vector << 8, CS.base = vector << 12
 * (SDM Vol. 3A 9.4.3); the vCPU runs.
 */
void kvm_vcpu_deliver_sipi_vector(struct vcpu *v, u8 vector);

/*
 * The guest's current value of msr, as its RDMSR would read it (KVM's
 * KVM_GET_MSRS): 0, or -ENOENT for an MSR the guest cannot read.  Outside
 * vcpu_run(), on the CPU that may load v's VMCS (as vcpu_get_regs()).
 */
int vcpu_get_msr(struct vcpu *v, u32 msr, u64 *val);

/*
 * After the VMM gave v its xAPIC (vm_lapic_enable()): where the CPU has
 * "virtualize APIC accesses" and "APIC-register virtualization", give the
 * VM its APIC-access page and let v's xAPIC writes exit without the
 * emulator (vmx/apic_access.c); elsewhere nothing changes.  0, -ENOMEM,
 * or -EEXIST when the VMM's memory already covers the xAPIC's page.
 */
int vcpu_apicv_enable(struct vcpu *v);

/*
 * Whether this CPU's virtual-interrupt delivery may be used
 * (vm/vid_probe.c tells, once, before the first VM): a CPU that reports
 * an exit in the middle of delivering a virtual interrupt with the wrong
 * IDT-vectoring information (Bochs 2.7 does: docs/vmx.md) would have the
 * interrupt lost and another event delivered in its place.  Until told,
 * vCPUs use it where the CPU has it (the probe's own vCPU does).
 */
enum vmx_vid_verdict {
	VMX_VID_UNTESTED,
	VMX_VID_TRUSTED,
	VMX_VID_BROKEN,		/* off; the test image's switch vid still forces it on */
};
void vmx_vid_set_verdict(enum vmx_vid_verdict verdict);
enum vmx_vid_verdict vmx_vid_verdict(void);
/* The CPU has the controls vcpu_apicv_enable() would use for it. */
bool vmx_vid_supported(void);

/* Print the guest's registers and state (a fault or a triple fault). */
void vcpu_dump(struct vcpu *v);

/* Read guest-physical memory through the memslots (MMIO holes fail): 0 or -EFAULT. */
int vcpu_read_guest(struct vcpu *v, u64 gpa, void *buf, u64 len);
/*
 * Write it, logged dirty: 0, or -EFAULT where no writable memslot is (an
 * MMIO hole, a READONLY slot).
 */
int vcpu_write_guest(struct vcpu *v, u64 gpa, const void *buf, u64 len);
/*
 * Translate a guest-linear address with the guest's paging, as a data read
 * at the guest's CPL would (vmx/guest_mem.c; nothing injected): 0, or
 * -EFAULT when the walk fails.
 */
int vcpu_gva_to_gpa(struct vcpu *v, u64 gva, u64 *gpa);

#ifdef CONFIG_SLOTVISOR_TEST
/*
 * For tests of the entry checks only (the test image): write one VMCS field of v directly
 * (false if VMWRITE failed).  Nothing else may reach the VMCS this way.
 */
bool vcpu_debug_vmcs_write(struct vcpu *v, unsigned int field, u64 value);
#endif
