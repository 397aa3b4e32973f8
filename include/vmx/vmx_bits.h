/*
 * Named bits of the VMCS control and guest-state fields.  Section numbers are
 * those of the Intel SDM Vol. 3C editions in which Chapter 25 is "Virtual
 * Machine Control Structures" and Chapter 27 is "VM Entries" (the numbering
 * used throughout slotvisor; newer editions call them 26 and 28).
 *
 * A few names (CPU_BASED_ACTIVATE_SECONDARY, SECONDARY_EPT, ...) also appear
 * in vmx/caps.h; they are defined here with the identical replacement list,
 * which C allows (C11 6.10.3p2), so either header may be included first.
 */
#pragma once

#include "vmx/segment_ar.h"

#include "types.h"

/* Pin-based VM-execution controls (SDM 25.6.1). */
#define PIN_BASED_EXT_INTR_EXITING BIT(0)
#define PIN_BASED_NMI_EXITING BIT(3)
#define PIN_BASED_VIRTUAL_NMIS BIT(5)
#define PIN_BASED_PREEMPTION_TIMER BIT(6)
#define PIN_BASED_POSTED_INTR BIT(7)

/* Primary processor-based VM-execution controls (SDM 25.6.2). */
#define CPU_BASED_INTR_WINDOW_EXITING BIT(2)
#define CPU_BASED_USE_TSC_OFFSETTING BIT(3)
#define CPU_BASED_HLT_EXITING BIT(7)
#define CPU_BASED_INVLPG_EXITING BIT(9)
#define CPU_BASED_MWAIT_EXITING BIT(10)
#define CPU_BASED_RDPMC_EXITING BIT(11)
#define CPU_BASED_RDTSC_EXITING BIT(12)
#define CPU_BASED_CR3_LOAD_EXITING BIT(15)
#define CPU_BASED_CR3_STORE_EXITING BIT(16)
#define CPU_BASED_ACTIVATE_TERTIARY BIT(17)
#define CPU_BASED_CR8_LOAD_EXITING BIT(19)
#define CPU_BASED_CR8_STORE_EXITING BIT(20)
#define CPU_BASED_TPR_SHADOW BIT(21)
#define CPU_BASED_NMI_WINDOW_EXITING BIT(22)
#define CPU_BASED_MOV_DR_EXITING BIT(23)
#define CPU_BASED_UNCOND_IO_EXITING BIT(24)
#define CPU_BASED_USE_IO_BITMAPS BIT(25)
#define CPU_BASED_MONITOR_TRAP_FLAG BIT(27)
#define CPU_BASED_USE_MSR_BITMAPS BIT(28)
#define CPU_BASED_MONITOR_EXITING BIT(29)
#define CPU_BASED_PAUSE_EXITING BIT(30)
#define CPU_BASED_ACTIVATE_SECONDARY BIT(31)

/* Secondary processor-based VM-execution controls (SDM 25.6.2). */
#define SECONDARY_VIRT_APIC_ACCESSES BIT(0)
#define SECONDARY_EPT BIT(1)
#define SECONDARY_DESC_TABLE_EXITING BIT(2)
#define SECONDARY_RDTSCP BIT(3)
#define SECONDARY_VIRT_X2APIC_MODE BIT(4)
#define SECONDARY_VPID BIT(5)
#define SECONDARY_WBINVD_EXITING BIT(6)
#define SECONDARY_UNRESTRICTED_GUEST BIT(7)
#define SECONDARY_APIC_REGISTER_VIRT BIT(8)
#define SECONDARY_VIRT_INTR_DELIVERY BIT(9)
#define SECONDARY_PAUSE_LOOP_EXITING BIT(10)
#define SECONDARY_RDRAND_EXITING BIT(11)
#define SECONDARY_ENABLE_INVPCID BIT(12)
#define SECONDARY_ENABLE_VMFUNC BIT(13)
#define SECONDARY_VMCS_SHADOWING BIT(14)
#define SECONDARY_ENCLS_EXITING BIT(15)
#define SECONDARY_RDSEED_EXITING BIT(16)
#define SECONDARY_ENABLE_PML BIT(17)
#define SECONDARY_EPT_VIOLATION_VE BIT(18)
#define SECONDARY_PT_CONCEAL_VMX BIT(19)
#define SECONDARY_ENABLE_XSAVES BIT(20)
#define SECONDARY_MODE_BASED_EPT_EXEC BIT(22)
#define SECONDARY_SUBPAGE_WRITE_EPT BIT(23)
#define SECONDARY_PT_USE_GPA BIT(24)
#define SECONDARY_TSC_SCALING BIT(25)
#define SECONDARY_USER_WAIT_PAUSE BIT(26)
#define SECONDARY_ENCLV_EXITING BIT(28)

