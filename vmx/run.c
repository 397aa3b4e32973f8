/*
 * vcpu_run(): requests, VM entry, exit dispatch, until an exit the VMM
 * must see.  A failed entry runs the pre-entry checker (vmx/check.c) so the
 * report names the bad field; the checker also runs before every first
 * entry, since Bochs lets some invalid states through (docs/bochs.md).
 */
#include <stdarg.h>

#include "arch/x86/cpu.h"
#include "arch/x86/gprs_offsets.h"
#include "arch/x86/percpu.h"
#include "ept/flush.h"
#include "ept/root.h"
#include "irq/irq.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "vmx/check.h"
#include "vcpu_internal.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

_Static_assert(__builtin_offsetof(struct guest_gprs, rdi) == GPRS_RDI, "entry.S offsets");
_Static_assert(__builtin_offsetof(struct guest_gprs, r15) == GPRS_R15, "entry.S offsets");
_Static_assert(__builtin_offsetof(struct guest_gprs, cr2) == GPRS_CR2, "entry.S offsets");
_Static_assert(__builtin_offsetof(struct vcpu, gprs) == 0, "vmx_exit_fast(): regs is the vCPU");

#define PREEMPT_TIMER_MAX 0xffffffffULL
/*
 * The longest a vCPU stays in its guest without an exit, in TSC ticks: it
 * bounds how long a kick can take where the IPI does not force an exit
 * (Bochs 2.7 with guest IF=0, docs/smp.md).
 */
#define VCPU_MAX_SLICE 1000000ULL
/*
 * The test switch long_slice's: 100 ms, longer than a stale translation
 * needs to show, short enough that a guest spinning with IF=0 (which Bochs
 * does not let a kick interrupt) still exits, so nobody waits for it forever.
 */
#define VCPU_LONG_SLICE 10000000ULL
#define MAXPHYADDR_LEAF 0x80000008

int vmx_enter_guest(struct guest_gprs *regs, int launched, u64 *host_rsp);

static u64 vmcs_reader_read(const struct vmcs_reader *r, enum vmcs_field f)
{
	return __vmcs_read(f);
}

static const struct vmcs_reader vmread_reader = { .read = vmcs_reader_read };

static unsigned int host_maxphyaddr(void)
{
	return cpuid(MAXPHYADDR_LEAF).eax & 0xff;
}

void vcpu_end_va(struct vcpu *v, const char *fmt, va_list ap)
{
	kvsnprintf(v->exit.internal.msg, sizeof(v->exit.internal.msg), fmt, ap);
	v->exit.reason = VCPU_EXIT_INTERNAL_ERROR;
	v->dead = true;
}

int vcpu_internal_error(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcpu_end_va(v, fmt, ap);
	va_end(ap);
	kprintf("vmx: vcpu %u: internal error: %s\n", v->id, v->exit.internal.msg);
	vcpu_dump(v);
	return 0;
}

/* End the VM on a failed entry: VM-instruction error or exit reason, and the checker's verdict. */
static void vcpu_fail_entry(struct vcpu *v, u32 hardware_reason, u32 insn_error)
{
	struct vmx_check_failure f = { .field = ~0u };

	v->exit.reason = VCPU_EXIT_FAIL_ENTRY;
	v->exit.fail_entry.hardware_reason = hardware_reason;
	v->exit.fail_entry.insn_error = insn_error;
	if (insn_error)
		kprintf("vmx: vcpu %u: VM entry failed: VM-instruction error %u (%s)\n", v->id,
			insn_error, vmx_insn_error_name(insn_error));
	else if (!hardware_reason)
		kprintf("vmx: vcpu %u: VM entry refused before VMLAUNCH by the pre-entry checker\n",
			v->id);
	else
		kprintf("vmx: vcpu %u: VM entry failed: exit reason 0x%x (%s), qualification 0x%llx\n",
			v->id, hardware_reason,
			exit_reason_name(hardware_reason & EXIT_REASON_BASIC_MASK),
			vmcs_readnat(EXIT_QUALIFICATION));
	if (vmx_check_vmentry(&vmread_reader, &vmx_caps, host_maxphyaddr(), &f) < 0)
		vmx_check_print(&f);
	else
		kprintf("vmx: the pre-entry checker finds no bad field\n");
	v->exit.fail_entry.field = f.field;
	v->exit.fail_entry.value = f.value;
	v->exit.fail_entry.rule = f.rule;
	v->dead = true;
}

