/*
 * vCPU requests (KVM's KVM_REQ_* and kvm_make_request() family): work a
 * vCPU must do before its next VM entry, asked of it by another CPU or by
 * its own VMM.  One bit each in vcpu->requests, set and cleared
 * atomically; vmx/ handles them in its entry path (vmx/run.c), and
 * kvm_make_all_cpus_request() sets one in every vCPU of a VM and kicks
 * those in their guests (vmx/requests.c).
 */
#pragma once

enum vcpu_request {
	/* INVEPT single-context with the vCPU's EPTP. */
	KVM_REQ_TLB_FLUSH,
	/*
	 * Drop the vCPU's root, load the VM's current one into the VMCS, and
	 * INVEPT single-context with the old EPTP (its translations may be
	 * cached here).
	 */
	KVM_REQ_MMU_RELOAD,
	/* Return from vcpu_run() with VCPU_EXIT_STOPPED (vcpu_request_stop()). */
	VCPU_REQ_STOP,
	/* Empty the page-modification log into the dirty bitmaps; the bit clears once done. */
	VCPU_REQ_PML_FLUSH,
	/*
	 * Something was made pending for the vCPU (an interrupt, an NMI, an
	 * INIT): ask its interrupt controllers again before the next entry
	 * (KVM's KVM_REQ_EVENT).  kvm_vcpu_kick() sets it, so the request word
	 * alone tells an entry whether anything arrived since it last asked.
	 */
	VCPU_REQ_EVENT,
	VCPU_NR_REQUESTS
};

_Static_assert(VCPU_NR_REQUESTS <= 8 * sizeof(unsigned long), "requests fit vcpu->requests");

/* Ask vcpu to do req before its next entry (no kick: see kvm_make_all_cpus_request()). */
#define kvm_make_request(req, vcpu) \
	((void)__atomic_fetch_or(&(vcpu)->requests, 1UL << (req), __ATOMIC_SEQ_CST))

/* Whether req is pending for vcpu, leaving it so. */
#define kvm_test_request(req, vcpu) \
	((__atomic_load_n(&(vcpu)->requests, __ATOMIC_SEQ_CST) & (1UL << (req))) != 0)

/* Take req: whether it was pending, clearing it. */
#define kvm_check_request(req, vcpu)                                                   \
	({                                                                             \
		unsigned long __bit = 1UL << (req);                                    \
		(__atomic_fetch_and(&(vcpu)->requests, ~__bit, __ATOMIC_SEQ_CST) & __bit) != 0; \
	})

/*
 * Whether any request is pending for vcpu: one load (a plain MOV on x86,
 * where a sequentially consistent load needs no fence), so that the entry
 * path pays no locked instruction when nothing is pending.
 */
#define kvm_request_pending(vcpu) (__atomic_load_n(&(vcpu)->requests, __ATOMIC_SEQ_CST) != 0)
