/*
 * The format of a segment's access rights in the VMCS and in struct
 * vcpu_segment's ar (SDM Vol. 3C 25.4.1), and the descriptor types in
 * its bits 3:0: what a VMM needs to put a vCPU in a given mode.
 */
#pragma once

#include "compiler.h"
#include "types.h"

/*
 * Segment access rights as the VMCS holds them (SDM 25.4.1):
 * bits 7:0 and 15:12 of the descriptor's high dword, plus "unusable".
 */
#define VMX_AR_TYPE_MASK 0xfULL
#define VMX_AR_TYPE_ACCESSED BIT(0)
#define VMX_AR_TYPE_READABLE BIT(1)	/* code segments; "writable" for data */
#define VMX_AR_TYPE_CODE BIT(3)
#define VMX_AR_S BIT(4)
#define VMX_AR_DPL_SHIFT 5
#define VMX_AR_DPL_MASK (3ULL << VMX_AR_DPL_SHIFT)
#define VMX_AR_DPL(ar) (((ar) & VMX_AR_DPL_MASK) >> VMX_AR_DPL_SHIFT)
#define VMX_AR_P BIT(7)
#define VMX_AR_RESERVED_11_8 0xf00ULL
#define VMX_AR_AVL BIT(12)
#define VMX_AR_L BIT(13)
#define VMX_AR_DB BIT(14)
#define VMX_AR_G BIT(15)
#define VMX_AR_UNUSABLE BIT(16)
#define VMX_AR_RESERVED_31_17 0xfffe0000ULL

/* Segment types in bits 3:0 (SDM Vol. 3A 3.4.5.1 and 3.5, Tables 3-1 and 3-2). */
#define SEG_TYPE_LDT 2
#define SEG_TYPE_TSS16_BUSY 3
#define SEG_TYPE_DATA_RW_ACCESSED 3
#define SEG_TYPE_DATA_RW_DOWN_ACCESSED 7
#define SEG_TYPE_CODE_X_ACCESSED 9
#define SEG_TYPE_CODE_XR_ACCESSED 11
#define SEG_TYPE_TSS_BUSY 11		/* 32-bit, or 64-bit in IA-32e mode */
#define SEG_TYPE_CODE_XC_ACCESSED 13
#define SEG_TYPE_CODE_XRC_ACCESSED 15
#define SEG_TYPE_CODE_MIN 8		/* 8..11 non-conforming, 12..15 conforming */
#define SEG_TYPE_CONFORMING_MIN 12