/*
 * Requests from the MMU (include/kvm/kvm.h) and the VMM, handled before
 * every entry: 0 to enter, non-zero to return with v->exit filled.
 */
static int vcpu_handle_requests(struct vcpu *v)
{
	int err;

	if (TEST_SWITCH(v->kvm, vcpu_skip_flush) || TEST_SWITCH(v, skip_flush)) {
		/* Negative control of the check below: drop the MMU's requests. */
		kvm_check_request(KVM_REQ_MMU_RELOAD, v);
		kvm_check_request(KVM_REQ_TLB_FLUSH, v);
	}
	if (kvm_check_request(KVM_REQ_MMU_RELOAD, v)) {
		hpa_t old = v->root_hpa;

		err = kvm_mmu_load(v->kvm, v->as_id, &v->root_hpa);
		if (!err)
			kvm_mmu_unload(v->kvm, old);
		if (err) {
			vcpu_internal_error(v, "no memory for a new EPT root (%d)", err);
			return -ENOMEM;
		}
		ept_flush_eptp(v->kvm, v->eptp);
		v->eptp = vcpu_make_eptp(v);
		vmcs_write64(EPT_POINTER, v->eptp);
		vcpu_flush_ept(v);
	}
	if (kvm_check_request(KVM_REQ_TLB_FLUSH, v))
		vcpu_flush_ept(v);
	/* Empty the log before acknowledging: the requester waits for the bit to clear. */
	if (kvm_test_request(VCPU_REQ_PML_FLUSH, v)) {
		vcpu_flush_pml(v);
		kvm_check_request(VCPU_REQ_PML_FLUSH, v);
	}
	if (kvm_check_request(VCPU_REQ_STOP, v)) {
		v->exit.reason = VCPU_EXIT_STOPPED;
		return 1;
	}
	/* Taken before the controllers are asked (next in the loop): a later one asks again. */
	kvm_check_request(VCPU_REQ_EVENT, v);
	return 0;
}

/*
 * Say "in guest" before the last look at the requests: a request made after
 * that look is followed by a kick (an IPI), which makes the entry exit at
 * once, so none is missed (KVM's vcpu->mode protocol).
 */
static bool vcpu_enter_guest_mode(struct vcpu *v)
{
	__atomic_store_n(&v->mode, VCPU_IN_GUEST, __ATOMIC_SEQ_CST);
	if (kvm_request_pending(v)) {
		__atomic_store_n(&v->mode, VCPU_OUTSIDE_GUEST, __ATOMIC_SEQ_CST);
		return false;
	}
	return true;
}

void vcpu_request_stop(struct vcpu *v)
{
	kvm_make_request(VCPU_REQ_STOP, v);
	kvm_vcpu_kick(v);
}

/*
 * Arm the preemption timer for what is left until deadline (0: no
 * deadline).  On every slow entry, and on the fast path when it looks at
 * the deadline (vcpu_fast_look()): where the CPU saves the timer's count at
 * exit (v->preempt_timer_saved), an entry from the fast path goes on
 * counting down what this armed, which never lets the guest run longer
 * without an exit than this did.
 */
static void vcpu_set_budget(struct vcpu *v, u64 deadline)
{
	u64 now = rdtsc(), left = VCPU_MAX_SLICE, ticks;

	if (!deadline && TEST_SWITCH(v, long_slice))
		left = VCPU_LONG_SLICE;	/* a negative control: fewer forced exits */
	if (deadline)
		left = MIN(left, deadline > now ? deadline - now : 0);
	ticks = left >> VMX_MISC_PREEMPT_RATE(vmx_caps.misc);
	vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, (u32)MIN(MAX(ticks, 1), PREEMPT_TIMER_MAX));
}

/* VTPR, the virtual-APIC page's TPR (SDM Vol. 3C 30.1.1). */
#define VAPIC_VTPR (0x80 / sizeof(u32))

/*
 * TPR shadow, before a slow entry: the vCPU's TPR (its xAPIC's, which MMIO
 * and x2APIC MSR exits may have changed) into VTPR, and the threshold
 * below which a MOV to CR8 exits: the class of the highest interrupt the
 * TPR holds back, so that lowering the TPR past it exits and the next
 * entry injects it (KVM's update_cr8_intercept()).  At most VTPR[7:4],
 * as the entry checks require (SDM Vol. 3C 27.2.1.1).  The fast path
 * leaves both alone: its handlers change no TPR and make nothing pending.
 */
