/* The VM-exit handlers that vmx/exit.c dispatches to (1: re-enter, 0: exit to the VMM). */
#pragma once

#include "vmx/vcpu.h"

int vmx_handle_exception_nmi(struct vcpu *v);
int vmx_handle_external_interrupt(struct vcpu *v);
int vmx_handle_triple_fault(struct vcpu *v);
int vmx_handle_hlt(struct vcpu *v);
int vmx_handle_preemption_timer(struct vcpu *v);
int vmx_handle_vmx_instruction(struct vcpu *v);
int vmx_handle_invd(struct vcpu *v);
int vmx_handle_task_switch(struct vcpu *v);
int vmx_handle_cpuid(struct vcpu *v);
/* Which CPUID leaves the guest sees changed, from the CPU's highest basic leaf; once. */
void vmx_cpuid_init(u32 max_basic);
int vmx_handle_io(struct vcpu *v);
int vmx_handle_ept_violation(struct vcpu *v);
int vmx_handle_ept_misconfig(struct vcpu *v);
int vmx_handle_rdmsr(struct vcpu *v);
int vmx_handle_wrmsr(struct vcpu *v);
int vmx_handle_cr_access(struct vcpu *v);
int vmx_handle_init_sipi(struct vcpu *v);
int vmx_handle_pml_full(struct vcpu *v);
int vmx_handle_interrupt_window(struct vcpu *v);
int vmx_handle_nmi_window(struct vcpu *v);
int vmx_handle_xsetbv(struct vcpu *v);
int vmx_handle_vmcall(struct vcpu *v);
int vmx_handle_tpr_below_threshold(struct vcpu *v);
int vmx_handle_apic_access(struct vcpu *v);
int vmx_handle_apic_write(struct vcpu *v);
int vmx_handle_eoi_induced(struct vcpu *v);
