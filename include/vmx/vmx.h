/* VMX operation on this CPU: VMXON and VMXOFF (SDM Vol. 3C 24.7, 24.8). */
#pragma once

#include "vmx/caps.h"

/* This CPU's capabilities, read by vmx_cpu_enable(). */
extern struct vmx_caps vmx_caps;

/*
 * Enter VMX root operation on this CPU: detect VT-x, fix CR0/CR4 to the
 * FIXED0/FIXED1 MSRs, set CR4.VMXE, VMXON.  0, -ENODEV (no VT-x: why says
 * what is missing), -ENOMEM or -EIO (VMXON failed; reported).
 */
int vmx_cpu_enable(const char **why);

/* Leave VMX operation and clear CR4.VMXE; harmless when not in VMX. */
void vmx_cpu_disable(void);

bool vmx_cpu_enabled(void);

/*
 * Can this CPU log guest writes with PML (the "enable PML" control and EPT
 * A/D flags, SDM Vol. 3D A.3.3, A.10)?  vCPUs of a VM whose
 * kvm->cpu_dirty_log_size is set use it (vmx/pml.c).
 */
bool vmx_pml_supported(void);