static void vcpu_tpr_to_vapic(struct vcpu *v)
{
	unsigned int th;

	v->vapic[VAPIC_VTPR] = *v->tpr & 0xff;
	th = v->apic && !TEST_SWITCH(v, no_tpr_threshold) ? irqchip_tpr_threshold(v) : 0;
	if (th != v->tpr_threshold) {
		vmcs_write32(TPR_THRESHOLD, th);
		v->tpr_threshold = th;
	}
}

/* ... and after every return from the guest: what MOV to CR8 left in VTPR is the TPR. */
static inline void vcpu_tpr_from_vapic(struct vcpu *v)
{
	if (v->vapic)
		*v->tpr = v->vapic[VAPIC_VTPR] & 0xff;
}

/*
 * Complete a port IN, or go on with a string I/O element, with the data the
 * VMM put in v->exit (MMIO: vcpu_emulate_resume()): 0, or 1 when v->exit
 * holds the element's next exit or the VM ended.
 */
static int vcpu_complete_pending(struct vcpu *v)
{
	if (v->io_in_pending) {
		u64 mask = v->exit.io.size == 4 ? 0xffffffffULL : (1ULL << (8 * v->exit.io.size)) - 1;

		/* IN to EAX zero-extends to RAX; AL and AX keep the rest (SDM Vol. 2A, IN). */
		if (v->exit.io.size == 4)
			v->gprs.rax = v->exit.io.data;
		else
			v->gprs.rax = (v->gprs.rax & ~mask) | (v->exit.io.data & mask);
	}
	v->io_in_pending = false;
	return vcpu_complete_string_io(v);
}

/* Enter once; 1 after a VM exit, 0 when the entry failed (v->exit filled). */
static int vcpu_enter(struct vcpu *v)
{
	struct vmx_check_failure f;
	int st;

	if (!v->launched && !TEST_SWITCH(v, skip_precheck) &&
	    vmx_check_vmentry(&vmread_reader, &vmx_caps, host_maxphyaddr(), &f) < 0) {
		vcpu_fail_entry(v, 0, 0);
		return 0;
	}
	st = vmx_enter_guest(&v->gprs, v->launched, &v->host_rsp);
	if (st) {
		vcpu_fail_entry(v, 0, st == VMX_FAIL_VALID ? vmcs_read32(VM_INSTRUCTION_ERROR) : 0);
		return 0;
	}
	v->launched = true;
	v->entries++;
	return 1;
}

/*
 * The debug check before every entry: the tables behind this vCPU's EPTP
 * may not have changed since its CPU last flushed it, unless a request to
 * flush is already pending (it is then handled before the entry).  Looked
 * at under mmu_lock, so no change is seen half made; but only tried: a
 * vCPU "in guest" must never wait for a CPU that may be waiting for it to
 * leave the guest.  1: enter; 0: the check failed (a bug in the flush path:
 * the VM ends, saying so); -EBUSY: try again after the requests.
 */
static int vcpu_tlb_check(struct vcpu *v)
{
	u64 gen;
	bool ok;

	if (TEST_SWITCH(v, skip_tlb_check))
		return 1;	/* a negative control: let what the check guards go wrong */
	/*
	 * Without the lock first (issue 16: it was taken on every entry).
	 * tlb_gen only grows, under mmu_lock, when a change needs a flush;
	 * this vCPU published VCPU_IN_GUEST before this load (sequentially
	 * consistent), so a change whose bump this load does not see is still
	 * under way, and its maker will request the flush, see this vCPU in
	 * its guest, kick it and wait for it to leave before any frame is
	 * reused.  Equal: every change this vCPU can see was flushed, nothing
	 * to decide, no lock.  Different: a change was made, and whether its
	 * flush request is pending must be judged with no change half made,
	 * under the lock, as before.
	 */
	gen = __atomic_load_n(&v->kvm->tlb_gen, __ATOMIC_SEQ_CST);
	if (likely(gen == v->flushed_gen))
		return 1;
	if (!spin_trylock(&v->kvm->mmu_lock))
		return -EBUSY;
	gen = v->kvm->tlb_gen;
	ok = v->flushed_gen == gen ||
	     (__atomic_load_n(&v->requests, __ATOMIC_SEQ_CST) &
	      (BIT(KVM_REQ_TLB_FLUSH) | BIT(KVM_REQ_MMU_RELOAD)));
	spin_unlock(&v->kvm->mmu_lock);
	if (!ok)
		vcpu_internal_error(v, "debug check: entering with EPTP 0x%llx, whose tables changed "
				       "(generation %llu) since CPU %d last flushed it (generation %llu)",
				    v->eptp, gen, v->cpu, v->flushed_gen);
	return ok;
}