/* VM-exit controls (SDM 25.7.1). */
#define VM_EXIT_SAVE_DEBUG_CONTROLS BIT(2)
#define VM_EXIT_HOST_ADDR_SPACE_SIZE BIT(9)
#define VM_EXIT_LOAD_PERF_GLOBAL_CTRL BIT(12)
#define VM_EXIT_ACK_INTR_ON_EXIT BIT(15)
#define VM_EXIT_SAVE_IA32_PAT BIT(18)
#define VM_EXIT_LOAD_IA32_PAT BIT(19)
#define VM_EXIT_SAVE_IA32_EFER BIT(20)
#define VM_EXIT_LOAD_IA32_EFER BIT(21)
#define VM_EXIT_SAVE_PREEMPTION_TIMER BIT(22)
#define VM_EXIT_CLEAR_BNDCFGS BIT(23)

/* VM-entry controls (SDM 25.8.1). */
#define VM_ENTRY_LOAD_DEBUG_CONTROLS BIT(2)
#define VM_ENTRY_IA32E_MODE_GUEST BIT(9)
#define VM_ENTRY_ENTRY_TO_SMM BIT(10)
#define VM_ENTRY_DEACT_DUAL_MONITOR BIT(11)
#define VM_ENTRY_LOAD_PERF_GLOBAL_CTRL BIT(13)
#define VM_ENTRY_LOAD_IA32_PAT BIT(14)
#define VM_ENTRY_LOAD_IA32_EFER BIT(15)
#define VM_ENTRY_LOAD_BNDCFGS BIT(16)

/*
 * VM-entry interruption-information field (SDM 25.8.3); the
 * same layout serves the IDT-vectoring and VM-exit interruption fields.
 */
#define INTR_INFO_VECTOR_MASK 0xffULL
#define INTR_INFO_TYPE_SHIFT 8
#define INTR_INFO_TYPE_MASK (7ULL << INTR_INFO_TYPE_SHIFT)
#define INTR_INFO_TYPE(info) (((info) & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT)
#define INTR_INFO_DELIVER_CODE BIT(11)
#define INTR_INFO_RESERVED 0x7ffff000ULL	/* bits 30:12 */
#define INTR_INFO_VALID BIT(31)

/* Interruption types (bits 10:8 of the field above). */
#define INTR_TYPE_EXT_INTR 0
#define INTR_TYPE_RESERVED 1
#define INTR_TYPE_NMI 2
#define INTR_TYPE_HARD_EXCEPTION 3
#define INTR_TYPE_SOFT_INTR 4
#define INTR_TYPE_PRIV_SOFT_EXCEPTION 5
#define INTR_TYPE_SOFT_EXCEPTION 6
#define INTR_TYPE_OTHER_EVENT 7

/* The only vector an "other event" may carry: a pending MTF VM exit (SDM 25.8.3). */
#define INTR_OTHER_EVENT_PENDING_MTF 0
/* The VM-entry instruction length for software events (SDM 25.8.3). */
#define VMX_MIN_INSTRUCTION_LEN 1
#define VMX_MAX_INSTRUCTION_LEN 15
/* Bits 31:16 of the VM-entry exception error code must be 0 (SDM 27.2.1.3). */
#define VM_ENTRY_ERROR_CODE_RESERVED 0xffff0000ULL

/* Segment access rights and types: include/vmx/segment_ar.h. */

/* The access rights every segment of a virtual-8086 guest has (SDM 27.3.1.2). */
#define VMX_AR_V86 0xf3ULL
/* The limit every segment of a virtual-8086 guest has. */
#define VMX_V86_LIMIT 0xffffULL
/* A real-mode and virtual-8086 segment base is the selector times 16. */
#define VMX_V86_BASE_SHIFT 4

