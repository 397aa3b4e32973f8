/*
 * KVM's hypercall interface as a guest sees it (Linux's
 * include/uapi/linux/kvm_para.h; Documentation/virt/kvm/x86/hypercalls.rst):
 * VMCALL with the number in RAX and up to four arguments in RBX, RCX, RDX
 * and RSI; the result comes back in RAX.  The errors are KVM's own numbers,
 * negated, whatever the host's errno values are.
 */
#pragma once

#define KVM_ENOSYS 1000		/* no such hypercall */
#define KVM_EINVAL 22
#define KVM_EPERM 1		/* made from CPL > 0 */
#define KVM_EOPNOTSUPP 95

#define KVM_HC_VAPIC_POLL_IRQ 1	/* does nothing: returns 0 */
#define KVM_HC_SEND_IPI 10	/* a fixed/NMI/... IPI to a bitmap of APIC IDs */