/*
 * The exit fast path (docs/vmx.md, "The exit fast path"): whether, after
 * an exit with a fast handler (vmx_fast_handlers, vmx/exit.c), the guest
 * may be entered again without the slow path's work before it.  That work
 * is: the requests (looked at after the handler, one load; any sends the
 * exit to the slow path); the interrupt controllers' question (anything
 * another CPU makes pending for this vCPU comes with kvm_vcpu_kick(),
 * which sets VCPU_REQ_EVENT, a request; clocked sources come due at the
 * deadline, looked at here; and a fast handler makes nothing pending); the
 * interrupt window (an armed window exits by itself once the guest can
 * take the interrupt); an NMI waiting for its window (nmi_pending: it is
 * retried on every slow entry, so those take the slow path: fast_ok); and
 * the preemption timer (the count saved at exit goes on, armed again to
 * the deadline when the deadline is looked at; where the CPU does not save
 * it, the fast path is off: fast_ok).
 *
 * The deadline is looked at on every fast exit for vcpu_run()'s, every
 * VCPU_LOOSE_CHECK_EVERY-th for vcpu_run_loose()'s, never without one
 * (v->fast_unchecked_reload).  In between, the saved count goes on: it
 * counts the guest's time, never the handlers', so a run whose exits are
 * all fast ends late by at most the handling of the exits since the last
 * look, and the common exit pays a decrement instead of an RDTSC and a
 * VMWRITE.  fast_unchecked is 0 while fast_ok is false, so that one test
 * covers both.
 */
static __attribute__((noinline)) bool vcpu_fast_look(struct vcpu *v)
{
	if (!v->fast_ok)
		return false;
	v->fast_unchecked = v->fast_unchecked_reload;
	if (!v->run_deadline)
		return true;
	v->fast_looks++;
	if (rdtsc() >= v->run_deadline)
		return false;	/* the deadline passed: the slow path ends the run */
	/* The saved count is guest time only, the deadline the TSC's: armed to what is left. */
	vcpu_set_budget(v, v->run_deadline);
	return true;
}

static inline bool vcpu_fast_reentry(struct vcpu *v)
{
	if (likely(v->fast_unchecked)) {
		v->fast_unchecked--;
		return true;
	}
	return vcpu_fast_look(v);
}

/* What vcpu_fast_reentry() needs to know of the slow path, noted before each slow entry. */
static inline void vcpu_note_fast_ok(struct vcpu *v)
{
	/* nmi_pending changes only on the slow path (process_nmi()) and between runs. */
	v->fast_ok = !v->nmi_pending && v->preempt_timer_saved;
	/* The slow entry armed the timer: the first look is a full count of exits away. */
	v->fast_unchecked = v->fast_ok ? v->fast_unchecked_reload : 0;
}

/*
 * Called by vmx/entry.S right after every exit, on the exit's stack, with
 * the guest's registers in regs, host interrupts off, the guest's XCR0
 * still loaded (a fast handler needs the host's for nothing but CPUID leaf
 * 0xd, which switches itself) and v->mode still VCPU_IN_GUEST (as KVM's
 * fast path keeps IN_GUEST_MODE).  Staying "in guest" is what the request
 * protocol allows: a requester that sees it kicks, the kick stays pending
 * (interrupts are off) and makes the next VMRESUME exit at once, and the
 * requester waits for that exit; nothing here takes a lock a requester
 * may hold while it waits.  The PML log is left as it is: it is emptied by
 * the next slow exit, and whoever needs it emptied sooner asks with
 * VCPU_REQ_PML_FLUSH and a kick (vmx_sync_dirty_log()), which the next
 * entry turns into a slow exit; a full log exits by itself.  1: the exit
 * is handled, enter the guest again (VMRESUME); 0: return to vcpu_run(),
 * with v->fast_result -1 (the exit is not handled yet) or the handler's
 * result.  Only v is live across the handler's call, so that the
 * function saves one register (every instruction counts here).
 */