/* Segment selector fields (SDM Vol. 3A 3.4.2). */
#define SEL_RPL_MASK 3ULL
#define SEL_TI BIT(2)

/* Guest interruptibility state (SDM 25.4.2). */
#define GUEST_INTR_STATE_STI BIT(0)
#define GUEST_INTR_STATE_MOV_SS BIT(1)
#define GUEST_INTR_STATE_SMI BIT(2)
#define GUEST_INTR_STATE_NMI BIT(3)
#define GUEST_INTR_STATE_ENCLAVE BIT(4)
#define GUEST_INTR_STATE_RESERVED 0xffffffe0ULL	/* bits 31:5 */

/* Guest activity states (SDM 25.4.2). */
#define GUEST_ACTIVITY_ACTIVE 0
#define GUEST_ACTIVITY_HLT 1
#define GUEST_ACTIVITY_SHUTDOWN 2
#define GUEST_ACTIVITY_WAIT_SIPI 3

/* Guest pending debug exceptions (SDM 25.4.2). */
#define PENDING_DBG_B0_B3 0xfULL
#define PENDING_DBG_ENABLED_BP BIT(12)
#define PENDING_DBG_BS BIT(14)
#define PENDING_DBG_RTM BIT(16)
/* Bits 11:4, 13, 15 and 63:17. */
#define PENDING_DBG_RESERVED (0xff0ULL | BIT(13) | BIT(15) | ~0x1ffffULL)
/* With RTM (bit 16) set, bits 11:0 and 15:13 must be 0 (SDM 27.3.1.5). */
#define PENDING_DBG_RTM_ZERO 0xefffULL

/* The VMCS link pointer value that means "no shadow VMCS" (SDM 25.4.2). */
#define VMCS_LINK_POINTER_NONE (~0ULL)

/* Extended-page-table pointer (SDM 25.6.11). */
#define VMX_EPTP_MT_MASK 7ULL
#define VMX_EPTP_MT_UC 0ULL
#define VMX_EPTP_MT_WB 6ULL
#define VMX_EPTP_PWL_SHIFT 3
#define VMX_EPTP_PWL_MASK (7ULL << VMX_EPTP_PWL_SHIFT)
#define VMX_EPTP_PWL_4 (3ULL << VMX_EPTP_PWL_SHIFT)	/* walk length minus 1 */
#define VMX_EPTP_PWL_5 (4ULL << VMX_EPTP_PWL_SHIFT)
#define VMX_EPTP_AD BIT(6)
#define VMX_EPTP_RESERVED_11_7 0xf80ULL

/* IA32_VMX_EPT_VPID_CAP bits that vmx/caps.h does not name (SDM Vol. 3D A.10). */
#define EPT_CAP_WALK_5 BIT(7)
#define EPT_CAP_MEMTYPE_UC BIT(8)

/* IA32_VMX_MISC (SDM Vol. 3D A.6). */
#define VMX_MISC_ACTIVITY_HLT BIT(6)
#define VMX_MISC_ACTIVITY_SHUTDOWN BIT(7)
#define VMX_MISC_ACTIVITY_WAIT_SIPI BIT(8)
#define VMX_MISC_CR3_TARGETS(m) (((m) >> 16) & 0x1ff)
#define VMX_MISC_VMWRITE_ANY_FIELD BIT(29)
#define VMX_MISC_ZERO_LEN_INJECT BIT(30)

/* VM-function controls (SDM 25.6.14): only EPTP switching is defined. */
#define VMFUNC_EPTP_SWITCHING BIT(0)

/* Posted-interrupt notification vector and descriptor (SDM 25.6.8). */
#define POSTED_INTR_NV_RESERVED 0xff00ULL
#define POSTED_INTR_DESC_ALIGN 64
/* TPR threshold bits 31:4 (SDM 25.6.8). */
#define TPR_THRESHOLD_RESERVED 0xfffffff0ULL

/* VM-exit/VM-entry MSR areas: 16-byte entries, 16-byte aligned (SDM 25.7.2, 25.8.2). */
#define VMX_MSR_ENTRY_SIZE 16
