/* Helpers shared by the in-hypervisor VMX scenarios. */
#pragma once

#include "ktest.h"
#include "vmm/vmm.h"

/* VMX on, or the test skipped (no VT-x) or failed (VMXON failed): false. */
bool ktest_need_vmx(struct ktest_ctx *t);

/*
 * A VM running the embedded guest `image` with mem_size bytes of RAM, or
 * NULL with the test failed.
 */
struct vm *ktest_guest64(struct ktest_ctx *t, const char *image, u64 mem_size, struct vcpu **v);

/* The name of a vCPU exit reason, for messages. */
const char *ktest_exit_name(const struct vcpu *v);