static int vmx_exit_fast_profiled(struct vcpu *v, u32 reason);

/*
 * The fast handler, then whether the guest may be entered again at once:
 * 1, or 0 with v->fast_result set for the slow path.
 */
static __attribute__((always_inline)) inline int vmx_fast_handle(struct vcpu *v, u32 reason)
{
	int r;

	v->exit_count[reason]++;
	r = vmx_handle_exit_fast(v, reason);
	/*
	 * A request that came meanwhile, or tables changed since this vCPU's
	 * last flush (vcpu_tlb_check() decides under the lock): the slow path.
	 */
	if (unlikely(r <= 0 || kvm_request_pending(v) ||
		     __atomic_load_n(&v->kvm->tlb_gen, __ATOMIC_SEQ_CST) != v->flushed_gen)) {
		v->fast_result = r;
		return 0;
	}
	v->handled_exits++;
	v->entries++;
	return 1;
}

int vmx_exit_fast(struct guest_gprs *regs);
int vmx_exit_fast(struct guest_gprs *regs)
{
	struct vcpu *v = container_of(regs, struct vcpu, gprs);
	u32 reason = vmcs_read32(VM_EXIT_REASON);

	/* A failed entry (bit 31) is out of the table's range too. */
	if (reason >= EXIT_REASON_MAX || !vmx_fast_handlers[reason] || !vcpu_fast_reentry(v))
		return 0;
	if (unlikely(v->profile_exits))
		return vmx_exit_fast_profiled(v, reason);
	return vmx_fast_handle(v, reason);
}

/* make bench's handler path: the same, timed (two RDTSCs the unprofiled path does not pay). */
static __attribute__((noinline)) int vmx_exit_fast_profiled(struct vcpu *v, u32 reason)
{
	u64 t0 = rdtsc();
	int r = vmx_fast_handle(v, reason);

	if (r)
		v->handler_ticks += rdtsc() - t0;
	return r;
}

/* The test image's switch: this vCPU runs as on a CPU without MSR bitmaps (every MSR exits). */
static void vcpu_debug_msr_bitmap(struct vcpu *v)
{
#ifdef CONFIG_SLOTVISOR_TEST
	if (v->debug.no_msr_bitmap)
		vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
			     vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) & ~CPU_BASED_USE_MSR_BITMAPS);
#endif
}

/* Fast exits between two looks at the deadline, less one (v->fast_unchecked_reload). */
#define FAST_CHECK_EXACT 0u
#define FAST_CHECK_NEVER (~0u)

