/* Helpers shared by the in-hypervisor VMX scenarios. */
#pragma once

#include "ktest.h"
#include "vm/vm.h"

/* VMX on, or the test skipped (no VT-x) or failed (VMXON failed): false. */
bool ktest_need_vmx(struct ktest_ctx *t);

/*
 * CPU 1 online and in VMX operation, for a vCPU there while the BSP acts as
 * the VMM; or the test skipped (one CPU online) or failed: false.
 */
bool ktest_need_ap_vmx(struct ktest_ctx *t);

/*
 * A VM with the embedded image `name` loaded by vm_load_kernel() (a
 * multiboot v1 or bzImage guest), or NULL with the test failed.
 */
struct vm_kernel_args;
struct vm *ktest_load_kernel(struct ktest_ctx *t, const char *name,
			     const struct vm_kernel_args *args, struct vcpu **v);

/*
 * A VM running the embedded guest `image` with mem_size bytes of RAM, or
 * NULL with the test failed.
 */
struct vm *ktest_guest64(struct ktest_ctx *t, const char *image, u64 mem_size, struct vcpu **v);

/*
 * ktest_guest64() for a VM whose dirty logging uses PML (pml) or write
 * protection; NULL with the test skipped when the CPU has no PML.
 */
struct vm *ktest_guest64_dirty(struct ktest_ctx *t, const char *image, u64 mem_size, bool pml,
			       struct vcpu **v);

/* The name of a vCPU exit reason, for messages. */
const char *ktest_exit_name(const struct vcpu *v);

/*
 * Run v for at most budget TSC ticks; true with *value = args[1] when it
 * sends UCALL_SYNC with args[0] == stage, else false with the test failed
 * (naming what came instead, and the guest's assertion if it was one).
 */
bool ktest_expect_sync(struct ktest_ctx *t, struct vcpu *v, u64 budget, u64 stage, u64 *value);

/*
 * Whether v's only exits were those of a guest under slot churn: EPT
 * faults, kicks, budget (preemption timer) exits, and at most the one
 * CPUID by which guest_vcpu_id() learns its index; else false with the
 * test failed, naming the first other exit.
 */
bool ktest_only_churn_exits(struct ktest_ctx *t, const struct vcpu *v);