static int __vcpu_run(struct vcpu *v, u64 budget, bool loose)
{
	u64 deadline = budget ? rdtsc() + budget : 0;
	u64 exit_tsc = 0;

	v->run_deadline = deadline;
	v->fast_unchecked_reload = !deadline ? FAST_CHECK_NEVER :
				   loose ? VCPU_LOOSE_CHECK_EVERY - 1 : FAST_CHECK_EXACT;
	vcpu_load(v);
	vcpu_debug_msr_bitmap(v);
	vcpu_load_guest_state(v);
	vcpu_load_shared_msrs(v);
	if (vcpu_complete_pending(v))
		return 0;
	v->exit.reason = VCPU_EXIT_NONE;
	/* An instruction on MMIO goes on without the guest: its next fragment, or the rest. */
	if (vcpu_emulate_pending(v) && !vcpu_emulate_resume(v))
		return 0;
	for (;;) {
		u64 xcr0, entry_tsc;
		u32 reason;
		int r, check;

		/*
		 * The slow path: everything an entry may need.  A deadline that
		 * passed while the guest ran ends the run here, not by the
		 * 1-tick timer vcpu_set_budget() would arm: a timer that counts
		 * only the guest's time need not run out while a guest that exits
		 * every few instructions keeps exiting first (Bochs with several
		 * CPUs counts time in quanta: docs/bochs.md).
		 */
		if (exit_tsc && deadline && exit_tsc >= deadline) {
			v->exit.reason = VCPU_EXIT_BUDGET;
			return 0;
		}
		if (kvm_request_pending(v) && vcpu_handle_requests(v))
			return 0;
		if (v->apicv)
			vcpu_apicv_update_mode(v);
		vcpu_inject_pending_event(v);
		if (vcpu_arm_irq_window(v))
			return 0;
		vcpu_set_budget(v, deadline);
		if (v->apicv)
			vcpu_apicv_fill(v);
		if (v->vapic)
			vcpu_tpr_to_vapic(v);
		vcpu_note_fast_ok(v);
		if (!vcpu_enter_guest_mode(v))
			continue;
		check = vcpu_tlb_check(v);
		if (unlikely(check <= 0)) {
			__atomic_store_n(&v->mode, VCPU_OUTSIDE_GUEST, __ATOMIC_SEQ_CST);
			if (!check)
				return 0;
			cpu_relax();
			continue;
		}
		xcr0 = vcpu_xcr0_enter(v);
		entry_tsc = rdtsc();
		v->fast_result = -1;
		if (exit_tsc) {	/* entering again after an exit vmx/ handled */
			v->handled_exits++;
			if (unlikely(v->profile_exits))	/* make bench: the handler path */
				v->handler_ticks += entry_tsc - exit_tsc;
			exit_tsc = 0;
		}
		/* Any number of exits vmx_exit_fast() handles, then the one it does not. */
		r = vcpu_enter(v);
		vcpu_gva_cache_reset(v);	/* the guest ran: its tables may have changed */
		vcpu_xcr0_exit(v, xcr0);
		__atomic_store_n(&v->mode, VCPU_OUTSIDE_GUEST, __ATOMIC_SEQ_CST);
		/*
		 * Empty the PML log on every way out of vmx_enter_guest(): the
		 * fast path left what its exits logged, and a vCPU that returns
		 * from vcpu_run() must have emptied its log (vmx_sync_dirty_log()
		 * does not wait for one outside).  Without PML there is no index
		 * to read (issue 19); with it, usually nothing is logged.
		 */
		if (v->pml_log && vmcs_read16(GUEST_PML_INDEX) != PML_START_INDEX)
			vcpu_flush_pml(v);
		vcpu_tpr_from_vapic(v);
		if (vcpu_vid_active(v))	/* before any handler asks the xAPIC */
			irqchip_lapic_sync_page(v, v->vapic);
		if (unlikely(!r))
			return 0;
		exit_tsc = rdtsc();
		/*
		 * The monitor's info cpus.  Exits handled by vmx_exit_fast()
		 * in between count as guest time: a hundred-odd instructions
		 * each, for no RDTSC on that path.
		 */
		this_cpu()->guest_tsc += exit_tsc - entry_tsc;
		if (v->fast_result >= 0) {
			/* vmx_exit_fast() handled the exit; the slow path looks at the rest. */
			if (!v->fast_result)
				return 0;
			continue;
		}
		reason = vmcs_read32(VM_EXIT_REASON);
		if (unlikely(reason & EXIT_REASON_FAILED_VMENTRY)) {
			vcpu_fail_entry(v, reason, 0);
			return 0;
		}
		reason &= EXIT_REASON_BASIC_MASK;
		if (likely(reason < EXIT_REASON_MAX))
			v->exit_count[reason]++;
		if (reason == EXIT_REASON_PREEMPTION_TIMER && (!deadline || rdtsc() < deadline))
			continue;	/* the timer's maximum ran out, not the caller's budget */
		if (!vmx_handle_exit(v, reason))
			return 0;
	}
}

static int vcpu_run_deadline(struct vcpu *v, u64 budget, bool loose)
{
	int r;

	if (v->dead)
		return -EINVAL;
	/*
	 * A vCPU outside vcpu_run() emptied its log after its last exit; one
	 * inside will see a PML flush request (vmx_sync_dirty_log()).
	 */
	__atomic_store_n(&v->in_run, true, __ATOMIC_SEQ_CST);
	r = __vcpu_run(v, budget, loose);
	/* The host's SYSCALL/SWAPGS/RDTSCP MSRs back, the guest's kept (vmx/shared_msrs.c). */
	vcpu_put_shared_msrs(v);
	if (!v->dead)
		vcpu_update_ready_for_interrupt(v);
	__atomic_store_n(&v->in_run, false, __ATOMIC_SEQ_CST);
	return r;
}

int vcpu_run(struct vcpu *v, u64 budget)
{
	return vcpu_run_deadline(v, budget, false);
}

int vcpu_run_loose(struct vcpu *v, u64 budget)
{
	return vcpu_run_deadline(v, budget, true);
}
